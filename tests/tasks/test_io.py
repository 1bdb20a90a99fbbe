import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from schemas import TABLES
from tasks import io
from tests.conftest import FIXTURES

WARC = FIXTURES / "warc"


def events(records):
    return Counter(r["event"] if r["event"] != "skip" else f"skip:{r['what']}" for r in records)


def test_commoncrawl_excerpt_gives_16_html_pages():
    records = list(io.read_warc(str(WARC / "warcfile.warc.gz"), 10_000_000))
    pages = [r for r in records if r["event"] == "page"]
    assert len(pages) == 16
    assert events(records)["skip:request"] > 0
    assert all(p["payload"] and p["http_status"] == 200 for p in pages)
    assert pages[0]["source"].endswith("#940") and pages[0]["url"].startswith("http://")


def test_arc_and_truncated_warc_are_read():
    arc = [r for r in io.read_warc(str(WARC / "example.arc.gz"), 10**7) if r["event"] == "page"]
    assert [p["url"] for p in arc] == ["http://example.com/"]
    trunc = list(io.read_warc(str(WARC / "example-trunc.warc"), 10**7))
    assert any(r["event"] == "page" for r in trunc)


def test_malformed_warc_date_is_read_leniently():
    pages = [
        r for r in io.read_warc(str(WARC / "clueweb-quirk.warc.gz"), 10**7) if r["event"] == "page"
    ]
    assert len(pages) == 29
    assert pages[0]["fetched_at"].year == 2008


def test_broken_gzip_member_becomes_a_failure(tmp_path):
    data = (WARC / "warcfile.warc.gz").read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[: len(data) // 2] + b"garbage" * 50)
    records = list(io.read_warc(str(broken), 10**7))
    assert events(records)["page"] >= 1
    last = records[-1]
    assert (last["event"] == "failure" and last["reason"] == "truncated_archive") or last[
        "truncated"
    ]


def test_clipped_record_is_read_as_far_as_it_goes():
    (page,) = [
        r for r in io.read_warc(str(WARC / "clipped.warc.gz"), 10**7) if r["event"] == "page"
    ]
    assert page["truncated"] and len(page["payload"]) > 50_000


def test_jsonl_broken_line_is_a_failure_and_the_rest_is_read(tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    lines = [
        json.dumps(
            {
                "url": "https://a.example/1",
                "html": "<p>one</p>",
                "fetched_at": "2024-05-01T10:00:00Z",
            }
        ),
        '{"url": "https://a.example/2", "html": "<p>tw',
        json.dumps({"url": "https://a.example/3", "text": "three", "title": "Three"}),
        json.dumps({"html": "<p>no url</p>"}),
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    records = list(io.read_jsonl(str(path), 10_000_000))
    assert [r["event"] for r in records] == ["page", "failure", "page", "failure"]
    assert records[0]["fetched_at"].isoformat() == "2024-05-01T10:00:00+00:00"
    assert records[1]["reason"] == "bad_json" and records[1]["source"].endswith(":2")
    assert records[2]["kind"] == "text" and records[2]["title"] == "Three"
    assert records[3]["reason"] == "missing_url"


def test_html_file_url_from_canonical_link_else_where_it_was_saved_from_else_file_uri(tmp_path):
    with_link = tmp_path / "a.html"
    with_link.write_text(
        "<!-- saved from url=(0025)https://news.example/a?x -->\n"
        '<html><head><link rel="canonical" href="https://news.example/a"></head></html>'
    )
    saved = tmp_path / "c.html"  # as a browser's "Save page as" writes it
    saved.write_text(
        "<!DOCTYPE html>\n<!-- saved from url=(0035)https://news.example/2025/12/story -->\n"
        "<html><body>x</body></html>"
    )
    plain = tmp_path / "b.htm"
    plain.write_text("<html><body>x</body></html>")
    assert next(io.read_single(str(with_link), "html", 10**6))["url"] == "https://news.example/a"
    assert next(io.read_single(str(saved), "html", 10**6))["url"] == (
        "https://news.example/2025/12/story"
    )
    assert next(io.read_single(str(plain), "html", 10**6))["url"] == plain.as_uri()


def test_discover_inputs(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html.gz").write_bytes(gzip.compress(b"<html></html>"))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "capture").write_bytes(b"WARC/1.0\r\n")
    (tmp_path / "dump").write_text('{"url": "https://x.org/", "text": "a capture"}\n')
    (tmp_path / "metadata.json").write_text('{\n  "pages": 3\n}\n')  # JSON, not JSONL
    files, skipped = io.discover_inputs([str(tmp_path)])
    assert sorted((Path(f.path).name, f.format) for f in files) == [
        ("capture", "warc"),
        ("dump", "jsonl"),
        ("page.html.gz", "html"),
    ]
    assert sorted(skipped) == [
        (str(tmp_path / "metadata.json"), "unknown_format"),
        (str(tmp_path / "notes.pdf"), "unknown_format"),
    ]
    with pytest.raises(io.UserError, match="input not found"):
        io.discover_inputs([str(tmp_path / "missing")])
    with pytest.raises(io.UserError, match="unknown input format"):
        io.discover_inputs([str(tmp_path / "notes.pdf")])


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_round_trips_through_parquet(tmp_path, name):
    schema = TABLES[name]
    table = schema.empty_table()
    path = tmp_path / f"{name}.parquet"
    io.write_parquet(table, schema, path)
    assert io.read_parquet(path, schema).schema.equals(schema)
    assert not list(tmp_path.glob(".*tmp"))


def test_old_result_files_are_pruned(tmp_path):
    import os
    import time

    from tasks.io import prune_files

    old, new = tmp_path / "a" / "old", tmp_path / "new"
    old.parent.mkdir()
    old.write_text("x")
    new.write_text("y")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    assert prune_files(tmp_path, 14) == 1
    assert not old.exists() and new.exists()
    assert prune_files(tmp_path / "missing", 14) == 0


def test_a_malformed_warc_record_fails_that_file_from_there_and_keeps_the_pages_before(tmp_path):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "odd.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri in ("https://example.org/a", None):  # the second has no WARC-Target-URI
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=BytesIO(b"<html><p>x</p></html>"), http_headers=headers
            )
            writer.write_record(record)
    records = list(io.read_warc(str(path), 10**7))
    assert [r["event"] for r in records] == ["page", "failure"]
    assert records[1]["reason"] == "truncated_archive"


def test_bodies_are_read_in_every_content_encoding_browsers_accept(tmp_path):
    """A capture keeps the body as the server sent it: gzip, deflate, br (which browser-driven
    crawlers record) or zstd. Each reads as the same page; an encoding nothing here reads is a
    failed row of its own, and the records after it are still read. A charset written where
    the encoding goes names no encoding: that body reads as it is."""
    import bz2
    import zlib
    from io import BytesIO

    import brotli
    import zstandard
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = gzip.decompress(next((FIXTURES / "html").glob("*.html.gz")).read_bytes())
    encoded = {
        "identity": html,
        "gzip": gzip.compress(html),
        "bzip2": bz2.compress(html),  # no browser asks for it
        "utf-8": html,  # a charset where the encoding goes: the body is as it is
        "deflate": zlib.compress(html),
        "br": brotli.compress(html),
        "zstd": zstandard.ZstdCompressor().compress(html),
    }
    path = tmp_path / "encodings.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for encoding, body in encoded.items():
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)],
                "HTTP/1.1",
            )
            url = f"https://news.example/{encoding}"
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), http_headers=headers
                )
            )
    records = {r["url"].rsplit("/", 1)[1]: r for r in io.read_warc(str(path), 10**7)}
    assert list(records) == list(encoded)
    for encoding in ("identity", "gzip", "utf-8", "deflate", "br", "zstd"):
        assert records[encoding]["event"] == "page"
        assert records[encoding]["payload"] == html, encoding
    assert records["bzip2"]["event"] == "failure"
    assert records["bzip2"]["reason"] == "unsupported_encoding"


def read_responses(path: Path, responses: dict[str, tuple[str | None, bytes]]) -> list[str]:
    """Write `responses` (name -> Content-Type or None, body) as a WARC's response records for
    https://example.org/<name>; what the reader makes of each: its URL, or why it skipped it."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for name, (content_type, body) in responses.items():
            declared = [("Content-Type", content_type)] if content_type else []
            headers = StatusAndHeaders("200 OK", declared, "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"https://example.org/{name}",
                    "response",
                    payload=BytesIO(body),
                    http_headers=headers,
                )
            )
    return [r.get("url", r.get("what")) for r in io.read_warc(str(path), 10**7)]


def test_a_response_without_a_content_type_is_html_when_its_body_opens_with_a_tag(tmp_path):
    """No Content-Type: the body's first bytes decide, after a UTF-8 byte order mark and white
    space (an editor's BOM before the doctype is common)."""
    responses = {
        "bom": (None, b"\xef\xbb\xbf\r\n<!DOCTYPE html><html><p>x</p></html>"),
        "plain": (None, b"  <html><p>x</p></html>"),
        "image": (None, b"\x89PNG\r\n\x1a\n"),
    }
    assert read_responses(tmp_path / "untyped.warc.gz", responses) == [
        "https://example.org/bom",
        "https://example.org/plain",
        "not_html",
    ]


def test_a_response_whose_type_says_nothing_is_html_when_its_body_opens_as_a_document(tmp_path):
    """A server that sends `application/octet-stream` or `text/plain` for its pages (a
    misconfigured CMS, an object store): the body decides, as a browser's sniffing does."""
    responses = {
        "octet": ("application/octet-stream", b"\xef\xbb\xbf\n<!DOCTYPE html><p>x</p>"),
        "plain-html": ("text/plain; charset=utf-8", b"<html><p>x</p></html>"),
        "plain-text": ("text/plain", b"User-agent: *\nDisallow: /<private>/"),
        "image": ("application/octet-stream", b"\x89PNG\r\n\x1a\n"),
        "pdf": ("application/pdf", b"<html>not what a PDF holds</html>"),
    }
    assert read_responses(tmp_path / "mistyped.warc.gz", responses) == [
        "https://example.org/octet",
        "https://example.org/plain-html",
        "not_html",
        "not_html",
        "not_html",
    ]


def test_a_wet_files_text_records_are_plain_text_captures(tmp_path):
    """Common Crawl's WET files keep each page's text as a `conversion` record: each becomes a
    text capture, read as the same capture saved as a .txt file is."""
    from datetime import UTC, datetime
    from io import BytesIO

    from warcio.warcwriter import WARCWriter

    from tasks.config import ExtractConfig
    from tasks.extract import extract_page

    text = (FIXTURES / "sample" / "000_32abcbf47c8d95e1.txt").read_bytes()
    path = tmp_path / "CC-MAIN-20251201-00000.warc.wet.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("wet", {"software": "test"}))
        for uri, content_type in (
            ("https://news.example/story", "text/plain"),
            ("https://news.example/logo", "image/png"),
        ):
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "conversion",
                    payload=BytesIO(text),
                    warc_content_type=content_type,
                    warc_headers_dict={"WARC-Date": "2025-12-01T10:00:00Z"},
                )
            )
    assert io.sniff_format(path) == "warc"
    records = list(io.read_warc(str(path), 10**7))
    assert events(records) == {"page": 1, "skip:warcinfo": 1, "skip:not_html": 1}
    (page,) = [r for r in records if r["event"] == "page"]
    assert (page["kind"], page["url"], page["payload"]) == (
        "text",
        "https://news.example/story",
        text,
    )
    assert page["fetched_at"] == datetime(2025, 12, 1, 10, tzinfo=UTC)
    (saved,) = io.read_single(str(FIXTURES / "sample" / "000_32abcbf47c8d95e1.txt"), "text", 10**7)
    from_wet, from_file = (extract_page(p, ExtractConfig()) for p in (page, saved))
    assert from_wet["status"] == "article"
    assert (from_wet["title"], from_wet["body"]) == (from_file["title"], from_file["body"])


def saved_as_mhtml(html: bytes, url: str, date: str) -> bytes:
    """A page as Chrome's "Save as single file" writes it: mail headers, the page quoted-
    printable with its address, then its pictures in base64."""
    import base64
    import quopri

    boundary = "----MultipartBoundary--x9TtKdm3qnL1HLQ0WzHVp2oLtbrpKLQ6aTmvTVgkYQ----"
    return (
        (
            f"From: <Saved by Blink>\r\nSnapshot-Content-Location: {url}\r\n"
            f"Subject: =?utf-8?Q?A_saved_page?=\r\nDate: {date}\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"'
            f"\r\n\r\n\r\n--{boundary}\r\nContent-Type: text/html\r\n"
            "Content-ID: <frame-0A1B2C@mhtml.blink>\r\nContent-Transfer-Encoding: quoted-printable"
            f"\r\nContent-Location: {url}\r\n\r\n"
        ).encode()
        + quopri.encodestring(html).replace(b"\n", b"\r\n")
        + (
            f"\r\n--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Location: {url}/logo.png\r\n\r\n"
            f"{base64.b64encode(bytes(range(256)) * 8).decode()}\r\n--{boundary}--\r\n"
        ).encode()
    )


def test_a_page_saved_as_one_mhtml_file_is_read_at_its_address_and_time(tmp_path, benchmark):
    from datetime import UTC, datetime

    from bench.metric import body_scores
    from tasks.config import ExtractConfig
    from tasks.extract import extract_page

    html, truth = next(iter(benchmark.values()))
    saved = tmp_path / "saved pages" / "story"  # no extension: told by its headers
    saved.parent.mkdir()
    saved.write_bytes(saved_as_mhtml(html, truth["url"], "Sat, 6 Dec 2025 10:00:00 -0000"))
    (tmp_path / "saved pages" / "story.mhtml").write_bytes(b"not mail at all")
    assert io.sniff_format(saved) == "mhtml"
    inputs, skipped = io.discover_inputs([str(saved.parent)])
    assert [i.format for i in inputs] == ["mhtml", "mhtml"] and skipped == []
    page, broken = [record for item in inputs for record in io.read_input(item, 10**7)]
    assert (page["url"], page["fetched_at"]) == (
        truth["url"],
        datetime(2025, 12, 6, 10, tzinfo=UTC),
    )
    # the quoted-printable undone (its lines end as MIME's do), the pictures left out
    assert page["payload"].replace(b"\r\n", b"\n") == html.replace(b"\r\n", b"\n")
    assert (broken["event"], broken["reason"]) == ("failure", "missing_content")
    result = extract_page(page, ExtractConfig())
    assert result["status"] == "article"
    assert body_scores([(truth["articleBody"], result["body"])])[2] > 0.9


def test_a_saved_pages_resources_folder_is_no_input(tmp_path, benchmark):
    """A browser saving a complete page writes "<name>_files/" beside it, with the frames it
    showed (an ad, an embedded post) as HTML files: they are the page's resources, not pages.
    A folder named alike that the page does not load from stays an input."""
    html, _ = next(iter(benchmark.values()))
    saved = tmp_path / "saved"
    (saved / "Harbour story_files").mkdir(parents=True)
    (saved / "Harbour story-archive").mkdir()
    loads = b'<link rel="stylesheet" href="./Harbour%20story_files/site.css">'
    loads += b'<iframe src="./Harbour%20story_files/saved_resource.html"></iframe>'
    links = b'<a href="Harbour story-archive/older.html">Older</a>'
    (saved / "Harbour story.html").write_bytes(html.replace(b"</body>", loads + links + b"</body>"))
    (saved / "Harbour story_files" / "saved_resource.html").write_bytes(b"<html>an ad</html>")
    (saved / "Harbour story_files" / "site.css").write_bytes(b"body { margin: 0 }")
    (saved / "Harbour story-archive" / "older.html").write_bytes(html)
    inputs, skipped = io.discover_inputs([str(saved)])
    assert [Path(i.path).relative_to(saved).as_posix() for i in inputs] == [
        "Harbour story-archive/older.html",
        "Harbour story.html",
    ]
    assert skipped == [(str(saved / "Harbour story_files"), "page_resources")]


def test_a_wacz_package_is_read_as_the_warc_files_it_holds(tmp_path):
    """Webrecorder's ArchiveWeb.page and Browsertrix write WACZ: a ZIP of WARC files under
    archive/, with indexes, a page list and datapackage.json beside them."""
    import zipfile

    from tasks.shards import plan_shards

    warc = FIXTURES / "warc" / "warcfile.warc.gz"
    package = tmp_path / "crawl.wacz"
    with zipfile.ZipFile(package, "w") as wacz:
        wacz.write(warc, "archive/data.warc.gz", compress_type=zipfile.ZIP_STORED)
        wacz.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n')
        wacz.writestr("datapackage.json", '{"profile": "data-package", "wacz_version": "1.1.1"}')
    unnamed = tmp_path / "crawl-without-suffix"
    unnamed.write_bytes(package.read_bytes())
    (tmp_path / "broken.wacz").write_bytes(b"PK\x03\x04 cut short")
    inputs, skipped = io.discover_inputs([str(tmp_path)])
    assert [(Path(i.path).name, i.format) for i in inputs] == [
        ("broken.wacz", "wacz"),
        ("crawl-without-suffix", "wacz"),
        ("crawl.wacz", "wacz"),
    ]
    assert skipped == [] and len(plan_shards(inputs, 500)) == 3  # a shard each
    direct = list(io.read_warc(str(warc), 10**7))
    packed = list(io.read_input(inputs[2], 10**7))
    assert len(packed) == len(direct) and events(packed)["page"] > 5
    for inside, alone in zip(packed, direct, strict=True):
        if "source" in alone:  # a page's: the member's name and the record's offset in it
            offset = alone["source"].rsplit("#", 1)[1]
            assert inside["source"] == f"{package}/archive/data.warc.gz#{offset}"
        assert {k: v for k, v in inside.items() if k != "source"} == {
            k: v for k, v in alone.items() if k != "source"
        }
    (broken,) = io.read_input(inputs[0], 10**7)
    assert (broken["event"], broken["reason"]) == ("failure", "bad_archive")


def test_a_dump_s_publication_date_dates_a_text_capture(tmp_path):
    """A JSONL dump of captures already in text gives each page's date, which no text names."""
    from datetime import UTC, datetime

    from tasks.config import ExtractConfig
    from tasks.extract import extract_page

    text = (FIXTURES / "sample" / "000_32abcbf47c8d95e1.txt").read_text()
    capture = {"url": "https://news.example/story", "text": text}
    capture["fetched_at"] = "2025-12-01T10:00:00Z"
    lines = [
        capture | {"published_at": "2025-11-30T18:45:00+01:00"},
        capture | {"published_at": "last Tuesday"},  # unreadable: left out, the page kept
        capture | {"published_at": "2026-01-01"},  # after the capture: no date
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    pages = list(io.read_jsonl(str(path), 10**7))
    dates = [extract_page(page, ExtractConfig())["published_at"] for page in pages]
    assert dates == [datetime(2025, 11, 30, 17, 45, tzinfo=UTC), None, None]


def test_a_page_saved_as_a_safari_web_archive_is_read_at_its_address(tmp_path, benchmark):
    """Safari's "Save As… Web Archive" writes a binary property list: the page as its main
    resource (data, address, text encoding), its pictures as subresources."""
    import plistlib

    from bench.metric import body_scores
    from tasks.config import ExtractConfig
    from tasks.extract import extract_page

    html, truth = next(iter(benchmark.values()))
    main = {
        "WebResourceData": html,
        "WebResourceFrameName": "",
        "WebResourceMIMEType": "text/html",
        "WebResourceTextEncodingName": "UTF-8",
        "WebResourceURL": truth["url"],
    }
    picture = {"WebResourceData": bytes(range(256)), "WebResourceMIMEType": "image/png"}
    saved = tmp_path / "Story"  # no extension: told by its first bytes
    saved.write_bytes(
        plistlib.dumps(
            {"WebMainResource": main, "WebSubresources": [picture]}, fmt=plistlib.FMT_BINARY
        )
    )
    (tmp_path / "cut.webarchive").write_bytes(saved.read_bytes()[:200])
    (tmp_path / "empty.webarchive").write_bytes(
        plistlib.dumps({"WebSubresources": [picture]}, fmt=plistlib.FMT_BINARY)
    )
    inputs, skipped = io.discover_inputs([str(tmp_path)])
    assert skipped == []
    assert [(Path(i.path).name, i.format) for i in inputs] == [
        ("Story", "webarchive"),
        ("cut.webarchive", "webarchive"),
        ("empty.webarchive", "webarchive"),
    ]
    page, cut, empty = [record for item in inputs for record in io.read_input(item, 10**7)]
    assert (page["url"], page["payload"]) == (truth["url"], html)
    assert (cut["reason"], empty["reason"]) == ("bad_archive", "missing_content")
    result = extract_page(page, ExtractConfig())
    assert result["status"] == "article"
    assert body_scores([(truth["articleBody"], result["body"])])[2] > 0.9
