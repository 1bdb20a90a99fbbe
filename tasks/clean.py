"""Cleaning inside one page: error text at the edges, repeated paragraphs, page verdicts.

Pure functions over lists of paragraph strings; no I/O.
"""

from dataclasses import dataclass

from tasks.error_text import is_strong_error, is_weak_error
from tasks.furniture import trailing_furniture
from tasks.ids import normalise_text
from tasks.minhash import jaccard, shingles_of, tokens_of

KEPT, REPEATED, BOILERPLATE, ERROR_TEXT = "kept", "repeated", "boilerplate", "error_text"
# A paragraph of NEAR_REPEAT_WORDS words or more whose 3-word shingles overlap an earlier
# paragraph's by NEAR_REPEAT_JACCARD is a second capture of it with small changes (an updated
# time, a corrected typo). Shorter lines must repeat exactly: lists, schedules and recipes hold
# short lines that differ in a word or two and are all content.
NEAR_REPEAT_WORDS = 20
NEAR_REPEAT_JACCARD = 0.8
NEAR_REPEAT_SHINGLE = 3
NEAR_REPEAT_MAX_PARAGRAPHS = 400  # beyond this (listings, not articles) only exact repeats count


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a page and what became of it."""

    text: str
    status: str = KEPT
    reason: str | None = None


def _error_run(lines: list[str]) -> int:
    """Length of the leading run of error lines, or 0 if the run holds no strong error line."""
    run, strong = 0, False
    for line in lines:
        if is_strong_error(line):
            strong = True
        elif not is_weak_error(line):
            break
        run += 1
    return run if strong else 0


def error_edges(texts: list[str]) -> tuple[int, int]:
    """Return how many leading and trailing paragraphs are error-page text."""
    head = _error_run(texts)
    tail = _error_run(texts[head:][::-1])
    return head, tail


def near_repeats(keys: list[str]) -> set[int]:
    """Indices of paragraphs that nearly repeat an earlier paragraph of the same page; `keys`
    are the paragraphs passed through normalise_text."""
    if len(keys) > NEAR_REPEAT_MAX_PARAGRAPHS:
        return set()
    tokens = [tokens_of(key) for key in keys]
    shingles = [
        shingles_of(words, NEAR_REPEAT_SHINGLE) if len(words) >= NEAR_REPEAT_WORDS else None
        for words in tokens
    ]
    found = set()
    for index, mine in enumerate(shingles):
        if mine is None:
            continue
        for earlier in shingles[:index]:
            # Jaccard is at most the ratio of the two sizes: most pairs end at this check.
            if (
                earlier is not None
                and min(len(mine), len(earlier))
                >= NEAR_REPEAT_JACCARD * max(len(mine), len(earlier))
                and jaccard(mine, earlier) >= NEAR_REPEAT_JACCARD
            ):
                found.add(index)
                break
    return found


def mark_paragraphs(texts: list[str], title: str | None = None) -> list[Paragraph]:
    """Mark error text at the edges, furniture at the end, a first paragraph that repeats the
    title, and paragraphs repeated on the page (the first copy is kept).

    Comparison ignores case and punctuation.
    """
    keyed = [(text, key) for text in texts if (key := normalise_text(text))]
    texts, keys = [text for text, _ in keyed], [key for _, key in keyed]
    head, tail = error_edges(texts)
    furniture = len(texts) - tail - trailing_furniture(texts[head : len(texts) - tail])
    title_key = normalise_text(title) if title else None
    near = near_repeats(keys)
    seen: set[str] = set()
    repeated = set()
    for index, key in enumerate(keys):
        if head <= index < furniture and (key in seen or index in near):
            repeated.add(index)
        seen.add(key)
    first_body = head
    marked = []
    for index, text in enumerate(texts):
        if index < head or index >= len(texts) - tail:
            marked.append(Paragraph(text, ERROR_TEXT, "error_page_text"))
        elif index >= furniture:
            marked.append(Paragraph(text, BOILERPLATE, "page_furniture"))
        elif index == first_body and keys[index] == title_key:
            marked.append(Paragraph(text, REPEATED, "repeat_of_title"))
        elif index in repeated:
            exact = keys.index(keys[index]) < index
            marked.append(Paragraph(text, REPEATED, "exact_repeat" if exact else "near_repeat"))
        else:
            marked.append(Paragraph(text, KEPT))
    return marked


def body_of(paragraphs: list[Paragraph]) -> str:
    """The clean body: kept paragraphs in order, one per line."""
    return "\n".join(p.text for p in paragraphs if p.status == KEPT)


def page_verdict(
    paragraphs: list[Paragraph], http_status: int | None, title: str | None, min_words: int
) -> tuple[str, str | None]:
    """Decide (status, reason) for a page from its marked paragraphs.

    4xx/5xx captures are error pages; so is a page whose remaining text is too short once its
    error lines are removed, or whose title says it is an error page (a soft 404).
    """
    if http_status is not None and http_status >= 400:
        return "error_page", f"http_{http_status}"
    words = sum(len(p.text.split()) for p in paragraphs if p.status == KEPT)
    has_error_text = any(p.status == ERROR_TEXT for p in paragraphs)
    title_says_error = bool(title) and is_strong_error(title or "")
    if words < min_words and (has_error_text or title_says_error):
        return "error_page", "soft_404"
    if words == 0:
        return "not_article", "no_content"
    if words < min_words:
        return "not_article", "too_short"
    return "article", None
