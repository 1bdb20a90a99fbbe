"""Recognise page furniture: comment widgets, share bars and disclaimers at the end of a page,
and reading-time lines anywhere in it.

At the end only a trailing run counts, and only short label lines ("Comments", "Share this",
"Tags:") or the text right after a label that ends in a colon ("Legal Disclaimer:" and its
paragraph). A line that says how long the story takes to read ("6 min read", "Lesezeit: 4
Minuten"), alone or beside the date and byline it shares a line with, is furniture wherever it
sits. Other furniture that varies by site and sits mid-page is left to the site-level
boilerplate rule.
"""

import re

_MAX_LABEL_WORDS = 6
_MAX_LABELLED_WORDS = 150
_LABELS = [
    r"(?:no |\d+ |view |show |leave a |post a |add a |write a )?(?:comments?|reply|replies|responses?)",
    r"(?:be the first to )?comment(?: on this (?:article|story|post))?",
    r"(?:share|share this(?: article| story| post)?|share on \w+|follow us(?: on \w+)?)",
    r"(?:related|more|read more|see also|recommended|popular|trending)(?: (?:articles?|stories|posts|news|topics|coverage))?",
    r"(?:tags?|topics?|categories|category|filed under|keywords)",
    r"(?:legal )?disclaimer",
    r"advertisement|sponsored(?: content)?|ad",
    r"(?:subscribe|sign up)(?: (?:to|for) (?:our|the) newsletter)?|newsletter",
    r"(?:print|email|tweet|facebook|twitter|linkedin|whatsapp|pinterest)",
    r"(?:©|\(c\)|copyright)\b.*|all rights reserved\.?",
    # de, fr, es, it, pt, nl, ru
    r"(?:keine )?kommentare?|teilen|anzeige|werbung|schlagw[öo]rter|verwandte artikel",
    r"(?:aucun )?commentaires?|partager|publicit[ée]|[àa] lire aussi|mots-cl[ée]s",
    r"(?:sin )?comentarios?|compartir|publicidad|etiquetas|noticias relacionadas",
    r"(?:nessun )?commenti|condividi|pubblicit[àa]|articoli correlati",
    r"(?:sem )?coment[áa]rios?|compartilhe|publicidade|not[íi]cias relacionadas",
    r"(?:geen )?reacties|delen|advertentie|gerelateerde artikelen",
    r"комментари[иейя]|поделиться|реклама|читайте также|теги",
]
LABEL = re.compile(r"^\W*(?:" + "|".join(_LABELS) + r")\s*[:.!]?\W*$", re.I)


def is_label(line: str) -> bool:
    """True for a short furniture label such as "Comments" or "Legal Disclaimer:"."""
    return len(line.split()) <= _MAX_LABEL_WORDS and LABEL.match(line) is not None


def trailing_furniture(texts: list[str]) -> int:
    """How many paragraphs at the end of the page are furniture labels or labelled notices."""
    run = 0
    index = len(texts) - 1
    while index >= 0:
        line = texts[index]
        labelled = (
            index > 0
            and is_label(texts[index - 1])
            and texts[index - 1].rstrip().endswith(":")
            and len(line.split()) <= _MAX_LABELLED_WORDS
        )
        if labelled:
            run, index = run + 2, index - 2
        elif is_label(line):
            run, index = run + 1, index - 1
        else:
            break
    return run


# How long a story takes to read, in the words of the languages news sites write it in: a
# number of minutes and "read" ("6 min read", "4-minute read time", "5 min de lecture"), or a
# "reading time" label and a number of minutes ("Lesezeit: 4 Minuten", "Время чтения: 3 мин").
_MINUTES = (
    r"\d+(?:\s*[-–]\s*\d+)?\s*-?\s*(?:min(?:ute)?s?|minuten?|minutos?|minuti|minuty?"
    r"|мин(?:ут[аы]?)?|分(?:钟|鐘)?)\.?"
)
_READ_AFTER = (
    r"(?:read(?:ing)?(?: time)?|to read|lesezeit|lesedauer|de lecture|de lectura|de leitura"
    r"|di lettura|leestijd|czytania|чтения|阅读|閱讀|で読めます)"
)
_READ_LABEL = (
    r"(?:(?:estimated )?(?:reading|read) time|lesezeit|lesedauer|temps de lecture"
    r"|tiempo de lectura|tempo de leitura|tempo di lettura|leestijd|czas czytania"
    r"|время чтения|阅读时间|閱讀時間|読了時間)"
)
_READING_TIME = re.compile(
    rf"^\W*(?:{_MINUTES}\s*{_READ_AFTER}|{_READ_LABEL}\W*(?:ca\.?\s*)?{_MINUTES})\W*$", re.I
)
# What a byline line puts between its parts: "Jun 8, 2023 • 11 min read", "By Ann Lee — 6 min read"
_BYLINE_PARTS = re.compile(r"\s*(?:[•·|]|//|—|\s[–-]\s)\s*")
# Words the rest of such a line may hold: a date and a name or two
_BESIDE_READING_TIME_WORDS = 8
_MAX_READING_TIME_LINE = 160  # characters: the rest's eight words and the reading time
_DIGIT = re.compile(r"\d")


def is_reading_time(line: str) -> bool:
    """True for a line that says how long the story takes to read, alone or with the date and
    byline beside it ("Jun 08, 2023 • 11 Minute Read"); never for a sentence that mentions it."""
    # every form holds a number of minutes, and beside it at most a date and a name: most
    # lines are told by these two checks alone
    if len(line) > _MAX_READING_TIME_LINE or not _DIGIT.search(line):
        return False
    parts = [part for part in _BYLINE_PARTS.split(line.strip()) if part.strip()]
    timed = [part for part in parts if _READING_TIME.match(part)]
    if not timed:
        return False
    rest = sum(len(part.split()) for part in parts if part not in timed)
    return rest <= _BESIDE_READING_TIME_WORDS
