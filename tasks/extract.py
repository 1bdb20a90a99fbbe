"""Extraction of one page into an article: runs inside worker processes (see tasks/pool.py).

`extract_page` is pure: a raw page record and a frozen config in, a result record out.
Every exception a page can cause becomes a `failed` result with a reason code.
"""

import contextlib
import functools
import itertools
import re
from copy import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import py3langid
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura import metadata, xpaths
from trafilatura.settings import Document
from trafilatura.utils import HTML_PARSER as TRAFILATURA_PARSER

from tasks.byline import (
    byline_author,
    byline_date,
    clean_authors,
    name_beside_date,
    names_no_person,
    same_names,
    tag_names,
    without_tags,
)
from tasks.clean import KEPT, Paragraph, body_of, mark_paragraphs, page_verdict
from tasks.config import DedupConfig, ExtractConfig
from tasks.dates import iso_day, shown_day, writes_day
from tasks.decode import DecodeError, charset_from_content_type, decode_html, repair_mojibake
from tasks.headline import choose_headline, plausible_site_name
from tasks.ids import count_words, normalise_text, paragraph_key, site_of, text_hash
from tasks.minhash import article_scheme, paragraph_scheme, sketch_paragraphs
from tasks.page_type import (
    ARTICLE_TYPES,
    FORUM_TYPES,
    SENTENCE_END,
    classify_page,
    is_front_page,
    page_signals,
)
from tasks.page_type import REASONS as NON_ARTICLE_REASONS
from tasks.structured import Structured, read_structured
from tasks.text_capture import parse_text_capture

STORED_PARAGRAPHS = ("article", "error_page")  # pages whose paragraphs are kept as rows
# Characters of the body the language is guessed from: about a hundred words, where the guess
# is as stable as on the whole body, and the cost grows with the length.
_LANGUAGE_SAMPLE = 600
# A year and month as a path's segments (/2025/12/), which a CMS writes when the story is
# first published.
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])(?:/|$)")
# A full date in a path (/2025/12/18/, /2025-12-18-slug, /slug-2025-12-18/): the publisher's
# own calendar day, which htmldate reads first, as before.
_URL_DAY = re.compile(
    r"[/_-]((?:19|20)\d\d)([/_-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?:\D|$)"
)
# The text a reader sees: a script's or a style sheet's text is no date the page writes.
_PAGE_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
# The objects whose datePublished is the story's or the thread's own, before a WebPage's.
_DATED_TYPES = ARTICLE_TYPES | {"DiscussionForumPosting", "Question"}
# The schema.org types of a discussion's posts and replies.
_DISCUSSION_TYPES = FORUM_TYPES | {"Comment", "Answer"}
# The recall-mode rescue (`recall_rescue`), measured on both development sets
# (bench/README.md). A sentence beside the body's own shares an ancestor at most three levels
# up with one of them (a <p> and its <ul>, under one <div>).
_SENTENCE_WORDS = 9
_NEAR_LEVELS = 3
_MISSED_SENTENCE_WORDS = 30
_MISSED_SENTENCE_SHARE = 0.1
_RECALL_GAIN = 1.1
_RECALL_SENTENCE_SHARE = 0.7


def use_fast_element_lookup() -> None:
    """Make trafilatura's HTML parser build its elements through lxml's C class lookup.

    lxml.html's own lookup is a Python method, called each time Python touches an element (a
    thousand times a page); the C lookup gives the same classes, except that form fields come
    out as plain HtmlElement, whose form methods trafilatura never calls. It saves about 3% of
    a page's instructions; a test in tests/tasks/test_extract.py checks results are unchanged.
    """
    TRAFILATURA_PARSER.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )
    )


def failed(reason: str) -> dict[str, Any]:
    """A result for a page that could not be processed."""
    return {"status": "failed", "reason": reason, "paragraphs": []}


def _body(
    tree: HtmlElement, url: str, config: ExtractConfig, *, precise: bool, recall: bool = False
) -> Document | None:
    """trafilatura's text extraction alone (it copies the tree, so `tree` stays as it was)."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=precise,
        favor_recall=recall,
        fast=config.fast,
        include_comments=False,
        include_tables=config.include_tables,
        with_metadata=False,
    )
    return document if isinstance(document, Document) else None


def _site_in_title(tree: HtmlElement) -> str | None:
    """trafilatura's site name from the `<title>`: the part beside the separator that holds a
    full stop ("Story | Example.com"), unless it is the longer part, which is then the page's
    own title ("Planting vs. Weeding • Gardenary") and would hide the headline as the site's."""
    _, *parts = metadata.examine_title_element(tree)
    name = metadata.extract_sitename(tree)
    others = [len(part.split()) for part in parts if part and part != name]
    return None if name and others and len(name.split()) > max(others) else name


def page_metadata(
    tree: HtmlElement, url: str, fetched_at: datetime, structured: Structured | None = None
) -> Document:
    """The metadata the archive keeps: headline (tasks/headline.py), author, canonical URL,
    publication date (none after `fetched_at`), site name and description, from a parsed page.

    The fields come from trafilatura's own extractors, in the order and with the rules of its
    `extract_metadata`, which also looks for categories, tags and a licence. The archive keeps
    none of those, and their XPath scans over the whole tree are about a third of that
    function's time. tests/tasks/test_extract.py checks the fields agree with it.
    """
    found = metadata.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a single word in a meta tag is a handle, not a name
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reading has known bugs
        found = metadata.extract_meta_json(tree, found)
    found.title = found.title or metadata.extract_title(tree)
    found.url = found.url or metadata.extract_url(tree, url)
    structured = structured or read_structured(tree)
    found.sitename = found.sitename or _site_in_title(tree)
    if found.sitename and not plausible_site_name(found.sitename, found.title):
        found.sitename = None  # the page's title or a sentence in a site-name field
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        if found.sitename and "." not in found.sitename and not found.sitename[0].isupper():
            found.sitename = found.sitename.title()
    elif found.url and (host := metadata.META_URL.match(found.url)):
        found.sitename = host[1]
    found.title = choose_headline(tree, structured, found.sitename, url, found.url) or found.title
    found.date = publication_date(tree, found.url or url, fetched_at, structured, found.title)
    # The article's own JSON-LD credit, where it gives one, then scholarly citation tags (one
    # person a tag: trafilatura splits "Roy, Aniruddha" in two and keeps only the first of
    # several), before trafilatura's guesses from meta tags and bylines (wcxb-dev authors: 0.694
    # against 0.667); the byline under the headline when none names anyone, and last the
    # "Written by" twitter tags SEO plugins write.
    # An article object whose names all clean away (", USA TODAY") does not hide the next one,
    # nor does an author meta tag that does (a template's "page.head.extra.author").
    credited = (
        clean_authors(names, found.sitename) for names in structured.article_credits(ARTICLE_TYPES)
    )
    # trafilatura's guess and the byline finder read elements by their class and place, and a
    # post's tag bar sits where a byline does: a name that is only a tag's is no author's. The
    # page's tags are read only for a name from one of them (0.5 ms a page).
    page_tags = functools.cache(functools.partial(tag_names, tree))

    def not_a_tag(authors: str | None) -> str | None:
        return without_tags(authors, page_tags()) if authors else authors

    named = (
        next((names for names in credited if names), None)
        or clean_authors(list(structured.scholarly_authors), found.sitename)
        or clean_authors(found.author, found.sitename)
        or not_a_tag(clean_authors(metadata.extract_author(tree), found.sitename))
    )
    # A credit to the publisher ("Organization" in JSON-LD, the site's name) or to the account
    # that posted the story (a handle) yields to a person the byline shows (bench/README.md,
    # twenty-third session). On a discussion (replies marked up as comments or forum posts)
    # handles are how people are named, and the bylines after the headline are replies'.
    no_person = functools.partial(
        names_no_person,
        organisations=structured.organisation_credits(ARTICLE_TYPES),
        site_name=found.sitename,
        handles_are_names=structured.declares(_DISCUSSION_TYPES),
    )
    if named is None or no_person(named):
        # a name beside the date under the headline, read in the forms that need no dateparser
        shown_date = functools.partial(shown_day, latest=fetched_at.date(), thorough=False)
        # cleaned as every other source is: a job title the author box shows after the name
        shown = not_a_tag(
            clean_authors(
                byline_author(tree, url) or name_beside_date(tree, found.title, shown_date),
                found.sitename,
            )
        )
        if named is None or (shown and not no_person(shown) and not same_names(shown, named)):
            named = shown or clean_authors(structured.written_by, found.sitename)
    found.author = named
    # before trafilatura's trimming, which drops the control characters mojibake may hold
    for field in ("title", "author", "sitename", "description"):
        if value := getattr(found, field):
            setattr(found, field, repair_mojibake(value))
    found.clean_and_trim()
    return found


def picture_address(image: str | None, page_url: str) -> str | None:
    """The address of the picture a page shares as its own, made absolute against the page's
    (templates write "/images/lead.jpg" too); None unless it is an http(s) address."""
    if not image or not (image := image.strip()):
        return None
    address = urljoin(page_url, image)
    return address if urlsplit(address).scheme in ("http", "https") else None


def _words(document: Document | None) -> int:
    return count_words(document.text or "") if document is not None else 0


def _is_sentence(text: str, words: int) -> bool:
    """A line of prose: _SENTENCE_WORDS words or more, ending as a sentence ends. Menus,
    buttons, captions, teaser titles and cookie switches seldom are."""
    return words >= _SENTENCE_WORDS and bool(SENTENCE_END.search(text))


def page_sentences(tree: HtmlElement) -> list[tuple[HtmlElement, str, int]]:
    """The page's sentences as (element, text with its white space collapsed, words): each
    <p>, and each <li> holding no <p>, that `_is_sentence`."""
    sentences = []
    for element in tree.iter("p", "li"):
        text = element.text_content().strip()
        # the cheap tests first: most elements of a page are short or end in no full stop
        if len(text) < _SENTENCE_WORDS * 2 or not SENTENCE_END.search(text):
            continue
        if element.tag == "li" and element.find(".//p") is not None:
            continue  # its paragraphs count on their own
        words = count_words(text)
        if _is_sentence(text, words):
            sentences.append((element, " ".join(text.split()), words))
    return sentences


def missed_sentence_words(tree: HtmlElement, body: str) -> int:
    """Words of the page's sentences (`page_sentences`) that are not lines of `body` and sit
    beside one that is: within _NEAR_LEVELS levels of a common ancestor, or inside the
    innermost block that holds all the body's sentences (`_common_block`), in the body's own
    container (a related story's teaser or a footer's notice elsewhere on the page does not
    count). All of them when the body holds none (or is empty). Sentences in a section the page
    marks as comments (trafilatura's own test) are no part of the story and do not count."""
    # trafilatura writes a paragraph or list item as one line, its white space collapsed
    lines = {" ".join(line.removeprefix("- ").split()) for line in body.split("\n")}
    comments = {section for xpath in xpaths.REMOVE_COMMENTS_XPATH for section in xpath(tree)}
    held: list[HtmlElement] = []
    missed = []
    for element, text, words in page_sentences(tree):
        if comments and any(a in comments for a in element.iterancestors()):
            continue
        if text in lines:
            held.append(element)
        else:
            missed.append((element, words))
    if not held:  # an empty body, or one that holds no sentence: nothing to be beside
        return sum(words for _, words in missed)
    held_near = {a for e in held for a in itertools.islice(e.iterancestors(), _NEAR_LEVELS)}
    block = _common_block(held) if len(held) > 1 else None
    return sum(
        words
        for element, words in missed
        if any(a in held_near for a in itertools.islice(element.iterancestors(), _NEAR_LEVELS))
        or (block is not None and any(a is block for a in element.iterancestors()))
    )


def _common_block(elements: list[HtmlElement]) -> HtmlElement | None:
    """The innermost element that holds all of `elements` (a story laid out in sibling blocks,
    each section its own, holds them all in the blocks' parent), unless it is the page's
    <body> or <html>: then the body's sentences are spread over the page and nothing is its
    block."""
    first = [elements[0], *elements[0].iterancestors()]
    depth = {node: level for level, node in enumerate(first)}
    outermost = 0
    for element in elements[1:]:
        shared = next(node for node in (element, *element.iterancestors()) if node in depth)
        outermost = max(outermost, depth[shared])
    block = first[outermost]
    return None if block.tag in ("body", "html") else block


def _sentence_share(lines: list[str]) -> float:
    """The share of the words of `lines` that are in sentences (0 without words)."""
    words = [(line.strip(), count_words(line)) for line in lines]
    total = sum(count for _, count in words)
    return sum(count for line, count in words if _is_sentence(line, count)) / max(total, 1)


def recall_rescue(
    tree: HtmlElement, url: str, config: ExtractConfig, document: Document | None
) -> Document | None:
    """trafilatura's recall-mode body, when the page holds sentences `document` lacks and
    recall mode adds mostly sentences; else, when those sentences outnumber the body's words,
    the page's paragraphs as trafilatura's baseline reads them (if longer); else None.

    Balanced mode drops some layouts' prose: an article's bulleted paragraphs, a guide's
    sections in <div> cards, a whole body it cannot place. Recall mode finds them, and on other
    pages adds navigation, captions and cookie notices (so it is not the default). It is run
    only when the sentences missing beside the body's own (`missed_sentence_words`) reach
    _MISSED_SENTENCE_WORDS words and _MISSED_SENTENCE_SHARE of the body (about one page in
    seven), and kept when it is _RECALL_GAIN times longer and _RECALL_SENTENCE_SHARE of the
    words of the lines it adds are in sentences (see bench/README.md). The baseline's body
    keeps `document`'s other fields.
    """
    body = (document.text or "") if document is not None else ""
    body_words = count_words(body)
    missed = missed_sentence_words(tree, body)
    if missed < max(_MISSED_SENTENCE_WORDS, _MISSED_SENTENCE_SHARE * body_words):
        return None
    recalled = _body(tree, url, config, precise=False, recall=True)
    if recalled is not None and _words(recalled) >= _RECALL_GAIN * max(body_words, 1):
        kept_lines = set(body.split("\n"))
        added = [line for line in (recalled.text or "").split("\n") if line not in kept_lines]
        if _sentence_share(added) >= _RECALL_SENTENCE_SHARE:
            return recalled
    # Recall mode cannot place them either. When more of the page's prose stands beside the
    # body than in it, the extraction has latched onto a part of the story (a lead before a
    # table of tips, one post of a thread): the page's own paragraphs, as trafilatura's
    # baseline reads them (embedded JSON, <article>, <p>), are the story.
    if document is None or missed < body_words:
        return None
    _, text, _ = trafilatura.baseline(tree)  # it copies the tree
    if count_words(text) < _RECALL_GAIN * body_words:
        return None
    paragraphs = copy(document)
    paragraphs.text = text
    return paragraphs


def extract_body(tree: HtmlElement, url: str, config: ExtractConfig) -> Document | None:
    """Run trafilatura's text extraction (favouring precision if configured); None when it
    finds no text.

    The precise mode drops navigation and teasers better, but on some layouts it keeps almost
    nothing; then the balanced result wins if it is at least twice as long.
    """
    document = _body(tree, url, config, precise=config.favor_precision)
    if config.favor_precision and _words(document) < config.recall_fallback_words:
        balanced = _body(tree, url, config, precise=False)
        if _words(balanced) >= 2 * max(_words(document), 1):
            return balanced
    return document


def declared_day(structured: Structured, latest: date) -> str | None:
    """The first publication day the page declares in ISO 8601 (JSON-LD `datePublished`, the
    story's own before its WebPage's, then publication meta tags), none after `latest`."""
    return next(
        (day for value in structured.published(_DATED_TYPES) if (day := iso_day(value, latest))),
        None,
    )


def stated_day(
    tree: HtmlElement, structured: Structured, headline: str | None, latest: date
) -> str | None:
    """The publication day the page states: the one it declares (`declared_day`), else the
    one it shows with its headline (`byline.byline_date`); none after `latest`.

    A day shown more than a day before the declared one is the original publication: a
    site's move or a republication re-dates the structured data (a 2013 post imported in
    2024), not the byline. A day apart is a time zone (UTC in the data, local in the byline),
    and the declared day stays.
    """
    declared = declared_day(structured, latest)
    shown = byline_date(tree, headline, lambda text: shown_day(text, latest))
    if declared and shown:
        gap = date.fromisoformat(declared) - date.fromisoformat(shown)
        return shown if gap > timedelta(days=1) else declared
    return declared or shown


def update_day(
    tree: HtmlElement,
    structured: Structured,
    headline: str | None,
    published: str | None,
    latest: date,
) -> str | None:
    """The day of the page's last update: the JSON-LD `dateModified` (the story's own first),
    a modification meta tag, else a date shown with the headline after an update label
    ("Updated Dec 9, 2025"); None when it names none, or none between `published` (an update
    cannot come before the story) and `latest`."""
    declared = (iso_day(value, latest) for value in structured.modified(_DATED_TYPES))
    day = next((day for day in declared if day), None) or byline_date(
        tree, headline, lambda text: shown_day(text, latest), update=True
    )
    return None if day is None or (published is not None and day < published) else day


def declared_updates(structured: Structured, latest: date) -> set[str]:
    """The days the page declares it was updated (JSON-LD `dateModified`, modification meta
    tags such as `article:modified_time` and `og:updated_time`), none after `latest`."""
    return {day for value in structured.modified(_DATED_TYPES) if (day := iso_day(value, latest))}


def publication_date(
    tree: HtmlElement,
    url: str,
    fetched_at: datetime,
    structured: Structured | None = None,
    headline: str | None = None,
) -> str | None:
    """The original publication day (not an update; none after `fetched_at`): a web
    address's full date, else the day the page states (`stated_day`: declared in JSON-LD or a
    meta tag, else shown with the headline), else htmldate's search; within the month a web
    address's path names when it names one.

    A day htmldate finds that the page declares as its update (`declared_updates`) is no
    publication day: htmldate falls back to an update's meta tag where the page names no
    publication (an evergreen page's `article:modified_time`), and that day is `modified_at`'s.
    htmldate takes an update's meta tag before the JSON-LD `datePublished`, cannot read a
    timestamp with milliseconds ("2025-12-08T22:31:00.000Z"), on forum threads takes a reply's
    date, and in its search of the text may take a sidebar's or a header's date over the
    byline's: what the page states comes first (bench/README.md, twentieth session).
    htmldate reads a date from the URL only when it has a day; without one, its extensive
    search may take the oldest date anywhere on the page, such as a blog's archive menu
    (January 2014 for a post under /2025/12/). A URL's month outranks such guesses, so a date
    outside it is searched again within it, and failing that, the month's first day is kept.
    """
    latest = fetched_at.date()
    address = urlsplit(url)
    # a local file's folders (archive/2024/03/) date the capture, not the story
    web = address.scheme in ("http", "https")
    structured = structured or read_structured(tree)
    dated_address = web and _URL_DAY.search(address.path) is not None
    stated = None if dated_address else stated_day(tree, structured, headline, latest)
    day = stated or searched_day(tree, url, None, latest)
    if not (stated or dated_address) and day in declared_updates(structured, latest):
        day = None  # the page's own update (modified_at), which htmldate falls back to
    month = _URL_MONTH.search(address.path) if web else None
    if month is None or (day or "").startswith(f"{month[1]}-{month[2]}"):
        return day
    first = datetime(int(month[1]), int(month[2]), 1).date()
    if first > latest:
        return day
    last = min(latest, (first + timedelta(days=31)).replace(day=1) - timedelta(days=1))
    return searched_day(tree, url, first, last) or first.isoformat()


def searched_day(tree: HtmlElement, url: str, earliest: date | None, latest: date) -> str | None:
    """The publication day htmldate's extensive search finds between `earliest` and `latest`,
    unless it is the first of a month the page never writes as a day.

    When the page gives no whole date, htmldate's last resorts stand a year or a month for a
    day: a copyright line ("© 2020") becomes January 1st, a "March 2024" anywhere the 1st of
    March. Such a day is kept only where the page writes it in full, in its text or in the
    tags and attributes htmldate's fast search reads; else the archive says it does not know
    (bench/README.md, twenty-second session).
    """
    day = find_date(
        tree,
        url=url,
        extensive_search=True,
        original_date=True,
        min_date=earliest.isoformat() if earliest else None,
        max_date=latest.isoformat(),
    )
    if day is None or not day.endswith("-01"):
        return day
    written = find_date(
        tree, url=url, extensive_search=False, original_date=True, min_date=day, max_date=day
    )
    return day if written == day or writes_day(_PAGE_TEXT(tree), day) else None


def day_at(date: str | None, fetched_at: datetime) -> datetime | None:
    """Midnight UTC of a day read from the page; a day after the capture is impossible and
    dropped."""
    day = iso_day(date or "", fetched_at.astimezone(UTC).date())
    return datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None


def _listed_date(page: dict[str, Any]) -> datetime | None:
    """The publication date the feed, the sitemap or the dump's line gave, when it is not after
    the capture."""
    listed = page.get("listed_published_at")
    return listed if listed is not None and listed <= page["fetched_at"] else None


def detect_language(body: str) -> str | None:
    """ISO 639-1 code of the body's language, or None for an empty body."""
    if not body.strip():
        return None
    language, _ = py3langid.classify(body[:_LANGUAGE_SAMPLE])
    return str(language)


def _html_result(page: dict[str, Any], config: ExtractConfig) -> dict[str, Any]:
    try:
        html, _ = decode_html(page["payload"], charset_from_content_type(page.get("content_type")))
    except DecodeError:
        return failed("decode_error")
    tree = trafilatura.load_html(html)
    if tree is None:
        return _verdict(page, config, [], {})
    structured = read_structured(tree)
    found = page_metadata(tree, page["url"], page["fetched_at"], structured)
    extracted = extract_body(tree, page["url"], config)
    rescued = recall_rescue(tree, page["url"], config, extracted) if config.recall_rescue else None
    document = rescued or extracted
    if document is None:
        _, text, _ = trafilatura.baseline(tree)
        return _verdict(
            page,
            config,
            mark_paragraphs(repair_mojibake(text).split("\n"), found.title),
            {"title": found.title},
        )
    lines = repair_mojibake(document.text or "").split("\n")
    # The page type is read from the body of trafilatura's own mode, which the model was fitted
    # on: recall mode's longer body would make some listings read as articles. The URL's shape
    # is read from the address the page gives itself (canonical link, og:url) when it gives
    # one: a capture's own URL may be opaque (a dump's, an AMP or tracking variant) where the
    # canonical one has the story's slug and date.
    signal_lines = lines  # the same body, unless the rescue replaced one
    if rescued is not None and extracted is not None:
        signal_lines = repair_mojibake(extracted.text or "").split("\n")
    # A front page is told by the capture's own address: a template's canonical link to the
    # front page on every story would make them all front pages.
    kind = classify_page(
        page_signals(tree, structured, found.url or page["url"], signal_lines),
        front_page=is_front_page(page["url"], found.url),
    )
    fields = {
        "page_type": kind.kind,
        "title": found.title or page.get("listed_title"),
        "authors": [a.strip() for a in (found.author or "").split(";") if a.strip()],
        "published_at": day_at(found.date, page["fetched_at"]) or _listed_date(page),
        "modified_at": day_at(
            update_day(tree, structured, found.title, found.date, page["fetched_at"].date()),
            page["fetched_at"],
        ),
        "site_name": found.sitename,
        "section": repair_mojibake(structured.article_section(ARTICLE_TYPES) or "") or None,
        "keywords": [repair_mojibake(word) for word in structured.article_keywords(ARTICLE_TYPES)],
        "description": found.description,
        "image_url": picture_address(
            found.image or structured.article_image(ARTICLE_TYPES), found.url or page["url"]
        ),
        "canonical_url": found.url,
    }
    paragraphs = mark_paragraphs(lines, found.title)
    return _verdict(page, config, paragraphs, fields)


def _text_result(page: dict[str, Any], config: ExtractConfig) -> dict[str, Any]:
    try:
        text, _ = decode_html(page["payload"])
    except DecodeError:
        return failed("decode_error")
    title, paragraphs = parse_text_capture(repair_mojibake(text), page.get("title"))
    return _verdict(page, config, paragraphs, {"title": title, "published_at": _listed_date(page)})


def _verdict(
    page: dict[str, Any], config: ExtractConfig, paragraphs: list[Paragraph], fields: dict
) -> dict[str, Any]:
    status, reason = page_verdict(
        paragraphs, page.get("http_status"), fields.get("title"), config.min_article_words
    )
    page_type = fields.get("page_type")
    if status == "article" and page_type in NON_ARTICLE_REASONS and not config.keep_non_articles:
        status, reason = "not_article", NON_ARTICLE_REASONS[page_type]
    if status == "article" and page.get("truncated"):
        reason = "truncated_capture"  # archived as far as the capture goes
    body = body_of(paragraphs)
    url = fields.get("canonical_url") or page["url"]
    return {
        **fields,
        "status": status,
        "reason": reason,
        "url": url,
        "site": site_of(url) or site_of(page["url"]),
        "body": body,
        "body_hash": text_hash(body),
        "word_count": count_words(body),
        "language": detect_language(body) if status == "article" else None,
        "paragraphs": [
            (p.text, p.status, p.reason, paragraph_key(p.text))
            for p in paragraphs
            if status in STORED_PARAGRAPHS
        ],
    }


def extract_page(page: dict[str, Any], config: ExtractConfig) -> dict[str, Any]:
    """Turn a raw page record into a result record; never raises for bad input.

    `page` holds url, fetched_at, kind ("html" or "text"), payload bytes and optionally
    http_status, content_type and title. The result holds status and reason, the article's
    fields, and paragraphs as (text, status, reason, text_key) tuples (see ids.paragraph_key).
    """
    payload = page["payload"]
    if not payload.strip():
        return failed("empty")
    if len(payload) > config.max_page_bytes:
        return failed("too_large")
    if page["kind"] == "html" and payload.count(b"<") > config.max_page_tags:
        return failed("too_many_elements")  # bounds the parse's memory and time
    try:
        if page["kind"] == "text":
            return _text_result(page, config)
        return _html_result(page, config)
    except MemoryError:
        return failed("memory_limit")
    except RecursionError:
        return failed("too_deep")
    except Exception:  # a page must never stop the run; the reason is kept as data
        return failed("extract_error")


def process_page(page: dict[str, Any], config: ExtractConfig, dedup: DedupConfig) -> dict[str, Any]:
    """Extract a page (see extract_page) and sketch an article's paragraphs for deduplication.

    `sketches` lines up with `paragraphs`: (share of the article signature, own signature or
    None); only kept paragraphs of paragraph_min_words words or more get their own.
    """
    result = extract_page(page, config)
    if result["status"] == "article":
        result["sketches"] = sketch_paragraphs(
            [normalise_text(text) for text, _, _, _ in result["paragraphs"]],
            [status == KEPT for _, status, _, _ in result["paragraphs"]],
            dedup.paragraph_min_words,
            article_scheme(dedup),
            paragraph_scheme(dedup),
        )
    return result
