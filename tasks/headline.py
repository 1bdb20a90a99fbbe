"""The headline of a page: the visible `<h1>` that the page's own metadata agrees with.

`<title>` carries the site's name ("Story | Site"), `og:title` and JSON-LD `headline` are
often the SEO title, and a page may hold several `<h1>` (the logo, a menu, the story). The
headline a reader sees is the `<h1>` whose words the metadata titles share (of several, the one
sharing the most; a heading that links to another page, a teaser's in a carousel of stories,
only when no other agrees), without a label or counters in markup of their own that the
metadata leaves out ("Blog:", a source's domain, a comment count), and with the metadata's
characters where the template wrote "?" for ones it could not encode; when none agrees (a
heading in capitals is a label or styling and never does), the metadata's title without the
site's name; a lone `<h1>` (one that links nowhere else, if there is one) last. Pure functions.
"""

import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from tasks.ids import count_words, normalise_text
from tasks.structured import Structured

_MAX_HEADLINE_WORDS = 40
# Words of a heading's label or counters that its metadata titles may leave out (see undecorated)
DECORATION_WORDS = 3
# A separator between a title and the site's name: "Story | Site", "Story - Site", "Site » Story"
_SEPARATOR_CHARACTERS = "|-–—:·•»~/"
_SEPARATOR = re.compile(rf"\s+[{re.escape(_SEPARATOR_CHARACTERS)}]\s+|\s*[|·•»]\s*")
_BAR = re.compile(r"\s+[|¦]\s+")
_SEPARATOR_KEPT = re.compile(f"({_SEPARATOR.pattern})")
# Where a `<title>` may be cut into the site's name and the page's title, when one part is the
# page's own title word for word: the separators, and a colon ("Site: Story").
_TITLE_SEGMENTS = re.compile(f"{_SEPARATOR.pattern}|:\\s+")
_HOST_NOISE = {"www", "com", "org", "net", "co", "uk", "edu", "gov", "io", "de", "fr", "news"}
# Share of the shorter title's words the h1 and a metadata title must have in common: low,
# because the SEO title is often a rewording of the headline ("8 Trends in X" / "Trends in X").
_AGREEMENT = 0.3
# Distinct words of a title in which one word shared with a heading of one or two words is
# chance. Below it a shop's one-word heading is often the page's name ("Headlamps", titled
# "Headlamps for Camping, Hiking & Running"); from it, on both development sets, no heading
# sharing a single word was the headline (bench/README.md, twenty-second session).
_CHANCE_WORD_TITLE = 10
# A character a template could not write, and how many it may stand for ("'s" as one "?")
_LOST_CHARACTER = re.compile("[?\ufffd]")
_LOST_RUN = 3
_CUT_LENGTH = 100
_MAX_SITE_NAME_WORDS = 8


def _words(text: str | None) -> set[str]:
    return set(normalise_text(text or "").split())


def _in_capitals(text: str) -> bool:
    """Whether `text` is two words or more, all in capitals (scripts without case never are)."""
    return len(text.split()) >= 2 and text.isupper()


def _clean(text: str | None) -> str:
    return " ".join(html.unescape(text or "").split())


# Inside a heading, elements that are not its words: a dateline (<time>), a heading nested in
# it by broken markup (the byline's <h3>), scripts and buttons.
_NOT_HEADLINE_WORDS = frozenset(
    {"time", "h2", "h3", "h4", "h5", "h6", "script", "style", "noscript", "button", "template"}
)


def _headline_pieces(element: HtmlElement) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NOT_HEADLINE_WORDS:
            yield from _headline_pieces(child)
        if child.tail:
            yield child.tail


def _joined(pieces: Iterable[str]) -> str:
    text = ""
    for piece in pieces:
        before = text.rstrip()
        drop_cap = before[-1:].isupper() and (len(before) == 1 or not before[-2].isalpha())
        if drop_cap and piece[:1].islower():
            text = before + piece
        else:
            text += " " + piece if text else piece
    return text


def visible_text(element: HtmlElement) -> str:
    """The element's text, its pieces joined by spaces (markup inside a heading often stands
    between words, and CSS may make a span a block), except a lone capital before a lower-case
    rest: a drop cap ("<span>C</span>ycle"). Dates, nested headings and scripts inside it are
    left out."""
    return _joined(_headline_pieces(element))


def undecorated(heading: HtmlElement, titles: set[str]) -> str | None:
    """The heading's text without pieces at its start or end (its text nodes, DECORATION_WORDS
    words at most in all) when what is left is one of `titles` (normalised): a label before
    the headline ("<strong>Blog:</strong> Story", "Thread: <span>Story</span>"), or a source
    and a comment count after it ("Story <a>(latimes.com)</a> <a>87</a>"), stands in markup of
    its own that the page's titles leave out; None when no such cut gives a title."""
    pieces = [piece for piece in _headline_pieces(heading) if piece.strip()]
    words = [count_words(piece) for piece in pieces]
    for first in range(len(pieces)):
        for last in range(len(pieces), first, -1):
            left_out = sum(words[:first]) + sum(words[last:])
            if not 0 < left_out <= DECORATION_WORDS:
                continue
            text = _clean(_joined(pieces[first:last])).strip(" " + _SEPARATOR_CHARACTERS)
            if normalise_text(text) in titles:
                return text
    return None


def _agreement(first: str, second: str) -> float:
    """Share of the shorter title's words the two have in common; none when they share a
    single word and both have three or more ("So many models!" and "Small adventures with
    small language models" share one by chance), or one of them has _CHANCE_WORD_TITLE or
    more (a write-up's section heading "Discord" in "How we pwned X, Vercel, Cursor, Discord,
    and hundreds of companies through a supply-chain attack")."""
    a, b = _words(first), _words(second)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    if shared < 2 and (min(len(a), len(b)) > 2 or max(len(a), len(b)) >= _CHANCE_WORD_TITLE):
        return 0.0
    return shared / min(len(a), len(b))


def without_site_name(title: str, site_words: set[str]) -> str:
    """`title` without the segments that only name the site; the longest segment left."""
    segments = [s.strip() for s in _SEPARATOR.split(title) if s.strip()]
    if len(segments) <= 1:
        return title.strip()
    kept = [s for s in segments if not _words(s) <= site_words | {"the"}] or segments[:1]
    return max(kept, key=count_words)


def plausible_site_name(name: str, title: str | None) -> bool:
    """Whether `name` can be a site's name: a few words, and not the page's own title (some
    pages fill og:site_name or the JSON-LD publisher with the story's title or a sentence)."""
    words = normalise_text(name).split()
    return 0 < len(words) <= _MAX_SITE_NAME_WORDS and words != normalise_text(title or "").split()


def trim_site_name(text: str, site_words: set[str]) -> str:
    """`text` without segments at either end that only name the site ("Story – Site"); the
    segments between are kept with their separators ("Story: A Guide" stays whole)."""
    parts = _SEPARATOR_KEPT.split(text)  # segment, separator, segment, ...

    def names_the_site(segment: str) -> bool:
        return bool(words := _words(segment)) and words <= site_words | {"the"}

    while len(parts) > 2 and names_the_site(parts[-1]):
        parts = parts[:-2]
    while len(parts) > 2 and names_the_site(parts[0]):
        parts = parts[2:]
    return "".join(parts).strip()


def story_segment(heading: str) -> str:
    """The longest of a heading's segments between vertical bars: a bar in a visible headline
    stands before (or after) a section, a tagline or a site's name ("Story | Opinion", "Story |
    Top 19 Companies"), not inside the story's own words, as a dash or a colon may."""
    segments = [s.strip() for s in _BAR.split(heading) if s.strip()]
    return max(segments, key=count_words) if len(segments) > 1 else heading


def _site_segments(page_title: str, structured: Structured, site_words: set[str]) -> set[str]:
    """The words of the `<title>`'s segments beside the one that is the page's own title
    (`og:title` or the JSON-LD headline, unless it names only the site): "Site Name: Story"
    with `og:title` "Story" names the site "Site Name", however the site calls itself
    elsewhere."""
    segments = [normalise_text(s) for s in _TITLE_SEGMENTS.split(page_title) if s.strip()]
    if len(segments) < 2:
        return set()
    own = {
        normalise_text(_clean(text))
        for text in [*structured.strings("headline"), structured.open_graph.get("og:title")]
        if text and not _words(text) <= site_words
    }
    if not any(segment in own for segment in segments):
        return set()
    return set().union(*(set(s.split()) for s in segments if s not in own))


def _longest_reading(first: str, others: list[str]) -> str:
    """`first`, or when it looks cut (an ellipsis, or 100 characters or more) the longest title
    among `others` that begins with its words: a JSON-LD headline is often cut at 110
    characters, where the page's other titles are whole."""
    if len(first) < _CUT_LENGTH and not first.rstrip().endswith(("…", "...")):
        return first
    words = normalise_text(first.rstrip(" .…")).split()
    longer = [o for o in others if normalise_text(o).split()[: len(words)] == words]
    return max([first, *longer], key=lambda t: len(t.split()))


def with_characters_restored(heading: str, titles: Iterable[str]) -> str:
    """`heading`, or the metadata title it is a lossy copy of: a template that could not write
    a character put "?" (or U+FFFD) in its place ("Event Planning? Beginner? Guide" for "Event
    Planning: Beginner's Guide"), where the metadata has the page's own characters."""
    if not _LOST_CHARACTER.search(heading):
        return heading
    lost = f".{{1,{_LOST_RUN}}}"
    copy = re.compile(lost.join(re.escape(part) for part in _LOST_CHARACTER.split(heading)))
    return next((title for title in titles if copy.fullmatch(title)), heading)


def without_host(title: str, host: str) -> str:
    """`title` without the site's address written before it with no separator ("davidbau.com
    Vibe Coding", as a blog's template prefixes each post's title), when two words or more are
    left."""
    words = title.split()
    address = host.lower().removeprefix("www.")
    if len(words) > 2 and address and words[0].lower() == address:
        return " ".join(words[1:])
    return title


def _page_path(address: str) -> str:
    """An address's path, as a link to the page itself may write it (no query or fragment,
    no final slash)."""
    return urlsplit(address).path.rstrip("/")


def _links_away(heading: HtmlElement, url: str, own: set[str]) -> bool:
    """Whether the heading is a link (or holds one) to another page than this one (`own`: the
    paths of its addresses): a teaser's title in a carousel of stories, not the page's own
    headline, which may link to itself."""
    for link in [*heading.iterancestors("a"), *heading.iter("a")]:
        target = urljoin(url, link.get("href") or "")
        if urlsplit(target).scheme in ("http", "https") and _page_path(target) not in own:
            return True
    return False


def choose_headline(
    tree: HtmlElement,
    structured: Structured,
    site_name: str | None,
    url: str | None,
    canonical: str | None = None,
) -> str | None:
    """The page's headline (see the module docstring), or None when it gives no title."""
    host = urlsplit(url or "").hostname or ""
    host_labels = set(host.lower().split("."))
    site_words = _words(site_name) | (_words(host) - _HOST_NOISE)
    title_element = tree.find(".//title")
    page_title = _clean(title_element.text_content() if title_element is not None else None)
    site_words |= _site_segments(page_title, structured, site_words)

    address = "".join(normalise_text(host.removeprefix("www.")).split())

    def names_only_the_site(text: str) -> bool:
        words = normalise_text(text).split()
        joined = "".join(words)
        return set(words) <= site_words or joined in host_labels or joined == address

    elements: dict[str, HtmlElement] = {}  # each heading's text, and its first <h1>
    for element in tree.iter("h1"):
        text = _clean(visible_text(element))
        if 0 < len(text.split()) <= _MAX_HEADLINE_WORDS and not names_only_the_site(text):
            elements.setdefault(text, element)
    headings = list(elements)
    own = {_page_path(address) for address in (url, canonical) if address}
    teasers = {h for h in headings if _links_away(elements[h], url or "", own)}
    titled = [*structured.strings("headline"), structured.open_graph.get("og:title"), page_title]
    metadata = [text for raw in titled if (text := _clean(raw)) and not names_only_the_site(text)]
    # Of the headings that agree with a metadata title, the one sharing the most words with
    # it: a section's one-word heading ("Reviews") agrees wholly with a title holding its word.
    # A heading in capitals is a label or a template's styling ("SUPPORTING GAAP COMPLIANCE"
    # over "GAAP Compliance: Applying Accounting Best Practices"): the metadata's title, written
    # to be read, stands for it, and a lone one stays the last resort.
    agreeing = [
        (h not in teasers, len(_words(h) & _words(m)), -i, h)
        for i, h in enumerate(headings)
        if not _in_capitals(h)
        for m in metadata
        if _agreement(h, m) >= _AGREEMENT
    ]
    if agreeing:
        *_, heading = max(agreeing)
        # The heading as the metadata words it, when they differ by a label or counters only
        trimmed = [trim_site_name(text, site_words) for text in metadata]
        said = {normalise_text(text) for text in trimmed}
        if normalise_text(heading) not in said:
            heading = undecorated(elements[heading], said) or heading
        return story_segment(trim_site_name(with_characters_restored(heading, trimmed), site_words))
    if metadata:
        titles = [without_host(without_site_name(text, site_words), host) for text in metadata]
        return _longest_reading(titles[0], titles[1:])
    return next(iter([h for h in headings if h not in teasers] or headings), None)
