"""Typical queries over 1,000,000 synthetic articles: median time, before and after compaction.

    .venv/bin/python bench/queries.py [--articles 1000000] [--days 365] [--keep DIR]

The archive is written the way nightly runs write it: a year of days, four shard files per day
and table, a manifest per shard, through the same writer and schemas; then `broadsheet compact`
merges each day's files. Bodies have 200 to 900 words drawn from one real article each (see
Words); one page in ten is a duplicate of an earlier article. Each query runs 5 times on a
fresh connection to the warehouse's DuckDB file (as `broadsheet sql` does); the median is shown
for the archive as runs leave it and after compaction, and the ratio of the two.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import DEFAULT_CORPUS
from schemas import ARTICLES, PAGES
from tasks import io
from tasks.compact import compact
from tasks.ids import stable_id
from tasks.layout import Layout
from tasks.publish import ensure_tables
from warehouse.build import build_views

SHARDS_PER_DAY = 4
SITES = 200
START = datetime(2026, 1, 1, tzinfo=UTC)
QUERIES = {
    "articles per site per day": (
        "SELECT site, CAST(published_at AS DATE) AS day, count(*) AS articles"
        " FROM articles GROUP BY ALL ORDER BY day, site"
    ),
    "keyword in bodies of one month": (
        "SELECT article_id, title FROM articles WHERE published_at >= TIMESTAMPTZ '2026-03-01'"
        " AND published_at < TIMESTAMPTZ '2026-04-01' AND body ILIKE '%harbour master%'"
    ),
    "duplicates of one story": "SELECT * FROM duplicates WHERE survivor_id = $story",
}


class Words:
    """Bodies and titles in the words of real articles (the benchmark's ground truth).

    Each body draws its words from one source article, at random and with that article's word
    frequencies, so an archive gets the corpus's mix of languages and scripts one article at a
    time (a body in Russian, the next in English), and text that compresses like prose rather
    than like repeated pages. The keyword is spread in so that about one body in 300 has it, in
    varied case (`keyword_share`).
    """

    STREAM = 30_000  # words drawn per source article; bodies are cut from these at random
    KEYWORD = ("harbour master", "Harbour Master", "Harbour master", "HARBOUR MASTER")

    def __init__(self, corpus: Path, rng: np.random.Generator) -> None:
        truth = json.loads((corpus / "ground-truth.json").read_text())
        self.streams = []
        for _, article in sorted(truth.items()):
            tokens = article["articleBody"].split()
            if len(tokens) < 50:
                continue
            self.streams.append([tokens[i] for i in rng.integers(0, len(tokens), self.STREAM)])
        self.rng = rng

    def text(self, count: int, lines: int = 1, keyword_share: float = 0.0) -> str:
        words = self.streams[int(self.rng.integers(0, len(self.streams)))]
        start = int(self.rng.integers(0, len(words) - count))
        chunk = words[start : start + count]
        if self.rng.random() < keyword_share:
            chunk[int(self.rng.integers(0, count))] = str(self.rng.choice(self.KEYWORD))
        step = max(1, count // lines)
        return "\n".join(" ".join(chunk[i : i + step]) for i in range(0, count, step))


def day_tables(
    words: Words, day: int, count: int, rng: np.random.Generator, earlier: list[str]
) -> tuple[pa.Table, pa.Table]:
    """The articles and pages of one day: `count` articles, plus one duplicate in ten."""
    when = START + timedelta(days=day)
    articles, pages = [], []
    for n in range(count):
        article_id = stable_id("article", str(day), str(n))
        site = f"site{int(rng.integers(0, SITES)):03d}.example"
        length = int(rng.integers(200, 900))
        body = words.text(length, lines=max(1, length // 60), keyword_share=1 / 300)
        seen = when + timedelta(seconds=int(rng.integers(0, 86_400)))
        url = f"https://{site}/{day}/{n}"
        articles.append(
            {
                "article_id": article_id,
                "url": url,
                "site": site,
                "title": words.text(10),
                "published_at": seen - timedelta(hours=int(rng.integers(0, 48))),
                "language": "en",
                "body": body,
                "word_count": length,
                "body_hash": stable_id("body", article_id),
                "first_seen_at": seen,
                "run_id": f"run-{day}",
            }
        )
        pages.append(
            {
                "page_id": article_id,
                "url": url,
                "site": site,
                "source": f"night-{day}.warc.gz#{n}",
                "fetched_at": seen,
                "status": "article",
                "article_id": article_id,
                "run_id": f"run-{day}",
            }
        )
    for n in range(count // 10):
        survivor = earlier[int(rng.integers(0, len(earlier)))] if earlier else articles[0]
        survivor_id = survivor if isinstance(survivor, str) else survivor["article_id"]
        pages.append(
            {
                "page_id": stable_id("copy", str(day), str(n)),
                "url": f"https://copies.example/{day}/{n}",
                "site": "copies.example",
                "source": f"night-{day}.warc.gz#c{n}",
                "fetched_at": when,
                "status": "duplicate",
                "reason": "near_duplicate",
                "article_id": survivor_id,
                "similarity": 0.9,
                "run_id": f"run-{day}",
            }
        )
    earlier.extend(str(a["article_id"]) for a in articles[:: max(1, count // 20)])
    return (
        pa.Table.from_pylist(articles, schema=ARTICLES),
        pa.Table.from_pylist(pages, schema=PAGES),
    )


def write_archive(layout: Layout, words: Words, total: int, days: int) -> str:
    """Write `total` articles over `days` days as nightly runs do; return a story with copies."""
    ensure_tables(layout)
    rng = np.random.default_rng(7)
    earlier: list[str] = []
    for day in range(days):
        articles, pages = day_tables(words, day, total // days, rng, earlier)
        when = (START + timedelta(days=day)).date()
        for part in range(SHARDS_PER_DAY):
            shard = stable_id("shard", str(day), str(part))
            files = []
            for name, table, schema in (("articles", articles, ARTICLES), ("pages", pages, PAGES)):
                rows = table.slice(
                    part * len(table) // SHARDS_PER_DAY, len(table) // SHARDS_PER_DAY + 1
                )
                path = layout.partition_file(name, when, shard)
                io.write_parquet(rows, schema, path)
                files.append(str(path.relative_to(layout.root)))
            io.write_json({"shard": shard, "files": files}, layout.manifest(shard))
    build_views(layout.database, layout.root / "tables")
    with duckdb.connect(str(layout.database), read_only=True) as connection:
        most_copied = connection.execute(
            "SELECT article_id FROM pages WHERE status = 'duplicate'"
            " GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT 1"
        ).fetchone()
    return str(most_copied[0]) if most_copied else ""


def median_seconds(database: Path, query: str, story: str, repeats: int = 5) -> float:
    """Median wall time of `query` over `repeats` runs, each on a fresh connection."""
    times = []
    for _ in range(repeats):
        with duckdb.connect(str(database), read_only=True) as connection:
            start = time.perf_counter()
            parameters = {"story": story} if "$story" in query else {}
            connection.execute(query, parameters).fetchall()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", type=Path, help="build the archive in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        layout = Layout(args.keep or Path(scratch))
        start = time.perf_counter()
        story = write_archive(
            layout, Words(args.corpus, np.random.default_rng(1)), args.articles, args.days
        )
        files = len(list(layout.root.joinpath("tables").rglob("*.parquet")))
        print(
            f"wrote {args.articles} articles in {files} files: {time.perf_counter() - start:.0f} s"
        )
        before = {name: median_seconds(layout.database, q, story) for name, q in QUERIES.items()}
        start = time.perf_counter()
        done = compact(layout)
        print(
            f"compacted {done['days']} days, {done['files_before']} files into"
            f" {done['files_after']}: {time.perf_counter() - start:.0f} s"
        )
        after = {name: median_seconds(layout.database, q, story) for name, q in QUERIES.items()}
    print(f"{'query':34}{'as written':>12}{'compacted':>12}{'ratio':>8}")
    for name in QUERIES:
        print(
            f"{name:34}{before[name]:>11.3f}s{after[name]:>11.3f}s"
            f"{after[name] / before[name]:>8.2f}"
        )


if __name__ == "__main__":
    main()
