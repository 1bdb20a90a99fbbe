"""What a source lists: RSS/Atom feeds, sitemaps (indexes, urlsets, Google News tags, gzip)
and URL lists. Pure functions over bytes, no I/O.

XML is parsed without entity expansion, external entities, DTDs or network access; a document
that declares entities is refused outright, as defusedxml does.
"""

import gzip
import re
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO

import feedparser
from lxml import etree

from tasks.io import READ_ERRORS, opening

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_MAX_SITEMAP_BYTES = 100 * 1024 * 1024  # decompressed; the protocol allows 50 MB


class BadSource(ValueError):
    """A feed or sitemap that cannot be read; the message says why."""


@dataclass(frozen=True)
class Item:
    """A link a source gives, with what the source says about it."""

    url: str
    published_at: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class Listing:
    """What one feed, sitemap or list holds: pages, and (for a sitemap index) more sitemaps."""

    items: list[Item] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def _refuse_entities(body: bytes) -> None:
    if _ENTITY_DECLARATION.search(body[:65536]):
        raise BadSource("XML declares entities; refused (entity expansion is not allowed)")


def parse_date(value: str | None) -> datetime | None:
    """A W3C/ISO date or date-time as an aware UTC datetime, or None."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)


def parse_feed(body: bytes) -> Listing:
    """The entries of an RSS 2.0, RSS 1.0 or Atom feed: link, publication date, title."""
    _refuse_entities(body)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        raise BadSource(f"not a feed ({parsed.get('bozo_exception')})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (link.get("href") for link in entry.get("links", []) if link.get("href")), None
        )
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(timegm(when), UTC) if when else None
        items.append(Item(link.strip(), published, entry.get("title")))
    return Listing(items=items)


def _xml_root(body: bytes) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.GzipFile(fileobj=BytesIO(body)).read(_MAX_SITEMAP_BYTES)
        except READ_ERRORS as error:
            raise BadSource(f"broken gzip ({error})") from None
    _refuse_entities(body)
    body = opening(body)  # a BOM or blank lines before the declaration
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise BadSource(f"not XML ({error})") from None
    if root is None:
        raise BadSource("not XML (empty document)")
    return root


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child_text(element: etree._Element, *path: str) -> str | None:
    for name in path:
        element = next((c for c in element if _local(c) == name), None)
        if element is None:
            return None
    return (element.text or "").strip() or None


def parse_sitemap(body: bytes) -> Listing:
    """The pages of a sitemap `urlset` (with Google News publication dates and titles) or the
    child sitemaps of a sitemap index; gzip-compressed sitemaps are read too."""
    root = _xml_root(body)
    kind = _local(root)
    if kind == "sitemapindex":
        children = [_child_text(s, "loc") for s in root if _local(s) == "sitemap"]
        return Listing(sitemaps=[c for c in children if c])
    if kind != "urlset":
        raise BadSource(f"not a sitemap (root element <{kind}>)")
    items = []
    for entry in root:
        if _local(entry) != "url" or not (loc := _child_text(entry, "loc")):
            continue
        published = parse_date(_child_text(entry, "news", "publication_date"))
        title = _child_text(entry, "news", "title")
        items.append(Item(loc, published or parse_date(_child_text(entry, "lastmod")), title))
    return Listing(items=items)


def parse_url_list(text: str) -> Listing:
    """One URL per line; blank lines and `#` comments are skipped."""
    lines = (line.strip() for line in text.splitlines())
    return Listing(items=[Item(line) for line in lines if line and not line.startswith("#")])
