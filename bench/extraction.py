"""Extraction quality and speed: the Broadsheet pipeline against bare trafilatura, in one run.

    .venv/bin/python bench/extraction.py [--corpus DIR] [--small 2 --large 10 --rounds 3]

Quality: body precision, recall and F1 (bench/metric.py) on the benchmark pages, for the whole
pipeline (`broadsheet run`) and for `trafilatura.extract` with default settings.
Speed: the pipeline's marginal pages per second on all cores, measured between two input sizes
(the corpus copied SMALL and LARGE times, each copy slightly edited so no page repeats), against
bare trafilatura on one core; and the fixed cost of a warm run (start-up and teardown).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from bench.corpus import DEFAULT_CORPUS, load_corpus
from bench.metric import body_scores
from flows.archive import archive
from tasks.config import ExtractConfig, RunConfig
from tasks.layout import Layout

BARE = Path(__file__).with_name("bare_trafilatura.py")


def write_copies(pages: dict[str, bytes], folder: Path, copies: int) -> int:
    """Write `copies` edited copies of every page as HTML files; return the page count."""
    for copy in range(copies):
        for key, html in pages.items():
            marker = f"<!-- copy {copy} --><p>Edition {copy} of this page.</p></body>".encode()
            edited = html.replace(b"</body>", marker, 1) if copy else html
            (folder / f"{key}.{copy}.html").write_bytes(edited)
    return copies * len(pages)


def run_pipeline(inputs: Path, warehouse: Path) -> tuple[float, float]:
    """Run the archive flow in this process; return its wall time in seconds, and the time
    its body recorded in the `runs` table.

    The two differ by Prefect's own start and end of a flow run, which does not grow with the
    input but varies by up to a second: at the end, Prefect waits for its heartbeat thread,
    which sleeps in steps of one second. The marginal rate is taken from the recorded time,
    where that second is not, and the fixed cost from the wall time, where it is.
    """
    start = time.perf_counter()
    archive(
        inputs=[str(inputs)], warehouse=str(warehouse), extract=ExtractConfig(), run=RunConfig()
    )
    wall = time.perf_counter() - start
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as connection:
        (recorded,) = connection.execute("SELECT seconds FROM runs").fetchone() or (wall,)
    return wall, recorded


def pipeline_bodies(warehouse: Path) -> dict[str, str]:
    """Body of each benchmark page as archived (empty when the page became no article)."""
    query = (
        "SELECT p.source, coalesce(a.body, '') FROM pages p "
        "LEFT JOIN articles a ON a.article_id = p.article_id"
    )
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as connection:
        rows = connection.execute(query).fetchall()
    return {Path(source).name.split(".")[0]: body for source, body in rows}


def bare_rate(corpus: Path) -> tuple[dict[str, str], float]:
    """Bare trafilatura.extract with default settings on one core, in a process of its own
    (bench/bare_trafilatura.py): bodies and pages/second."""
    done = subprocess.run(
        [sys.executable, str(BARE), str(corpus)], check=True, capture_output=True, text=True
    )
    measured = json.loads(done.stdout)
    return measured["bodies"], measured["pages_per_second"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--small", type=int, default=2)
    parser.add_argument("--large", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages, expected = load_corpus(args.corpus)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "once").mkdir()
        write_copies(pages, root / "once", 1)
        run_pipeline(root / "once", root / "w-once")
        ours = pipeline_bodies(root / "w-once")
        counts = {}
        for copies in (args.small, args.large):
            (root / f"x{copies}").mkdir()
            counts[copies] = write_copies(pages, root / f"x{copies}", copies)
        # The machine's speed drifts by several per cent within minutes, so bare trafilatura
        # and the two pipeline sizes are measured in turns, and each figure is a median.
        bare, rate = bare_rate(args.corpus)
        bare_rates, rounds = [rate], []
        for turn in range(args.rounds):
            seconds = {
                copies: run_pipeline(root / f"x{copies}", root / f"w-x{copies}-{turn}")
                for copies in (args.small, args.large)
            }
            rounds.append(seconds)
            bare_rates.append(bare_rate(args.corpus)[1])
    n1, n2 = counts[args.small], counts[args.large]
    marginals = [(n2 - n1) / (r[args.large][1] - r[args.small][1]) for r in rounds]
    marginal, bare_pps = statistics.median(marginals), statistics.median(bare_rates)
    fixed = statistics.median(
        r[args.small][0] - n1 / m for r, m in zip(rounds, marginals, strict=True)
    )
    print(f"pages: {len(pages)}  cores: {len(os.sched_getaffinity(0))}")
    print(f"{'':24}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, bodies in (("broadsheet pipeline", ours), ("trafilatura.extract", bare)):
        p, r, f = body_scores((expected[k], bodies.get(k, "")) for k in expected)
        print(f"{name:24}{p:10.4f}{r:10.4f}{f:10.4f}")
    for turn, (seconds, m) in enumerate(zip(rounds, marginals, strict=True)):
        around = (bare_rates[turn] + bare_rates[turn + 1]) / 2
        (wall1, flow1), (wall2, flow2) = seconds[args.small], seconds[args.large]
        print(
            f"turn {turn + 1}: x{args.small}={n1} pages in {flow1:.2f} s (wall {wall1:.1f} s),"
            f" x{args.large}={n2} pages in {flow2:.2f} s (wall {wall2:.1f} s):"
            f" marginal {m:.1f} pages/s; bare around it {around:.1f} pages/s;"
            f" ratio {m / around:.2f}"
        )
    print(
        f"bare trafilatura, 1 core:        {bare_pps:8.1f} pages/s  (own process; median of"
        f" {len(bare_rates)} passes: {', '.join(f'{b:.1f}' for b in bare_rates)})"
    )
    print(
        f"pipeline marginal, all cores:    {marginal:8.1f} pages/s  (median of {len(rounds)} turns)"
    )
    print(f"ratio pipeline / bare:           {marginal / bare_pps:8.2f}")
    print(f"fixed cost of a warm run:        {fixed:8.1f} s")


if __name__ == "__main__":
    main()
