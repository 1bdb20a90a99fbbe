"""MinHash signatures and LSH band keys: pure functions over text and arrays, no I/O.

Signatures come from datasketch; the banding (bands x rows) is the one datasketch's MinHashLSH
chooses for a threshold, so the band keys stored in Parquet and the in-memory index agree.
"""

import re
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.minhash import _fmix

from tasks.config import DedupConfig
from tasks.ids import UNSPACED_SCRIPTS, normalise_text

# datasketch's hashing scheme, pinned so that stored signatures stay comparable after upgrades.
HASHING = "affine32"
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio) for mixing band rows
_FNV_PRIME = np.uint64(0x100000001B3)
_ROWS_PER_BLOCK = 16_384  # shingles permuted at once: bounds memory at rows x num_perm x 4 bytes
_LOW32 = np.uint64(0xFFFFFFFF)


# In scripts written without spaces between words each character is a token, so shingles are
# character n-grams there.
_TOKEN = re.compile(f"[{UNSPACED_SCRIPTS}]|[^\\s{UNSPACED_SCRIPTS}]+")


def words_of(text: str) -> list[str]:
    """The tokens shingles are made of: words of the normalised text, and single characters
    of scripts written without spaces."""
    return tokens_of(normalise_text(text))


def tokens_of(normalised: str) -> list[str]:
    """words_of a text already passed through normalise_text."""
    return _TOKEN.findall(normalised)


def word_shingles(text: str, size: int) -> set[str]:
    """The set of `size`-token shingles of the text (see words_of); short texts are one."""
    return shingles_of(words_of(text), size)


def shingles_of(words: list[str], size: int) -> set[str]:
    """The set of `size`-token shingles of a list of tokens; a short list is one."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    common = len(a & b)
    union = len(a) + len(b) - common
    return common / union if union else 0.0


@dataclass(frozen=True)
class Scheme:
    """How texts are signed and banded; stored beside each signature so a change is seen."""

    shingle_words: int
    num_perm: int
    threshold: float
    seed: int = 1
    recall_weight: float = 0.9

    @property
    def banding(self) -> tuple[int, int]:
        """(bands, rows) that datasketch's MinHashLSH picks for this threshold and weights."""
        return _banding(self.threshold, self.num_perm, self.recall_weight)

    @property
    def name(self) -> str:
        bands, rows = self.banding
        return f"{HASHING}-crc-w{self.shingle_words}-p{self.num_perm}-s{self.seed}-b{bands}x{rows}"

    def index(self) -> MinHashLSH:
        """An empty datasketch LSH index with this scheme's banding."""
        return MinHashLSH(num_perm=self.num_perm, params=self.banding)


def article_scheme(config: DedupConfig) -> Scheme:
    """How whole article bodies are signed."""
    return Scheme(
        config.shingle_words, config.num_perm, config.threshold, config.seed, config.recall_weight
    )


def paragraph_scheme(config: DedupConfig) -> Scheme:
    """How single paragraphs are signed, to follow them across articles."""
    return Scheme(
        config.paragraph_shingle_words,
        config.paragraph_num_perm,
        config.paragraph_threshold,
        config.seed,
        config.recall_weight,
    )


@cache
def _banding(threshold: float, num_perm: int, recall_weight: float) -> tuple[int, int]:
    weights = (1 - recall_weight, recall_weight)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return lsh.b, lsh.r


def word_hashes(text: str) -> np.ndarray:
    """A CRC-32 hash per token of the text (see words_of), as uint64."""
    return _token_hashes(words_of(text))


def _token_hashes(words: list[str]) -> np.ndarray:
    return np.fromiter(
        (zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words)
    )


def segment_shingles(
    words: np.ndarray, lengths: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct shingle hashes of several texts whose word hashes are concatenated in `words`
    (text i has lengths[i] words): (text index, hash) pairs, sorted by text."""
    count = len(words)
    ends = np.repeat(np.cumsum(lengths), lengths)
    firsts = ends - np.repeat(lengths, lengths)
    position = np.arange(count)
    remaining = ends - position
    starts_shingle = (remaining >= size) | ((position == firsts) & (remaining < size))
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            word = words[np.minimum(position + offset, max(count - 1, 0))]
            combined = np.where(offset < remaining, combined * _FNV_PRIME + word, combined)
    hashed = (combined ^ (combined >> np.uint64(32))) & _LOW32
    text = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
    keys = np.unique((text[starts_shingle] << np.uint64(32)) | hashed[starts_shingle])
    return (keys >> np.uint64(32)).astype(np.int64), (keys & _LOW32).astype(np.uint32)


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=HASHING).permutations
    return a, b


def segment_signatures(
    texts: np.ndarray, hashes: np.ndarray, count: int, scheme: Scheme
) -> np.ndarray:
    """MinHash signatures of `count` shingle sets given as (text index, hash) pairs sorted by
    text: a (count, num_perm) uint32 array.

    The values are those of datasketch's MinHash.update_batch with an identity hash function
    (tests/tasks/test_minhash.py checks this), computed for many sets in one numpy pass rather
    than one MinHash object per set: a page has dozens of paragraphs. An empty set gets the
    all-ones signature, the neutral element of the element-wise minimum that unites sets.
    """
    a, b = _permutations(scheme.num_perm, scheme.seed)
    result = np.full((count, scheme.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    for first in range(0, len(hashes), _ROWS_PER_BLOCK):
        block = slice(first, first + _ROWS_PER_BLOCK)
        owners = texts[block]
        permuted = _fmix(hashes[block].reshape(-1, 1), 32) * a + b
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        present = owners[starts]
        result[present] = np.minimum(result[present], np.minimum.reduceat(permuted, starts))
    return result


def _words_of(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return _concatenated([word_hashes(t) for t in texts])


def _concatenated(hashed: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(h) for h in hashed], dtype=np.int64)
    words = np.concatenate(hashed) if hashed else np.zeros(0, dtype=np.uint64)
    return words, lengths


def sign(texts: list[str], scheme: Scheme) -> np.ndarray:
    """MinHash signatures of `texts` over their word shingles: (len(texts), num_perm)."""
    words, lengths = _words_of(texts)
    owners, hashes = segment_shingles(words, lengths, scheme.shingle_words)
    return segment_signatures(owners, hashes, len(texts), scheme)


def band_keys(signatures: np.ndarray, scheme: Scheme) -> np.ndarray:
    """One uint64 key per band of each signature: a (n, bands) array.

    Two signatures share a key in band i exactly when (up to 64-bit collisions, which only add
    candidates that the Jaccard check then rejects) they agree on all rows of band i.
    """
    bands, rows = scheme.banding
    block = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            keys = (keys ^ block[:, :, row]) * _MIX
            keys ^= keys >> np.uint64(29)
        keys += np.arange(bands, dtype=np.uint64)  # the same rows in two bands differ
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal hash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def to_minhash(signature: np.ndarray, scheme: Scheme) -> LeanMinHash:
    """A datasketch MinHash holding a stored signature, for inserting into an index."""
    return LeanMinHash(seed=scheme.seed, hashvalues=signature, scheme=HASHING)


def sketch_paragraphs(
    normalised: list[str], kept: list[bool], min_words: int, body: Scheme, paragraph: Scheme
) -> list[tuple[bytes, bytes | None]]:
    """Per paragraph (text passed through normalise_text): its share of the article signature,
    and its own signature if it is tracked, that is kept and of `min_words` words or more.

    An article's signature is the element-wise minimum of its kept paragraphs' shares (MinHash
    of a union is the minimum of the MinHashes), so leaving furniture out of a body later costs
    a minimum over arrays, not a new pass over the text. Each word is hashed once for both.
    """
    words, lengths = _concatenated([_token_hashes(tokens_of(text)) for text in normalised])
    owners, hashes = segment_shingles(words, lengths, body.shingle_words)
    shares = segment_signatures(owners, hashes, len(normalised), body)
    chosen = np.flatnonzero(np.array(kept, dtype=bool) & (lengths >= min_words))
    own: list[bytes | None] = [None] * len(normalised)
    if len(chosen):
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        picked = np.concatenate([words[offsets[i] : offsets[i + 1]] for i in chosen])
        owners, hashes = segment_shingles(picked, lengths[chosen], paragraph.shingle_words)
        for i, signature in zip(
            chosen, segment_signatures(owners, hashes, len(chosen), paragraph), strict=True
        ):
            own[i] = signature.astype("<u4").tobytes()
    return [(share.astype("<u4").tobytes(), o) for share, o in zip(shares, own, strict=True)]
