"""The author a page shows under its headline, when its meta tags and structured data name none,
and author names cleaned of what surrounds them on a page.

Two signs a reader sees, looked for after the first `<h1>` and outside navigation, footers,
forms and asides: a link to the site's own author page (`/author/jane-doe`, `/people/...`,
`/staff/...`), and a short line that starts with "By" ("Written by", "von", "par", "por", ...).
What follows is cut at the first date, separator or digit, and kept only if it reads like a
name: one to five words, starting with a capital letter. Pure functions over a parsed page.
"""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

# A link to an author's page on the same site: the last path step is the author's slug.
_AUTHOR_PAGE = re.compile(
    r"/(?:authors?|people|staff|writers?|contributors?|profiles?|team)/[^/?#]+/?(?:[?#]|$)",
    re.I,
)
_BY = re.compile(
    r"^(?:by|written by|words by|posted by|text by|von|par|por|di|door|av|af|autor|auteur)"
    r"\s*[:\-]?\s+(.+)$",
    re.I,
)
_BY_WORD = re.compile(_BY.pattern.split(r"\s*[:\-]?")[0] + r"\b", re.I)
_LINK_PREFIX = re.compile(r"^(?:articles|posts|stories|more|all posts) by\s+(.+)$", re.I)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june"
    "|july|august|september|october|november|december"
)
# Where a name ends: a date, a separator, a digit, "on <day>", "updated ...". A month with no
# day after it ends a name only as its last word (see _name): "May" and "June" are names too.
_NAME_END = re.compile(
    r"\s+(?:on|at|in|updated|published|posted|last|·|•|⋅|\||-|–|—)\s+|\s*[|·•⋅,(]\s*|\d"
    rf"|\s+(?:{_MONTHS})\b\.?\s*(?=\d)",
    re.I,
)
_MONTH = re.compile(rf"(?:{_MONTHS})\.?", re.I)
# What a byline finder puts before a name.
_CREDIT_PREFIX = re.compile(
    r"^(?:(?:recipe|article|story|words|text|photos?|written|posted|reviewed|edited)\s+by|by"
    r"|author|read more about|more about)\s*[:\-]?\s+",
    re.I,
)
_DATE_LINE = re.compile(r"^(?:updated|published|posted|last updated|modified)\b", re.I)
_NOT_NAMES = frozenset(["author", "authors", "view all", "more", "team", "staff", "about"])
_OUTSIDE = frozenset(
    ["nav", "footer", "form", "button", "select", "option", "script", "style", "noscript", "aside"]
)
_LOOKED_AT = 600  # elements after the headline: a byline sits near it
_LONGEST_LINE = 100  # characters of a byline with its date


def _name(text: str) -> str | None:
    """The name a byline's text starts with, or None when it does not read like one."""
    name = _NAME_END.split(" ".join(text.split()))[0].strip(" ,.:;-")
    words = name.split()
    if len(words) >= 3 and _MONTH.fullmatch(words[-1]):  # "Jane Doe December", not "Tom May"
        name = " ".join(words[:-1])
    if not name or len(name) > 60 or not 1 <= len(name.split()) <= 5 or not name[0].isupper():
        return None
    return None if name.lower() in _NOT_NAMES else name


def clean_author(name: str) -> str | None:
    """One author name as a byline finder gave it, without what surrounds names on a page: a
    credit before it ("By", "Author", "Recipe by"), a date, a separator and what follows it
    (a title after a comma, "• March 3"). None for a date line taken for a name ("Updated
    January"); the name as it came when what is left does not read like a name.
    """
    stripped = _CREDIT_PREFIX.sub("", " ".join(name.split()))
    if _DATE_LINE.match(stripped):
        return None
    return _name(stripped) or name.strip() or None


def _after_headline(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements from the first <h1> on in document order (the whole page when it has none),
    leaving out the subtrees of navigation, footers, forms and asides; at most _LOOKED_AT."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        roots = [tree]
    else:  # the headline, then what follows each of it and its ancestors
        roots = [headline]
        for node in [headline, *headline.iterancestors()]:
            roots.extend(sibling for sibling in node.itersiblings() if isinstance(sibling.tag, str))
    seen = 0
    for root in roots:
        walker = etree.iterwalk(root, events=("start",))
        for _, element in walker:
            if not isinstance(element.tag, str):
                continue
            if element.tag in _OUTSIDE:
                walker.skip_subtree()
                continue
            seen += 1
            if seen > _LOOKED_AT:
                return
            yield element


def _opens_with_by(element: HtmlElement) -> bool:
    """Whether the element's first words could be a byline's ("By", "Written by", ...): a
    cheap test before its text is read."""
    first = (element.text or "").strip()
    if not first and len(element):
        first = (element[0].text or "").strip()
    return bool(first) and _BY_WORD.match(first) is not None


def _short_text(element: HtmlElement) -> str | None:
    """The element's text with white space folded, or None when it is longer than a byline
    (read piece by piece, so a large element costs no more than a short one)."""
    pieces, size = [], 0
    for piece in element.itertext():
        pieces.append(piece)
        size += len(piece)
        if size > 4 * _LONGEST_LINE:
            return None
    text = " ".join(" ".join(pieces).split())
    return text if len(text) <= _LONGEST_LINE else None


def _author_link(element: HtmlElement, host: str) -> str | None:
    href = element.get("href") or ""
    if not _AUTHOR_PAGE.search(href):
        return None
    link_host = (urlsplit(href).hostname or "").removeprefix("www.")
    if link_host and link_host != host:
        return None  # a profile on a social network, not the site's author page
    text = " ".join(" ".join(element.itertext()).split())
    prefixed = _BY.match(text) or _LINK_PREFIX.match(text)
    return _name(prefixed.group(1) if prefixed else text)


def byline_author(tree: HtmlElement, url: str) -> str | None:
    """The author named near the headline: the first link to the site's author page, else
    the first short "By ..." line; None when neither reads like a name."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    lines = []
    for element in _after_headline(tree):
        if element.tag == "a" and (name := _author_link(element, host)):
            return name
        if _opens_with_by(element) and (text := _short_text(element)) and (by := _BY.match(text)):
            lines.append(by.group(1))
    for line in lines:
        if name := _name(line):
            return name
    return None


def clean_authors(authors: str | None) -> str | None:
    """A "; "-separated author field with each name cleaned (clean_author); None when no name
    is left."""
    names = [clean_author(name) for name in (authors or "").split(";")]
    return "; ".join(name for name in names if name) or None
