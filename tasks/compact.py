"""Compaction: one file per table and day, sorted so that DuckDB skips what a query filters out.

Publishing writes one file per shard, table and capture day, so nightly runs leave many small
files. Compaction merges the files of published shards (those with a manifest) in each day
folder into one file per table, sorted by site and then date (see SORT_KEYS), with row groups
sized for scanning. Every table of a day gets the same file name, so the paragraphs of an
article stay in the file of the same name as its article's (re-cleaning relies on it).

Crash safety: a journal (`_manifests/compacting.json`) names the files about to be written and
those they replace. Until every new file is in place the journal rolls back (new files removed);
after that it rolls forward (old files removed). `recover` finishes an interrupted compaction
and runs before any run or compaction. Readers may see a day's rows twice only in the moment
between the new files' renames and the old files' removal.

A day record (`_manifests/days/<day>.json`) lists the shards a compacted file holds, so that
`release` can take a shard's rows back out before the shard is extracted again (--reprocess).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from prefect import task
from prefect.cache_policies import NO_CACHE

from schemas import ROW_KEYS, TABLES
from tasks import io
from tasks.columns import listed, without
from tasks.config import DedupConfig
from tasks.ids import stable_id
from tasks.layout import Layout
from tasks.lsh_index import ArchiveIndex, schemes_of
from tasks.publish import ROW_GROUP_ROWS, is_published
from tasks.shards import Shard

PARTITIONED = tuple(ROW_KEYS)  # the tables kept in date partitions
# Site first: most queries name a site or group by it; then time, so date filters prune too.
SORT_KEYS = {
    "pages": ["site", "fetched_at", "page_id"],
    "articles": ["site", "published_at", "article_id"],
    "paragraphs": ["site", "article_id", "position"],
    "signatures": ["article_id", "position"],
}
COMPACTED_PREFIX = "c-"
_ROW_GROUP_BYTES = 64 * 2**20  # uncompressed: a few per file, each a unit of DuckDB's work
_ROW_GROUP_ROWS = (2_048, 122_880)  # DuckDB's own row group holds 122,880 rows


@dataclass(frozen=True)
class DayFiles:
    """The published files of one day folder, per table, that compaction may merge."""

    day: str  # YYYY-MM-DD
    files: dict[str, list[Path]]  # table -> files of sealed shards and compacted files
    shards: frozenset[str]  # the shards those files hold

    @property
    def name(self) -> str:
        """The compacted file's name: the same for every table of the day, and new whenever
        the set of shards changes (so an old and a new version never share a name)."""
        return f"{COMPACTED_PREFIX}{stable_id('compacted', self.day, *sorted(self.shards))[:20]}"

    def needs_compaction(self) -> bool:
        """True when some table has a shard's own file, or more than one file."""
        return any(
            len(paths) > 1 or not paths[0].stem.startswith(COMPACTED_PREFIX)
            for paths in self.files.values()
            if paths
        )


def _journal(layout: Layout) -> Path:
    return layout.root / "_manifests" / "compacting.json"


def day_record(layout: Layout, day: str) -> Path:
    """The record of which shards the compacted files of `day` hold."""
    return layout.root / "_manifests" / "days" / f"{day}.json"


def _recorded_shards(layout: Layout, day: str, name: str) -> set[str]:
    record = io.read_json(day_record(layout, day)) or {}
    return set(record.get("shards", [])) if record.get("file") == name else set()


def day_files(layout: Layout) -> list[DayFiles]:
    """Every day folder's mergeable files. A shard's file counts only once the shard's
    manifest exists: files of a shard still being published are left where they are."""
    days: dict[str, dict[str, list[Path]]] = {}
    for table in PARTITIONED:
        root = layout.table(table)
        for folder in sorted(root.glob("date=*")) if root.exists() else []:
            day = folder.name.removeprefix("date=")
            days.setdefault(day, {})[table] = io.parquet_files(folder)
    found = []
    for day, files in sorted(days.items()):
        shards: set[str] = set()
        kept: dict[str, list[Path]] = {}
        for table, paths in files.items():
            kept[table] = []
            for path in paths:
                if path.stem.startswith(COMPACTED_PREFIX):
                    shards |= _recorded_shards(layout, day, path.stem)
                elif is_published(layout, path.stem):
                    shards.add(path.stem)
                else:
                    continue
                kept[table].append(path)
        if any(kept.values()):
            found.append(DayFiles(day, kept, frozenset(shards)))
    return found


def rows_per_group(table: pa.Table, name: str) -> int:
    """Rows per row group of table `name`: about _ROW_GROUP_BYTES of data, within DuckDB-friendly
    bounds, unless the table's readers want another size (publish.ROW_GROUP_ROWS)."""
    if name in ROW_GROUP_ROWS:
        return ROW_GROUP_ROWS[name]
    if not len(table):
        return _ROW_GROUP_ROWS[1]
    per_row = max(1, table.nbytes // len(table))
    return max(_ROW_GROUP_ROWS[0], min(_ROW_GROUP_ROWS[1], _ROW_GROUP_BYTES // per_row))


def sorted_for_scans(table: pa.Table, name: str) -> pa.Table:
    """`table` in the order that lets filters on its SORT_KEYS skip row groups."""
    return table.sort_by([(column, "ascending", "at_end") for column in SORT_KEYS[name]])


def recover(layout: Layout) -> str | None:
    """Finish or undo a compaction that was interrupted; return what was done, if anything."""
    journal = io.read_json(_journal(layout))
    if journal is None:
        return None
    written = [layout.root / p for p in journal["write"]]
    if all(p.exists() for p in written):
        io.write_json(journal["record"], day_record(layout, journal["record"]["day"]))
        for old in journal["remove"]:
            io.remove_file(layout.root / old)
        outcome = "finished"
    else:
        for new in written:
            io.remove_file(new)
        outcome = "undone"
    io.remove_file(_journal(layout))
    return f"an interrupted compaction of {journal['record']['day']} was {outcome}"


def compact_day(layout: Layout, found: DayFiles) -> int:
    """Merge the files of one day into one file per table; return the files written."""
    name = found.name
    targets = {
        table: layout.partition_file(table, date.fromisoformat(found.day), name)
        for table, paths in found.files.items()
        if paths
    }
    old = [p for paths in found.files.values() for p in paths if p not in targets.values()]
    relative = lambda paths: [str(p.relative_to(layout.root)) for p in paths]  # noqa: E731
    record = {"day": found.day, "file": name, "shards": sorted(found.shards)}
    io.write_json(
        {"write": relative(targets.values()), "remove": relative(old), "record": record},
        _journal(layout),
    )
    for table, target in targets.items():
        schema = TABLES[table]
        merged = pa.concat_tables(
            [schema.empty_table(), *(io.read_parquet(p, schema) for p in found.files[table])]
        )
        merged = sorted_for_scans(merged, table)
        io.write_parquet(merged, schema, target, row_group_rows=rows_per_group(merged, table))
    recover(layout)  # every new file is in place: this rolls forward
    return len(targets)


def compact(layout: Layout, dedup: DedupConfig | None = None) -> dict[str, int]:
    """Compact every day that needs it; return days compacted and files before and after.

    With the `dedup` config, the LSH index is then brought up to date (tasks/lsh_index.py):
    the compacted signature files are indexed now rather than by the next run."""
    recover(layout)
    days = [d for d in day_files(layout) if d.needs_compaction()]
    before = sum(len(paths) for d in days for paths in d.files.values())
    after = sum(compact_day(layout, d) for d in days)
    if days and dedup is not None:
        ArchiveIndex(layout, schemes_of(dedup)).reconcile(leave_out=set())
    return {"days": len(days), "files_before": before, "files_after": after}


def _from_shard(sources: pa.ChunkedArray, shard_files: Iterable[str]) -> pa.ChunkedArray:
    """Which `sources` (a path, or a path with #offset or :line) come from `shard_files`."""
    paths = pa.array(sorted(set(shard_files)), pa.string())
    bare = pc.replace_substring_regex(sources, r"(#\d+|:\d+)$", "")
    return pc.fill_null(pc.is_in(bare, paths), False)


def release(layout: Layout, shards: list[Shard]) -> int:
    """Take the rows of `shards` out of compacted files, so that the shards can be extracted
    and published again as if new; return the rows of `pages` taken out.

    The pages file of a day goes last: until it is rewritten, the page ids it holds say which
    rows of the other tables belong to the shards, so an interrupted release can run again.
    """
    recover(layout)
    keys = {s.key for s in shards}
    # First the manifests: a shard released is to be done again, even if this is interrupted.
    for key in sorted(keys):
        manifest = io.read_json(layout.manifest(key))
        if manifest is not None:
            io.write_json(manifest | {"released": True}, layout.manifest(key))
    files = [f.path for s in shards for f in s.files]
    released = 0
    for path in sorted((layout.root / "_manifests" / "days").glob("*.json")):
        record = io.read_json(path)
        if not keys & set(record["shards"]):
            continue
        day = date.fromisoformat(record["day"])
        pages_file = layout.partition_file("pages", day, record["file"])
        pages = io.read_parquet(pages_file, TABLES["pages"]) if pages_file.exists() else None
        if pages is not None:
            ids = set(pages.filter(_from_shard(pages["source"], files))["page_id"].to_pylist())
            for table in (*(t for t in PARTITIONED if t != "pages"), "pages"):
                target = layout.partition_file(table, day, record["file"])
                if not target.exists():
                    continue
                rows = pages if table == "pages" else io.read_parquet(target, TABLES[table])
                if pc.any(listed(rows, ROW_KEYS[table], ids)).as_py():
                    kept = without(rows, ROW_KEYS[table], ids)
                    groups = rows_per_group(kept, table)
                    io.write_parquet(kept, TABLES[table], target, row_group_rows=groups)
                    released += len(rows) - len(kept) if table == "pages" else 0
        io.write_json(record | {"shards": sorted(set(record["shards"]) - keys)}, path)
    return released


@task(name="compact", cache_policy=NO_CACHE)
def compact_archive(warehouse: str, dedup: DedupConfig) -> dict[str, int]:
    """Compact the warehouse's day folders and bring the index up to date (see compact);
    return its counts."""
    return compact(Layout(Path(warehouse)), dedup)


@task(name="release-shards", cache_policy=NO_CACHE)
def release_shards(warehouse: str, shards: list[Shard]) -> int:
    """Take `shards` back out of the archive's compacted files before they are redone."""
    return release(Layout(Path(warehouse)), shards)
