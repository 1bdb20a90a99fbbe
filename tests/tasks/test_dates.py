"""Days read from what a page writes (tasks/dates.py)."""

from datetime import date

import pytest

from tasks.dates import iso_day, shown_day, writes_day

LATEST = date(2026, 4, 1)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-12-08T22:31:00.000Z", "2025-12-08"),  # milliseconds, which htmldate cannot read
        ("2024-03-17T23:30:00-05:00", "2024-03-17"),  # the day as written, whatever the zone
        ("2024-03-17", "2024-03-17"),
        ("2025-02-30", None),
        ("2026-04-02T00:00:00Z", None),  # after the capture
        ("March 17, 2024", None),  # not ISO 8601
    ],
)
def test_iso_day(text, day):
    assert iso_day(text, LATEST) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Published October 14, 2025 in Corporate", "2025-10-14"),
        ("By Kathryn Giuffrida Mar 5, 2025 | 6 comments", "2025-03-05"),
        ("Aug. 5, 2024", "2024-08-05"),
        ("By The Currency editors 12.12.2025", "2025-12-12"),
        ("Veröffentlicht am 12. März 2025", "2025-03-12"),
        ("Publié le 12 mars 2025 à 14h30, mis à jour le 13 mars 2025", "2025-03-12"),
        ("3 de marzo de 2025", "2025-03-03"),
        ("发布时间：2024年3月5日 10:30", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"),  # full-width digits
        ("2025년 3월 12일", "2025-03-12"),
        ("Опубликовано 12 марта 2025", "2025-03-12"),
        ("12 березня 2025", "2025-03-12"),
        ("١٢ مارس ٢٠٢٥", "2025-03-12"),  # Arabic-Indic digits
        # Thai, in the Buddhist era (2568 is 2025) or the common one, with Thai digits too
        ("12 มีนาคม 2568", "2025-03-12"),
        ("วันที่ 5 ธ.ค. 2567 เวลา 10:30 น.", "2024-12-05"),
        ("12 มีนาคม พ.ศ. 2568", "2025-03-12"),
        ("๑๒ มี.ค. ๒๕๖๘", "2025-03-12"),
        ("12 มีนาคม 2025", "2025-03-12"),
        ("31 ก.พ. 2568", None),
        ("12 เมษายน 2569", None),  # 2026-04-12, after the capture
        # no year, a relative date, an impossible or a future day: nothing
        ("March 12", None),
        ("1 day ago", None),
        ("31 февраля 2025", None),
        ("2025-02-30", None),
        ("2027年1月1日", None),
        ("Top 10 gadgets of 2025", None),
    ],
)
def test_shown_day(text, day):
    assert shown_day(text, LATEST) == day


@pytest.mark.parametrize(
    ("texts", "day", "written"),
    [
        (["Posted on Wednesday, January 1, 2025 by the editors"], "2025-01-01", True),
        (["Menu", "Stand: 1. März 2023, 10:00 Uhr"], "2023-03-01", True),
        (["公開日：２０２５年１月１日"], "2025-01-01", True),  # full-width digits
        (
            ["A long paragraph that names 2025 once. " * 3 + "Updated 2025-01-01."],
            "2025-01-01",
            True,
        ),
        # a year, a month, or another day of the month: not the day
        (["© 2025 Example Media. All rights reserved."], "2025-01-01", False),
        (["Archive", "March 2024", "February 2024"], "2024-03-01", False),
        (["Posted on January 11, 2025"], "2025-01-01", False),
    ],
)
def test_writes_day(texts, day, written):
    assert writes_day(texts, day) is written
