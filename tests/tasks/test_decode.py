import pytest

from tasks.decode import (
    DecodeError,
    charset_from_content_type,
    decode_html,
    repair_controls,
    repair_mojibake,
)

RUSSIAN = "<html><body><p>Пожарная безопасность и защита объектов</p></body></html>"
CHINESE = "<html><body><p>这是一个关于中国新闻的测试页面，内容是中文。</p></body></html>"


def test_utf8_wins_over_a_wrong_latin_declaration():
    text, codec = decode_html("Grüße aus Köln – heute".encode(), "iso-8859-1")
    assert text == "Grüße aus Köln – heute" and codec == "utf-8"


def test_declared_single_byte_charset_is_used():
    text, codec = decode_html(RUSSIAN.encode("cp1251"), "windows-1251")
    assert "Пожарная безопасность" in text and codec == "cp1251"


def test_gb2312_label_decodes_as_gb18030():
    payload = CHINESE.encode("gb18030")
    assert "中国新闻" in decode_html(payload, "gb2312")[0]


def test_wrong_declared_charset_falls_back_to_detection():
    payload = (RUSSIAN * 20).encode("cp1251")
    text, _ = decode_html(payload, "utf-8")
    assert "Пожарная безопасность" in text


def test_meta_charset_used_when_header_is_silent():
    html = '<html><head><meta charset="euc-jp"></head><body>日本語のニュース記事です</body></html>'
    assert "日本語のニュース" in decode_html(html.encode("euc-jp"))[0]


def test_binary_payload_is_an_error():
    with pytest.raises(DecodeError):
        decode_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_charset_from_content_type():
    assert charset_from_content_type('text/html; charset="Shift_JIS"') == "Shift_JIS"
    assert charset_from_content_type("text/html") is None


def test_stray_nuls_are_dropped_and_utf16_without_a_mark_is_read():
    page = "<html><body><p>Zürich council votes on the budget</p></body></html>"
    assert decode_html(page.replace("<p>", "<p>\x00").encode()) == (page, "utf-8")
    assert decode_html(page.encode("utf-16-le")) == (page, "utf-16-le")
    assert decode_html(page.encode("utf-16-be")) == (page, "utf-16-be")
    with pytest.raises(DecodeError):
        decode_html(bytes(range(256)) * 16)  # binary: control bytes throughout


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("it\u00e2\u20ac\u2122s", "it\u2019s"),  # UTF-8 read as Windows-1252
        ("the caf\u00c3\u00a9 opens", "the caf\u00e9 opens"),
        ("Investor\u00e2\x80\x99s", "Investor\u2019s"),  # read as Latin-1: C1 controls
        ("\u00d0\u009f\u00d1\u0080\u00d0\u00b8\u00d0\u00b2\u00d0\u00b5\u00d1\u0082", "Привет"),
        ("1.\u00c2 Myth", "1.\u00a0Myth"),  # a no-break space that became a space
    ],
)
def test_mojibake_is_repaired(written, meant):
    assert repair_mojibake(written) == meant


@pytest.mark.parametrize(
    "text",
    [
        "ELES N\u00c3O S\u00c3O AQUI",  # Portuguese capitals
        "na\u00efve caf\u00e9 \u00abn\u00e9e\u00bb",
        "Rom\u00e2n\u0103: \u00e2 \u0219i \u00ee, \u00e2\u00ee",
        "Ti\u1ebfng Vi\u1ec7t \u201cquoted\u201d \uff08\u5168\u89d2\uff09",
    ],
)
def test_text_without_mojibake_is_left_as_written(text):
    assert repair_mojibake(text) == text


def test_control_characters_are_repaired_when_the_page_is_decoded():
    # Windows-1252 punctuation stored as its byte, and UTF-8 decoded twice as Latin-1: the
    # control characters would be dropped by extraction ("were" for "we're").
    page = "<p>Because we\x92re here \u2013 the Investor\u00e2\x80\x99s guide, 中文\x85</p>"
    text, _ = decode_html(page.encode())
    assert text == "<p>Because we\u2019re here \u2013 the Investor\u2019s guide, 中文\u2026</p>"
    # only runs with a control character are touched: other mojibake is left to
    # repair_mojibake on the extracted text, and text without any is returned as it is
    assert repair_controls("caf\u00c3\u00a9 \x92") == "caf\u00c3\u00a9 \u2019"
    assert repair_controls(RUSSIAN) is RUSSIAN
