"""Recognise page furniture at the end of a page: comment widgets, share bars, disclaimers.

Only a trailing run counts, and only short label lines ("Comments", "Share this", "Tags:")
or the text right after a label that ends in a colon ("Legal Disclaimer:" and its paragraph).
Furniture that varies by site and sits mid-page is left to the site-level boilerplate rule.
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
