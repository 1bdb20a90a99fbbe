"""The published body metric of the article-extraction benchmark (see ../shared/README.md).

Per page, word 4-gram shingles (tokens are \\w+ matches) of the expected and extracted bodies
are compared as multisets; precision and recall are means over pages where defined, and F1 is
the harmonic mean of those two means.
"""

import re
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams of `text`."""
    words = _TOKEN.findall(text or "")
    return Counter(tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1)))


def body_scores(pairs: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over (expected, extracted) body pairs."""
    precisions, recalls = [], []
    for expected, extracted in pairs:
        want, got = shingles(expected), shingles(extracted)
        tp = sum((want & got).values())
        fp = sum((got - want).values())
        fn = sum((want - got).values())
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    return precision, recall, 2 * precision * recall / (precision + recall)
