"""Turn raw HTML bytes into text, trusting declared charsets only as far as the bytes agree."""

import codecs
import re

from charset_normalizer import from_bytes
from ftfy import TextFixerConfig, fix_text

# Supersets that decode everything their common labels are used for in the wild.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A single-byte Latin label is often wrong; if so, a detector does better than the label.
_LATIN_LABELS = {"cp1252", "iso8859-15"}

# Mojibake: UTF-8 that was decoded once more as Latin-1 or Windows-1252 before the page was
# written ("itâ€™s", "cafÃ©", "Â " where a no-break space stood). The bytes of the capture are
# valid, so no charset can undo it; ftfy can. This pattern (a UTF-8 lead byte's character before
# a continuation byte's, or before the space a lost no-break space became) only picks which
# texts ftfy looks at, in about a hundredth of its own time; ftfy decides.
_MOJIBAKE = re.compile(
    "[\xc2-\xf4][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\xc2\xc3] "
)
_C1_CONTROL = re.compile("[\x80-\x9f]")
_C1_CONTROL_UTF8 = re.compile(b"\xc2[\x80-\x9f]")  # the same characters, encoded in UTF-8
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
# Only ftfy's encoding repairs: quotes, ligatures, full-width forms, line breaks and Unicode
# normalisation stay as the page wrote them.
_ENCODING_ONLY = TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


class DecodeError(ValueError):
    """The payload is not text in any charset we can find."""


def charset_from_content_type(content_type: str | None) -> str | None:
    """Return the charset named in an HTTP Content-Type header, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


_SUPERSET_OF_CODEC = {
    name: codec for label, codec in _SUPERSETS.items() if (name := _codec_name(label))
}


def _codec(label: str | None) -> str | None:
    """Python's codec for a charset label, widened to the superset browsers use for it."""
    if not label:
        return None
    label = label.strip().lower()
    name = _codec_name(_SUPERSETS.get(label, label))
    return _SUPERSET_OF_CODEC.get(name, name) if name else None


def _strict(payload: bytes, codec: str) -> str | None:
    try:
        return payload.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detected(payload: bytes) -> str | None:
    best = from_bytes(payload[:200_000]).best()
    if best is None:
        return None
    return _codec(best.encoding)


# Above this share of control bytes (NUL and the other C0 controls text never uses) in its
# first 4 KB, a payload is binary (random bytes hold 10%), not a page with a few stray NULs,
# which browsers show as nothing.
_MAX_CONTROL_SHARE = 0.01
_TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r\x0c\x1b")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like mostly-ASCII UTF-16 text with no
    byte-order mark (NUL at nearly every odd or every even position), else None."""
    pairs = len(head) // 2
    if pairs < 16:
        return None
    if head[1::2].count(0) > 0.9 * pairs and head[0::2].count(0) < 0.1 * pairs:
        return "utf-16-le"
    if head[0::2].count(0) > 0.9 * pairs and head[1::2].count(0) < 0.1 * pairs:
        return "utf-16-be"
    return None


def decode_html(payload: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode `payload` and return (text, codec used).

    Order of evidence: a byte-order mark; valid UTF-8 (which other charsets almost never
    produce by accident); the declared charset (HTTP header, then <meta>) if the bytes decode
    with it; a statistical detector. UTF-16 without a byte-order mark is told by its NULs; a
    few stray NULs are dropped. Raises DecodeError for binary data. Control characters
    U+0080-U+009F, which no page means to show, are repaired (`repair_controls`).
    """
    text, codec = _decode(payload, declared)
    if codec.startswith("utf-8") and not _C1_CONTROL_UTF8.search(payload):
        return text, codec  # the common case, told from the bytes ten times faster
    return repair_controls(text), codec


def _decode(payload: bytes, declared: str | None) -> tuple[str, str]:
    head = payload[:4096]
    if b"\x00" in head and not payload.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if (utf16 := _utf16_without_bom(head)) is not None:
            return payload.decode(utf16, errors="replace"), utf16
        if len(head.translate(None, _TEXT_BYTES)) > max(8, _MAX_CONTROL_SHARE * len(head)):
            raise DecodeError("binary payload (NUL bytes)")
        payload = payload.replace(b"\x00", b"")  # a few stray NULs in a text page: dropped
    for bom, codec in _BOMS:
        if payload.startswith(bom):
            return payload.decode(codec, errors="replace"), codec
    text = _strict(payload, "utf-8")
    if text is not None:
        return text, "utf-8"
    meta = _META_CHARSET.search(payload[:4096])
    labels = [declared, meta.group(1).decode("ascii", "ignore") if meta else None]
    for codec in filter(None, map(_codec, labels)):
        text = _strict(payload, codec)
        if text is not None and codec not in _LATIN_LABELS:
            return text, codec
    detected = _detected(payload)
    if detected:
        text = _strict(payload, detected)
        if text is not None:
            return text, detected
    for codec in filter(None, [*map(_codec, labels), detected, "cp1252"]):
        text = _strict(payload, codec)
        if text is not None:
            return text, codec
    return payload.decode("utf-8", errors="replace"), "utf-8"


def repair_controls(text: str) -> str:
    """`text` with the runs of non-ASCII characters that hold a C1 control character
    (U+0080-U+009F) repaired by ftfy: Windows-1252 punctuation stored as its byte ("we\\x92re"
    for "we’re") or UTF-8 decoded twice as Latin-1 ("Investorâ\\x80\\x99s"). trafilatura drops
    control characters from the text it extracts, which leaves "were" and "Investorâs", past
    repair; so they are repaired before the page is parsed. Only those runs: ftfy over a whole
    page of 5 MB takes seconds, and the rest of its mojibake, which extraction keeps, is
    repaired in the extracted text (`repair_mojibake`)."""
    if not _C1_CONTROL.search(text):
        return text
    return _NON_ASCII_RUN.sub(
        lambda run: fix_text(run[0], _ENCODING_ONLY) if _C1_CONTROL.search(run[0]) else run[0],
        text,
    )


def repair_mojibake(text: str) -> str:
    """`text` with its mojibake repaired (see _MOJIBAKE); text without mojibake is returned
    as it is, including Latin text that only looks odd ("NÃO SÃO")."""
    if not _MOJIBAKE.search(text):
        return text
    return fix_text(text, _ENCODING_ONLY)
