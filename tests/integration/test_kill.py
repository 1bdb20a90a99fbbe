"""`kill -9` of the whole `broadsheet run` process tree at several points of a night that
publishes in several groups, then the same command again: every table as a clean run leaves
it (all but `runs`, which records the killed run's successor)."""

import contextlib
import gzip
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from tasks.io import parquet_files
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.integration, pytest.mark.slow]
BROADSHEET = Path(sys.executable).with_name("broadsheet")
# Small shards and groups: eight shards, published in groups of ten pages.
NIGHT_SETTINGS = {
    "BROADSHEET_RUN__PAGES_PER_SHARD": "5",
    "BROADSHEET_DEDUP__BATCH_PAGES": "10",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def write_night(folder: Path) -> None:
    """The fixture pages, and a copy of some of them under other names (duplicates to
    decide across groups): 38 pages."""
    folder.mkdir()
    pages = sorted((FIXTURES / "html").glob("*.html.gz"))
    for index, page in enumerate(pages):
        (folder / f"{index:02d}.html").write_bytes(gzip.decompress(page.read_bytes()))
    for index, page in enumerate(pages[:12]):
        (folder / f"copy-{index:02d}.html").write_bytes(gzip.decompress(page.read_bytes()))


def start_run(night: Path, warehouse: Path, prefect_env: dict[str, str]) -> subprocess.Popen:
    """`broadsheet run` as a user starts it, against the shared Prefect server (a temporary
    server of its own would cost seconds a run and hold no state of the night)."""
    return subprocess.Popen(
        [str(BROADSHEET), "run", str(night), "-w", str(warehouse)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=prefect_env | NIGHT_SETTINGS,
        start_new_session=True,
    )


def kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the CLI, its fork server and workers, all at once."""
    members = [psutil.Process(process.pid)]
    with contextlib.suppress(psutil.Error):
        members += members[0].children(recursive=True)
    for member in members:
        with contextlib.suppress(psutil.Error):
            member.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table but runs, as sorted rows without the run id."""
    found = {}
    for folder in sorted((warehouse / "tables").iterdir()):
        if folder.name == "runs":
            continue
        rows: list[tuple] = []
        for path in parquet_files(folder):
            table = pq.read_table(path)
            table = table.drop_columns([c for c in table.column_names if c == "run_id"])
            rows += [tuple(map(repr, row.values())) for row in table.to_pylist()]
        found[folder.name] = sorted(rows)
    return found


# When to kill, from the warehouse folder: once a shard is staged, once a shard is published
# (the night has more groups to go), while a day's files are being compacted. (A kill before
# anything is written leaves nothing to recover.)
KILL_POINTS: dict[str, Callable[[Path], bool]] = {
    "extraction": lambda warehouse: any((warehouse / "_staging").glob("*/pages.parquet")),
    "publishing": lambda warehouse: any((warehouse / "_manifests").glob("*.json")),
    "compaction": lambda warehouse: (warehouse / "_manifests" / "compacting.json").exists(),
}


@pytest.fixture(scope="module")
def clean_archive(tmp_path_factory, prefect) -> tuple[Path, dict[str, list[tuple]]]:
    root = tmp_path_factory.mktemp("clean")
    write_night(root / "night")
    run = start_run(root / "night", root / "warehouse", prefect[1])
    assert run.wait(timeout=600) == 0, run.stderr.read().decode()  # type: ignore[union-attr]
    return root / "night", tables(root / "warehouse")


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_then_rerun_gives_the_clean_archive(tmp_path, clean_archive, prefect, point):
    night, expected = clean_archive
    assert expected["articles"] and expected["pages"]
    warehouse = tmp_path / "warehouse"
    reached = KILL_POINTS[point]
    run = start_run(night, warehouse, prefect[1])
    while run.poll() is None and not reached(warehouse):
        time.sleep(0.0005)
    assert run.poll() is None, f"the run ended before {point}"
    kill_tree(run)
    again = start_run(night, warehouse, prefect[1])
    assert again.wait(timeout=600) == 0, again.stderr.read().decode()  # type: ignore[union-attr]
    assert tables(warehouse) == expected
