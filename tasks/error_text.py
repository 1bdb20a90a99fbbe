"""Recognise the text of error pages: "404", "page not found", "access denied", in several languages.

A line is error text only if it is short; a strong phrase is needed before weak ones ("Sorry!")
count, so an article that merely mentions an error is left alone.
"""

import re

MAX_ERROR_LINE_WORDS = 25

_STRONG = [
    # "403", "Error 404", "404 - Page not found"; not "450 killed in floods"
    r"^\W*(?:(?:http\s+)?error\s*[:\-]?\s*)?[45]\d\d(?:\W+(?:error|(?:page )?not found|forbidden|"
    r"unauthori[sz]ed|gone|bad request|internal server error|service unavailable|bad gateway|"
    r"access denied))?\W*$",
    r"\bpage\b.{0,40}\b(?:you(?:'re| are| were)?|are you)\b.{0,20}\blooking for\b",
    r"\b(?:page|article|content|story|file|url|resource)\b.{0,40}\b(?:not (?:be )?found|"
    r"does ?n[o']t exist|do(?:es)? not exist|no longer (?:exists?|available)|"
    r"(?:has been|was) (?:removed|deleted|moved)|could ?n[o']t be found|cannot be found|"
    r"is (?:not |un)available)\b",
    r"\b(?:not found|does ?n[o']t exist|no longer exists|could not be found)\W*$",
    r"^\W*(?:403\W*)?(?:forbidden|access denied|access forbidden|permission denied|unauthori[sz]ed)\b",
    r"\byou (?:do not|don'?t) have (?:permission|access)\b",
    r"\bsomething went wrong\b",
    r"\b(?:internal server error|service unavailable|bad gateway|gateway time-?out)\b",
    # de, fr, es, it, pt, nl, pl, ru, uk, tr, zh, ja, ko
    r"\bseite (?:wurde )?nicht gefunden\b|\bexistiert nicht\b|\bzugriff verweigert\b",
    r"\bpage (?:introuvable|non trouv[ée]e)\b|\bn'existe (?:pas|plus)\b|\bacc[eè]s (?:refus[ée]|interdit)\b",
    r"\bp[aá]gina no (?:encontrada|existe)\b|\bno existe\b|\bacceso denegado\b",
    r"\bpagina non (?:trovata|esiste)\b|\bnon esiste\b|\baccesso negato\b",
    r"\bp[aá]gina n[ãa]o (?:encontrada|existe)\b|\bn[ãa]o existe\b|\bacesso negado\b",
    r"\bpagina niet gevonden\b|\bbestaat niet\b|\bstrona nie (?:istnieje|zosta[łl]a znaleziona)\b",
    r"страница не найдена|страница не существует|доступ (?:запрещ[её]н|закрыт)|сторінку не знайдено",
    r"\bsayfa bulunamad[ıi]\b",
    r"页面不存在|找不到(?:该|此)?页面|页面未找到|網頁不存在|頁面不存在",
    r"ページが見つかりません|お探しのページ",
    r"페이지를 찾을 수 없습니다",
]
_WEAK = [
    r"^\W*(?:sorry|oops|whoops|error|uh-?oh|ooops)\b",
    r"\b(?:we(?:'re| are) sorry|sorry)\b",
    r"^\W*(?:entschuldigung|désolé|lo sentimos|ci dispiace|desculpe|извините)\b",
    r"^\W*(?:go (?:back )?(?:to )?(?:the )?home(?:page)?|back to (?:the )?home(?:page)?|return to homepage)\W*$",
]
STRONG_PATTERN = re.compile("|".join(f"(?:{p})" for p in _STRONG), re.I)
WEAK_PATTERN = re.compile("|".join(f"(?:{p})" for p in _WEAK), re.I)


def is_short(line: str) -> bool:
    """True when the line is short enough to be an error message rather than prose."""
    return len(line.split()) <= MAX_ERROR_LINE_WORDS


def is_strong_error(line: str) -> bool:
    """True when a short line plainly says the page is missing, forbidden or broken."""
    return is_short(line) and STRONG_PATTERN.search(line) is not None


def is_weak_error(line: str) -> bool:
    """True when a short line is error-page small talk ("Sorry!!", "Oops")."""
    return is_short(line) and WEAK_PATTERN.search(line) is not None
