"""`runs`: one row per pipeline run."""

import pyarrow as pa

from schemas._common import UTC_TIMESTAMP, with_version

RUNS = with_version(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("started_at", UTC_TIMESTAMP, nullable=False),
        pa.field("finished_at", UTC_TIMESTAMP, nullable=False),
        pa.field("status", pa.string(), nullable=False),  # completed | failed
        pa.field("inputs", pa.list_(pa.string())),
        pa.field("shards", pa.int32(), nullable=False),
        pa.field("shards_skipped", pa.int32(), nullable=False),  # already archived
        pa.field("pages_read", pa.int64(), nullable=False),
        pa.field("pages_known", pa.int64(), nullable=False),  # archived, or read twice tonight
        pa.field("records_skipped", pa.int64(), nullable=False),  # requests, non-HTML, ...
        pa.field("articles_added", pa.int64(), nullable=False),
        pa.field("duplicates", pa.int64(), nullable=False),  # exact + near + contained
        pa.field("exact_duplicates", pa.int64(), nullable=False),
        pa.field("near_duplicates", pa.int64(), nullable=False),
        pa.field("contained_copies", pa.int64()),  # null for runs before it was counted
        pa.field("boilerplate_paragraphs", pa.int64(), nullable=False),  # site furniture marked
        pa.field("articles_recleaned", pa.int64(), nullable=False),  # older bodies re-cleaned
        pa.field("reused_paragraphs", pa.int64(), nullable=False),  # seen in earlier articles
        pa.field("error_pages", pa.int64(), nullable=False),
        pa.field("not_articles", pa.int64(), nullable=False),
        pa.field("failed", pa.int64(), nullable=False),
        pa.field("pages_fetched", pa.int64(), nullable=False),  # from feeds, sitemaps, lists
        pa.field("fetch_failed", pa.int64(), nullable=False),
        pa.field("fetch_seconds", pa.float64(), nullable=False),
        pa.field("extract_seconds", pa.float64(), nullable=False),
        pa.field("publish_seconds", pa.float64(), nullable=False),
        pa.field("seconds", pa.float64(), nullable=False),
    ],
    "runs",
)
