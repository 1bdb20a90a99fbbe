"""Incremental nights: a second run with 1% new pages against the first, full run.

    .venv/bin/python bench/incremental.py [--pages 20000] [--corpus DIR]

The first night archives PAGES pages (bench/scale.py's edited copies of the benchmark pages, in
JSONL files of 1,000). Then, each on a copy of that archive, two kinds of second night:

- new files: the same input files again, plus one new file with 1% new pages (a crawler that
  writes new WARC files each night): archived files are skipped by their manifest;
- recrawl: every old page again but dealt over new files, plus the 1% new pages (a full recrawl):
  each old page is read and hashed, found in the archive and skipped before extraction.

All runs happen in this process after a warm-up run, so each includes the flow's own start-up
and teardown but not the interpreter's. Printed: the time of each second night as a share of the
first night's.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import DEFAULT_CORPUS, load_corpus
from bench.scale import write_inputs
from flows.archive import archive
from tasks import pool
from tasks.config import ExtractConfig, RunConfig


def timed_run(inputs: list[Path], warehouse: Path) -> tuple[float, dict]:
    """Archive `inputs` into `warehouse` in this process; return seconds and the run's counts."""
    start = time.perf_counter()
    result = archive(
        inputs=[str(p) for p in inputs],
        warehouse=str(warehouse),
        extract=ExtractConfig(),
        run=RunConfig(),
    )
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=20_000)
    args = parser.parse_args()
    pages, _ = load_corpus(args.corpus)
    new = max(1, args.pages // 100)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_inputs(pages, root / "warm-up", 20, first_page=10 * args.pages)
        timed_run([root / "warm-up"], root / "w-warm-up")
        write_inputs(pages, root / "night-1", args.pages)
        write_inputs(pages, root / "new", new, first_page=args.pages)
        write_inputs(pages, root / "recrawl", args.pages, shuffle=1)
        first, counts = timed_run([root / "night-1"], root / "w")
        kept = counts.get("article", 0) - counts.get("duplicates", 0)
        print(f"night 1: {args.pages} pages, {kept} articles kept, {first:.1f} s")
        for name, inputs in (
            ("new files", [root / "night-1", root / "new"]),
            ("recrawl", [root / "recrawl", root / "new"]),
        ):
            shutil.copytree(root / "w", root / f"w-{name}")
            seconds, counts = timed_run(inputs, root / f"w-{name}")
            print(
                f"night 2, {name}: {counts.get('known', 0)} pages known,"
                f" {counts.get('article', 0) - counts.get('duplicates', 0)} new articles,"
                f" {seconds:.1f} s"
                f" = {seconds / first:.3f} of night 1"
            )
    pool.shutdown()


if __name__ == "__main__":
    main()
