"""Deciding duplicates across a run and the archive, then publishing staged shards.

Survivor rule: of a group of copies, the article archived first keeps its place; among copies
new in the same run, the earliest first_seen_at (capture time), then the earliest publication
date, then the smallest article_id. File order never decides.
"""

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from prefect import task
from prefect.cache_policies import NO_CACHE

from schemas import ARTICLES, PAGES, TABLES
from tasks import io
from tasks.layout import SHARDED_TABLES, Layout

_FAR_FUTURE = "9999"


def _rank(row: dict[str, Any]) -> tuple:
    published = row["published_at"].isoformat() if row["published_at"] else _FAR_FUTURE
    return (not row["archived"], row["first_seen_at"].isoformat(), published, row["article_id"])


def exact_duplicates(candidates: list[dict[str, Any]]) -> dict[str, str]:
    """Map each duplicate article_id to its survivor, for copies with the same body hash.

    `candidates` hold article_id, body_hash, first_seen_at, published_at and `archived`
    (True for articles already published).
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in candidates:
        groups[row["body_hash"]].append(row)
    survivors: dict[str, str] = {}
    for rows in groups.values():
        ranked = sorted(rows, key=_rank)
        for row in ranked[1:]:
            if not row["archived"]:
                survivors[row["article_id"]] = ranked[0]["article_id"]
    return survivors


def colliding_pages(pages_by_shard: dict[str, list[str]]) -> dict[str, set[str]]:
    """Page ids staged by more than one shard: every shard but the first (by key) drops them."""
    owner: dict[str, str] = {}
    dropped: dict[str, set[str]] = defaultdict(set)
    for shard in sorted(pages_by_shard):
        for pid in pages_by_shard[shard]:
            if pid in owner:
                dropped[shard].add(pid)
            else:
                owner[pid] = shard
    return dropped


def _without(table: pa.Table, column: str, ids: list[str]) -> pa.Table:
    """The rows of `table` whose `column` is not one of `ids` (nulls are kept)."""
    listed = pc.fill_null(pc.is_in(table[column], pa.array(ids, pa.string())), False)
    return table.filter(pc.invert(listed))


def apply_decisions(
    tables: dict[str, pa.Table], survivors: dict[str, str], dropped: set[str]
) -> dict[str, pa.Table]:
    """Mark duplicate pages, drop their article and paragraph rows, drop pages owned elsewhere."""
    pages = _without(tables["pages"], "page_id", list(dropped))
    is_duplicate = pc.fill_null(
        pc.is_in(pages["article_id"], pa.array(list(survivors), pa.string())), False
    )
    survivor = pa.array([survivors.get(a) for a in pages["article_id"].to_pylist()], pa.string())
    updates = {
        "status": pa.scalar("duplicate"),
        "reason": pa.scalar("exact_duplicate"),
        "article_id": survivor,
        "similarity": pa.scalar(1.0, pa.float32()),
    }
    for name, value in updates.items():
        index = pages.schema.get_field_index(name)
        pages = pages.set_column(index, name, pc.if_else(is_duplicate, value, pages[name]))
    paragraphs = _without(tables["paragraphs"], "page_id", list(dropped))
    return {
        "pages": pages,
        "articles": _without(tables["articles"], "article_id", list(survivors)),
        "paragraphs": _without(paragraphs, "article_id", list(survivors)),
    }


def by_day(tables: dict[str, pa.Table]) -> dict[tuple[str, date], pa.Table]:
    """Split a shard's tables into date partitions: the capture day of each row's page."""
    day_of_page = {
        pid: ts.date()
        for pid, ts in zip(
            tables["pages"]["page_id"].to_pylist(),
            tables["pages"]["fetched_at"].to_pylist(),
            strict=True,
        )
    }
    keys = {
        "pages": tables["pages"]["page_id"],
        "articles": tables["articles"]["article_id"],
        "paragraphs": tables["paragraphs"]["page_id"],
    }
    parts: dict[tuple[str, date], pa.Table] = {}
    for name, table in tables.items():
        days = [day_of_page[k] for k in keys[name].to_pylist()]
        for day in sorted(set(days)):
            mask = pa.array([d == day for d in days])
            parts[(name, day)] = table.filter(mask)
    return parts


def _staged(layout: Layout, run_id: str, shard: str) -> dict[str, pa.Table]:
    return {
        name: io.read_parquet(layout.staged_file(run_id, shard, name), TABLES[name])
        for name in SHARDED_TABLES
    }


def _candidates(layout: Layout, run_id: str, shards: list[str]) -> list[dict[str, Any]]:
    columns = ["article_id", "body_hash", "first_seen_at", "published_at"]
    staged = [
        io.read_parquet(layout.staged_file(run_id, s, "articles"), ARTICLES).select(columns)
        for s in shards
    ]
    rows = [row | {"archived": False} for t in staged for row in t.to_pylist()]
    hashes = sorted({row["body_hash"] for row in rows})
    archived = io.matching_rows(
        io.parquet_files(layout.table("articles")), ARTICLES, "body_hash", hashes, columns
    )
    # A shard redone after a crash finds its own rows already published: they are not copies.
    staged_ids = {row["article_id"] for row in rows}
    earlier = [row for row in archived.to_pylist() if row["article_id"] not in staged_ids]
    return rows + [row | {"archived": True} for row in earlier]


def publish_shards(layout: Layout, run_id: str, shards: list[str]) -> dict[str, int]:
    """Decide duplicates, then move each staged shard into the date partitions of the tables.

    Each file is replaced atomically and a shard's manifest is written last, so a crash leaves
    either a shard to redo or a finished one; redoing writes the same files again.
    """
    survivors = exact_duplicates(_candidates(layout, run_id, shards))
    staged_ids = {
        s: io.read_parquet(layout.staged_file(run_id, s, "pages"), PAGES)["page_id"].to_pylist()
        for s in shards
    }
    dropped = colliding_pages(staged_ids)
    totals = {"duplicates": len(survivors), "pages_collided": sum(map(len, dropped.values()))}
    for shard in shards:
        tables = apply_decisions(
            _staged(layout, run_id, shard), survivors, dropped.get(shard, set())
        )
        files = []
        for (name, day), part in by_day(tables).items():
            path = layout.partition_file(name, day, shard)
            io.write_parquet(part, TABLES[name], path)
            files.append(str(path.relative_to(layout.root)))
        io.write_json(
            {"shard": shard, "run_id": run_id, "files": sorted(files)}, layout.manifest(shard)
        )
    return totals


def ensure_tables(layout: Layout) -> None:
    """Give every table a zero-row file, so its view works before any data arrives."""
    for name, schema in TABLES.items():
        path = layout.empty_file(name)
        if not path.exists():
            io.write_parquet(schema.empty_table(), schema, path)


@task(name="publish-run", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_run(warehouse: str, run_id: str, shards: list[str]) -> dict[str, int]:
    """Publish the run's staged shards into the archive and clear the staging area."""
    layout = Layout(Path(warehouse))
    ensure_tables(layout)
    totals = publish_shards(layout, run_id, shards)
    io.remove_tree(layout.staging(run_id))
    return totals
