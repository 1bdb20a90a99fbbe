"""`signatures`: the MinHash index of archived articles and their paragraphs.

One row per archived article (position null) and per tracked paragraph of it. New pages are
compared against these rows, so a copy is found whichever night its original arrived.
"""

import pyarrow as pa

from schemas._common import UTC_TIMESTAMP, with_version

SIGNATURES = with_version(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("position", pa.int32()),  # null: the whole body; else the paragraph's position
        pa.field("first_seen_at", UTC_TIMESTAMP, nullable=False),
        pa.field("text_hash", pa.string(), nullable=False),  # body_hash or paragraph text_key
        pa.field("scheme", pa.string(), nullable=False),  # see tasks/minhash.py Scheme.name
        pa.field("minhash", pa.binary(), nullable=False),  # num_perm little-endian uint32
        pa.field("bands", pa.list_(pa.uint64()), nullable=False),  # one LSH key per band
    ],
    "signatures",
)
