"""Stable identifiers and URL helpers: pure functions, no I/O."""

import hashlib
import re
from urllib.parse import urlsplit

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar), as a
# character class's ranges. Hangul uses spaces.
UNSPACED_SCRIPTS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")
# Characters of an unspaced script that make one word, on average (Chinese words are one to
# two characters, Japanese and Thai ones longer): split at spaces alone, a Japanese story of
# six paragraphs is six words.
_CHARACTERS_PER_WORD = 2


def count_words(text: str) -> int:
    """How many words `text` holds, in any script: the words between spaces, and in scripts
    written without spaces (UNSPACED_SCRIPTS) one word for every two characters."""
    if not _UNSPACED.search(text):
        return len(text.split())
    spaced, unspaced = _UNSPACED.subn(" ", text)  # "PCをCtrl": "PC", "Ctrl" and one character
    return len(spaced.split()) + -(-unspaced // _CHARACTERS_PER_WORD)


def stable_id(*parts: str) -> str:
    """Return a 32-hex-digit id that depends only on `parts` (and their order)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def content_hash(payload: bytes) -> str:
    """Return the sha256 hex digest of a raw payload."""
    return hashlib.sha256(payload).hexdigest()


def page_id(url: str, payload_hash: str) -> str:
    """Identify a page by its URL and exact content: the same capture seen twice is one page."""
    return stable_id("page", url, payload_hash)


def failure_id(source: str, reason: str) -> str:
    """Identify an input that could not be read as a page (it has no URL or content)."""
    return stable_id("failure", source, reason)


def site_of(url: str) -> str | None:
    """Return the host of `url` in lower case without a leading "www.", or None if it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def normalise_text(text: str) -> str:
    """Fold case, punctuation and white space so that trivially different copies compare equal."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def text_hash(text: str) -> str:
    """Hash of the normalised text; equal for copies that differ only in case or punctuation."""
    return stable_id("text", normalise_text(text))


def paragraph_key(text: str) -> str:
    """Key of a paragraph for counting its recurrences across a site's pages.

    Digits are folded too, so "3 comments" and "12 comments", or "(c) 2024" and "(c) 2025",
    count as the same line of site furniture.
    """
    return stable_id("paragraph", _DIGITS.sub("0", normalise_text(text)))[:16]


# The key of every line that holds no word ("}", "* * *", a table's rule): one key for all of
# them, so no such line is counted as a site's furniture.
NO_WORDS_KEY = paragraph_key("")
