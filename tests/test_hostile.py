"""Hostile inputs (bench/hostile.py writes them): each kind alone gives its rows and reasons or
its counted skips, and all of them in one folder make a run that ends well."""

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench.hostile import Hostile, hostile_kinds, write_hostile_inputs
from tasks.config import ExtractConfig
from tasks.io import discover_inputs, path_from_printable, printable_path
from tasks.pages import build_shard_rows
from tasks.shards import plan_shards

BROADSHEET = Path(sys.executable).with_name("broadsheet")
_POSITION = re.compile(r"^(.*?)(?:[#:](\d+))?$")


def _in_reading_order(source: str) -> tuple[str, int]:
    name, position = _POSITION.match(source).groups()  # type: ignore[union-attr]
    return name, int(position or 0)


def outcomes(folder: Path) -> tuple[list[tuple[str, str | None]], list[dict]]:
    """What the archive's reading and extraction make of the files under `folder`: (status,
    reason) per row in reading order, then ("skipped", reason) per counted skip; and the rows."""
    files, skipped = discover_inputs([str(folder)])
    rows, skips = [], [reason for _, reason in skipped]
    for shard in plan_shards(files, 500):
        shard_rows = build_shard_rows(shard, ExtractConfig(), 1, "test", lambda ids: set())
        shard_rows.tables()  # every value goes into Arrow (a name that is not UTF-8 once failed)
        by_page = {a["article_id"]: a for a in shard_rows.articles}
        rows += [row | {"article": by_page.get(row["page_id"])} for row in shard_rows.pages]
        for key, count in shard_rows.counts.items():
            if key.startswith("skipped_"):
                skips += [key.removeprefix("skipped_")] * count
    rows.sort(key=lambda row: _in_reading_order(row["source"]))
    found = [(row["status"], row["reason"]) for row in rows]
    return found + [("skipped", reason) for reason in sorted(skips)], rows


@pytest.mark.parametrize("kind", hostile_kinds(), ids=lambda kind: printable_path(kind.name))
def test_each_hostile_input_becomes_its_rows_or_counted_skips(tmp_path, kind: Hostile):
    write_hostile_inputs(tmp_path / "inputs", [kind])
    found, rows = outcomes(tmp_path / "inputs")
    assert found == list(kind.expect)
    for row in rows:
        assert row["source"].isprintable()
        if not row["source"].startswith(str(tmp_path / "inputs" / "x.html")):
            assert path_from_printable(row["source"].split("#")[0]).endswith(kind.name) or (
                ".jsonl:" in row["source"]
            )
        if row["article"] is not None:
            assert "root:" not in row["article"]["body"]  # no external entity was read
            assert len(row["article"]["body"]) < 20_000  # no entity was expanded


def test_file_names_are_kept_exactly_in_printable_form(tmp_path):
    names = [os.fsdecode(b"bad-\xff\xfe.html"), "new\nline.html", "tab\there.html", "e\u0301.html"]
    folder = tmp_path / "inputs"
    folder.mkdir()
    for index, name in enumerate(names):
        (folder / name).write_text(f"<html><body><p>{'page words ' * 20}{index}</p></body></html>")
    _, rows = outcomes(folder)
    sources = sorted(path_from_printable(row["source"]) for row in rows)
    assert sources == sorted(str(folder / name) for name in names)
    assert printable_path(str(folder / names[0])).endswith("bad-\\xff\\xfe.html")
    assert printable_path(str(folder / names[3])).endswith("e\u0301.html")  # not normalised


def test_one_unreadable_file_costs_no_other_page_of_its_shard(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    for index in range(5):
        (folder / f"page-{index}.html").write_text(
            f"<html><body><article><p>{'a story of the night ' * 10}{index}</p></article>"
            "</body></html>"
        )
    files, _ = discover_inputs([str(folder)])
    (folder / "page-2.html").unlink()  # gone between listing and reading
    (shard,) = plan_shards(files, 500)
    rows = build_shard_rows(shard, ExtractConfig(), 1, "test", lambda ids: set())
    by_file = {Path(row["source"]).name: (row["status"], row["reason"]) for row in rows.pages}
    assert by_file["page-2.html"] == ("failed", "read_error")
    assert [by_file[f"page-{i}.html"][0] for i in (0, 1, 4)] == ["article"] * 3


@pytest.mark.flow
@pytest.mark.slow
def test_a_run_over_every_hostile_input_ends_well(tmp_path):
    kinds = write_hostile_inputs(tmp_path / "inputs")
    result = subprocess.run(
        [str(BROADSHEET), "run", str(tmp_path / "inputs"), "-w", str(tmp_path / "warehouse")],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=600,
        env=os.environ | {"COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr + result.stdout
    expected_rows = sum(1 for kind in kinds for status, _ in kind.expect if status != "skipped")
    expected_skips = sum(1 for kind in kinds for status, _ in kind.expect if status == "skipped")
    with duckdb.connect(str(tmp_path / "warehouse" / "broadsheet.duckdb"), read_only=True) as db:
        (pages,) = db.execute("SELECT count(*) FROM pages").fetchone()  # type: ignore[misc]
        (skipped, status) = db.execute(  # type: ignore[misc]
            "SELECT records_skipped, status FROM runs"
        ).fetchone()
    assert (pages, skipped, status) == (expected_rows, expected_skips, "completed")
