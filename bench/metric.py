"""The published body metric of the article-extraction benchmark (see ../shared/README.md).

Per page, word 4-gram shingles (tokens are \\w+ matches) of the expected and extracted bodies
are compared as multisets; precision and recall are means over pages where defined, and F1 is
the harmonic mean of those two means.
"""

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date

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
    precision = sum(precisions) / max(len(precisions), 1)
    recall = sum(recalls) / max(len(recalls), 1)
    # a page whose extraction shares no shingle with its truth (as `--dump` scores it alone)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def word_f1(expected: str, extracted: str) -> float:
    """WCXB's body metric for one page: F1 of lower-cased \\w+ tokens as multisets (1 when
    both are empty, 0 when only one is)."""
    want = Counter(_TOKEN.findall((expected or "").lower()))
    got = Counter(_TOKEN.findall((extracted or "").lower()))
    if not want and not got:
        return 1.0
    overlap = sum((want & got).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def snippet_counts(
    must_have: Iterable[str], must_not_have: Iterable[str], extracted: str
) -> tuple[int, int, int, int]:
    """WCXB's snippet check for one page, as trafilatura's own evaluation counts its
    "with"/"without" sentences: (true positives, false negatives, false positives, true
    negatives). A snippet is found when its words (normalised_words) stand in a row in the
    extracted body's."""
    body = f" {normalised_words(extracted)} "

    def found(snippets: Iterable[str]) -> list[bool]:
        return [f" {words} " in body for s in snippets if (words := normalised_words(s))]

    found_have, found_not = found(must_have), found(must_not_have)
    return (
        sum(found_have),
        len(found_have) - sum(found_have),
        sum(found_not),
        len(found_not) - sum(found_not),
    )


def snippet_scores(counts: Iterable[tuple[int, int, int, int]]) -> tuple[float, float, float]:
    """(precision, recall, F1) of snippet counts summed over pages."""
    rows = list(counts)
    tp, fn, fp = (sum(row[column] for row in rows) for column in range(3))
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


_NAME_SEPARATORS = re.compile(r"\s*(?:[,;&|/]|\band\b|\bund\b|\bet\b|\by\b)\s*", re.I)


def normalised_words(text: str | None) -> str:
    """Lower-case \\w+ tokens joined by single spaces: how titles and names are compared."""
    return " ".join(_TOKEN.findall((text or "").lower()))


def names_of(
    authors: str | list[str] | None, leave_out: re.Pattern[str] | None = None
) -> frozenset[str]:
    """The set of normalised names in an author field, split on commas, semicolons, "and";
    without the parts `leave_out` matches whole."""
    fields = [authors] if isinstance(authors, str) else list(authors or [])
    return frozenset(
        name
        for field in fields
        for part in _NAME_SEPARATORS.split(field)
        if not (leave_out and leave_out.fullmatch(part.strip()))
        and (name := normalised_words(part))
    )


# A credential or post-nominal a label may keep after a name ("MS", "RD", "Ph.D.", "CEPF®"):
# capitals, dots and a mark, one token.
_CREDENTIAL = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z.®]{2,8}")


def names_without_credentials(authors: str | list[str] | None) -> frozenset[str]:
    """names_of, leaving out the parts that are only a credential: the issue asks for names
    without titles, and some labels keep them ("Jillian Kubala, MS, RD")."""
    return names_of(authors, _CREDENTIAL)


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def day_renderings(day: date) -> set[str]:
    """The ways an English page writes `day` in full, lower case: ISO and numeric forms (both
    orders, with and without leading zeros), and month names, full or abbreviated, before or
    after the day, with or without an ordinal suffix."""
    y, m, d = day.year, day.month, day.day
    forms = {f"{y}-{m:02}-{d:02}", f"{y}/{m:02}/{d:02}", f"{y}/{m}/{d}", f"{y}{m:02}{d:02}"}
    for first, second in ((m, d), (d, m)):
        forms |= {f"{first}/{second}/{y}", f"{first:02}/{second:02}/{y}"}
        forms |= {f"{first}.{second}.{y}", f"{first:02}.{second:02}.{y}"}
    name = _MONTHS[m - 1]
    suffix = "th" if 10 < d % 100 < 14 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    for month in (name, name[:3], name[:3] + ".", name[:4] + "."):
        for number in (str(d), f"{d:02}", f"{d}{suffix}"):
            forms |= {f"{month} {number}, {y}", f"{month} {number} {y}", f"{number} {month} {y}"}
            forms.add(f"{number} of {month} {y}")
    return forms


def writes_day_in_any_form(texts: Iterable[str], day: date) -> bool:
    """Whether one of `texts` (a page's HTML, its address) writes `day` in a form of
    `day_renderings`, spaces collapsed and not inside a longer number ("6 sep" is not in
    "26 sep"): a labelled day no form writes is one no extractor can find. Broader than
    `tasks.dates.writes_day`, which asks whether the archive's own date reading finds it."""
    forms = "|".join(map(re.escape, sorted(day_renderings(day), key=len, reverse=True)))
    written = re.compile(rf"(?<![0-9a-z])(?:{forms})(?![0-9])")
    return any(written.search(" ".join(text.lower().split())) for text in texts)
