"""Cleaning inside one page: error text at the edges, repeated paragraphs, page verdicts.

Pure functions over lists of paragraph strings; no I/O.
"""

from dataclasses import dataclass

from tasks.error_text import is_strong_error, is_weak_error
from tasks.furniture import is_reading_time, trailing_furniture
from tasks.headline import DECORATION_WORDS, story_segment
from tasks.ids import count_words, normalise_text
from tasks.minhash import jaccard, shingles_of, tokens_of

KEPT, REPEATED, BOILERPLATE, ERROR_TEXT = "kept", "repeated", "boilerplate", "error_text"
# A paragraph of NEAR_REPEAT_WORDS words or more whose 3-word shingles overlap an earlier
# paragraph's by NEAR_REPEAT_JACCARD is a second capture of it with small changes (an updated
# time, a corrected typo). Shorter lines must repeat exactly.
NEAR_REPEAT_WORDS = 20
NEAR_REPEAT_JACCARD = 0.8
NEAR_REPEAT_SHINGLE = 3
NEAR_REPEAT_MAX_PARAGRAPHS = 400  # beyond this (listings, not articles) only exact repeats count
# Earlier copies remembered per exact paragraph: enough to align runs, bounded on pages that
# repeat one line thousands of times.
_EXACT_COPIES_KEPT = 16
# A second capture of a body repeats a run of paragraphs in order, and a sizeable share of
# the page; a single line that recurs ("Eat every 2-3 hours" under each meal, the same blurb
# under each event), a short run (two lines of code, "Pros / Cons") and a code sample shown
# again in a tab are content, and both development sets' ground truth keeps them (measured
# with bench/quality.py).
MIN_REPEATED_RUN = 2
MIN_REPEATED_WORDS = 30
MIN_REPEATED_SHARE = 0.05  # of the page's words


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a page and what became of it."""

    text: str
    status: str = KEPT
    reason: str | None = None


def _error_run(lines: list[str]) -> int:
    """Length of the leading run of error lines, or 0 if the run holds no strong error line.
    A line without a word ("—" between "404" and "Page not found") is part of the run."""
    run, strong = 0, False
    for line in lines:
        if is_strong_error(line):
            strong = True
        elif not is_weak_error(line) and normalise_text(line):
            break
        run += 1
    return run if strong else 0


def error_edges(texts: list[str]) -> tuple[int, int]:
    """Return how many leading and trailing paragraphs are error-page text."""
    head = _error_run(texts)
    tail = _error_run(texts[head:][::-1])
    return head, tail


def repeat_pairs(keys: list[str]) -> list[set[int]]:
    """For each paragraph, the earlier paragraphs it repeats: exactly, or nearly when both are
    long (see NEAR_REPEAT_*); `keys` are the paragraphs passed through normalise_text."""
    earlier: list[set[int]] = [set() for _ in keys]
    seen: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        copies = seen.setdefault(key, [])
        earlier[index].update(copies)
        copies.append(index)
        del copies[:-_EXACT_COPIES_KEPT]
    if len(keys) > NEAR_REPEAT_MAX_PARAGRAPHS:
        return earlier
    shingles = []
    for key in keys:
        words = tokens_of(key)
        shingles.append(
            shingles_of(words, NEAR_REPEAT_SHINGLE) if len(words) >= NEAR_REPEAT_WORDS else None
        )
    for index, mine in enumerate(shingles):
        if mine is None:
            continue
        for before, theirs in enumerate(shingles[:index]):
            # Jaccard is at most the ratio of the two sizes: most pairs end at this check.
            if (
                theirs is not None
                and before not in earlier[index]
                and min(len(mine), len(theirs)) >= NEAR_REPEAT_JACCARD * max(len(mine), len(theirs))
                and jaccard(mine, theirs) >= NEAR_REPEAT_JACCARD
            ):
                earlier[index].add(before)
    return earlier


def repeated_runs(keys: list[str]) -> set[int]:
    """Indices of paragraphs in a second copy of a run of the same page: at least
    MIN_REPEATED_RUN paragraphs, MIN_REPEATED_WORDS words and MIN_REPEATED_SHARE of the page's
    words, each repeating the paragraph after the one its predecessor repeats."""
    earlier = repeat_pairs(keys)
    pairs = {(index, before) for index, befores in enumerate(earlier) for before in befores}
    words = [count_words(key) for key in keys]
    least = max(MIN_REPEATED_WORDS, MIN_REPEATED_SHARE * sum(words))
    found: set[int] = set()
    for index, before in pairs:
        if (index - 1, before - 1) in pairs:
            continue  # inside a run counted from its start
        length = 1
        while (index + length, before + length) in pairs:
            length += 1
        run = range(index, index + length)
        if length >= MIN_REPEATED_RUN and sum(words[i] for i in run) >= least:
            found.update(run)
    return found


def _story_key(line: str) -> str:
    """The key of a line's headline part: the whole heading may open the body ("Kicker |
    Story") where the headline kept only its longest part (tasks/headline.py)."""
    return normalise_text(story_segment(line))


def repeats_title(text: str, key: str, title_key: str) -> bool:
    """Whether a paragraph (`key`: its normalise_text) is the title shown again: the whole
    heading, its story part, or the title with a label before it or counters after it (the
    words the headline leaves out, DECORATION_WORDS at most; tasks/headline.py)."""
    if title_key in (key, _story_key(text)):
        return True
    words, title_words = key.split(), title_key.split()
    extra = len(words) - len(title_words)
    return 0 < extra <= DECORATION_WORDS < len(title_words) and title_words in (
        words[extra:],
        words[: len(title_words)],
    )


def mark_paragraphs(texts: list[str], title: str | None = None) -> list[Paragraph]:
    """Mark error text at the edges, furniture at the end, a first paragraph that repeats the
    title, reading-time lines ("6 min read"), and runs of paragraphs repeated on the page (the
    first copy is kept).

    Comparison ignores case and punctuation. A line without a word (a code sample's closing
    brace, a table's rule, a "* * *" break) is decided with the worded line before it (at the
    top, the first one after it): kept inside a kept passage, dropped with a dropped one, as
    the braces of a repeated code sample go with it. Blank lines are no paragraphs.
    """
    lines = [text for text in texts if text.strip()]
    worded = [index for index, text in enumerate(lines) if normalise_text(text)]
    decided = _mark_worded([lines[index] for index in worded], title)
    if not decided:
        return [Paragraph(text) for text in lines]
    marked, following = [], 0
    for index, text in enumerate(lines):
        if following < len(worded) and worded[following] == index:
            marked.append(decided[following])
            following += 1
        else:
            like = decided[max(following - 1, 0)]
            marked.append(Paragraph(text, like.status, like.reason))
    return marked


def _mark_worded(texts: list[str], title: str | None) -> list[Paragraph]:
    """mark_paragraphs over lines that each hold a word."""
    keys = [normalise_text(text) for text in texts]
    head, tail = error_edges(texts)
    furniture = len(texts) - tail - trailing_furniture(texts[head : len(texts) - tail])
    title_key = normalise_text(title) if title else None
    repeated = {index for index in repeated_runs(keys) if head <= index < furniture}
    first_body = head
    marked = []
    for index, text in enumerate(texts):
        if index < head or index >= len(texts) - tail:
            marked.append(Paragraph(text, ERROR_TEXT, "error_page_text"))
        elif index >= furniture:
            marked.append(Paragraph(text, BOILERPLATE, "page_furniture"))
        elif index == first_body and title_key and repeats_title(text, keys[index], title_key):
            marked.append(Paragraph(text, REPEATED, "repeat_of_title"))
        elif is_reading_time(text):
            marked.append(Paragraph(text, BOILERPLATE, "reading_time"))
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
    words = sum(count_words(p.text) for p in paragraphs if p.status == KEPT)
    has_error_text = any(p.status == ERROR_TEXT for p in paragraphs)
    title_says_error = bool(title) and is_strong_error(title or "")
    if words < min_words and (has_error_text or title_says_error):
        return "error_page", "soft_404"
    if words == 0:
        return "not_article", "no_content"
    if words < min_words:
        return "not_article", "too_short"
    return "article", None
