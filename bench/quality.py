"""Extraction quality on the development sets: the archive against bare trafilatura, per set
and page type, in one run.

    .venv/bin/python bench/quality.py [--benchmark DIR] [--wcxb DIR] [--extract-config FILE]

Both sets are written as WARC captures (one response record per page, with its real URL) and
archived by the whole pipeline (`broadsheet run`); every page's body is then read back from
the warehouse: an article's body, a duplicate's surviving body, nothing for a page that became
no article. Bare `trafilatura.extract` with default settings runs on the same pages.

Printed, for the 181-page benchmark: body precision, recall and F1 (its published 4-gram
metric). For wcxb-dev: word F1 per page type, over all pages and over the pages the archive
kept as articles (bare trafilatura on the same pages beside it), and over the latter the labels'
must-have and must-not-have snippets; how many pages of each type became articles; the
headline, publication day and authors of its articles against the ground truth, next to
trafilatura's own metadata, over all labelled articles and over those the archive kept, and
how many labelled days the page never writes (no extractor can find those).
"""

import argparse
import json
import logging
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from io import BytesIO
from multiprocessing import Pool
from pathlib import Path
from statistics import fmean
from typing import Any

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
import trafilatura
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.corpus import DEFAULT_CORPUS, DEFAULT_WCXB, load_corpus, load_wcxb, read_ground_truth
from bench.metric import (
    body_scores,
    names_of,
    names_without_credentials,
    normalised_words,
    snippet_counts,
    snippet_scores,
    word_f1,
    writes_day_in_any_form,
)
from flows.archive import archive
from flows.settings import load_settings
from tasks.config import RunConfig
from tasks.layout import Layout

# The benchmark pages carry no capture date; wcxb-dev's were captured in 2025 and early 2026
# (its latest labelled publication date is 2026-03-12). Dates are capped at capture time.
CAPTURED = {"benchmark": datetime(2020, 6, 1, tzinfo=UTC), "wcxb": datetime(2026, 4, 1, tzinfo=UTC)}
RECORDS_PER_WARC = 400  # a WARC file is a shard: several, so both cores get work


def write_warcs(pages: list[dict], folder: Path) -> dict[str, str]:
    """Write the pages as WARC response records; return the source (file#offset) of each key."""
    sources: dict[str, str] = {}
    for start in range(0, len(pages), RECORDS_PER_WARC):
        path = folder / f"pages-{start // RECORDS_PER_WARC:03d}.warc.gz"
        with open(path, "wb") as out:
            writer = WARCWriter(out, gzip=True)
            for page in pages[start : start + RECORDS_PER_WARC]:
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    page["url"],
                    "response",
                    payload=BytesIO(page["html"]),
                    http_headers=headers,
                    warc_headers_dict={
                        "WARC-Date": page["captured"].strftime("%Y-%m-%dT%H:%M:%SZ")
                    },
                )
                offset = out.tell()
                writer.write_record(record)
                sources[page["key"]] = f"{path}#{offset}"
    return sources


def archived(warehouse: Path) -> dict[str, dict]:
    """What the archive made of each page, by source: status, reason, and the article's body
    and metadata (a duplicate's are its survivor's)."""
    query = """
        SELECT p.source, p.status, p.reason, coalesce(a.body, '') AS body, a.title, a.authors,
               a.language,
               strftime(a.published_at, '%Y-%m-%d') AS day,
               strftime(a.modified_at, '%Y-%m-%d') AS updated
        FROM pages p LEFT JOIN articles a ON a.article_id = p.article_id
    """
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as connection:
        cursor = connection.execute(query)
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def bare(html: bytes) -> dict:
    """Bare trafilatura with default settings: the body of `extract`, the metadata of
    `extract_metadata`."""
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    found = trafilatura.extract_metadata(html)
    return {
        "body": trafilatura.extract(html) or "",
        "title": found.title if found else None,
        "authors": [a for a in (found.author or "").split("; ") if a] if found else [],
        "day": (found.date or "")[:10] or None if found else None,
    }


def load_pages(benchmark: Path, wcxb: Path) -> list[dict[str, Any]]:
    """Both sets as one list of pages: set, key, type, html, url, truth (body at least)."""
    pages: list[dict[str, Any]] = []
    corpus, expected = load_corpus(benchmark)
    urls = {key: value.get("url") for key, value in read_ground_truth(benchmark).items()}
    for key, html in corpus.items():
        pages.append(
            {"set": "benchmark", "key": f"b-{key}", "type": "article", "html": html}
            | {"url": urls[key] or f"https://benchmark.example/{key}"}
            | {"truth": {"body": expected[key]}}
        )
    for key, (page_type, html, truth) in load_wcxb(wcxb).items():
        pages.append(
            {"set": "wcxb", "key": f"w-{key}", "type": page_type, "html": html}
            | {"url": truth["url"] or f"https://wcxb.example/{key}"}
            | {"truth": truth | {"body": truth.get("main_content") or ""}}
        )
    for page in pages:
        page["captured"] = CAPTURED[page["set"]]
    return pages


WHO = ("ours", "bare")


def archived_as_article(page: dict) -> bool:
    """Whether the archive kept the page as an article (a duplicate's is its survivor)."""
    return page["ours"]["status"] in ("article", "duplicate")


def print_benchmark(pages: list[dict]) -> None:
    # The set is mostly English: its other pages, by the language the archive detects, are the
    # one view this bench has of the other languages a news archive meets.
    others = [page for page in pages if page["ours"].get("language") not in ("en", None)]
    languages = ", ".join(sorted({page["ours"]["language"] for page in others}))
    print("benchmark (181 pages, 4-gram metric)    precision    recall        F1")
    for heading, group, indent in (
        (None, pages, 2),
        (f"not in English ({len(others)} pages: {languages})", others, 4),
    ):
        if heading and group:
            print(f"  {heading}")
        for who in WHO if group else ():
            p, r, f = body_scores((page["truth"]["body"], page[who]["body"]) for page in group)
            name = "broadsheet archive" if who == "ours" else "trafilatura.extract"
            print(f"{'':{indent}}{name:{38 - indent}}{p:10.4f}{r:10.4f}{f:10.4f}")


def print_wcxb(pages: list[dict]) -> None:
    by_type: dict[str, list[dict]] = defaultdict(list)
    for page in pages:
        by_type[page["type"]].append(page)
    print(
        "wcxb-dev (word F1)      pages  archive    bare   delta | as articles  archive"
        "    bare   delta"
    )
    for page_type, group in sorted(by_type.items(), key=lambda item: item[0] != "article"):
        ours = fmean(word_f1(p["truth"]["body"], p["ours"]["body"]) for p in group)
        theirs = fmean(word_f1(p["truth"]["body"], p["bare"]["body"]) for p in group)
        kept = [p for p in group if archived_as_article(p)]
        line = f"  {page_type:18}{len(group):7}{ours:9.4f}{theirs:8.4f}{ours - theirs:+8.4f} |"
        if kept:
            ours_kept = fmean(word_f1(p["truth"]["body"], p["ours"]["body"]) for p in kept)
            bare_kept = fmean(word_f1(p["truth"]["body"], p["bare"]["body"]) for p in kept)
            line += f"{len(kept):12}{ours_kept:9.4f}{bare_kept:8.4f}{ours_kept - bare_kept:+8.4f}"
        print(line)
    print_snippets(by_type)
    print("wcxb-dev pages by what the archive made of them")
    for page_type, group in sorted(by_type.items(), key=lambda item: item[0] != "article"):
        outcomes: dict[str, int] = defaultdict(int)
        for page in group:
            outcome = page["ours"]["status"]
            outcomes[
                f"{outcome}/{page['ours']['reason']}" if page["ours"]["reason"] else outcome
            ] += 1
        listed = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items(), key=lambda i: -i[1]))
        print(f"  {page_type:18}{listed}")
    non_articles = [p for p in pages if p["type"] in ("listing", "collection", "product")]
    out = sum(not archived_as_article(p) for p in non_articles)
    articles = by_type["article"]
    lost = sum(not archived_as_article(p) for p in articles)
    print(
        f"listing, collection and product pages kept out of articles: {out}/{len(non_articles)}"
        f" ({out / max(len(non_articles), 1):.1%})"
    )
    print(f"true articles lost: {lost}/{len(articles)} ({lost / max(len(articles), 1):.1%})")
    print_metadata(articles)


def print_snippets(by_type: dict[str, list[dict]]) -> None:
    """The labels' must-have and must-not-have sentences over the pages kept as articles,
    counted as trafilatura's evaluation counts its own: a second view of the bodies, whether
    the sentences that matter are there and the furniture is not, whatever a body's length."""
    print(
        "wcxb-dev snippets, as articles   pages   archive P      R      F |    bare P      R      F"
    )
    for page_type, group in sorted(by_type.items(), key=lambda item: item[0] != "article"):
        kept = [p for p in group if archived_as_article(p)]
        if not kept:
            continue
        line = f"  {page_type:29}{len(kept):7}"
        for who in WHO:
            counts = [
                snippet_counts(
                    p["truth"].get("with") or [], p["truth"].get("without") or [], p[who]["body"]
                )
                for p in kept
            ]
            precision, recall, f1 = snippet_scores(counts)
            line += f"{precision:11.3f}{recall:7.3f}{f1:7.3f}" + (" |" if who == "ours" else "")
        print(line)


def print_metadata(articles: list[dict]) -> None:
    checks = {
        "title (normalised, exact)": (
            "title",
            lambda truth, found: normalised_words(truth) == normalised_words(found),
        ),
        "publication day": ("publish_date", lambda truth, found: str(truth)[:10] == found),
        "authors (same set of names)": (
            "author",
            lambda truth, found: names_of(truth) == names_of(found),
        ),
        "authors, credentials set aside": (
            "author",
            lambda truth, found: (
                names_without_credentials(truth) == names_without_credentials(found)
            ),
        ),
    }
    fields = {"title": "title", "publish_date": "day", "author": "authors"}
    rows: list[tuple[str, str, Callable[[dict, str], bool]]] = [
        (name, field, partial(_same_field, field=field, fields=fields, same=same))
        for name, (field, same) in checks.items()
    ]
    # The labels take an update's day about as often as the original's; published_at keeps the
    # original, modified_at the update: how often the labelled day is in either column.
    rows.append(("day in published_at or modified_at", "publish_date", _day_in_either))
    # A true article the archive lost has no metadata in `articles`: it counts as a miss over
    # all labelled articles, and the last columns leave it out (its loss is counted above).
    print(
        "wcxb-dev articles, metadata          labelled   archive      bare | archived  archive"
        "      bare"
    )
    for name, field, right in rows:
        print(_metadata_line(name, [p for p in articles if p["truth"].get(field)], right))
    print(_unwritten_days([p for p in articles if p["truth"].get("publish_date")]))
    # The other side of the day: a day given where the labels name none is mostly a guess
    # (a copyright year as January 1st); lower is better, though a label can miss a date.
    print(
        _metadata_line(
            "a day where the label names none",
            [p for p in articles if not p["truth"].get("publish_date")],
            lambda page, who: bool(page[who]["day"]),
        )
    )


def _unwritten_days(pages: list[dict]) -> str:
    """How many labelled days the page never writes, in its HTML or its address
    (`metric.writes_day_in_any_form`), over all labelled pages and over the archive's misses:
    the part of the day's gap no extractor can close."""
    unwritten = [
        page
        for page in pages
        if (day := _labelled_day(page)) is None
        or not writes_day_in_any_form([page["html"].decode("utf-8", "replace"), page["url"]], day)
    ]
    missed = {p["key"] for p in pages if str(p["truth"]["publish_date"])[:10] != p["ours"]["day"]}
    unwritten_missed = sum(page["key"] in missed for page in unwritten)
    return (
        f"  labelled day the page never writes: {len(unwritten)} of {len(pages)};"
        f" {unwritten_missed} of the archive's {len(missed)} misses"
    )


def _labelled_day(page: dict) -> date | None:
    """The labelled publication day, None for a label without a whole day ("2003-11")."""
    try:
        return date.fromisoformat(str(page["truth"]["publish_date"])[:10])
    except ValueError:
        return None


def _metadata_line(name: str, pages: list[dict], right: Callable[[dict, str], bool]) -> str:
    """One row of the metadata table: the share of `pages` each side gets `right`, over all
    of them and over those the archive keeps as articles."""
    kept = [p for p in pages if archived_as_article(p)]
    line = f"  {name:34}{len(pages):9}"
    line += "".join(f"{fmean(right(p, who) for p in pages):10.3f}" for who in WHO)
    line += f" |{len(kept):9}"
    return line + "".join(f"{fmean(right(p, who) for p in kept):9.3f}" for who in WHO)


def _same_field(
    page: dict, who: str, *, field: str, fields: dict[str, str], same: Callable[[Any, Any], bool]
) -> bool:
    return same(page["truth"][field], page[who][fields[field]])


def _day_in_either(page: dict, who: str) -> bool:
    """The labelled day in published_at or modified_at (bare trafilatura has its date only)."""
    found = page[who]
    return str(page["truth"]["publish_date"])[:10] in (found["day"], found.get("updated"))


def dump_outcomes(pages: list[dict], path: Path) -> None:
    """One JSON line a page: set, key, type, url, truth's metadata, and what the archive and
    bare trafilatura made of it (bodies, metadata, body F1 on the set's own metric)."""
    with open(path, "w") as out:
        for page in pages:
            truth = page["truth"]
            row = {
                "set": page["set"],
                "key": page["key"],
                "type": page["type"],
                "url": page["url"],
                "truth": {k: truth.get(k) for k in ("title", "author", "publish_date", "body")},
            }
            for who in WHO:
                found = page[who]
                body = found.get("body") or ""
                if page["set"] == "benchmark":
                    score = body_scores([(truth["body"], body)])[2]
                else:
                    score = word_f1(truth["body"], body)
                row[who] = {
                    k: found.get(k) for k in ("status", "reason", "title", "day", "updated")
                }
                row[who] |= {"authors": found.get("authors"), "body": body, "f1": score}
            out.write(json.dumps(row, default=str) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--wcxb", type=Path, default=DEFAULT_WCXB)
    parser.add_argument(
        "--extract-config", type=Path, help="broadsheet.toml whose [extract] and [dedup] to measure"
    )
    parser.add_argument(
        "--opaque-urls",
        action="store_true",
        help="capture every page at https://archive.example/<id> instead of its own URL",
    )
    parser.add_argument(
        "--dump", type=Path, help="write each page's outcome here as JSON lines, to compare runs"
    )
    args = parser.parse_args()
    pages = load_pages(args.benchmark, args.wcxb)
    if args.opaque_urls:  # as a folder of saved pages or a dump that lost the address would
        for page in pages:
            page["url"] = f"https://archive.example/{page['key']}"
    settings = load_settings(args.extract_config)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "inputs").mkdir()
        sources = write_warcs(pages, root / "inputs")
        archive(
            inputs=[str(root / "inputs")],
            warehouse=str(root / "warehouse"),
            extract=settings.extract,
            dedup=settings.dedup,
            run=RunConfig(),
        )
        results = archived(root / "warehouse")
    with Pool(len(os.sched_getaffinity(0))) as pool:
        for page, theirs in zip(pages, pool.map(bare, [p["html"] for p in pages]), strict=True):
            page["bare"] = theirs
    missing = {"status": "missing", "reason": None, "body": "", "title": None}
    for page in pages:
        page["ours"] = missing | results.get(sources[page["key"]], {})
        page["ours"]["authors"] = list(page["ours"].get("authors") or [])
    print_benchmark([p for p in pages if p["set"] == "benchmark"])
    print_wcxb([p for p in pages if p["set"] == "wcxb"])
    if args.dump:
        dump_outcomes(pages, args.dump)


if __name__ == "__main__":
    main()
