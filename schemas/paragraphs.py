"""`paragraphs`: every paragraph seen on an article or error page, with its fate."""

import pyarrow as pa

from schemas._common import with_version

PARAGRAPH_STATUSES = ("kept", "repeated", "boilerplate", "error_text")

PARAGRAPHS = with_version(
    [
        pa.field("page_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string()),  # null when the page is not an article
        pa.field("position", pa.int32(), nullable=False),  # 0-based order on the page
        pa.field("text", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),  # one of PARAGRAPH_STATUSES
        pa.field("reason", pa.string()),  # why it was not kept, e.g. repeat_of_title
    ],
    "paragraphs",
)
