"""Days read from what a page writes: an ISO 8601 value in its structured data, or a date as a
reader sees it ("March 3, 2025", "3. März 2025", "2025年3月5日", "12 марта 2025",
"12 มีนาคม 2568").

htmldate's own parser reads most languages' forms; the forms it misses in the byline of a
news page (Chinese and Japanese 年月日, Russian and Ukrainian month names in the genitive,
Thai months with Buddhist-era years, Arabic-Indic, full-width and Thai digits) are read here
first. Pure functions.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time

from htmldate.extractors import try_date_expr

_ISO_DAY = re.compile(r"((?:1[89]|20)\d\d)-(\d\d)-(\d\d)(?:$|[T ])")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9][0-9](?![0-9])")
_EARLIEST = datetime(1995, 1, 1)  # htmldate's own lower bound: dates before the web are noise
# The characters around a year that a date written with it takes: "Wednesday, January 31, "
# before it, "年12月31日" after it.
_BEFORE_YEAR = 32
_AFTER_YEAR = 16
# Digits other scripts write, as ASCII: Arabic-Indic, Eastern Arabic-Indic (Persian, Urdu),
# full-width (Chinese, Japanese), Thai.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９๐๑๒๓๔๕๖๗๘๙", "0123456789" * 4)
_YEAR_MONTH_DAY = re.compile(
    r"((?:19|20)\d\d)\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]"
)


def _month_numbers(*calendars: str) -> dict[str, int]:
    """Each month name of `calendars` (twelve names each, January first) with its number."""
    return {name: number for names in calendars for number, name in enumerate(names.split(), 1)}


_GENITIVE_MONTHS = _month_numbers(
    # Russian, then Ukrainian
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![0-9])(\d{{1,2}})\s+({'|'.join(_GENITIVE_MONTHS)})\s+((?:19|20)\d\d)(?![0-9])", re.I
)


# Thai months, in full and abbreviated ("12 มีนาคม 2568", "12 มี.ค. 2568"), and the Buddhist
# era Thai dates count years in: 543 years ahead of the common era.
_THAI_MONTHS = _month_numbers(
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม",
    "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.",
)
_THAI_DATE = re.compile(
    rf"(?<![0-9])(\d{{1,2}})\s*({'|'.join(map(re.escape, _THAI_MONTHS))})\s*(?:พ\.ศ\.\s*)?"
    r"(\d{4})(?![0-9])"
)
_BUDDHIST_ERA = 543


def _thai_day(match: re.Match[str], latest: date) -> str | None:
    """The day of a Thai date with its year (`_THAI_DATE`'s match), Buddhist (2568) or common
    (2025); None for an impossible day or one after `latest`."""
    year = int(match[3])
    year -= _BUDDHIST_ERA if year > latest.year + _BUDDHIST_ERA // 2 else 0
    try:
        found = date(year, _THAI_MONTHS[match[2]], int(match[1]))
    except ValueError:
        return None
    return found.isoformat() if found <= latest else None


def _valid(match: re.Match[str], order: tuple[int, int, int], latest: date) -> str | None:
    """The ISO day of `match`'s year, month and day groups (their numbers in `order`)."""
    year, month, day = (match[group] for group in order)
    try:
        found = date(int(year), _GENITIVE_MONTHS.get(month.lower()) or int(month), int(day))
    except ValueError:
        return None
    return found.isoformat() if found <= latest else None


def iso_day(text: str, latest: date) -> str | None:
    """The day of an ISO 8601 date or timestamp as written, whatever its time zone; None for
    another form, an impossible day or one after `latest`."""
    if not (match := _ISO_DAY.match(text.strip())):
        return None
    return _valid(match, (1, 2, 3), latest)


def shown_day(text: str, latest: date, thorough: bool = True) -> str | None:
    """The day a date written with its year gives (ISO 8601, the forms above, or those
    htmldate reads); none after `latest`, none for a date without a year or a relative one
    ("1 day ago"). Not `thorough`: only the forms read without dateparser."""
    if _ISO_DAY.match(text.strip()):
        return iso_day(text, latest)
    text = text.translate(_DIGITS)
    if thai := _THAI_DATE.search(text):
        return _thai_day(thai, latest)
    if not _YEAR.search(text):
        return None
    if match := _YEAR_MONTH_DAY.search(text):
        return _valid(match, (1, 2, 3), latest)
    if match := _DAY_MONTH_YEAR.search(text):
        return _valid(match, (3, 2, 1), latest)
    bounds = (_EARLIEST, datetime.combine(latest, time.max))
    # htmldate's own patterns first (0.03 ms); dateparser, behind its extensive mode, reads
    # more forms ("Aug. 5, 2024", "2 февраля 2024") at 20 ms a line
    return try_date_expr(text, "%Y-%m-%d", False, *bounds) or (
        try_date_expr(text, "%Y-%m-%d", True, *bounds) if thorough else None
    )


def writes_day(texts: Iterable[str], day: str) -> bool:
    """Whether one of `texts` writes the ISO `day` in full, in a form `shown_day` reads
    without dateparser: the words around each mention of its year are read as a date."""
    year = day[:4]
    latest = date.fromisoformat(day)
    return any(
        shown_day(text[max(0, at - _BEFORE_YEAR) : at + _AFTER_YEAR], latest, thorough=False) == day
        for text in (text.translate(_DIGITS) for text in texts)
        for at in (match.start() for match in re.finditer(year, text))
    )
