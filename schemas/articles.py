"""`articles`: one row per distinct article, with its clean body."""

import pyarrow as pa

from schemas._common import UTC_TIMESTAMP, with_version

ARTICLES = with_version(
    [
        pa.field("article_id", pa.string(), nullable=False),  # page_id of its first page
        pa.field("url", pa.string(), nullable=False),  # canonical URL when the page gives one
        pa.field("site", pa.string()),
        pa.field("site_name", pa.string()),
        pa.field("title", pa.string()),
        pa.field("authors", pa.list_(pa.string())),
        pa.field("published_at", UTC_TIMESTAMP),  # never later than first_seen_at
        # the last update the page names, from published_at to first_seen_at; null in files
        # written before it existed
        pa.field("modified_at", UTC_TIMESTAMP),
        pa.field("language", pa.string()),  # ISO 639-1
        # the section and keywords the page declares (JSON-LD articleSection and keywords,
        # article:section, article:tag, news_keywords, keywords); null in files written before
        # they existed
        pa.field("section", pa.string()),
        pa.field("keywords", pa.list_(pa.string())),
        pa.field("description", pa.string()),
        # the picture the page shares as its own (og:image, twitter:image, JSON-LD image), an
        # absolute http(s) address; null in files written before it existed
        pa.field("image_url", pa.string()),
        pa.field("body", pa.string(), nullable=False),  # kept paragraphs, one per line
        pa.field("word_count", pa.int32(), nullable=False),
        pa.field("body_hash", pa.string(), nullable=False),  # of the normalised body
        pa.field("first_seen_at", UTC_TIMESTAMP, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ],
    "articles",
)
