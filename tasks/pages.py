"""From raw page records to the rows of `pages`, `articles` and `paragraphs` for one shard."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import task

from schemas import ARTICLES, PAGES, STAGED_PARAGRAPHS
from tasks import io
from tasks.config import DedupConfig, ExtractConfig, RunConfig
from tasks.ids import content_hash, failure_id, page_id, site_of
from tasks.layout import Layout
from tasks.pool import extract_pages
from tasks.progress import advance
from tasks.shards import Shard

_LOOKUP_BATCH = 500


class ShardRows:
    """Rows of one shard, gathered column-wise, plus the shard's counters."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.pages: list[dict[str, Any]] = []
        self.articles: list[dict[str, Any]] = []
        self.paragraphs: list[dict[str, Any]] = []
        self.counts: Counter[str] = Counter()

    def add_failure(self, record: dict[str, Any]) -> None:
        """Record an input that could not be read as a page."""
        url = record.get("url") or Path(record["source"].split("#")[0]).as_uri()
        self.pages.append(
            {
                "page_id": failure_id(record["source"], record["reason"]),
                "url": url,
                "site": site_of(url),
                "source": record["source"],
                "fetched_at": record["fetched_at"],
                "status": "failed",
                "reason": record["reason"],
                "run_id": self.run_id,
            }
        )
        self.counts["failed"] += 1
        self.counts[f"failed/{record['reason']}"] += 1

    def add_result(self, page: dict[str, Any], result: dict[str, Any]) -> None:
        """Record what extraction made of a page."""
        status = result["status"]
        is_article = status == "article"
        site = site_of(page["url"])
        self.pages.append(
            {
                "page_id": page["page_id"],
                "url": page["url"],
                "site": site,
                "source": page["source"],
                "fetched_at": page["fetched_at"],
                "http_status": page.get("http_status"),
                "content_hash": page["content_hash"],
                "status": status,
                "reason": result["reason"],
                "page_type": result.get("page_type"),
                "title": result.get("title"),
                "article_id": page["page_id"] if is_article else None,
                "run_id": self.run_id,
            }
        )
        self.counts[status] += 1
        if result["reason"]:
            self.counts[f"{status}/{result['reason']}"] += 1
        if is_article:
            self.articles.append(
                {
                    **{name: result.get(name) for name in ARTICLES.names},
                    "article_id": page["page_id"],
                    "first_seen_at": page["fetched_at"],
                    "run_id": self.run_id,
                }
            )
        sketches = result.get("sketches") or [(None, None)] * len(result["paragraphs"])
        for position, ((text, paragraph_status, reason, text_key), (share, own)) in enumerate(
            zip(result["paragraphs"], sketches, strict=True)
        ):
            self.paragraphs.append(
                {
                    "page_id": page["page_id"],
                    "article_id": page["page_id"] if is_article else None,
                    "site": site,
                    "position": position,
                    "text": text,
                    "text_key": text_key,
                    "status": paragraph_status,
                    "reason": reason,
                    "body_minhash": share,
                    "minhash": own,
                }
            )

    def tables(self) -> dict[str, pa.Table]:
        """The rows as Arrow tables with the declared schemas."""
        return {
            "pages": pa.Table.from_pylist(self.pages, schema=PAGES),
            "articles": pa.Table.from_pylist(self.articles, schema=ARTICLES),
            "paragraphs": pa.Table.from_pylist(self.paragraphs, schema=STAGED_PARAGRAPHS),
        }


def _batches(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def new_pages(
    records: Iterable[dict[str, Any]],
    rows: ShardRows,
    is_known: Callable[[list[str]], set[str]],
    progress: Callable[[int], None],
) -> Iterator[dict[str, Any]]:
    """Give each page its id, pass on the pages not yet archived; count and record the rest.

    A page already in the archive, or seen earlier in this shard, is counted as known.
    """
    seen: set[str] = set()
    for batch in _batches(records, _LOOKUP_BATCH):
        pages = []
        for record in batch:
            if record["event"] == "skip":
                rows.counts[f"skipped_{record['what']}"] += 1
            elif record["event"] == "failure":
                rows.add_failure(record)
                progress(1)
            else:
                record["content_hash"] = content_hash(record["payload"])
                record["page_id"] = page_id(record["url"], record["content_hash"])
                pages.append(record)
        known = is_known([p["page_id"] for p in pages])
        for page in pages:
            if page["page_id"] in known or page["page_id"] in seen:
                rows.counts["known"] += 1
                progress(1)
                continue
            seen.add(page["page_id"])
            yield page


def build_shard_rows(
    shard: Shard,
    extract_config: ExtractConfig,
    workers: int,
    run_id: str,
    is_known: Callable[[list[str]], set[str]],
    progress: Callable[[int], None] = lambda n: None,
    dedup_config: DedupConfig | None = None,
) -> ShardRows:
    """Read, extract and clean every page of a shard; pages already archived are skipped."""
    rows = ShardRows(run_id)
    records = (
        record
        for item in shard.files
        for record in io.read_input(item, extract_config.max_page_bytes)
    )
    fresh = new_pages(records, rows, is_known, progress)
    for page, result in extract_pages(fresh, extract_config, workers, dedup_config):
        rows.add_result(page, result)
        progress(1)
    rows.counts["read"] = sum(rows.counts[k] for k in ("article", "error_page", "not_article"))
    rows.counts["read"] += rows.counts["failed"] + rows.counts["known"]
    return rows


def published_page_lookup(layout: Layout, shard_key: str) -> Callable[[list[str]], set[str]]:
    """A lookup of page ids already published by other shards (a shard may redo its own)."""
    files = io.parquet_files(layout.table("pages"), leave_out=[shard_key])
    return lambda ids: io.existing_values(files, PAGES, "page_id", ids)


# The result (a few counts) is persisted: a retry of the same flow run, after a later step
# failed, finds it and skips the shard (the default cache key holds the flow run id).
@task(name="extract-shard", retries=2, retry_delay_seconds=2, persist_result=True)
def extract_shard(
    shard: Shard,
    warehouse: str,
    run_id: str,
    extract_config: ExtractConfig,
    run_config: RunConfig,
    dedup_config: DedupConfig,
) -> dict[str, int]:
    """Extract one shard into the run's staging area; return its counters."""
    layout = Layout(Path(warehouse))
    rows = build_shard_rows(
        shard,
        extract_config,
        run_config.workers,
        run_id,
        published_page_lookup(layout, shard.key),
        advance,
        dedup_config,
    )
    for name, table in rows.tables().items():
        io.write_parquet(table, table.schema, layout.staged_file(shard.key, name))
    return dict(rows.counts)
