"""Cleaning inside one page: error text at the edges, repeated paragraphs, page verdicts.

Pure functions over lists of paragraph strings; no I/O.
"""

from dataclasses import dataclass

from tasks.error_text import is_strong_error, is_weak_error
from tasks.furniture import trailing_furniture
from tasks.ids import normalise_text

KEPT, REPEATED, BOILERPLATE, ERROR_TEXT = "kept", "repeated", "boilerplate", "error_text"
PROSE_WORDS = 25


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


def _dropped_repeats(keys: list[str], candidates: list[bool]) -> set[int]:
    """Which repeated paragraphs to drop: those in a run of repeats that is mostly prose.

    A page captured twice repeats whole paragraphs of prose; a recipe or a schedule repeats
    short lines ("Eat every 2-3 hours") that belong to its content. So a run of consecutive
    repeats is dropped when most of its words sit in paragraphs of PROSE_WORDS words or more.
    """
    dropped: set[int] = set()
    index = 0
    while index < len(keys):
        if not candidates[index]:
            index += 1
            continue
        end = index
        while end < len(keys) and candidates[end]:
            end += 1
        words = [len(keys[i].split()) for i in range(index, end)]
        prose = sum(w for w in words if w >= PROSE_WORDS)
        if prose * 2 >= sum(words):
            dropped.update(range(index, end))
        index = end
    return dropped


def mark_paragraphs(texts: list[str], title: str | None = None) -> list[Paragraph]:
    """Mark error text at the edges, furniture at the end, a first paragraph that repeats the
    title, and paragraphs repeated on the page (the first copy is kept).

    Comparison ignores case and punctuation.
    """
    texts = [t for t in texts if normalise_text(t)]
    head, tail = error_edges(texts)
    furniture = len(texts) - tail - trailing_furniture(texts[head : len(texts) - tail])
    keys = [normalise_text(t) for t in texts]
    title_key = normalise_text(title) if title else None
    seen: set[str] = set()
    candidates = []
    for index, key in enumerate(keys):
        candidates.append(head <= index < furniture and key in seen)
        seen.add(key)
    dropped = _dropped_repeats(keys, candidates)
    first_body = head
    marked = []
    for index, text in enumerate(texts):
        if index < head or index >= len(texts) - tail:
            marked.append(Paragraph(text, ERROR_TEXT, "error_page_text"))
        elif index >= furniture:
            marked.append(Paragraph(text, BOILERPLATE, "page_furniture"))
        elif index == first_body and keys[index] == title_key:
            marked.append(Paragraph(text, REPEATED, "repeat_of_title"))
        elif index in dropped:
            marked.append(Paragraph(text, REPEATED, "exact_repeat"))
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
