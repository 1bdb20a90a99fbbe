"""`paragraphs`: every paragraph seen on an article or error page, with its fate."""

import pyarrow as pa

from schemas._common import with_version

# duplicate: the paragraph is on a page that copies article_id; kept as evidence, in no body.
PARAGRAPH_STATUSES = ("kept", "repeated", "boilerplate", "error_text", "duplicate")

PARAGRAPHS = with_version(
    [
        pa.field("page_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string()),  # as pages.article_id: null when no article
        pa.field("site", pa.string()),
        pa.field("position", pa.int32(), nullable=False),  # 0-based order on the page
        pa.field("text", pa.string(), nullable=False),
        pa.field("text_key", pa.string(), nullable=False),  # normalised, digits folded
        pa.field("status", pa.string(), nullable=False),  # one of PARAGRAPH_STATUSES
        pa.field("reason", pa.string()),  # why it was not kept, e.g. site_boilerplate
        pa.field("first_seen_article_id", pa.string()),  # an earlier article that had it
    ],
    "paragraphs",
)

# What a shard task stages: the published columns plus the paragraph's MinHash sketches, which
# publishing turns into article and paragraph rows of `signatures` (tasks/minhash.py).
STAGED_PARAGRAPHS = with_version(
    [
        *PARAGRAPHS,
        pa.field("body_minhash", pa.binary()),  # its share of the article's signature
        pa.field("minhash", pa.binary()),  # its own signature, when tracked for reuse
    ],
    "paragraphs",
)
