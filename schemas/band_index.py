"""The LSH index of `signatures`: one row per band key of each archived signature row.

Derived data, rebuilt from `signatures` whenever it is missing or stale (tasks/lsh_index.py),
so not a table of the archive's views.
"""

import pyarrow as pa

from schemas._common import with_version

BAND_INDEX = with_version(
    [
        # The band number in the high bits (a whole body's band, or PARAGRAPH_BANDS + a
        # paragraph's) and the band key's top KEY_BITS bits in the low bits (tasks/lsh_index.py):
        # one sorted number, so that a lookup is a binary search.
        pa.field("key", pa.uint64(), nullable=False),
        pa.field("row", pa.uint32(), nullable=False),  # the signature row, see Segment
    ],
    "band_index",
)
