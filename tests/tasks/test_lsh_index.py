"""The archive's LSH index (tasks/lsh_index.py) against a pass over every signature row."""

import random
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pytest

from bench.labelled import _edit
from schemas import SIGNATURES
from tasks import dedup, io, lsh_index
from tasks.config import DedupConfig
from tasks.layout import Layout
from tasks.minhash import sign

CONFIG = DedupConfig()
SCHEMES = lsh_index.schemes_of(CONFIG)
DAY = datetime(2024, 3, 1, tzinfo=UTC)


def signature_table(items: list[tuple[str, list[str]]]) -> pa.Table:
    """Whole-body and paragraph signature rows of (article_id, paragraphs) items."""
    tables = []
    for whole, scheme in SCHEMES.items():
        rows, texts = [], []
        for article, paragraphs in items:
            parts = [(None, "\n".join(paragraphs))] if whole else list(enumerate(paragraphs))
            for position, text in parts:
                rows.append(
                    {"article_id": article, "position": position}
                    | {"first_seen_at": DAY, "text_hash": f"{article}:{position}"}
                )
                texts.append(text)
        keys = pa.Table.from_pylist(rows, schema=dedup.SIGNATURE_KEYS)
        tables.append(dedup.signature_rows(keys, sign(texts, scheme), scheme))
    return pa.concat_tables(tables)


def write_shards(layout: Layout, table: pa.Table, shards: int) -> None:
    """`table` cut into `shards` files of one day, in row groups of 7 rows."""
    size = -(-len(table) // shards)
    for n in range(shards):
        path = layout.partition_file("signatures", DAY.date(), f"shard{n}")
        io.write_parquet(table.slice(n * size, size), SIGNATURES, path, row_group_rows=7)


def lookups(index: lsh_index.ArchiveIndex, archived: pa.Table, queries: pa.Table) -> None:
    """Assert that the index finds, for both kinds, what a pass over `archived` finds."""
    for whole, scheme in SCHEMES.items():
        kind = queries.filter(
            pa.compute.is_null(queries["position"])
            if whole
            else pa.compute.is_valid(queries["position"])
        )
        rows = archived.filter(
            pa.compute.is_null(archived["position"])
            if whole
            else pa.compute.is_valid(archived["position"])
        )
        expected = dedup.sharing_a_band(rows, kind, scheme)
        found = index.sharing_a_band(kind, scheme, whole)
        assert _rows(found) == _rows(expected) and len(expected)


def _rows(table: pa.Table) -> list[tuple]:
    columns = ["article_id", "position", "minhash"]
    return sorted(zip(*(table[c].to_pylist() for c in columns), strict=True), key=repr)


@pytest.mark.parametrize("key_bits", [lsh_index.KEY_BITS, 6])
def test_the_index_finds_what_a_pass_over_every_row_finds(stories, tmp_path, monkeypatch, key_bits):
    # 6-bit keys collide all the time: the exact test must drop every extra candidate. Row
    # groups of 5 index rows put a key's rows in several, and leave some out of a lookup.
    monkeypatch.setattr(lsh_index, "KEY_BITS", key_bits)
    monkeypatch.setattr(lsh_index, "_INDEX_ROW_GROUP", 5)
    rng = random.Random(3)
    archived = signature_table(
        [(f"a{i}", s if i % 2 else _edit(s, rng)) for i, s in enumerate(stories[:12])]
    )
    queries = signature_table([("q1", stories[1]), ("q2", _edit(stories[2], rng))])
    layout = Layout(tmp_path)
    write_shards(layout, archived, 3)
    index = lsh_index.ArchiveIndex(layout, SCHEMES)
    assert index.reconcile(leave_out=set()) == {"index_segments_dropped": 0, "index_files_added": 3}
    lookups(index, archived, queries)
    survivor = index.body_minhash({"a1", "nobody"})
    assert survivor["article_id"].to_pylist() == ["a1"]


def test_reconcile_drops_stale_segments_and_leaves_out_the_shards_being_published(
    stories, tmp_path
):
    layout = Layout(tmp_path)
    archived = signature_table([(f"a{i}", s) for i, s in enumerate(stories[:6])])
    write_shards(layout, archived, 2)
    index = lsh_index.ArchiveIndex(layout, SCHEMES)
    index.reconcile(leave_out={"shard1"})  # shard1 is being published: not archive
    assert [f.path for s in index.segments() for f in s.files] == [
        "tables/signatures/date=2024-03-01/shard0.parquet"
    ]
    # Written again (as a shard redone): its segment is stale, the next run indexes it anew.
    again = lsh_index.ArchiveIndex(layout, SCHEMES)
    write_shards(layout, archived, 2)
    assert again.reconcile(leave_out=set()) == {"index_segments_dropped": 1, "index_files_added": 2}
    assert len(list(layout.index.glob("*.parquet"))) == 1
    queries = signature_table([("q", stories[0])])
    lookups(lsh_index.ArchiveIndex(layout, SCHEMES), archived, queries)
    # A segment of the first format (no format in its catalog): rebuilt on the next run.
    catalog = next(layout.index.glob("*.json"))
    io.write_json({k: v for k, v in io.read_json(catalog).items() if k != "format"}, catalog)
    upgraded = lsh_index.ArchiveIndex(layout, SCHEMES)
    assert upgraded.reconcile(leave_out=set()) == {
        "index_segments_dropped": 1,
        "index_files_added": 2,
    }
    lookups(lsh_index.ArchiveIndex(layout, SCHEMES), archived, queries)
    # Another banding (the threshold changed): every segment is rebuilt with the new keys.
    other = lsh_index.ArchiveIndex(layout, lsh_index.schemes_of(DedupConfig(threshold=0.7)))
    assert other.reconcile(leave_out=set())["index_segments_dropped"] == 1


def test_a_dask_cluster_joins_the_keys_as_duckdb_does(stories, tmp_path):
    # The join a run given --dask-address makes (io.keys_in_files_on_cluster), here on an
    # in-process cluster; tests/integration/test_dask.py runs it on two worker processes.
    from distributed import Client

    archived = signature_table([(f"a{i}", s) for i, s in enumerate(stories[:8])])
    queries = signature_table([("q1", stories[1]), ("q2", stories[5])])
    layout = Layout(tmp_path)
    write_shards(layout, archived, 3)
    lsh_index.ArchiveIndex(layout, SCHEMES).reconcile(leave_out=set())
    with Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as c:
        lookups(lsh_index.ArchiveIndex(layout, SCHEMES, cluster=c), archived, queries)


def test_the_sorted_lookup_finds_every_row_of_every_wanted_key():
    # Both ways of searching (night keys in a larger file's keys, a smaller file's keys in the
    # night's), with keys on many rows, against a plain membership test.
    rng = np.random.default_rng(4)
    for _ in range(200):
        keys = np.sort(rng.integers(0, 50, rng.integers(0, 80)).astype(np.uint64))
        wanted = np.unique(rng.integers(0, 50, rng.integers(1, 60)).astype(np.uint64))
        expected = np.flatnonzero(np.isin(keys, wanted))
        assert np.array_equal(io._positions_of(keys, wanted), expected)
