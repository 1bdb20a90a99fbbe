"""Compaction: one sorted file per table and day, the same archive, safe to interrupt."""

from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tasks import compact, io
from tasks.layout import Layout
from tests.flows.test_archive import run, sql
from tests.flows.test_dedup import DAY, dump, page, stories  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
TABLES = ("pages", "articles", "paragraphs", "signatures")
SNAPSHOT = {
    "pages": "SELECT page_id, url, site, status, reason, article_id, similarity FROM pages",
    "articles": "SELECT article_id, url, site, title, body, word_count FROM articles",
    "paragraphs": "SELECT page_id, position, status, reason, first_seen_article_id FROM paragraphs",
    "signatures": "SELECT article_id, position, bands FROM signatures",
    "duplicates": "SELECT page_id, survivor_id, reason FROM duplicates",
}


def snapshot(warehouse: Path) -> dict[str, list]:
    """Every table's rows, in a fixed order."""
    return {
        name: sorted(sql(warehouse, query), key=lambda row: repr(sorted(row.items())))
        for name, query in SNAPSHOT.items()
    }


def day_files(warehouse: Path) -> dict[tuple[str, str], int]:
    """Data files per (table, day folder)."""
    counts: dict[tuple[str, str], int] = {}
    for table in TABLES:
        for path in io.parquet_files(Layout(warehouse).table(table)):
            if path.parent.name.startswith("date="):
                key = (table, path.parent.name)
                counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.fixture
def nights(tmp_path, stories) -> list[Path]:  # noqa: F811
    """Three JSONL files (three shards) over two capture days, with copies across sites."""
    files = []
    for night in range(3):
        when = DAY + timedelta(days=night // 2, hours=night)
        records = [
            page(f"site{i % 3}.example", f"n{night}-{i}", story, when)
            for i, story in enumerate(stories[night * 4 : night * 4 + 4])
        ]
        # A copy of the first story of the night before, on another site.
        if night:
            records.append(page("wire.example", f"copy-{night}", stories[(night - 1) * 4], when))
        files.append(dump(tmp_path / f"night-{night}.jsonl", records))
    return files


def test_compaction_merges_day_files_and_keeps_the_archive(tmp_path, nights):
    config = tmp_path / "broadsheet.toml"
    config.write_text("[run]\ncompact = false\n")
    warehouse = tmp_path / "w"
    run(*map(str, nights), "-w", str(warehouse), "--config", str(config))
    before, files = snapshot(warehouse), day_files(warehouse)
    assert max(files.values()) == 2  # two shards on the first day
    assert len(before["duplicates"]) == 2

    result = CliRunner().invoke(app, ["compact", "-w", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "compacted 2 days" in result.output
    assert snapshot(warehouse) == before
    assert set(day_files(warehouse).values()) == {1}
    articles = pq.read_table(io.parquet_files(Layout(warehouse).table("articles"))[0])
    assert articles["site"].to_pylist() == sorted(articles["site"].to_pylist())
    again = CliRunner().invoke(app, ["compact", "-w", str(warehouse)])
    assert "compacted 0 days" in again.output

    # The same inputs again: nothing new, nothing doubled.
    run(*map(str, nights), "-w", str(warehouse))
    assert snapshot(warehouse) == before
    # Extracted again after an upgrade: the shards' rows come out of the compacted files and
    # go back in, once.
    run(*map(str, nights), "-w", str(warehouse), "--reprocess")
    assert snapshot(warehouse) == before
    assert set(day_files(warehouse).values()) == {1}


def test_a_later_night_meets_compacted_files(tmp_path, nights, stories):  # noqa: F811
    warehouse = tmp_path / "w"
    run(*map(str, nights[:2]), "-w", str(warehouse))
    assert set(day_files(warehouse).values()) == {1}
    later = DAY + timedelta(days=5)
    copy = page("late.example", "copy", stories[0], later)
    run(str(dump(tmp_path / "late.jsonl", [copy])), "-w", str(warehouse))
    (duplicate,) = sql(warehouse, "SELECT survivor_url FROM duplicates WHERE site = 'late.example'")
    assert duplicate["survivor_url"].endswith("/n0-0")


def test_an_interrupted_compaction_is_undone_or_finished(tmp_path, nights, monkeypatch):
    config = tmp_path / "broadsheet.toml"
    config.write_text("[run]\ncompact = false\n")
    warehouse = tmp_path / "w"
    run(*map(str, nights), "-w", str(warehouse), "--config", str(config))
    before = snapshot(warehouse)
    layout = Layout(warehouse)
    write = io.write_parquet

    def fail_on_articles(table, schema, path, **options):
        if "articles" in path.parts:
            raise OSError("disk full")
        write(table, schema, path, **options)

    monkeypatch.setattr(io, "write_parquet", fail_on_articles)
    with pytest.raises(OSError):
        compact.compact(layout)
    monkeypatch.setattr(io, "write_parquet", write)
    assert "undone" in compact.recover(layout)
    assert snapshot(warehouse) == before

    remove = io.remove_file
    calls = []

    def crash_after_one(path):
        calls.append(path)
        if len(calls) > 1:
            raise OSError("power cut")
        remove(path)

    monkeypatch.setattr(io, "remove_file", crash_after_one)
    with pytest.raises(OSError):
        compact.compact(layout)
    monkeypatch.setattr(io, "remove_file", remove)
    # A run finishes what was interrupted before it reads anything.
    run(*map(str, nights), "-w", str(warehouse))
    assert snapshot(warehouse) == before
    assert set(day_files(warehouse).values()) == {1}
