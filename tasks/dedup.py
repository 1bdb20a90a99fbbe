"""Deciding what is a copy: near-duplicate articles, reused paragraphs and site furniture.

Pure functions: Arrow tables and frozen config in, decisions out; no I/O. tasks/publish.py
reads the archive, calls these, and writes the result.

Survivor rule. Articles are ranked: those already archived first, then new ones by first_seen_at
(capture time), then published_at (earliest first, unknown last), then article_id. New articles
are visited in that order; an article whose MinHash similarity to an earlier survivor reaches the
threshold is a copy of the most similar such survivor (ties go to the higher rank), otherwise it
is a survivor itself. The input's file order never enters the ranking. Then the survivors are
visited again in that order: one most of whose words are in an earlier survivor's paragraphs
(containment, see contained_copies) is a copy of it too.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas import SIGNATURES
from tasks.clean import BOILERPLATE, KEPT
from tasks.columns import update_where
from tasks.config import DedupConfig
from tasks.ids import count_words, text_hash
from tasks.minhash import Scheme, band_keys, similarity, to_minhash

EXACT, NEAR, CONTAINED = "exact_duplicate", "near_duplicate", "contained_copy"
COPY = "duplicate"  # status of a copy page's paragraphs: evidence, in no body
SITE_BOILERPLATE = "site_boilerplate"
_LAST = "9999"


# --- signatures --------------------------------------------------------------------------


# What identifies a signature row; the rest of the row is computed from its MinHash.
SIGNATURE_KEYS = pa.schema(
    [SIGNATURES.field(name) for name in ("article_id", "position", "first_seen_at", "text_hash")]
)


def signature_rows(keys: pa.Table, matrix: np.ndarray, scheme: Scheme) -> pa.Table:
    """`signatures` rows: `keys` give article_id, position, first_seen_at and text_hash (the
    SIGNATURE_KEYS columns), and `matrix` the MinHash signature of each row."""
    count = len(keys)
    blobs = np.ascontiguousarray(matrix, dtype="<u4")
    minhash = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(blobs.shape[1] * 4 if count else 4), count, [None, pa.py_buffer(blobs)]
    )
    columns = {name: keys[name] for name in SIGNATURE_KEYS.names}
    columns |= {
        "scheme": pa.array([scheme.name] * count, pa.string()),
        "minhash": minhash.cast(pa.binary()),
        "bands": bands_column(band_keys(matrix, scheme)),
    }
    return pa.Table.from_pydict(columns).cast(SIGNATURES)


def bands_column(keys: np.ndarray) -> pa.Array:
    """A (rows, bands) key matrix as the `bands` column."""
    flat = pa.array(keys.reshape(-1), pa.uint64())
    return pa.FixedSizeListArray.from_arrays(flat, keys.shape[1]).cast(pa.list_(pa.uint64()))


def _blobs(column: pa.ChunkedArray, width: int) -> np.ndarray:
    """Equal-length binary values (no nulls) as the rows of a uint32 matrix, read from the
    Arrow buffers directly: no Python object per value."""
    if len(column) == 0:
        return np.zeros((0, width), dtype=np.uint32)
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if values.null_count:
        raise ValueError("a MinHash column has nulls where every row needs a signature")
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[
        values.offset : values.offset + len(values) + 1
    ]
    start, size = int(offsets[0]), int(offsets[-1] - offsets[0])
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[start : start + size]
    return data.view("<u4").reshape(len(values), -1)


def _kept_rows(paragraphs: pa.Table, columns: list[str]) -> pa.Table:
    """`columns` of the kept paragraphs. Columns are picked before rows: filtering copies
    every column it keeps, and the signature columns are most of a paragraph's bytes."""
    rows = paragraphs.select([*columns, "status"])
    return rows.filter(pc.equal(rows["status"], KEPT)).select(columns)


def body_signatures(articles: pa.Table, paragraphs: pa.Table, scheme: Scheme) -> np.ndarray:
    """Each article's signature, in the order of `articles`: the element-wise minimum of the
    shares of its kept paragraphs (see tasks/minhash.py sketch_paragraphs)."""
    kept = _kept_rows(paragraphs, ["article_id", "body_minhash"])
    kept = kept.filter(pc.is_valid(kept["body_minhash"]))
    shares = _blobs(kept["body_minhash"], scheme.num_perm)
    row_of = {a: i for i, a in enumerate(articles["article_id"].to_pylist())}
    owners = np.array([row_of.get(a, -1) for a in kept["article_id"].to_pylist()], dtype=np.int64)
    result = np.full((len(articles), scheme.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    known = owners >= 0
    np.minimum.at(result, owners[known], shares[known])
    return result


def signature_matrix(table: pa.Table) -> np.ndarray:
    """The minhash column as a (rows, num_perm) uint32 array."""
    return _blobs(table["minhash"], 0)


def band_matrix(table: pa.Table, scheme: Scheme) -> np.ndarray:
    """The `bands` column as a (rows, bands) uint64 array."""
    bands, _ = scheme.banding
    flat = pc.list_flatten(table["bands"]).to_numpy(zero_copy_only=False)
    return flat.astype(np.uint64).reshape(len(table), bands)


def sharing_a_band(
    archived: pa.Table, queries: pa.Table, scheme: Scheme, wanted: np.ndarray | None = None
) -> pa.Table:
    """The rows of `archived` that share an LSH band key with any row of `queries` (whose
    query_keys may be given as `wanted`, when many tables are matched against the same queries).

    Rows signed with the same shingles, permutations and seed but another banding (the
    threshold changed) get their band keys recomputed; rows signed otherwise are left out.
    """
    if len(archived) == 0 or len(queries) == 0:
        return archived.slice(0, 0)
    current = banded(archived, scheme)
    if len(current) == 0:
        return current
    if wanted is None:
        wanted = query_keys(queries, scheme)
    hit = has_any_key(band_matrix(current, scheme), wanted)
    return current.filter(pa.array(hit))


def banded(rows: pa.Table, scheme: Scheme) -> pa.Table:
    """The `rows` comparable under `scheme`, with their band keys for it: rows signed with it,
    then rows signed with the same shingles, permutations and seed but another banding (the
    threshold changed), whose keys are recomputed. Rows signed otherwise are left out."""
    prefix = scheme.name.rsplit("-b", 1)[0] + "-b"
    same = pc.equal(rows["scheme"], scheme.name)
    rebanded = pc.and_(pc.invert(same), pc.starts_with(rows["scheme"], prefix))
    current = rows.filter(same)
    other = rows.filter(rebanded)
    if len(other):
        keys = band_keys(signature_matrix(other), scheme)
        index = other.schema.get_field_index("bands")
        other = other.set_column(index, other.schema.field(index), bands_column(keys))
        current = pa.concat_tables([current, other])
    return current


def query_keys(queries: pa.Table, scheme: Scheme) -> np.ndarray:
    """The distinct band keys of `queries`, sorted (band keys differ between bands, so one
    array serves all bands)."""
    return np.unique(band_matrix(queries, scheme))


def has_any_key(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """For each row of a (rows, bands) key matrix, whether any key is in `sorted_keys`."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    flat = keys.reshape(-1)
    at = np.minimum(np.searchsorted(sorted_keys, flat), len(sorted_keys) - 1)
    return (sorted_keys[at] == flat).reshape(keys.shape).any(axis=1)


# --- articles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """A new article found to be a copy of a survivor."""

    survivor: str
    similarity: float  # estimated Jaccard similarity of the two bodies
    reason: str  # EXACT, NEAR or CONTAINED
    containment: float | None = None  # share of the copy's kept words found in the survivor


def survivor_rank(first_seen: datetime, published: datetime | None, article_id: str) -> tuple:
    return (first_seen.isoformat(), published.isoformat() if published else _LAST, article_id)


def find_copies(
    new: pa.Table, published: dict[str, datetime | None], archived: pa.Table, scheme: Scheme
) -> dict[str, Copy]:
    """Map each new article that copies a survivor to that survivor (see the module rule).

    `new` and `archived` are whole-body `signatures` rows; `published` gives the publication
    date of each new article. Candidates come from datasketch's LSH index and are confirmed by
    their estimated Jaccard similarity before they are merged.
    """
    index = scheme.index()
    signatures: dict[str, np.ndarray] = {}
    hashes: dict[str, str] = {}
    ranks: dict[str, tuple] = {}
    old_rows = sorted(archived.to_pylist(), key=lambda r: (r["first_seen_at"], r["article_id"]))
    for order, (row, matrix) in enumerate(zip(old_rows, _matrix_rows(old_rows), strict=True)):
        if row["article_id"] in signatures:
            continue
        signatures[row["article_id"]] = matrix
        hashes[row["article_id"]] = row["text_hash"]
        ranks[row["article_id"]] = (0, order)
        index.insert(row["article_id"], to_minhash(matrix, scheme))
    new_rows = new.to_pylist()
    new_rows.sort(
        key=lambda r: survivor_rank(
            r["first_seen_at"], published.get(r["article_id"]), r["article_id"]
        )
    )
    copies: dict[str, Copy] = {}
    for order, (row, matrix) in enumerate(zip(new_rows, _matrix_rows(new_rows), strict=True)):
        article_id = row["article_id"]
        if article_id in signatures:
            continue  # a shard redone after a crash meets its own published rows
        best: tuple | None = None
        for candidate in index.query(to_minhash(matrix, scheme)):
            score = similarity(matrix, signatures[candidate])
            if score >= scheme.threshold:
                key = (-score, ranks[candidate], candidate)
                best = key if best is None or key < best else best
        if best is None:
            signatures[article_id] = matrix
            hashes[article_id] = row["text_hash"]
            ranks[article_id] = (1, order)
            index.insert(article_id, to_minhash(matrix, scheme))
            continue
        score, _, survivor = best
        exact = hashes[survivor] == row["text_hash"]
        copies[article_id] = Copy(survivor, 1.0 if exact else -score, EXACT if exact else NEAR)
    return copies


def _matrix_rows(rows: list[dict[str, Any]]) -> list[np.ndarray]:
    return [np.frombuffer(r["minhash"], dtype="<u4") for r in rows]


def as_copy_paragraphs(paragraphs: pa.Table, copies: dict[str, Copy]) -> pa.Table:
    """The paragraphs of copy pages, kept as evidence: article_id points at the survivor (as in
    `pages`), and what would have been kept is marked `duplicate`, so it is in no body."""
    ids = paragraphs["article_id"].to_pylist()
    kept = pc.equal(paragraphs["status"], KEPT)
    paragraphs = update_where(
        paragraphs,
        kept,
        {"status": COPY, "reason": pa.array([copies[i].reason for i in ids], pa.string())},
    )
    survivors = pa.array([copies[i].survivor for i in ids], pa.string())
    everywhere = pa.array([True] * len(paragraphs))
    return update_where(paragraphs, everywhere, {"article_id": survivors, "minhash": None})


# --- paragraphs reused from earlier articles ----------------------------------------------


def tracked_paragraphs(paragraphs: pa.Table) -> pa.Table:
    """article_id, position, text_key, minhash and size (characters of text) of the kept
    paragraphs of articles that carry their own signature (long enough to be followed across
    articles)."""
    kept = _kept_rows(paragraphs, ["article_id", "position", "text_key", "minhash", "text"])
    kept = kept.filter(pc.and_(pc.is_valid(kept["minhash"]), pc.is_valid(kept["article_id"])))
    return kept.append_column("size", pc.utf8_length(kept["text"])).drop_columns(["text"])


def _ranks(table: pa.Table, keys: list[str]) -> np.ndarray:
    """The position of each row of `table` in the order of its columns `keys`."""
    order = pc.sort_indices(table, [(k, "ascending") for k in keys]).to_numpy()
    ranks = np.empty(len(table), dtype=np.int64)
    ranks[order] = np.arange(len(table))
    return ranks


def _runs(sorted_keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `wanted`, where its run of equal keys in `sorted_keys` starts and how long
    it is (0 when absent)."""
    left = np.searchsorted(sorted_keys, wanted, "left")
    return left, np.searchsorted(sorted_keys, wanted, "right") - left


def _positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Every position of every run (start, count), runs one after another."""
    total = int(counts.sum())
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)


def band_pairs(queries: pa.Table, index: pa.Table, scheme: Scheme) -> np.ndarray:
    """(query row, index row) pairs that share at least one LSH band key, as an (n, 2) array.

    What an LSH index lookup does, done for a whole run at once, band by band: the index's keys
    of a band are sorted once and every query key is found by binary search. Far quicker than
    one insert and one query per paragraph, and memory holds one band's keys, not all of them.
    """
    if len(queries) == 0 or len(index) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    query_keys, index_keys = band_matrix(queries, scheme), band_matrix(index, scheme)
    found = []
    for band in range(index_keys.shape[1]):
        order = np.argsort(index_keys[:, band], kind="stable")
        starts, counts = _runs(index_keys[order, band], query_keys[:, band])
        others = order[_positions(starts, counts)]
        # One integer per pair, so that dropping pairs found in several bands is a 1-D unique.
        found.append(
            np.repeat(np.arange(len(queries), dtype=np.int64), counts) * len(index) + others
        )
    codes = np.unique(np.concatenate(found))
    return np.column_stack([codes // len(index), codes % len(index)])


def _agree(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, scheme: Scheme, chunk: int = 65536
) -> np.ndarray:
    """Whether the signatures of each pair (left[i], right[i]) agree on enough permutations to
    reach the threshold. Pairs go in chunks, so memory holds a chunk's rows, not every pair's."""
    needed = scheme.threshold * scheme.num_perm
    confirmed = np.zeros(len(left), dtype=bool)
    for start in range(0, len(left), chunk):
        a, b = left[start : start + chunk], right[start : start + chunk]
        confirmed[start : start + chunk] = (
            np.count_nonzero(signatures[a] == signatures[b], axis=1) >= needed
        )
    return confirmed


@dataclass(frozen=True)
class ParagraphMatches:
    """Near-identical paragraphs of different articles, as pairs of rows: row query[i] of the
    new paragraph rows and row other[i] of `rows`, the archived rows followed by the new ones
    (so new row q is rows row `archived + q`)."""

    rows: pa.Table  # article_id and first_seen_at of the archived rows, then of the new ones
    archived: int
    query: np.ndarray
    other: np.ndarray


def paragraph_matches(
    new: pa.Table, archived: pa.Table, scheme: Scheme, indexed: np.ndarray | None = None
) -> ParagraphMatches:
    """Every pair of a new paragraph (a `signatures` row) and another article's paragraph,
    archived or new, that share an LSH band and whose signatures reach the threshold.

    New rows where `indexed` is False (paragraphs of a page already found to be a copy) are
    matched but never matched against.
    """
    rows = pa.concat_tables([archived, new]).select(
        ["article_id", "first_seen_at", "minhash", "bands"]
    )
    if len(new) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ParagraphMatches(
            rows.select(["article_id", "first_seen_at"]), len(archived), empty, empty
        )
    pairs = band_pairs(new, rows, scheme)
    query, other = pairs[:, 0], pairs[:, 1]
    codes = pc.dictionary_encode(rows["article_id"]).combine_chunks().indices.to_numpy()
    keep = codes[other] != codes[query + len(archived)]
    if indexed is not None:
        keep &= np.concatenate([np.ones(len(archived), dtype=bool), indexed])[other]
    query, other = query[keep], other[keep]
    confirmed = _agree(signature_matrix(rows), query + len(archived), other, scheme)
    return ParagraphMatches(
        rows.select(["article_id", "first_seen_at"]),
        len(archived),
        query[confirmed],
        other[confirmed],
    )


def first_sightings(
    new: pa.Table, archived: pa.Table, scheme: Scheme, matches: ParagraphMatches | None = None
) -> dict[tuple, str]:
    """Map (article_id, position) of new paragraphs to the earliest other article that had a
    near-identical paragraph: an archived one, or a new one first seen earlier in this run.

    Earlier means archived before new, then by first_seen_at, then by article_id. `matches`
    are those of paragraph_matches(new, archived), when already found.
    """
    if len(new) == 0:
        return {}
    if matches is None:
        matches = paragraph_matches(new, archived, scheme)
    rows = matches.rows
    is_new = np.arange(len(rows)) >= matches.archived
    ranks = _ranks(
        rows.append_column("is_new", pa.array(is_new)), ["is_new", "first_seen_at", "article_id"]
    )
    query, other = matches.query, matches.other
    earlier = ranks[other] < ranks[query + matches.archived]
    query, other = query[earlier], other[earlier]
    # The earliest other row per query: sort by (query, rank of the other), take each first.
    order = np.lexsort((ranks[other], query))
    query, other = query[order], other[order]
    first = np.r_[True, query[1:] != query[:-1]] if len(query) else np.zeros(0, dtype=bool)
    articles = rows["article_id"]
    positions = new["position"].to_pylist()
    new_articles = new["article_id"].to_pylist()
    return {
        (new_articles[q], positions[q]): articles[o].as_py()
        for q, o in zip(query[first].tolist(), other[first].tolist(), strict=True)
    }


def leaving_out(matches: ParagraphMatches, article_ids: set[str]) -> ParagraphMatches:
    """`matches` without the pairs that have a paragraph of `article_ids` on either side."""
    gone = pc.fill_null(
        pc.is_in(matches.rows["article_id"], pa.array(sorted(article_ids), pa.string())), False
    ).to_numpy(zero_copy_only=False)
    keep = ~gone[matches.query + matches.archived] & ~gone[matches.other]
    return replace(matches, query=matches.query[keep], other=matches.other[keep])


def shared_text(
    matches: ParagraphMatches, sizes: np.ndarray
) -> dict[tuple[str, str], tuple[int, int]]:
    """For each (new article, other article) with near-identical paragraphs: how much of the
    new article's text is in the other (`sizes` gives each new row's characters), and in how
    many of its paragraphs. A paragraph found several times in the other counts once."""
    if len(matches.query) == 0:
        return {}
    codes = pc.dictionary_encode(matches.rows["article_id"]).combine_chunks()
    code_of = codes.indices.to_numpy()
    owner = code_of[matches.query + matches.archived].astype(np.int64)
    other = code_of[matches.other].astype(np.int64)
    distinct = np.unique(np.column_stack([owner, other, matches.query]), axis=0)
    pair_codes = distinct[:, 0] * len(codes.dictionary) + distinct[:, 1]
    unique_pairs, inverse = np.unique(pair_codes, return_inverse=True)
    totals = np.bincount(inverse, weights=sizes[distinct[:, 2]]).astype(np.int64)
    counts = np.bincount(inverse)
    names = codes.dictionary.to_pylist()
    size = len(names)
    return {
        (names[code // size], names[code % size]): (int(total), int(count))
        for code, total, count in zip(
            unique_pairs.tolist(), totals.tolist(), counts.tolist(), strict=True
        )
    }


def contained_copies(
    shared: dict[tuple[str, str], tuple[int, int]],
    sizes: dict[str, int],
    order: list[str],
    config: DedupConfig,
) -> dict[str, tuple[str, float]]:
    """Map each new article most of whose text is in one earlier story to that story, with
    the share: a trimmed, re-leded or edited copy that whole-body Jaccard misses.

    `shared` is shared_text's answer, `sizes` the characters of each new article's tracked
    paragraphs (kept, of paragraph_min_words or more: the text that can be found elsewhere;
    a dateline or an editor's line counts for nothing either way), `order` the new articles in
    the survivor rule's order (module docstring). An article is a copy of another when at
    least `containment_threshold` of that text, in at least `containment_min_paragraphs`
    paragraphs, is found in it, and that other is archived or a
    new survivor that ranks before it; the highest share wins, then the earlier story (archived
    ones by id). The test looks at the new article's text only, so a follow-up that opens with
    an earlier story's paragraphs and goes on with its own is no copy, however short that story
    was.
    """
    rank = {article: n for n, article in enumerate(order)}
    candidates: dict[str, list[tuple[float, int, str]]] = {}
    for (article, other), (found_size, paragraphs) in shared.items():
        total = sizes.get(article, 0)
        if article not in rank or not total or paragraphs < config.containment_min_paragraphs:
            continue
        share = min(found_size / total, 1.0)
        if share >= config.containment_threshold:
            # Archived stories (not in `order`) rank before every new one.
            candidates.setdefault(article, []).append((-share, rank.get(other, -1), other))
    found: dict[str, tuple[str, float]] = {}
    for article in sorted(candidates, key=rank.__getitem__):
        mine = rank[article]
        usable = [c for c in candidates[article] if c[1] < mine and c[2] not in found]
        if usable:
            share, _, survivor = min(usable)
            found[article] = (survivor, -share)
    return found


# --- site furniture ------------------------------------------------------------------------


_HEX_DIGITS = 16  # a 64-bit number
_NIBBLE_SHIFTS = np.arange(4 * (_HEX_DIGITS - 1), -1, -4, dtype=np.uint64)


def hex_prefix(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The first 16 hex digits of each value as a uint64. Text keys and article ids are hex
    digests (tasks/ids.py), so this is a lossless key for text_key and a 64-bit one for ids.

    Raises ValueError on a value that does not start with 16 lower-case hex digits.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if len(column) == 0:
        return np.zeros(0, dtype=np.uint64)
    fixed = pc.utf8_slice_codeunits(column, 0, _HEX_DIGITS).cast(pa.binary(_HEX_DIGITS))
    digits = np.frombuffer(fixed.buffers()[1], dtype=np.uint8)
    digits = digits[fixed.offset * _HEX_DIGITS :][: len(fixed) * _HEX_DIGITS]
    is_hex = ((digits >= ord("0")) & (digits <= ord("9"))) | (
        (digits >= ord("a")) & (digits <= ord("f"))
    )
    if not is_hex.all():
        raise ValueError("expected hex digests (tasks/ids.py stable_id) as keys")
    wide = digits.reshape(-1, _HEX_DIGITS).astype(np.uint64)
    nibbles = (wide & np.uint64(0xF)) + np.uint64(9) * (wide >> np.uint64(6))
    return (nibbles << _NIBBLE_SHIFTS).sum(axis=1, dtype=np.uint64)


def mark_boilerplate(
    paragraphs: pa.Table, furniture: set[tuple[str, str]], sites: set[str] | None = None
) -> pa.Table:
    """Make the site_boilerplate marks agree with `furniture`, the current (site, text_key)
    pairs of site furniture of `sites` (None: of every site in `paragraphs`): kept paragraphs
    listed there become boilerplate, and paragraphs of those sites marked earlier whose line
    no longer qualifies are kept again. Other sites' rows are left as they are."""
    site_names = paragraphs["site"].to_pylist()
    pairs = zip(site_names, paragraphs["text_key"].to_pylist(), strict=True)
    is_furniture = pa.array([pair in furniture for pair in pairs], pa.bool_())
    was_marked = pc.fill_null(pc.equal(paragraphs["reason"], SITE_BOILERPLATE), False)
    unmark = pc.and_(was_marked, pc.invert(is_furniture))
    if sites is not None:
        unmark = pc.and_(unmark, pa.array([site in sites for site in site_names], pa.bool_()))
    paragraphs = update_where(paragraphs, unmark, {"status": KEPT, "reason": None})
    return update_where(
        paragraphs,
        pc.and_(is_furniture, pc.equal(paragraphs["status"], KEPT)),
        {"status": BOILERPLATE, "reason": SITE_BOILERPLATE},
    )


def needs_marking(
    paragraphs: pa.Table, furniture: set[tuple[str, str]], sites: set[str] | None = None
) -> bool:
    """Whether mark_boilerplate would change any row of `paragraphs`."""
    return not mark_boilerplate(paragraphs, furniture, sites).equals(paragraphs)


def rebuild_bodies(articles: pa.Table, paragraphs: pa.Table) -> tuple[pa.Table, set[str]]:
    """Rebuild body, word_count and body_hash of articles from their kept paragraphs.

    Returns the articles (in their order) and the ids whose body changed. Bodies are joined in
    Arrow; only the changed ones are handled one by one (for their word count and hash).
    """
    kept = _kept_rows(paragraphs, ["article_id", "position", "text"]).sort_by(
        [("article_id", "ascending"), ("position", "ascending")]
    )
    grouped = kept.group_by("article_id", use_threads=False).aggregate([("text", "list")])
    joined = pc.binary_join(grouped["text_list"], "\n")
    where = pc.index_in(articles["article_id"], value_set=grouped["article_id"])
    bodies = pc.fill_null(pc.take(joined, where), "").cast(pa.string())
    changed_mask = pc.fill_null(pc.not_equal(articles["body"], bodies), True)
    changed_rows = np.flatnonzero(changed_mask.to_numpy(zero_copy_only=False))
    if not len(changed_rows):
        return articles, set()
    new_bodies = bodies.take(pa.array(changed_rows)).to_pylist()
    counts = np.zeros(len(articles), dtype=np.int64)
    hashes: list[str | None] = [None] * len(articles)
    for row, body in zip(changed_rows.tolist(), new_bodies, strict=True):
        counts[row] = count_words(body)
        hashes[row] = text_hash(body)
    rebuilt = update_where(
        articles,
        changed_mask,
        {
            "body": bodies,
            "word_count": pa.array(counts),
            "body_hash": pa.array(hashes, pa.string()),
        },
    )
    return rebuilt, set(articles["article_id"].take(pa.array(changed_rows)).to_pylist())


def paragraph_keys(paragraphs: pa.Table) -> list[tuple]:
    """(article_id, position) of each row: the key of `sightings` (see first_sightings)."""
    return list(
        zip(paragraphs["article_id"].to_pylist(), paragraphs["position"].to_pylist(), strict=True)
    )


def set_first_seen(paragraphs: pa.Table, sightings: dict[tuple, str]) -> pa.Table:
    """Fill first_seen_article_id from `sightings` keyed by (article_id, position)."""
    column = pa.array([sightings.get(key) for key in paragraph_keys(paragraphs)], pa.string())
    index = paragraphs.schema.get_field_index("first_seen_article_id")
    return paragraphs.set_column(index, "first_seen_article_id", column)
