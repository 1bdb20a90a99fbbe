"""The LSH index of `signatures`: one row per band key of each archived signature row.

Derived data, rebuilt from `signatures` whenever it is missing or stale (tasks/lsh_index.py),
so not a table of the archive's views.
"""

import pyarrow as pa

from schemas._common import with_version

BAND_INDEX = with_version(
    [
        # A whole body's band number, or PARAGRAPH_BANDS + a paragraph's (tasks/lsh_index.py).
        pa.field("band", pa.uint16(), nullable=False),
        pa.field("key", pa.uint64(), nullable=False),  # the band key's top KEY_BITS bits
        pa.field("row", pa.uint32(), nullable=False),  # the signature row, see Segment
    ],
    "band_index",
)
