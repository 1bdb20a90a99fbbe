"""`pages`: one row per input page, whatever became of it."""

import pyarrow as pa

from schemas._common import UTC_TIMESTAMP, with_version

PAGE_STATUSES = ("article", "duplicate", "error_page", "not_article", "failed")

PAGES = with_version(
    [
        pa.field("page_id", pa.string(), nullable=False),  # hash of URL and exact content
        pa.field("url", pa.string(), nullable=False),
        pa.field("site", pa.string()),  # host without "www.", null for local files
        pa.field("source", pa.string(), nullable=False),  # input file, and #offset or :line
        pa.field("fetched_at", UTC_TIMESTAMP, nullable=False),
        pa.field("http_status", pa.int16()),
        pa.field("content_hash", pa.string()),  # sha256 of the raw payload
        pa.field("status", pa.string(), nullable=False),  # one of PAGE_STATUSES
        pa.field("reason", pa.string()),  # short code; null for plain articles
        # article | listing | product | forum (tasks/page_type.py); null when not extracted
        pa.field("page_type", pa.string()),
        # the headline the page gives (tasks/headline.py), whatever became of it: what a
        # listing or a page kept out was; null when not extracted, or in older files
        pa.field("title", pa.string()),
        pa.field("article_id", pa.string()),  # the article this page became or duplicates
        pa.field("similarity", pa.float32()),  # to article_id, for duplicates
        # for duplicates: the share of the page's kept words found in article_id's paragraphs
        pa.field("containment", pa.float32()),
        pa.field("run_id", pa.string(), nullable=False),
    ],
    "pages",
)
