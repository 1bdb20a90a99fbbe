"""Counting site furniture over a large archive: peak memory and time, against counting in memory.

    .venv/bin/python bench/furniture.py [--lines 5000000 20000000]

A site's archived paragraph lines are made up (25 lines of their own per article, plus 5 lines of
furniture on every article) and fed, 30,000 lines at a time as publishing reads them from files,
to tasks/site_counts.py SiteCounts.rebuild (how an archive gets its counts the first time; after
that a night adds only its own lines), which sorts them in DuckDB with the default memory limit
(`[dedup] counting_memory_mb`) and writes the counts into a SQLite database. The baseline,
measured in the same run, holds the same lines in memory as Arrow tables and counts them with
Arrow's hash aggregation (how the counting was done before). Each measurement runs in a
process of its own; the peak is that process's maximum resident memory, and the time leaves
out making up the lines.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks import dedup, io
from tasks.config import DedupConfig
from tasks.site_counts import SiteCounts

OWN_LINES = 25
FURNITURE = 5
ARTICLES_PER_BATCH = 1000


def made_up_lines(total: int) -> Iterator[pa.Table]:
    """Tables of paragraph rows of one site, `total` rows in all, as publishing reads them."""
    rng = np.random.default_rng(1)
    furniture = rng.integers(0, 2**63, FURNITURE)
    for _ in range(0, total, ARTICLES_PER_BATCH * (OWN_LINES + FURNITURE)):
        articles = rng.integers(0, 2**63, ARTICLES_PER_BATCH)
        own = rng.integers(0, 2**63, (ARTICLES_PER_BATCH, OWN_LINES))
        lines = np.concatenate([own, np.tile(furniture, (ARTICLES_PER_BATCH, 1))], axis=1)
        ids = np.repeat(articles, OWN_LINES + FURNITURE)
        yield pa.table(
            {
                "site": pa.array(["news.example"] * len(ids)),
                "text_key": pa.array([f"{x:016x}" for x in lines.ravel().tolist()]),
                "article_id": pa.array([f"{x:016x}{x:016x}" for x in ids.tolist()]),
                "page_id": pa.array([f"{x:016x}{x:016x}" for x in ids.tolist()]),
                "status": pa.array(["kept"] * len(ids)),
                "reason": pa.nulls(len(ids), pa.string()),
            }
        )


class InMemoryCounts:
    """The baseline: every line held in memory as (site, line, story) numbers, counted by Arrow."""

    def __init__(self) -> None:
        self.lines: list[pa.Table] = []

    def add(self, rows: pa.Table) -> None:
        lines = pa.table(
            {
                "site": pc.index_in(rows["site"], value_set=pa.array(["news.example"])),
                "line": dedup.hex_prefix(rows["text_key"]),
                "story": dedup.hex_prefix(rows["article_id"]),
            }
        )
        self.lines.append(lines.group_by(["site", "line", "story"]).aggregate([]))

    def boilerplate(self, config: DedupConfig) -> int:
        lines = pa.concat_tables(self.lines).group_by(["site", "line", "story"]).aggregate([])
        per_line = lines.group_by(["site", "line"]).aggregate([([], "count_all")])
        stories = pc.count_distinct(lines["story"]).as_py()
        enough = pc.and_(
            pc.greater_equal(per_line["count_all"], config.boilerplate_min_pages),
            pc.greater_equal(
                pc.cast(per_line["count_all"], pa.float64()), stories * config.boilerplate_min_share
            ),
        )
        return len(per_line.filter(enough))


def timed(batches: Iterator[pa.Table], clock: list[float]) -> Iterator[pa.Table]:
    """`batches`, adding the time spent making each to clock[0]."""
    while True:
        start = time.perf_counter()
        rows = next(batches, None)
        clock[0] += time.perf_counter() - start
        if rows is None:
            return
        yield rows


def measure(mode: str, total: int) -> dict:
    """Count `total` lines one way in this process; time and peak memory."""
    config = DedupConfig()
    with (
        tempfile.TemporaryDirectory() as scratch,
        io.counts_database(Path(scratch) / "f.sqlite", config.counting_memory_mb) as db,
    ):
        making = [0.0]
        start = time.perf_counter()
        batches = timed(made_up_lines(total), making)
        counts: SiteCounts | InMemoryCounts
        if mode == "kept":
            counts = SiteCounts(db)
            counts.rebuild(batches, config.counting_memory_mb, Path(scratch) / "spill")
        else:
            counts = InMemoryCounts()
            for rows in batches:
                counts.add(rows)
        found = counts.boilerplate(config)
        seconds = time.perf_counter() - start - making[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found_count = found if isinstance(found, int) else len(found)
    return {"seconds": seconds, "peak_mib": peak, "furniture": found_count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[5_000_000, 20_000_000])
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # mode, lines: one child
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], int(args.measure[1]))))
        return
    print(f"{'lines':>12} {'counting':>10} {'seconds':>8} {'peak MiB':>9}  ratio to in memory")
    for total in args.lines:
        results = {}
        for mode in ("memory", "kept"):
            child = [sys.executable, __file__, "--measure", mode, str(total)]
            output = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            results[mode] = json.loads(output)
            assert results[mode]["furniture"] == FURNITURE, results[mode]
        for mode, result in results.items():
            base = results["memory"]
            ratios = (
                f"time {result['seconds'] / base['seconds']:.2f},"
                f" peak {result['peak_mib'] / base['peak_mib']:.2f}"
            )
            print(
                f"{total:12,} {mode:>10} {result['seconds']:8.1f} {result['peak_mib']:9.0f}  "
                + (ratios if mode != "memory" else "")
            )


if __name__ == "__main__":
    main()
