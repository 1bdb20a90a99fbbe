"""What a page says of itself in structured data: JSON-LD objects, Open Graph properties and
the schema.org types of its microdata (`itemtype`).

Pure functions over a parsed page; a broken JSON-LD block is skipped, never an error.
"""

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

_MAX_DEPTH = 8  # nested objects followed: @graph, mainEntity, itemListElement and the like
_MAX_BLOCK_CHARS = 2_000_000
# The schema.org types of an organisation: Organization and the kinds named after it
# ("NewsMediaOrganization", "EducationalOrganization"), and the common ones that are not.
_ORGANISATION_TYPES = ("Organization", "Corporation", "LocalBusiness", "NGO", "Brand")
_SCHOLARLY_AUTHOR_TAGS = frozenset(["citation_author", "citation_authors"])
# The meta tags of keywords separated by commas, in order of trust: Google News's, then the
# page's own (read only when nothing more specific names any).
_KEYWORD_TAGS = ("news_keywords", "keywords")
_MAX_KEYWORDS = 50
_MAX_KEYWORD_CHARS = 100
# Meta tags (by property, name or itemprop) that name the first publication and nothing else:
# not "date" or "dc.date", which sites fill with the day of the page view or of an update.
_PUBLISHED_TAGS = frozenset(
    [
        "article:published_time",
        "article:published",
        "og:article:published_time",
        "og:published_time",
        "datepublished",
        "date_published",
        "published_time",
        "published_date",
        "published-date",
        "publish_date",
        "publish-date",
        "publishdate",
        "publication_date",
        "pubdate",
        "dc.date.issued",
        "dcterms.issued",
        "citation_publication_date",
        "parsely-pub-date",
        "sailthru.date",
        "article.published",
        "originalpublicationdate",
    ]
)
# Meta tags that name the last update.
_MODIFIED_TAGS = frozenset(
    [
        "article:modified_time",
        "article:modified",
        "og:article:modified_time",
        "og:modified_time",
        "og:updated_time",
        "datemodified",
        "modified_time",
        "dcterms.modified",
        "dc.date.modified",
    ]
)


@dataclass(frozen=True)
class Structured:
    """The JSON-LD objects of a page, flattened, and its Open Graph properties."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    open_graph: dict[str, str] = field(default_factory=dict)
    # The schema.org types named by `itemtype` attributes ("https://schema.org/QAPage" gives
    # "QAPage"): Q&A sites and forum software mark their threads up so, not in JSON-LD.
    microdata: frozenset[str] = frozenset()
    # The authors scholarly meta tags name, one person a tag (`citation_author`, as Google
    # Scholar asks for; "Last, First" turned round), and the "Written by" pair of twitter:label
    # and twitter:data tags that WordPress SEO plugins write.
    scholarly_authors: tuple[str, ...] = ()
    written_by: str | None = None
    # The values of the meta tags that name the first publication (_PUBLISHED_TAGS) and the
    # last update (_MODIFIED_TAGS), in order.
    published_tags: tuple[str, ...] = ()
    modified_tags: tuple[str, ...] = ()
    # The section and keywords the meta tags declare: `article:section`, `article:tag` (one
    # a tag), and the comma-separated `news_keywords` and `keywords`, in that order.
    section_tags: tuple[str, ...] = ()
    keyword_tags: tuple[tuple[str, ...], ...] = ()

    def types(self) -> set[str]:
        """Every schema.org @type the page declares, at any depth."""
        return {kind for item in self.objects for kind in _types_of(item)}

    def declares(self, kinds: frozenset[str]) -> bool:
        """Whether the page declares one of the schema.org types `kinds`, in JSON-LD or in
        microdata."""
        return bool((self.types() | self.microdata) & kinds)

    def article_credits(self, article_types: frozenset[str]) -> Iterator[list[str]]:
        """The author names of each object of one of `article_types`, in the page's order: a
        string, or objects with a name (people or organisations)."""
        for item in self._of(article_types):
            yield [
                name.strip()
                for author in _listed(item.get("author"))
                if isinstance(
                    name := author.get("name") if isinstance(author, dict) else author, str
                )
                and name.strip()
            ]

    def organisation_credits(self, article_types: frozenset[str]) -> frozenset[str]:
        """The names credited as authors of `article_types` objects that are typed as an
        organisation (`Organization` and its kinds: "NewsMediaOrganization", "Corporation")."""
        return frozenset(
            name.strip()
            for item in self._of(article_types)
            for author in _listed(item.get("author"))
            if isinstance(author, dict)
            and any(kind.endswith(_ORGANISATION_TYPES) for kind in _types_of(author))
            and isinstance(name := author.get("name"), str)
        )

    def article_authors(self, article_types: frozenset[str]) -> list[str]:
        """The author names of the first object of one of `article_types` that names any."""
        return next((names for names in self.article_credits(article_types) if names), [])

    def article_image(self, article_types: frozenset[str]) -> str | None:
        """The `image` of the first object of one of `article_types` that gives one: an
        address, an ImageObject's `url` (or `contentUrl`), or the first of a list of them."""
        for item in self._of(article_types):
            for picture in _listed(item.get("image")):
                if isinstance(picture, dict):
                    picture = picture.get("url") or picture.get("contentUrl")
                if isinstance(picture, str) and picture.strip():
                    return picture.strip()
        return None

    def article_section(self, article_types: frozenset[str]) -> str | None:
        """The section the page files its story under: the `articleSection` of its first
        object of `article_types` that gives one (the first of a list), else `article:section`."""
        declared = (_strings(item.get("articleSection")) for item in self._of(article_types))
        sections = [*(names[0] for names in declared if names), *self.section_tags]
        return next((name for name in map(_cleaned, sections) if name), None)

    def article_keywords(self, article_types: frozenset[str]) -> list[str]:
        """The keywords the page declares for its story, each once (case aside), at most
        _MAX_KEYWORDS: the JSON-LD `keywords` of its first object of `article_types` that
        gives some (a list, or words separated by commas), else the `article:tag` meta tags,
        else `news_keywords`, else `keywords`."""
        declared = (
            [word for value in _strings(item.get("keywords")) for word in value.split(",")]
            for item in self._of(article_types)
        )
        for words in [*declared, *self.keyword_tags]:
            kept: dict[str, str] = {}
            for word in map(_cleaned, words):
                if word:
                    kept.setdefault(word.casefold(), word)
            if kept:
                return list(kept.values())[:_MAX_KEYWORDS]
        return []

    def _of(self, kinds: frozenset[str]) -> Iterator[dict[str, Any]]:
        """The JSON-LD objects of one of the types `kinds`, in the page's order."""
        return (item for item in self.objects if _types_of(item) & kinds)

    def published(self, first_types: frozenset[str]) -> Iterator[str]:
        """The publication dates the page declares, most trusted first: the JSON-LD
        `datePublished` of objects of `first_types` (the article or thread), of any other
        object (its WebPage), then the publication meta tags. Strings as written."""
        yield from self._declared("datePublished", first_types)
        yield from self.published_tags

    def modified(self, first_types: frozenset[str]) -> Iterator[str]:
        """The update dates the page declares, in the same order: JSON-LD `dateModified`,
        then the modification meta tags."""
        yield from self._declared("dateModified", first_types)
        yield from self.modified_tags

    def _declared(self, key: str, first_types: frozenset[str]) -> Iterator[str]:
        first = list(self._of(first_types))
        others = [item for item in self.objects if not _types_of(item) & first_types]
        for item in first + others:
            if isinstance(value := item.get(key), str):
                yield value

    def strings(self, key: str) -> list[str]:
        """The string values of `key` in every object, in document order."""
        return [value for item in self.objects if isinstance(value := item.get(key), str)]


def _strings(value: Any) -> list[str]:
    """A JSON-LD value that is a string or a list: its strings."""
    return [item for item in _listed(value) if isinstance(item, str)]


def _cleaned(text: str) -> str:
    """A declared section or keyword with its entities read and white space folded; empty
    when it is longer than a keyword (_MAX_KEYWORD_CHARS)."""
    text = " ".join(html.unescape(text).split())
    return text if len(text) <= _MAX_KEYWORD_CHARS else ""


def _types_of(item: dict[str, Any]) -> set[str]:
    """The @type of a JSON-LD object: one string or a list of them."""
    return set(_strings(item.get("@type")))


def _listed(value: Any) -> list[Any]:
    """A JSON-LD value that may be one value or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def _flatten(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            if isinstance(child, dict | list):
                yield from _flatten(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _flatten(child, depth + 1)


def read_structured(tree: HtmlElement) -> Structured:
    """Read the JSON-LD blocks, `og:` meta properties, microdata types and the author meta tags
    of a parsed page."""
    objects: list[dict[str, Any]] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        text = (script.text or "").strip()
        if not text or len(text) > _MAX_BLOCK_CHARS:
            continue
        try:
            objects.extend(_flatten(json.loads(text)))
        except (ValueError, RecursionError):
            continue
    open_graph: dict[str, str] = {}
    scholarly: list[str] = []
    twitter: dict[str, str] = {}
    published: list[str] = []
    modified: list[str] = []
    sections: list[str] = []
    article_tags: list[str] = []
    keywords: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        tag = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if tag in _PUBLISHED_TAGS:
            published.append(content)
        elif tag in _MODIFIED_TAGS:
            modified.append(content)
        elif tag == "article:section":
            sections.append(content)
        elif tag == "article:tag":
            article_tags.append(content)
        elif tag in _KEYWORD_TAGS:
            keywords.setdefault(tag, content.split(","))
        if (name := meta.get("property", "").lower()).startswith("og:"):
            open_graph.setdefault(name, content)
        elif (name := meta.get("name", "").lower()) in _SCHOLARLY_AUTHOR_TAGS:
            scholarly.extend(_first_name_first(part) for part in content.split(";") if part.strip())
        elif name.startswith(("twitter:label", "twitter:data")):
            twitter.setdefault(name, content)
    written_by = next(
        (
            twitter.get("twitter:data" + label.removeprefix("twitter:label"))
            for label, value in twitter.items()
            if label.startswith("twitter:label") and value.lower().rstrip(":") == "written by"
        ),
        None,
    )
    microdata = frozenset(
        kind.rstrip("/").rsplit("/", 1)[-1]
        for element in [tree, *tree.iterfind(".//*[@itemtype]")]  # the root too: <html itemtype>
        for kind in element.get("itemtype", "").split()
    )
    return Structured(
        objects,
        open_graph,
        microdata,
        tuple(scholarly),
        written_by,
        tuple(published),
        tuple(modified),
        tuple(sections),
        tuple(
            tuple(words)
            for words in (article_tags, *(keywords.get(tag, []) for tag in _KEYWORD_TAGS))
            if words
        ),
    )


def _first_name_first(name: str) -> str:
    """ "Roy, Aniruddha" as "Aniruddha Roy"; a name without one comma as it is."""
    last, comma, first = name.strip().partition(",")
    if not comma or "," in first or not first.strip() or not last.strip():
        return name.strip()
    return f"{first.strip()} {last.strip()}"
