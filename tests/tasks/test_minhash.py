import numpy as np
from datasketch import MinHash

from tasks.ids import normalise_text
from tasks.minhash import (
    HASHING,
    Scheme,
    band_keys,
    jaccard,
    segment_shingles,
    sign,
    similarity,
    sketch_paragraphs,
    word_hashes,
    word_shingles,
    words_of,
)

SCHEME = Scheme(shingle_words=5, num_perm=128, threshold=0.8)
PARAGRAPHS = Scheme(shingle_words=3, num_perm=64, threshold=0.7)
TEXT = (
    "The council approved the new harbour budget on Tuesday after a long debate about the "
    "cost of dredging, the ferry timetable and the future of the fish market on the quay."
)
TEXTS = [TEXT, "", "short line", TEXT[:60], "Comments"]


def shingle_hashes(text: str, size: int) -> np.ndarray:
    words = word_hashes(text)
    return segment_shingles(words, np.array([len(words)]), size)[1]


def datasketch_signature(text: str, scheme: Scheme) -> np.ndarray:
    """The reference: one datasketch MinHash per text, fed its shingle hashes."""
    reference = MinHash(num_perm=scheme.num_perm, seed=scheme.seed, scheme=HASHING, hashfunc=int)
    reference.update_batch(shingle_hashes(text, scheme.shingle_words))
    return reference.hashvalues


def test_many_texts_at_once_equal_datasketch_one_by_one():
    for row, text in zip(sign(TEXTS, SCHEME), TEXTS, strict=True):
        assert np.array_equal(row, datasketch_signature(text, SCHEME))


def test_shingles_never_cross_from_one_text_into_the_next():
    words = np.concatenate([word_hashes(t) for t in TEXTS])
    lengths = np.array([len(word_hashes(t)) for t in TEXTS])
    owners, _ = segment_shingles(words, lengths, 5)
    for index, text in enumerate(TEXTS):
        expected = len(word_shingles(text, 5))
        assert np.count_nonzero(owners == index) == expected


def test_an_article_signature_is_the_minimum_of_its_paragraph_shares():
    kept = [True, True, True, False, True]  # TEXT[:60] is long enough but not kept
    sketches = sketch_paragraphs([normalise_text(t) for t in TEXTS], kept, 8, SCHEME, PARAGRAPHS)
    shares = [np.frombuffer(share, dtype="<u4") for share, _ in sketches]
    for share, text in zip(shares, TEXTS, strict=True):
        assert np.array_equal(share, datasketch_signature(text, SCHEME))
    own = [o for _, o in sketches]
    assert own[0] is not None and own[2] is None and own[3] is None
    assert np.array_equal(np.frombuffer(own[0], "<u4"), datasketch_signature(TEXT, PARAGRAPHS))
    union = MinHash(num_perm=128, seed=1, scheme=HASHING, hashfunc=int)
    for text in TEXTS:
        union.update_batch(shingle_hashes(text, 5))
    assert np.array_equal(np.minimum.reduce(shares), union.hashvalues)


def test_estimated_similarity_follows_jaccard():
    edited = TEXT.replace("Tuesday", "Wednesday")
    estimate = similarity(*sign([TEXT, edited], SCHEME))
    exact = jaccard(word_shingles(TEXT, 5), word_shingles(edited, 5))
    assert abs(estimate - exact) < 0.15


def test_band_keys_agree_exactly_where_bands_agree():
    first, second = sign([TEXT, TEXT.replace("quay", "pier")], SCHEME)
    bands, rows = SCHEME.banding
    keys = band_keys(np.vstack([first, second]), SCHEME)
    for band in range(bands):
        same_rows = np.array_equal(
            first[band * rows : (band + 1) * rows], second[band * rows : (band + 1) * rows]
        )
        assert (keys[0, band] == keys[1, band]) == same_rows


def test_scripts_without_spaces_are_shingled_by_character():
    text = "先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで男性が逮捕されました。"
    assert words_of(text)[:3] == ["先", "日", "不"] and "iphone" in words_of(text)
    edited = text.replace("男性", "女性")
    assert similarity(*sign([text, edited], SCHEME)) > 0.6
    assert words_of("엘제이의 리벤지인가") == ["엘제이의", "리벤지인가"]  # Hangul has spaces
