"""Where things live inside a warehouse folder: pure path arithmetic, no I/O.

<warehouse>/tables/<table>/date=YYYY-MM-DD/<shard>.parquet   published rows
<warehouse>/tables/runs/<run_id>.parquet                     one file per run
<warehouse>/tables/fetches/<run_id>.parquet                  what a run fetched from the web
<warehouse>/raw/date=YYYY-MM-DD/<time>-<run>.warc.gz         the raw zone: fetched responses
<warehouse>/_staging/<shard>/<table>.parquet                 a shard's work before publishing
<warehouse>/_manifests/<shard>.json                          a published shard's receipt
<warehouse>/_results/                                        Prefect's persisted task results
<warehouse>/_index/<segment>.parquet, .json                  the LSH index (tasks/lsh_index.py)
<warehouse>/_counts/furniture.sqlite                         furniture counts (tasks/site_counts.py)
<warehouse>/broadsheet.duckdb                                the views
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATABASE_NAME = "broadsheet.duckdb"


@dataclass(frozen=True)
class Layout:
    """Paths of one warehouse."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    def table(self, name: str) -> Path:
        return self.root / "tables" / name

    def partition_file(self, table: str, day: date, shard: str) -> Path:
        return self.table(table) / f"date={day.isoformat()}" / f"{shard}.parquet"

    def raw(self, day: date) -> Path:
        """The raw zone: what the fetcher got from the web, as WARC, by fetch date."""
        return self.root / "raw" / f"date={day.isoformat()}"

    def fetch_file(self, run_id: str) -> Path:
        return self.table("fetches") / f"{run_id}.parquet"

    def run_file(self, run_id: str) -> Path:
        return self.table("runs") / f"{run_id}.parquet"

    def staging(self, shard: str) -> Path:
        """Where a shard task leaves its rows for publishing. It depends on the shard alone,
        so a retry of the run, or a later run, redoes a shard in the same place."""
        return self.root / "_staging" / shard

    def staged_file(self, shard: str, table: str) -> Path:
        return self.staging(shard) / f"{table}.parquet"

    @property
    def results(self) -> Path:
        """Prefect's persisted task results (small: counts), pruned after some days."""
        return self.root / "_results"

    @property
    def index(self) -> Path:
        """The LSH index of the archived signatures: segments derived from `signatures`."""
        return self.root / "_index"

    @property
    def counts(self) -> Path:
        """The site furniture counts, kept from night to night (tasks/site_counts.py)."""
        return self.root / "_counts" / "furniture.sqlite"

    def manifest(self, shard: str) -> Path:
        return self.root / "_manifests" / f"{shard}.json"

    def empty_file(self, table: str) -> Path:
        """A zero-row file that keeps a table's view valid before it has data."""
        return self.table(table) / "_schema.parquet"
