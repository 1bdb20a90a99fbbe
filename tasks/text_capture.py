"""Plain-text captures (a scraper's text dump of a page): paragraphs and the headline.

Pure functions; the file is read elsewhere.
"""

import re

from tasks.clean import BOILERPLATE, Paragraph, error_edges, mark_paragraphs
from tasks.error_text import is_strong_error, is_weak_error
from tasks.ids import count_words

_SENTENCE_END = re.compile(r"[.!?:;…\"'”’)\]]\s*$")
_WRAP_WIDTH = 80
_HEADLINE_WORDS = (2, 30)
# How a sentence or a label ends, in Latin and CJK punctuation: a headline does not
_NOT_HEADLINE_END = re.compile(r"[.,;:。、，；：]\s*$")
_MAX_LINES_BEFORE_HEADLINE = 3  # site name, section, date; more means there is no headline


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when the capture looks wrapped at a fixed width, with blank lines between paragraphs."""
    filled = [line for line in lines if line]
    if len(filled) < 8 or len(filled) == len(lines):
        return False
    return sum(len(line) <= _WRAP_WIDTH for line in filled) >= 0.9 * len(filled)


def split_paragraphs(text: str) -> list[str]:
    """Split a capture into paragraphs.

    A line is a paragraph, except that a line starting in lower case continues the previous
    one when that did not end a sentence; a capture hard-wrapped at a fixed width uses blank
    lines as paragraph breaks instead.
    """
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    if _is_hard_wrapped(lines):
        blocks = "\n".join(lines).split("\n\n")
        return [" ".join(block.split()) for block in blocks if block.strip()]
    paragraphs: list[str] = []
    for line in lines:
        if not line:
            continue
        if paragraphs and line[0].islower() and not _SENTENCE_END.search(paragraphs[-1]):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def looks_like_headline(line: str) -> bool:
    """A headline is a short line of words (in any script, `count_words`) that does not end like
    a sentence or a label."""
    words = count_words(line)
    return (
        _HEADLINE_WORDS[0] <= words <= _HEADLINE_WORDS[1]
        and not _NOT_HEADLINE_END.search(line)
        and sum(ch.isalpha() for ch in line) >= 0.5 * len(line.replace(" ", ""))
        and not is_strong_error(line)
        and not is_weak_error(line)
    )


def parse_text_capture(text: str, title: str | None = None) -> tuple[str | None, list[Paragraph]]:
    """Return (title, marked paragraphs) for a plain-text capture.

    Without a given title, the first headline-like line after any error-page header is the
    title; non-error lines before it are page furniture (boilerplate).
    """
    texts = split_paragraphs(text)
    head, _ = error_edges(texts)
    start = head  # first body paragraph
    if title is None:
        found = next((i for i in range(head, len(texts)) if looks_like_headline(texts[i])), None)
        if found is not None and found - head <= _MAX_LINES_BEFORE_HEADLINE:
            title, start = texts[found], found + 1
    marked = mark_paragraphs(texts[:head] + texts[start:], title)
    before = texts[head : max(head, start - 1)]
    furniture = [Paragraph(line, BOILERPLATE, "before_headline") for line in before]
    return title, marked[:head] + furniture + marked[head:]
