"""The archive's LSH index: every archived signature's band keys, sorted for lookup.

A night's pages are matched against the archive by looking their band keys up in this index,
not by reading `signatures`: an index row is about 6 bytes on disk, a signature row hundreds.
The lookup is a sort-merge join (io.keys_in_files): each segment's keys are read, and the
night's keys, sorted, are found in them by binary search (or, in a segment smaller than the
night, the segment's keys in the night's). Only the rows the lookup returns are read from
`signatures` (their row groups), and the exact test is made on them (dedup.sharing_a_band, on
the full 64-bit keys), so the rows found are exactly those a scan of the whole table finds.
Against 1.2 x 10^8 index rows, reading and searching took a third of the time of DuckDB's
hash join over (band, key, row) delta-encoded columns, the format before (bench/README.md).

The index is derived data, kept in segments (tasks/layout.py, `_index/`):

    <segment>.parquet   (key, row) for each band key of each covered signature row, sorted by
                        key (schemas/band_index.py), byte planes apart and zstd-compressed
    <segment>.json      the `signatures` files it covers, in order, each with its size, time
                        and rows, the schemes its keys were made with, and the index format

`row` counts the covered files' rows one file after another. `key` holds the band number (a
whole body's band, or PARAGRAPH_BANDS + a paragraph's) in its high bits and the top KEY_BITS
bits of the band key in its low bits. The extra candidates shorter keys let in (keys per band /
2^KEY_BITS per query key: about 50 a night of 5,000 pages against 10^7 articles) are read and
then dropped by the exact test.

A segment is valid while every file it covers is there unchanged, and its schemes and format
are the current ones. `reconcile` drops the other segments and indexes the files no valid
segment covers: that is how an existing warehouse gets its index, or its index in a new format
(on its first publish after the upgrade), and how files replaced by compaction or re-published
after a crash are indexed again. Each group of a night adds a segment for the signature files
it wrote, after writing them; a crash in between leaves files that the next reconcile indexes.
"""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas import SIGNATURES
from schemas.band_index import BAND_INDEX
from tasks import dedup, io
from tasks.columns import only
from tasks.config import DedupConfig
from tasks.ids import stable_id
from tasks.layout import Layout
from tasks.minhash import Scheme, article_scheme, paragraph_scheme

KEY_BITS = 40
PARAGRAPH_BANDS = 1024  # more than any scheme's bands (at most one per permutation)
# Signature rows per row group of `signatures` files: a candidate costs the reading of its row
# group (about 1.3 MB of paragraph signatures), not of its file.
SIGNATURE_ROW_GROUP = 4_096
_SEGMENT_KEYS = 20_000_000  # index rows a segment built by reconcile holds at most (memory)
_INDEX_ROW_GROUP = 1 << 20
# Byte planes apart, then zstd: sorted keys' high bytes compress well (about 6.3 bytes a row,
# as delta encoding), and decoding costs a third of delta decoding's.
_ENCODINGS = {"key": "BYTE_STREAM_SPLIT", "row": "BYTE_STREAM_SPLIT"}
# Segments of another format (format 1: band, key and row columns, delta encoded) are rebuilt.
INDEX_FORMAT = 2
# What a lookup reads of a candidate: every column but the band keys, recomputed from minhash.
_READ = [name for name in SIGNATURES.names if name != "bands"]


@dataclass(frozen=True)
class CoveredFile:
    """A `signatures` file as a segment covers it."""

    path: str  # relative to the warehouse
    size: int
    mtime_ns: int
    rows: int


@dataclass(frozen=True)
class Segment:
    name: str
    files: tuple[CoveredFile, ...]
    schemes: tuple[str, str]  # (article scheme, paragraph scheme) names
    format: int = INDEX_FORMAT


def schemes_of(config: DedupConfig) -> dict[bool, Scheme]:
    """The schemes of whole bodies (True) and of paragraphs (False)."""
    return {True: article_scheme(config), False: paragraph_scheme(config)}


def _packed(keys: np.ndarray, whole: bool) -> np.ndarray:
    """A (rows, bands) key matrix as one number per key, row by row, as the index holds them:
    the band (high bits) and the key's top KEY_BITS bits (low bits)."""
    offset = 0 if whole else PARAGRAPH_BANDS
    band = np.tile(np.arange(offset, offset + keys.shape[1], dtype=np.uint64), len(keys))
    return (band << np.uint64(KEY_BITS)) | (keys.reshape(-1) >> np.uint64(64 - KEY_BITS))


def band_range(whole: bool) -> tuple[int, int]:
    """The [low, high) of the index keys of whole bodies (True) or of paragraphs (False)."""
    low = 0 if whole else PARAGRAPH_BANDS
    return low << KEY_BITS, (low + PARAGRAPH_BANDS) << KEY_BITS


def index_rows(signatures: pa.Table, schemes: dict[bool, Scheme]) -> pa.Table:
    """The BAND_INDEX rows of `signatures` (row r being the table's row r), sorted by key.
    `schemes` gives the scheme of whole bodies (True) and of paragraphs (False); rows signed
    with neither (nor with another banding of one) are left out, as a lookup would."""
    numbered = signatures.append_column("row", pa.array(np.arange(len(signatures)), pa.uint32()))
    whole = pc.is_null(numbered["position"])
    packed, owners = [], []
    for is_whole in (True, False):
        kind = numbered.filter(whole if is_whole else pc.invert(whole))
        rows = dedup.banded(kind, schemes[is_whole])
        keys = dedup.band_matrix(rows, schemes[is_whole])
        packed.append(_packed(keys, is_whole))
        owners.append(np.repeat(rows["row"].to_numpy(), keys.shape[1]))
    combined = np.concatenate(packed)
    order = np.argsort(combined, kind="stable")
    rows = pa.array(np.concatenate(owners)[order].astype(np.uint32))
    return pa.table({"key": combined[order], "row": rows}, schema=BAND_INDEX)


def wanted_keys(queries: pa.Table, scheme: Scheme, whole: bool) -> np.ndarray:
    """The distinct keys of `queries` as the index writes them, sorted."""
    return np.unique(_packed(dedup.band_matrix(queries, scheme), whole))


class ArchiveIndex:
    """The index segments of one warehouse, and lookups in them."""

    def __init__(
        self,
        layout: Layout,
        schemes: dict[bool, Scheme],
        cluster: Any = None,
    ) -> None:
        """The lookups run in this process (io.keys_in_files); with `cluster`, a Dask
        distributed.Client, on its workers (io.keys_in_files_on_cluster)."""
        self.layout = layout
        self.schemes = schemes
        self._cluster = cluster
        self._segments: list[Segment] | None = None
        # Where the rows of the articles found by the last lookups are (see body_minhash).
        self._file_of: dict[str, Path] = {}

    @property
    def scheme_names(self) -> tuple[str, str]:
        return (self.schemes[True].name, self.schemes[False].name)

    def _paths(self, name: str) -> tuple[Path, Path]:
        return self.layout.index / f"{name}.parquet", self.layout.index / f"{name}.json"

    def segments(self) -> list[Segment]:
        """The segments on disk whose catalog is written (a segment's file without one is
        what a crash left)."""
        if self._segments is None:
            found = []
            for catalog in sorted(self.layout.index.glob("*.json")):
                record = io.read_json(catalog)
                if record is None:
                    continue
                found.append(
                    Segment(
                        catalog.stem,
                        tuple(CoveredFile(**f) for f in record["files"]),
                        tuple(record["schemes"]),
                        record.get("format", 1),
                    )
                )
            self._segments = found
        return self._segments

    def _covered(self, path: Path, rows: int) -> CoveredFile:
        size, mtime_ns = io.fingerprint(path)
        return CoveredFile(str(path.relative_to(self.layout.root)), size, mtime_ns, rows)

    def _write(self, covered: list[CoveredFile], index: pa.Table) -> Segment:
        name = stable_id(
            "index", *(f"{f.path}:{f.size}:{f.mtime_ns}" for f in covered), *self.scheme_names
        )[:20]
        segment = Segment(name, tuple(covered), self.scheme_names)
        data, catalog = self._paths(name)
        io.write_parquet(index, BAND_INDEX, data, _INDEX_ROW_GROUP, _ENCODINGS)
        record = {"files": [f.__dict__ for f in covered], "schemes": list(self.scheme_names)}
        io.write_json(record | {"format": INDEX_FORMAT}, catalog)
        self.segments().append(segment)
        return segment

    def add(self, written: list[tuple[Path, pa.Table]]) -> None:
        """Index `signatures` files just written, given with their rows (in file order)."""
        written = [(path, rows) for path, rows in written if len(rows)]
        if not written:
            return
        rows = pa.concat_tables([t.select(SIGNATURES.names) for _, t in written])
        covered = [self._covered(path, len(t)) for path, t in written]
        self._write(covered, index_rows(rows, self.schemes))

    def reconcile(self, leave_out: set[str]) -> dict[str, int]:
        """Bring the index in line with the `signatures` files, leaving out the files of the
        shards `leave_out` (being published): drop stale segments, index uncovered files.
        Returns how many segments were dropped and files indexed."""
        live = {
            str(path.relative_to(self.layout.root)): path
            for path in io.parquet_files(self.layout.table("signatures"), leave_out)
        }
        valid, dropped = [], 0
        for segment in self.segments():
            if (segment.schemes, segment.format) == (self.scheme_names, INDEX_FORMAT) and all(
                f.path in live and io.fingerprint(live[f.path]) == (f.size, f.mtime_ns)
                for f in segment.files
            ):
                valid.append(segment)
            else:
                dropped += 1
        self._segments = valid
        kept = {name for s in valid for name in (f"{s.name}.parquet", f"{s.name}.json")}
        for leftover in sorted(self.layout.index.glob("*")) if self.layout.index.exists() else []:
            if leftover.name not in kept:
                io.remove_file(leftover)
        covered = {f.path for s in valid for f in s.files}
        pending: list[CoveredFile] = []
        parts: list[pa.Table] = []
        size = 0
        indexed = 0
        for relative, path in live.items():
            if relative in covered:
                continue
            rows = io.read_parquet(path, SIGNATURES)
            index = index_rows(rows, self.schemes)
            if size and size + len(index) > _SEGMENT_KEYS:
                self._write(pending, _renumbered(parts, pending))
                pending, parts, size = [], [], 0
            pending.append(self._covered(path, len(rows)))
            parts.append(index)
            size += len(index)
            indexed += 1
        if pending:
            self._write(pending, _renumbered(parts, pending))
        return {"index_segments_dropped": dropped, "index_files_added": indexed}

    def sharing_a_band(self, queries: pa.Table, scheme: Scheme, whole: bool) -> pa.Table:
        """The archived signature rows (whole bodies or paragraphs) that share a band key with
        `queries` (signature rows made with `scheme`), as dedup.sharing_a_band finds them in
        the whole `signatures` table."""
        segments = self.segments()
        if not len(queries) or not segments:
            return SIGNATURES.empty_table()
        files = [self._paths(s.name)[0] for s in segments]
        wanted = wanted_keys(queries, scheme, whole)
        if self._cluster is not None:
            found = io.keys_in_files_on_cluster(self._cluster, files, wanted, band_range(whole))
        else:
            found = io.keys_in_files(files, wanted)
        by_name = {str(file): s for file, s in zip(files, segments, strict=True)}
        rows_of: dict[str, list[np.ndarray]] = defaultdict(list)
        for filename, rows in _grouped(found):
            segment = by_name[filename]
            starts = np.cumsum([0, *(f.rows for f in segment.files)])
            at = np.searchsorted(starts, rows, side="right") - 1
            for number in np.unique(at).tolist():
                rows_of[segment.files[number].path].append(rows[at == number] - starts[number])
        candidates = [SIGNATURES.empty_table()]
        for relative, parts in sorted(rows_of.items()):
            path = self.layout.root / relative
            rows = io.rows_at(path, np.unique(np.concatenate(parts)), SIGNATURES, _READ)
            self._file_of.update(dict.fromkeys(rows["article_id"].to_pylist(), path))
            candidates.append(_with_bands(rows, self.schemes[whole]))
        archived = pa.concat_tables(candidates)
        kind = pc.is_null(archived["position"]) if whole else pc.is_valid(archived["position"])
        return dedup.sharing_a_band(archived.filter(kind), queries, scheme)

    def body_minhash(self, article_ids: set[str]) -> pa.Table:
        """article_id and whole-body minhash of archived `article_ids` among the articles the
        lookups so far found (a contained copy's survivor always is: its paragraphs were)."""
        empty = SIGNATURES.empty_table().select(["article_id", "minhash"])
        files = sorted({self._file_of[a] for a in article_ids if a in self._file_of})
        if not files:
            return empty
        columns = ["article_id", "position", "minhash"]
        rows = io.matching_rows(files, SIGNATURES, "article_id", sorted(article_ids), columns)
        rows = only(rows.filter(pc.is_null(rows["position"])), "article_id", article_ids)
        return pa.concat_tables([empty, rows.select(["article_id", "minhash"])])


def _renumbered(parts: list[pa.Table], files: list[CoveredFile]) -> pa.Table:
    """Index rows of files indexed one by one, as one segment's: rows counted across the
    files, sorted again by key."""
    starts = np.cumsum([0, *(f.rows for f in files)])[:-1]
    tables = [
        t.set_column(1, BAND_INDEX.field("row"), pa.array(t["row"].to_numpy() + start, pa.uint32()))
        for t, start in zip(parts, starts.tolist(), strict=True)
    ]
    return pa.concat_tables(tables).sort_by([("key", "ascending"), ("row", "ascending")])


def _grouped(found: pa.Table) -> list[tuple[str, np.ndarray]]:
    """(filename, its rows) of a join's answer."""
    codes = pc.dictionary_encode(found["filename"]).combine_chunks()
    which = codes.indices.to_numpy()
    rows = found["row"].to_numpy().astype(np.int64)
    return [(name, rows[which == n]) for n, name in enumerate(codes.dictionary.to_pylist())]


def _with_bands(rows: pa.Table, scheme: Scheme) -> pa.Table:
    """Signature rows read without their band keys, with those of `scheme` (the index holds
    rows of its permutations only; dedup.banded recomputes them for another banding anyway)."""
    keys = dedup.band_keys(dedup.signature_matrix(rows), scheme)
    return (
        rows.append_column("bands", dedup.bands_column(keys))
        .select(SIGNATURES.names)
        .cast(SIGNATURES)
    )
