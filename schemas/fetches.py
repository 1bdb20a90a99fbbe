"""`fetches`: one row per URL fetched from the web (feeds, sitemaps and articles), per run."""

import pyarrow as pa

from schemas._common import UTC_TIMESTAMP, with_version

FETCHES = with_version(
    [
        pa.field("url", pa.string(), nullable=False),  # normalised, as a source listed it
        pa.field("kind", pa.string(), nullable=False),  # feed | sitemap | urls | robots | article
        pa.field("source", pa.string()),  # the feed, sitemap or list that gave it
        pa.field("fetched_at", UTC_TIMESTAMP, nullable=False),
        pa.field("final_url", pa.string()),  # after redirects
        pa.field("http_status", pa.int16()),
        pa.field("reason", pa.string()),  # null when fetched; else why not (http_404, ...)
        pa.field("etag", pa.string()),  # for conditional requests next time
        pa.field("last_modified", pa.string()),
        pa.field("warc", pa.string()),  # the raw-zone file that holds the response
        pa.field("run_id", pa.string(), nullable=False),
    ],
    "fetches",
)
