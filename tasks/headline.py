"""The headline of a page: the visible `<h1>` that the page's own metadata agrees with.

`<title>` carries the site's name ("Story | Site"), `og:title` and JSON-LD `headline` are
often the SEO title, and a page may hold several `<h1>` (the logo, a menu, the story). The
headline a reader sees is the `<h1>` whose words the metadata titles share; when none does, the
metadata's title without the site's name; a lone `<h1>` last. Pure functions.
"""

import html
import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from tasks.ids import normalise_text
from tasks.structured import Structured

_MAX_HEADLINE_WORDS = 40
# A separator between a title and the site's name: "Story | Site", "Story - Site", "Site » Story"
_SEPARATOR = re.compile(r"\s+[|\-–—:·•»~/]\s+|\s*[|·•»]\s*")
_HOST_NOISE = {"www", "com", "org", "net", "co", "uk", "edu", "gov", "io", "de", "fr", "news"}
# Share of the shorter title's words the h1 and a metadata title must have in common: low,
# because the SEO title is often a rewording of the headline ("8 Trends in X" / "Trends in X").
_AGREEMENT = 0.3


def _words(text: str | None) -> set[str]:
    return set(normalise_text(text or "").split())


def _clean(text: str | None) -> str:
    return " ".join(html.unescape(text or "").split())


def visible_text(element: HtmlElement) -> str:
    """The element's text, its pieces joined by spaces (markup inside a heading often stands
    between words, and CSS may make a span a block), except a lone capital before a lower-case
    rest: a drop cap ("<span>C</span>ycle")."""
    text = ""
    for piece in element.itertext():
        before = text.rstrip()
        drop_cap = before[-1:].isupper() and (len(before) == 1 or not before[-2].isalpha())
        if drop_cap and piece[:1].islower():
            text = before + piece
        else:
            text += " " + piece if text else piece
    return text


def _agreement(first: str, second: str) -> float:
    a, b = _words(first), _words(second)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def without_site_name(title: str, site_words: set[str]) -> str:
    """`title` without the segments that only name the site; the longest segment left."""
    segments = [s.strip() for s in _SEPARATOR.split(title) if s.strip()]
    if len(segments) <= 1:
        return title.strip()
    kept = [s for s in segments if not _words(s) <= site_words | {"the"}] or segments[:1]
    return max(kept, key=lambda s: len(s.split()))


def choose_headline(
    tree: HtmlElement, structured: Structured, site_name: str | None, url: str | None
) -> str | None:
    """The page's headline (see the module docstring), or None when it gives no title."""
    host = urlsplit(url or "").hostname or ""
    site_words = _words(site_name) | (_words(host) - _HOST_NOISE)

    def names_only_the_site(text: str) -> bool:
        return _words(text) <= site_words

    headings = [
        text
        for heading in tree.iter("h1")
        if 0 < len((text := _clean(visible_text(heading))).split()) <= _MAX_HEADLINE_WORDS
        and not names_only_the_site(text)
    ]
    title_element = tree.find(".//title")
    titled = [
        *structured.strings("headline"),
        structured.open_graph.get("og:title"),
        title_element.text_content() if title_element is not None else None,
    ]
    metadata = [text for raw in titled if (text := _clean(raw)) and not names_only_the_site(text)]
    if headings and metadata:
        agreement, _, heading = max(
            (max(_agreement(h, m) for m in metadata), -i, h) for i, h in enumerate(headings)
        )
        if agreement >= _AGREEMENT:
            return heading
    if metadata:
        return without_site_name(metadata[0], site_words)
    return headings[0] if headings else None
