"""The author a page shows under its headline, when its meta tags and structured data name none,
and author names cleaned of what surrounds them on a page.

Three signs a reader sees, looked for after the first `<h1>` and outside navigation, footers,
forms and asides: a link to the site's own author page (`/author/jane-doe`, `/people/...`,
`/staff/...`), a short line that starts with "By" ("Written by", "von", "par", "por", ...) or
with a date and then "by", and a byline's label alone ("Written by", "Author") over the name
in the next element. A "By" line over the headline counts when it sits in the headline's own
block (an article header's date and byline), not in the page's body before it.
What follows is cut at the first date, separator or digit, and kept only if it reads like a
name: one to five words, starting with a capital letter.

The dates shown with the headline (`byline_date`): the publication's, and an update's after a
label such as "Updated", read near the `<h1>` that holds the headline. Pure functions over a
parsed page.
"""

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from tasks.furniture import is_label
from tasks.ids import normalise_text

# A link to an author's page on the same site: the last path step is the author's slug.
_AUTHOR_PAGE = re.compile(
    r"/(?:authors?|people|staff|writers?|contributors?|profiles?|team)/[^/?#]+/?(?:[?#]|$)",
    re.I,
)
# A link to a tag's or a category's page: its text names a subject, never a person who wrote.
_TAG_PAGE = re.compile(r"/(?:tags?|category|categories)/[^/?#]+", re.I)
_BY = re.compile(
    r"^(?:by|written by|words by|posted by|text by|von|par|por|di|door|av|af|autor|autorin"
    r"|auteur|autore|tekst|текст|автор)"
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
    r"|\s+(?:updated|published|posted)$"  # "Shancock Posted", its date in the next element
    rf"|\s+(?:{_MONTHS})\b\.?\s*(?=\d)",
    re.I,
)
_MONTH = re.compile(rf"(?:{_MONTHS})\.?", re.I)
# What a byline finder puts before a name.
_CREDIT_PREFIX = re.compile(
    r"^(?:(?:(?:this\s+(?:post|article|story)\s+(?:was\s+)?)?"
    r"(?:written|posted|reviewed|edited)\s+by|(?:recipe|article|story|words|text|photos?)\s+by"
    r"|by|author|read more about|more about"
    # other languages' credit words that are no one's name ("Текст Венера Ерофеева")
    r"|autor|autorin|auteur|autore|tekst|текст|автор|автори)\s*[:\-]?\s+"
    # Chinese and Japanese, without a space: "作者：张三", "記者 山田太郎"
    r"|(?:作者|记者|記者|筆者|著者|文)\s*[:：]\s*|(?:作者|记者|記者|筆者|著者)\s+)",
    re.I,
)
# A byline's label standing alone, with the name in the element after it ("Written by" over
# "Jane Doe" in an author box, an "Author" heading over a paragraph). "By" alone is no label:
# code shows SQL's "GROUP BY" with each keyword in an element of its own.
_LABEL_ALONE = re.compile(
    r"^(?:written by|article by|words by|posted by|story by|authors?|contributors?|autor"
    r"|autorin|auteur|autore|verfasst von|écrit par|escrito por|scritto da|geschreven door"
    r"|текст|автор|автори|tekst)"
    r"\s*:?$",
    re.I,
)
_DATE_LINE = re.compile(r"^(?:updated|published|posted|last updated|modified)\b", re.I)
_NOT_NAMES = frozenset(["author", "authors", "view all", "more", "team", "staff", "about"])
_OUTSIDE = frozenset(
    ["nav", "footer", "form", "button", "select", "option", "script", "style", "noscript", "aside"]
)
_LOOKED_AT = 600  # elements after the headline: a byline sits near it
_LONGEST_LINE = 100  # characters of a byline with its date
_MAX_NAME_WORDS = 5  # a name's words at most; more is a sentence or a list
# Marks that end or part a sentence, which no name holds: "若本站收录的文章侵犯了您的权益，请联系
# 我们删除侵权内容" ("if an article here infringes your rights, ...") is a notice.
_SENTENCE_MARK = re.compile(r"[，。！？；]|[.!?;]\s")
_PROSE_BLOCKS = frozenset(["p", "li", "blockquote", "dd", "td"])
_WORD = re.compile(r"\w")


def _name(text: str) -> str | None:
    """The name a byline's text starts with, or None when it does not read like one."""
    name = _NAME_END.split(" ".join(text.split()))[0].strip(" ,.:;-")
    words = name.split()
    if len(words) >= 3 and _MONTH.fullmatch(words[-1]):  # "Jane Doe December", not "Tom May"
        name = " ".join(words[:-1])
    if len(words) == 1 and _MONTH.fullmatch(name):
        return None  # a date's month, not a name
    if (
        not name
        or len(name) > 60
        or not 1 <= len(name.split()) <= _MAX_NAME_WORDS
        or not name[0].isupper()
    ):
        return None
    return None if name.lower() in _NOT_NAMES else name


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What stands after a name on a page, or alone where a field was split at its commas: job
# titles ("Staff Writer", "Head of Community"), the words that qualify them ("Former",
# "Senior"), and credentials ("RN", "PhD"). Lower case, dots removed.
_ROLE_WORDS = _word_set(
    """founder co-founder cofounder ceo cto cfo coo cmo president editor writer reporter
    correspondent journalist columnist contributor contributing producer expert consultant
    coordinator manager director head lead reviewer specialist analyst strategist officer
    chief senior former associate assistant deputy managing executive intern fellow
    professor researcher scientist photographer designer developer engineer owner attorney
    lawyer dietitian nutritionist therapist physician winemaker grader certified licensed
    registered host critic redakteur redakteurin journalistin korrespondent rédacteur
    rédactrice journaliste redactor redactora periodista corresponsal giornalista"""
)
_CREDENTIALS = _word_set(
    """md phd rn bsn msn np dvm vmd rd rdn ld ms mba mph cpa cfa cfp esq jd dds dmd pharmd lcsw
    lmft facp faclm facs dacvb facog frcp mrcp cscs"""
)
# Beats and departments, which qualify a role ("Tech Reporter", "Content Marketing
# Coordinator"): cut from a name only when a role follows them.
_BEAT_WORDS = _word_set(
    """tech technology science health business sports politics news content marketing digital
    security privacy social media data product travel food style culture entertainment
    finance money legal medical editorial video audio photo web seo growth sales community
    development research staff"""
)
# A part of an author field that names no one: a page's furniture, a credit word alone, a
# publishing system's default account ("admin").
_FURNITURE_WORDS = _word_set(
    """privacy policy cookie cookies terms conditions copyright reserved subscribe
    newsletter login home menu share admin administrator webmaster"""
)
# What a template writes where it has no name: a script's empty value, a form field's label.
_PLACEHOLDERS = frozenset(["undefined", "null", "none", "name", "author name", "your name"])
_MONTH_ABBREVIATIONS = frozenset(
    ["jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec"]
)
_WEEKDAYS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
# Names joined in one credit: "Meg Kinnard and Errin Haines", "Ana Ruiz & Li Wei".
_JOINED_NAMES = re.compile(r"\s+(?:and|&|und|et|y|e|og|och|en)\s+", re.I)
_CREDIT_ONLY = re.compile(
    r"^(?:written|posted|reviewed|edited|article|story)?\s*by$|^(?:the\s+)?authors?$", re.I
)


def _lowered_words(text: str) -> list[str]:
    """The words of `text`, lower case, without dots and surrounding punctuation; a
    hyphenated word counts as its parts ("Digital-Security")."""
    return [
        part
        for word in text.replace("-", " ").split()
        if (part := word.strip(".,:;()").replace(".", "").lower())
    ]


def _is_role(word: str) -> bool:
    return any(part in _ROLE_WORDS or part in _CREDENTIALS for part in _lowered_words(word))


def _is_beat(word: str) -> bool:
    return all(part in _BEAT_WORDS for part in _lowered_words(word))


def _opens_with_abbreviation(words: list[str]) -> bool:
    """Whether a name opens with a short form that reads as a credential but is part of the
    name: a credential, no job title, then two words or more, each capitalised and none a
    role or a beat ("Md Aynal Haque"; not "DVM Reviewed by Molly Price")."""
    first = _lowered_words(words[0])
    rest = words[1:]
    return (
        bool(first)
        and all(part in _CREDENTIALS and part not in _ROLE_WORDS for part in first)
        and len(rest) >= 2
        and all(word[:1].isupper() and not _is_role(word) and not _is_beat(word) for word in rest)
    )


def _without_role(name: str) -> str | None:
    """`name` without a job title, beat or credential after it ("Jane Doe Tech Reporter",
    "Jane Doe RN"); None when the whole of it is a role, a beat or a credential."""
    words = name.split()
    end = next((i for i, word in enumerate(words) if _is_role(word)), len(words))
    if end == 0 and _opens_with_abbreviation(words):
        return name  # "Md Aynal Haque": "Md" (Muhammad) reads as a credential
    if all(_is_beat(word) for word in words[:end]):
        return None  # "Lead Reviewer", "Digital Security Expert", "BSN", "Community Development"
    if end == len(words) or end < 2:
        return name  # no role, or one word before it ("Zach Writer"): too little to cut at
    while end > 2 and _is_beat(words[end - 1]):
        end -= 1
    return " ".join(words[:end])


def _without_initials(name: str) -> str:
    """`name` without the initials an avatar shows before it ("CM Craig McCarthy")."""
    first, _, rest = name.partition(" ")
    initials = "".join(word[0] for word in rest.split() if word[:1].isupper())
    return rest if len(first) >= 2 and first.isupper() and first == initials else name


def clean_author(name: str) -> str | None:
    """One author name as a byline finder gave it, without what surrounds names on a page: a
    credit before it ("By", "Author", "This post was written by"), a date, a separator and
    what follows it (a title after a comma, "• March 3"), a job title or credential after it
    ("Tech Reporter", "RN"), an avatar's initials before it. None for what names no one: a
    date line ("Updated January"), a month, a role or credential alone, a page's furniture
    ("Privacy Policy", "©"), a credit word alone ("Written By"), a template's placeholder
    ("undefined", "Name"), words about authors ("Authorization"); the name as it came when what
    is left does not read like a name (scripts without capitals).
    """
    folded = " ".join(name.split())
    stripped = _CREDIT_PREFIX.sub("", folded)
    lowered = _lowered_words(stripped)
    if (
        _DATE_LINE.match(stripped)
        or _CREDIT_ONLY.match(stripped)
        or not any(character.isalpha() for character in stripped)
        or set(lowered) & _FURNITURE_WORDS
        or " ".join(lowered) in _PLACEHOLDERS
        # "Authorities ...", "Authorization", "Reset-Author": the text of an element whose
        # class names it an author's without it holding one
        or any(word.startswith("author") for word in lowered)
        or (len(lowered) == 1 and _MONTH.fullmatch(lowered[0]))
        or stripped[:1] in ",;|·•"  # the name before a separator is missing: ", USA TODAY"
    ):
        return None
    found = _name(stripped)
    if found is None:  # no capital to go by ("山田太郎", "ibby"), or many words: as it came
        return None if _SENTENCE_MARK.search(stripped) else stripped or None
    found = _without_initials(found)
    words = found.split()
    if len(words) == 2 and words[1].lower().rstrip(".") in _MONTH_ABBREVIATIONS:
        found = words[0]  # "Wyndo Dec": a date shown after a one-word name
    elif len(words) >= 3 and words[-1].lower() in _WEEKDAYS:
        found = " ".join(words[:-1])  # "Jeff Foust Monday": the day it was posted
    return _without_role(found)


def _split_joined(name: str) -> list[str]:
    """The names a joint credit holds, when each reads like a full name; else `name`."""
    parts = _JOINED_NAMES.split(name)
    if len(parts) > 1 and all(len(p.split()) >= 2 and p[:1].isupper() for p in parts):
        return parts
    return [name]


def _elements_in(roots: list[HtmlElement], limit: int) -> Iterator[HtmlElement]:
    """The elements of `roots` in document order, leaving out the subtrees of navigation,
    footers, forms and asides; at most `limit`."""
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
            if seen > limit:
                return
            yield element


def _after_headline(tree: HtmlElement, headline: HtmlElement | None) -> Iterator[HtmlElement]:
    """Elements from the page's first <h1> on in document order (the whole page when it has
    none), leaving out navigation, footers, forms and asides; at most _LOOKED_AT."""
    if headline is None:
        roots = [tree]
    else:  # the headline, then what follows each of it and its ancestors
        roots = [headline]
        for node in [headline, *headline.iterancestors()]:
            roots.extend(sibling for sibling in node.itersiblings() if isinstance(sibling.tag, str))
    return _elements_in(roots, _LOOKED_AT)


def _above_headline(headline: HtmlElement | None) -> Iterator[HtmlElement]:
    """Elements before the page's first <h1> within its own block (a date and byline over the
    headline in an article's header): the <h1>'s earlier siblings and its parent's, each only
    when what holds them is a block of the page and not its body; at most _LOOKED_AT."""
    roots: list[HtmlElement] = []
    for node in (headline.getparent(), headline) if headline is not None else ():
        block = node.getparent() if node is not None else None
        if block is not None and block.tag not in ("body", "html"):
            roots += [e for e in node.itersiblings(preceding=True) if isinstance(e.tag, str)][::-1]
    return _elements_in(roots, _LOOKED_AT)


def _dated(element: HtmlElement) -> bool:
    """Whether the element opens with its date (a <time> before any text of its own)."""
    return not (element.text or "").strip() and len(element) > 0 and element[0].tag == "time"


def _opens_with_by(element: HtmlElement) -> bool:
    """Whether the element's first words could be a byline's ("By", "Written by", ...), after
    a date it opens with: a cheap test before its text is read."""
    first = (element.text or "").strip()
    if not first and len(element):
        first = ((element[0].tail if _dated(element) else element[0].text) or "").strip()
    return bool(first) and _BY_WORD.match(first) is not None


def _by_line(element: HtmlElement) -> str | None:
    """What follows "By" (or "Written by", ...) when the element is a short byline, after the
    date it may open with; else None."""
    if not _opens_with_by(element) or not (text := _short_text(element)):
        return None
    if _dated(element):
        date = " ".join(" ".join(element[0].itertext()).split())
        text = text.removeprefix(date).strip()
    by = _BY.match(text)
    return by.group(1) if by else None


def _alone(element: HtmlElement, own: str) -> bool:
    """Whether the element's short text is its own text `own` alone, no child's beside it."""
    return _short_text(element) == " ".join(own.split())


def _short_text(element: HtmlElement, longest: int = _LONGEST_LINE) -> str | None:
    """The element's text with white space folded, or None when it is longer than `longest`
    characters, a byline's by default (read piece by piece, so a large element costs no more
    than a short one)."""
    pieces, size = [], -1
    for piece in element.itertext():
        if folded := " ".join(piece.split()):
            pieces.append(folded)
            size += len(folded) + 1
            if size > longest:
                return None
    return " ".join(pieces)


def _text_before(block: HtmlElement, element: HtmlElement, limit: int) -> str:
    """The text of `block` that comes before `element`, one of its descendants, white space
    folded; no more than about `limit` characters of it are read (a page laid out in one table
    cell costs what a byline does)."""
    pieces, size = [], 0
    for event, node in etree.iterwalk(block, events=("start", "end")):
        if event == "start" and node is element:
            break
        piece = node.text if event == "start" else node.tail if node is not block else None
        pieces.append(piece := " ".join((piece or "").split()))
        size += len(piece)
        if size > limit:
            break
    return " ".join(piece for piece in pieces if piece)


def _mentioned(link: HtmlElement) -> bool:
    """Whether a link stands inside a sentence of running text ("US President <a>Donald
    Trump</a> has been eager ..."): its paragraph is longer than a byline, and words that are
    no credit ("By") come before it. A story's subjects have profile pages too
    (`/topics/people/...`); a byline or an author's note does not read so."""
    block = next((node for node in link.iterancestors() if node.tag in _PROSE_BLOCKS), None)
    if block is None or _short_text(block, 2 * _LONGEST_LINE) is not None:
        return False
    before = _text_before(block, link, _LONGEST_LINE)
    return bool(_WORD.search(_CREDIT_PREFIX.sub("", before + " ")))


def _author_link(element: HtmlElement, host: str) -> str | None:
    href = element.get("href") or ""
    if not _AUTHOR_PAGE.search(href) or _mentioned(element):
        return None
    link_host = (urlsplit(href).hostname or "").removeprefix("www.")
    if link_host and link_host != host:
        return None  # a profile on a social network, not the site's author page
    text = " ".join(" ".join(element.itertext()).split())
    prefixed = _BY.match(text) or _LINK_PREFIX.match(text)
    return _name(prefixed.group(1) if prefixed else text)


def byline_author(tree: HtmlElement, url: str) -> str | None:
    """The author named near the headline: the first link to the site's author page, else
    the first short "By ..." line or name under a label after the headline, else the first
    "By ..." line over it in its block; None when none reads like a name."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    headline = next(tree.iter("h1"), None)
    lines = []
    labelled = False  # the previous element with text was a byline's label alone
    for element in _after_headline(tree, headline):
        if element.tag == "a" and (name := _author_link(element, host)):
            return name
        own = (element.text or "").strip()
        if labelled and own:
            labelled = False
            if _alone(element, own):
                lines.append(" ".join(own.split()))
        if own and element.tag != "a" and _LABEL_ALONE.match(own) and _alone(element, own):
            # (a link so named is a tab or a menu's) the name after the label's own element
            # ("<b>Author:</b> Jane Doe"), else in the next element with text of its own
            tail = " ".join((element.tail or "").split())
            if tail and not _CREDIT_ONLY.match(tail):  # "Author <span/>Posted by <a>Jo</a>"
                lines.append(tail)
            else:
                labelled = True
        if by := _by_line(element):
            lines.append(by)
    lines.extend(by for element in _above_headline(headline) if (by := _by_line(element)))
    for line in lines:
        if name := _name(line):
            return name
    return None


def tag_names(tree: HtmlElement) -> frozenset[str]:
    """The names of the page's tags and categories (the text of a link with `rel="tag"` or to
    a `/tag/` or `/category/` page, normalised), leaving out any that also links to an
    author's page: a byline finder that reads a post's tag bar as its byline ("Personal
    finance", "January 27, 2025") finds one of these."""
    tags, authors = set(), set()
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if link.get("rel") == "tag" or _TAG_PAGE.search(href):
            tags.add(normalise_text(link.text_content()))
        elif _AUTHOR_PAGE.search(href):
            authors.add(normalise_text(link.text_content()))
    return frozenset(tags - authors - {""})


def without_tags(authors: str | None, tags: frozenset[str]) -> str | None:
    """An author field ("; "-separated) without the names that are only a tag's or a
    category's (tag_names); None when no name is left."""
    if not authors or not tags:
        return authors
    kept = [name for name in authors.split("; ") if normalise_text(name) not in tags]
    return "; ".join(kept) or None


def _is_site(name: str, site_name: str | None) -> bool:
    """Whether `name` is the site's own name, case and dots aside ("USA Today", "USA TODAY")."""
    return _lowered_words(name) == _lowered_words(site_name or "")


def clean_authors(authors: str | list[str] | None, site_name: str | None = None) -> str | None:
    """An author field ("; "-separated, or a list) with each name cleaned (clean_author), each
    once, and the site's own name left out when a person is named beside it; None when no
    name is left."""
    fields = authors.split(";") if isinstance(authors, str) else list(authors or [])
    names = list(
        dict.fromkeys(
            part
            for field in fields
            if (name := clean_author(field))
            for part in _split_joined(name)
        )
    )
    if len(names) > 1 and site_name:
        names = [name for name in names if not _is_site(name, site_name)] or names
    return "; ".join(names) or None


def names_no_person(
    authors: str,
    organisations: frozenset[str],
    site_name: str | None = None,
    handles_are_names: bool = False,
) -> bool:
    """Whether an author field ("; "-separated) names no person: every name in it is an
    organisation the structured data types so, the site's own name, or, unless
    `handles_are_names` (a discussion's members go by them), an account's handle (one word:
    "KatieS", "andrew.keaveney")."""
    organisation_words = {tuple(_lowered_words(name)) for name in organisations}
    return bool(authors.strip()) and all(
        (" " not in name.strip() and not handles_are_names)
        or _is_site(name, site_name)
        or tuple(_lowered_words(name)) in organisation_words
        for name in authors.split(";")
    )


def same_names(authors: str, other: str) -> bool:
    """Whether two author fields name the same words, however joined ("Linny; Peter" and
    "Linny and Peter")."""

    def words(field: str) -> set[str]:
        return {
            word
            for name in field.split(";")
            for part in _JOINED_NAMES.split(name)
            for word in _lowered_words(part)
        }

    return words(authors) == words(other)


# Words that mark a date as an update's, not the first publication's, in the languages of the
# bylines above; they stand just before the date ("Updated Dec 9, 2025", "Last modified:").
_UPDATE_LABEL = re.compile(
    r"\b(?:updated|modified|revised|refreshed|aktualisiert|geändert|mis\s+à\s+jour"
    r"|actualizad[oa]|atualizad[oa]|aggiornato|bijgewerkt|uppdaterad|opdateret|oppdatert"
    r"|zaktualizowano|обновлено|оновлено)\b"
    r"|更新|수정|업데이트",  # Chinese and Japanese, Korean: no word boundary between characters
    re.I,
)
_DIGIT = re.compile(r"\d")
_BYLINE_WORDS = 100  # the headline, a standfirst and the byline: the story starts after


def _pieces(
    elements: Iterator[HtmlElement], headline: HtmlElement
) -> Iterator[tuple[str, str | None]]:
    """The text pieces of `elements` in reading order, leaving out the headline's own words,
    each with the `datetime` of the <time> it opens (else None)."""
    inside = {headline, *headline.iterdescendants()}
    for element in elements:
        if element not in inside:
            stamp = element.get("datetime") if element.tag == "time" else None
            if stamp or (element.text or "").strip():
                yield " ".join((element.text or "").split()), stamp
        if (element.tail or "").strip() and (element is headline or element not in inside):
            yield " ".join(element.tail.split()), None


# What parts a byline's date from the name beside it: "Dec. 19, 2025 · Niko Matsakis",
# "Jane Doe | March 3, 2025"
_BESIDE_DATE = re.compile(r"\s*[·•⋅|—–]\s*|\s+-\s+")
_NAME_PARTICLES = frozenset(["de", "da", "do", "dos", "van", "von", "der", "den", "la", "le", "di"])
_PIECE_WORDS = 8  # a piece of a byline beside its date; more is a standfirst's sentence
_WORD_CHARACTER = re.compile(r"\w")
_TRAILING_CONNECTIVE = re.compile(r"\s+(?:in|on|at|for)$", re.I)


def _plain_name(text: str) -> str | None:
    """`text`'s name when it reads as a person's alone: two to four capitalised words (name
    particles aside; no acronym, no initial without its dot), no digit, no role, beat, month
    or weekday, and no furniture label."""
    text = _TRAILING_CONNECTIVE.sub("", text)  # "Mahua Das in" <a>Project Management</a>
    if len(text.split()) > _PIECE_WORDS or not (name := _name(text)):
        return None
    words = name.split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in name) or is_label(name):
        return None  # "No Comments", "Filed Under": furniture
    for word in words:
        lowered = word.lower().strip(".,")
        if lowered in _NAME_PARTICLES:
            continue
        if (
            not word[0].isupper()
            or (len(word) == 1 and word != "I")  # an initial is written with its dot
            or (len(word.strip(".")) > 1 and word.isupper())  # "AI", "USA": an organisation's
            or lowered in _ROLE_WORDS
            or lowered in _BEAT_WORDS
            or lowered in _WEEKDAYS
            or _MONTH.fullmatch(word)
        ):
            return None
    return name


def _headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    """The first `<h1>` that holds `headline` (case, spacing and punctuation aside), or None."""
    wanted = normalise_text(headline or "")
    return next(
        (h for h in tree.iter("h1") if wanted and wanted in normalise_text(h.text_content())),
        None,
    )


def name_beside_date(
    tree: HtmlElement, headline: str | None, parse: Callable[[str], str | None]
) -> str | None:
    """The name shown beside the date under the headline, where no "By" or author link
    marks it ("Dec. 19, 2025 · Niko Matsakis", "Jane Doe | March 3, 2025", a name and a date
    in elements side by side): in the date's own piece of text, parted from it by a separator,
    else in the piece right after it, else right before it (`_plain_name`). The date is the
    first piece `parse` reads within _BYLINE_WORDS words after the `<h1>` holding `headline`;
    None when there is none, or nothing beside it reads as a person's name."""
    heading = _headline_element(tree, headline)
    if heading is None:
        return None
    pieces: list[tuple[str, str | None]] = []
    words = 0
    for text, stamp in _pieces(_after_headline(tree, heading), heading):
        words += len(text.split())
        if words > _BYLINE_WORDS:
            break
        if stamp or _WORD_CHARACTER.search(text):  # not a separator in an element of its own
            pieces.append((text, stamp))
    for at, (text, stamp) in enumerate(pieces):
        if not (stamp or (_DIGIT.search(text) and len(text) <= _LONGEST_LINE)):
            continue
        parts = [part for part in _BESIDE_DATE.split(text) if part]
        dated = [part for part in parts if _DIGIT.search(part)]
        if not ((stamp and parse(stamp)) or any(parse(part) for part in dated)):
            continue
        own = [part for part in parts if part not in dated]
        after = [pieces[at + 1][0]] if at + 1 < len(pieces) else []
        before = [pieces[at - 1][0]] if at > 0 else []
        names = [name for part in own + after + before if (name := _plain_name(part))]
        if not names:
            return None
        # a link's text is a section's, a category's or a publication's (an author page's link
        # is byline_author's to read); the page's links are read only for a name to check
        linked = {
            normalise_text(" ".join(link.itertext())) for link in tree.iter("a") if link.get("href")
        }
        return next((name for name in names if normalise_text(name) not in linked), None)
    return None


def _dates_shown(text: str, before: str) -> dict[bool, str]:
    """The parts of a line of a byline that show the publication (False) and an update
    (True): all of it is an update's when an update label opens it or stands alone before it
    ("Updated: Dec 9, 2025"); "Published March 3, 2025 · Updated Dec 9, 2025" shows both."""
    label = _UPDATE_LABEL.search(text)
    if (not _DIGIT.search(before) and _UPDATE_LABEL.search(before)) or (
        label and not _DIGIT.search(text[: label.start()])
    ):
        return {True: text}
    if label is None:
        return {False: text}
    return {False: text[: label.start()], True: text[label.end() :]}


def byline_date(
    tree: HtmlElement,
    headline: str | None,
    parse: Callable[[str], str | None],
    *,
    update: bool = False,
) -> str | None:
    """The publication day shown with the headline: the first date `parse` reads, in a
    <time>'s `datetime` or in a short piece of text, after the `<h1>` that holds `headline`
    (within _BYLINE_WORDS words of it) or above it in its block, unless an update label
    ("Updated", "Last modified", ...) stands just before it; None when there is none, or no
    `<h1>` holds the headline (a forum's `<h1>` names the board, and the dates after it are
    members'). With `update`, the first date an update label does stand before."""
    heading = _headline_element(tree, headline)
    if heading is None:
        return None
    for region in (_after_headline(tree, heading), _above_headline(heading)):
        words, before = 0, ""
        for text, stamp in _pieces(region, heading):
            words += len(text.split())
            if words > _BYLINE_WORDS:
                break
            if stamp or (_DIGIT.search(text) and len(text) <= _LONGEST_LINE):
                shown = _dates_shown(text, before)
                if (part := shown.get(update)) is not None and (
                    day := (parse(stamp) if stamp and len(shown) == 1 else None) or parse(part)
                ):
                    return day
            before = text or before
    return None
