"""Scaling: cost per page and peak memory of `broadsheet run` as the input grows, in one run.

    .venv/bin/python bench/scale.py [--sizes 2000 20000 100000] [--corpus DIR]

The input is the benchmark pages repeated with small edits, as JSONL files of 1,000 pages (one
shard each): every copy of a page gets a few words of its own in each paragraph, so no two
copies are exact or near duplicates, while each of the 181 made-up sites keeps its own furniture
(navigation, footers) on every copy. Each size runs `broadsheet run` in a fresh warehouse as a
child process; memory is the peak of the summed resident size of the whole process tree (the
CLI, its extraction workers and the embedded Prefect server), sampled every 0.5 s. The fixed
cost (a second run of one file of 10 pages, after a first that creates Prefect's database) is
measured in the same run, and the cost per page is given both as it is and with the fixed cost
taken off.
"""

import argparse
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from bench.corpus import DEFAULT_CORPUS, load_corpus
from tasks.layout import Layout

PAGES_PER_FILE = 1000
_PARAGRAPH_TEXT = re.compile(rb"(<p\b[^>]*>)([^<]{60,})")
# Words that give each copy of a paragraph shingles of its own; plain words, so language
# detection and extraction see ordinary text.
_VOCABULARY = [
    "river",
    "harbour",
    "council",
    "market",
    "winter",
    "station",
    "garden",
    "village",
    "bridge",
    "museum",
    "school",
    "railway",
    "festival",
    "library",
    "forest",
    "valley",
    "harvest",
    "orchestra",
    "ferry",
    "mountain",
    "island",
    "theatre",
    "factory",
    "meadow",
    "lighthouse",
    "canal",
    "quarry",
    "chapel",
    "vineyard",
    "bakery",
    "airport",
]


def _copy_words(copy: int) -> bytes:
    """Three words that name copy `copy` (distinct for every copy below 27,000)."""
    size = len(_VOCABULARY)
    return " ".join(_VOCABULARY[(copy // size**i) % size] for i in range(3)).encode()


def edited(html: bytes, copy: int) -> bytes:
    """`html` with the copy's words put after every sixth word of each paragraph."""
    if copy == 0:
        return html
    words = b" " + _copy_words(copy) + b" "

    def spread(match: re.Match[bytes]) -> bytes:
        parts = match.group(2).split(b" ")
        for at in range(len(parts) - 1, 0, -6):
            parts.insert(at, words.strip())
        return match.group(1) + b" ".join(parts)

    return _PARAGRAPH_TEXT.sub(spread, html)


def write_inputs(
    pages: dict[str, bytes], folder: Path, count: int, first_page: int = 0, shuffle: int = 0
) -> int:
    """Write pages number `first_page` to `first_page + count` (edited copies of `pages`) as
    gzipped JSONL files of PAGES_PER_FILE pages; return the number of files. With `shuffle`,
    the pages are dealt over the files in another order (a new crawl of the same pages)."""
    keys = sorted(pages)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    folder.mkdir(parents=True, exist_ok=True)
    numbers = list(range(first_page, first_page + count))
    if shuffle:
        random.Random(shuffle).shuffle(numbers)
    files = 0
    for first in range(0, count, PAGES_PER_FILE):
        lines = []
        for n in numbers[first : first + PAGES_PER_FILE]:
            copy, site = divmod(n, len(keys))
            key = keys[site]
            day = start + timedelta(days=copy % 60, seconds=n)
            lines.append(
                json.dumps(
                    {
                        "url": f"https://site{site:03d}.example/news/{copy}/{key}",
                        "fetched_at": day.isoformat(),
                        "html": edited(pages[key], copy).decode("utf-8", "replace"),
                    }
                )
            )
        with gzip.open(folder / f"part-{files:05d}.jsonl.gz", "wt", compresslevel=1) as out:
            out.write("\n".join(lines) + "\n")
        files += 1
    return files


def _tree_rss(process: psutil.Process) -> dict[str, int]:
    """Resident bytes of `process` (the CLI), of its Prefect server and of its other children
    (the extraction workers)."""
    parts = {"cli": 0, "server": 0, "workers": 0}
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            if member.pid == process.pid:
                part = "cli"
            elif "uvicorn" in " ".join(member.cmdline()):
                part = "server"
            else:
                part = "workers"
            parts[part] += member.memory_info().rss
    return parts


def measured_run(
    inputs: Path, warehouse: Path, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Run `broadsheet run` on `inputs` (with `env` added to the environment); return wall
    seconds and peak tree RSS in bytes (and print how that peak was shared out between the
    processes)."""
    command = [sys.executable, "-m", "flows.cli", "run", str(inputs), "-w", str(warehouse)]
    env = os.environ | {"PREFECT_LOGGING_LEVEL": "WARNING", "COLUMNS": "120"} | (env or {})
    peak, at_peak = 0, {}
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=Path(__file__).resolve().parents[1], env=env, stdout=subprocess.DEVNULL
    )
    process = psutil.Process(child.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, at_peak
        while not done.is_set():
            parts = _tree_rss(process)
            if sum(parts.values()) > peak:
                peak, at_peak = sum(parts.values()), parts
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if code:
        raise SystemExit(f"broadsheet run failed on {inputs} (exit {code})")
    shares = ", ".join(f"{name} {rss / 2**20:.0f}" for name, rss in at_peak.items())
    print(f"    (at the peak, MiB: {shares})")
    return seconds, peak


def stage_seconds(warehouse: Path) -> str:
    """How long the run in `warehouse` spent extracting and publishing, as it recorded."""
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as connection:
        row = connection.execute("SELECT extract_seconds, publish_seconds FROM runs").fetchone()
    return f"extract {row[0]:.1f} s, publish {row[1]:.1f} s" if row else "none recorded"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--keep", type=Path, help="keep inputs and warehouses in this folder")
    args = parser.parse_args()
    pages, _ = load_corpus(args.corpus)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        write_inputs(pages, root / "in-fixed", 10)
        # The first run creates Prefect's database; the fixed cost is that of a warm run. It
        # varies by a second or two (the embedded server's start), which the net cost per page
        # at 2,000 pages would carry whole: the median of three runs is taken.
        measured_run(root / "in-fixed", root / "w-warm-up")
        warm = [measured_run(root / "in-fixed", root / f"w-fixed-{i}") for i in range(3)]
        fixed, fixed_peak = statistics.median(s for s, _ in warm), max(p for _, p in warm)
        print(
            f"fixed cost (10 pages): {fixed:.1f} s (median of"
            f" {', '.join(f'{s:.1f}' for s, _ in warm)}), peak memory {fixed_peak / 2**20:.0f} MiB"
        )
        print(f"{'pages':>8}{'seconds':>10}{'ms/page':>10}{'net ms/page':>13}{'peak MiB':>10}")
        results = []
        for size in args.sizes:
            write_inputs(pages, root / f"in-{size}", size)
            seconds, peak = measured_run(root / f"in-{size}", root / f"w-{size}")
            per_page, net = seconds / size * 1000, (seconds - fixed) / size * 1000
            results.append((size, per_page, net))
            print(f"{size:>8}{seconds:>10.1f}{per_page:>10.2f}{net:>13.2f}{peak / 2**20:>10.0f}")
            print(f"    (stages, from the runs table: {stage_seconds(root / f'w-{size}')})")
            sys.stdout.flush()
    base = results[0]
    for size, per_page, net in results[1:]:
        print(
            f"cost per page at {size} / at {base[0]}: {per_page / base[1]:.2f}"
            f" (fixed cost taken off: {net / base[2]:.2f})"
        )


if __name__ == "__main__":
    main()
