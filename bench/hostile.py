"""Hostile inputs: a folder of broken, huge, malicious and oddly named files, and what the
archive must make of each; run on its own, the whole pipeline over that folder with its
peak memory.

    .venv/bin/python bench/hostile.py [--keep DIR]

`write_hostile_inputs` is also what tests/test_hostile.py runs on: every kind is generated
here from a seed, no binary fixtures. Printed: the exit code, wall seconds, the peak resident
memory of the whole process tree (the CLI, its Prefect server and the extraction workers),
and each input's row (status and reason) or counted skip.
"""

import argparse
import base64
import bz2
import gzip
import io
import json
import os
import random
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import brotli
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_WORDS = [
    "council",
    "budget",
    "river",
    "bridge",
    "vote",
    "mayor",
    "school",
    "teachers",
    "strike",
    "hospital",
    "nurses",
    "winter",
    "storm",
    "flood",
    "harbour",
    "police",
    "report",
    "court",
    "judge",
    "ruling",
    "election",
    "turnout",
    "market",
    "prices",
    "farmers",
    "drought",
    "museum",
    "exhibition",
    "library",
    "train",
    "station",
    "delays",
    "energy",
    "grid",
    "wind",
    "solar",
    "plant",
]


def article_html(seed: int, title: str = "A story", charset: str | None = "utf-8") -> str:
    """A plain news page of a few hundred words, different for each seed."""
    rng = random.Random(seed)
    paragraphs = [
        " ".join(rng.choice(_WORDS) for _ in range(40)).capitalize() + "." for _ in range(8)
    ]
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    )


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile input: how to write it under a folder and what must come of it.

    `expect` is (status, reason) for each row its file gives, in source order, or
    ("skipped", reason) for a file the run counts as skipped without a row.
    """

    name: str  # as bytes on disk: os.fsdecode of the real name
    write: Callable[[Path], object]
    expect: tuple[tuple[str, str | None], ...]


def _bytes(data: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(data)


def _gzip_stream(path: Path, head: bytes, filler: bytes, total: int) -> None:
    """A gzip file of `head` and then `filler` repeated to `total` bytes, written in chunks."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = filler * ((1 << 24) // len(filler))
    with open(path, "wb") as out:
        out.write(compressor.compress(head))
        for _ in range(total // len(chunk)):
            out.write(compressor.compress(chunk))
        out.write(compressor.flush())


def _warc(
    records: list[tuple[str, bytes]], gzipped: bool = True, encodings: dict[str, str] | None = None
) -> bytes:
    """A WARC of HTML responses; `encodings` gives a URL's body a Content-Encoding header."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    for url, html in records:
        fields = [("Content-Type", "text/html; charset=utf-8")]
        if encodings and url in encodings:
            fields.append(("Content-Encoding", encodings[url]))
        headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2026-11-30T10:00:00Z"},
            )
        )
    return buffer.getvalue()


def _encoded_warc(path: Path) -> None:
    """Bodies as servers send them to browsers (br, zstd), and one in an encoding nobody
    reads."""
    bodies = {
        "br": brotli.compress(article_html(20).encode()),
        "bzip2": bz2.compress(article_html(21).encode()),
        "zstd": zstandard.ZstdCompressor().compress(article_html(22).encode()),
    }
    # a story's address ("/br" alone would be a Brazilian or Breton front page)
    urls = {encoding: f"https://news.example/story-sent-as-{encoding}" for encoding in bodies}
    records = [(urls[encoding], body) for encoding, body in bodies.items()]
    path.write_bytes(_warc(records, encodings={url: encoding for encoding, url in urls.items()}))


def _truncated_warc(path: Path) -> None:
    whole = _warc([(f"https://news.example/a/{i}", article_html(i).encode()) for i in (1, 2, 3)])
    one = len(_warc([("https://news.example/a/1", article_html(1).encode())]))
    path.write_bytes(whole[: one + (len(whole) - one) // 3])


def _bad_length_warc(path: Path) -> None:
    html = article_html(4).encode()
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/bad-length\r\n"
        b"WARC-Date: 2026-11-30T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {len(html) * 10}\r\n\r\n".encode()
        + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        + html
    )
    path.write_bytes(record)


def _bad_header_warc(path: Path) -> None:
    path.write_bytes(
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: not-a-number\r\n\r\n<html></html>"
    )


def _jsonl(lines: list[bytes]) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(b"\n".join(lines) + b"\n")


def _page_line(url: str, html: str) -> bytes:
    return json.dumps({"url": url, "html": html}).encode()


def _long_line(path: Path) -> None:
    filler = "<p>" + "word " * 20 + "</p>"
    huge = '{"url": "https://news.example/huge-line", "html": "<html><body>'
    with open(path, "wb") as out:
        out.write(huge.encode())
        for _ in range(50 * 2**20 // len(filler)):
            out.write(filler.encode())
        out.write(b'</body></html>"}\n')
        out.write(_page_line("https://news.example/after-huge-line", article_html(5)) + b"\n")


def _huge_page(path: Path) -> None:
    filler = ("<p>" + "word " * 30 + "</p>\n").encode()
    with open(path, "wb") as out:
        out.write(b"<html><body>")
        for _ in range(60 * 2**20 // len(filler)):
            out.write(filler)
        out.write(b"</body></html>")


def _symlink(target: str) -> Callable[[Path], object]:
    return lambda path: path.symlink_to(target)


def _loop(path: Path) -> None:
    other = path.with_name("loop-b.html")
    path.symlink_to(other.name)
    other.symlink_to(path.name)


def _folder_named_html(path: Path) -> None:
    path.mkdir()
    (path / "inside.html").write_text(article_html(6, "Inside a folder named x.html"))


def _entity_bomb() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [{entities}]>'
        + article_html(7, "Entity bomb")
        .split("<!DOCTYPE html>", 1)[1]
        .replace("<article>", "<article><p>&lol9;</p>")
    ).encode()


def _xxe() -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        + article_html(8, "External entity")
        .split("<!DOCTYPE html>", 1)[1]
        .replace("<article>", "<article><p>&secret;</p>")
    ).encode()


def _deep_json() -> bytes:
    return b'{"url": "https://news.example/deep", "html": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


ARTICLE = ("article", None)


def hostile_kinds() -> list[Hostile]:
    """Every kind of hostile input, with what must become of it."""
    rng = random.Random(17)
    noise = bytes(rng.getrandbits(8) for _ in range(64 * 1024))
    story = article_html(9).encode()
    return [
        Hostile("empty.html", _bytes(b""), (("failed", "empty"),)),
        Hostile("blank.html", _bytes(b" \n\t\n"), (("failed", "empty"),)),
        Hostile("random-bytes.html", _bytes(noise), (("failed", "decode_error"),)),
        Hostile("random-bytes.bin", _bytes(noise), (("skipped", "unknown_format"),)),
        # a ZIP cut short, named as a WACZ; a mail with no HTML part, named as an MHTML page;
        # an MHTML whose HTML part is random bytes
        Hostile(
            "cut-short.wacz", _bytes(b"PK\x03\x04" + noise[:512]), (("failed", "bad_archive"),)
        ),
        Hostile(
            "cut-short.webarchive", _bytes(b"bplist00" + noise[:512]), (("failed", "bad_archive"),)
        ),
        Hostile(
            "no-page.mhtml",
            _bytes(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nonly words\r\n"),
            (("failed", "missing_content"),),
        ),
        Hostile(
            "noise.mhtml",
            _bytes(
                b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n"
                b"--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + base64.b64encode(noise[:8192])
                + b"\r\n--b--\r\n"
            ),
            (("failed", "decode_error"),),
        ),
        Hostile("fake.html.gz", _bytes(b"\x1f\x8b" + noise[:4096]), (("failed", "bad_gzip"),)),
        Hostile(
            "truncated.html.gz",
            _bytes(gzip.compress(story)[: len(gzip.compress(story)) // 2]),
            (("failed", "bad_gzip"),),
        ),
        Hostile(
            "gzip-bomb.html.gz",
            lambda p: _gzip_stream(p, b"<html><body><p>", b" ", 1 << 30),
            (("failed", "too_large"),),
        ),
        Hostile(
            "gzip-bomb.warc.gz",
            lambda p: p.write_bytes(
                _warc([("https://news.example/bomb", b"<html><body>" + b" " * (200 << 20))])
            ),
            (("failed", "too_large"),),
        ),
        Hostile("huge-page.html", _huge_page, (("failed", "too_large"),)),
        Hostile(
            "deep.html",
            _bytes(b"<html><body>" + b"<div>" * 200_000 + b"deep" + b"</div>" * 200_000),
            (("failed", "too_many_elements"),),
        ),
        Hostile(
            "deep-after-story.html",
            _bytes(story.replace(b"</article>", b"<div>" * 20_000 + b"deep" + b"</div>" * 20_000)),
            (ARTICLE,),  # libxml2 stops at 256 levels: the story before them is kept
        ),
        Hostile(
            "wide.html",
            _bytes(b"<html><body>" + b"<p>x</p>" * 1_000_000 + b"</body></html>"),
            (("failed", "too_many_elements"),),
        ),
        Hostile("long-line.jsonl", _long_line, (("failed", "too_large"), ARTICLE)),
        Hostile("deep.jsonl", _bytes(_deep_json() + b"\n"), (("failed", "bad_json"),)),
        Hostile(
            "broken-lines.jsonl",
            _jsonl(
                [
                    _page_line("https://news.example/line-1", article_html(10)),
                    b'{"url": "https://news.example/line-2", "html": ',
                    b'{"html": "<p>no url</p>"}',
                    b"\xff\xfe not json at all",
                    b"[1, 2, 3]",
                    _page_line("https://news.example/line-6", article_html(11)),
                ]
            ),
            (
                ARTICLE,
                ("failed", "bad_json"),
                ("failed", "missing_url"),
                ("failed", "bad_json"),
                ("failed", "missing_url"),
                ARTICLE,
            ),
        ),
        Hostile(
            "nul-bytes.html",
            _bytes(story.replace(b"<p>", b"<p>\x00", 3).replace(b" ", b" \x00", 5)),
            (ARTICLE,),
        ),
        Hostile(
            "wrong-charset.html",
            _bytes(article_html(12, "Café crème à Noël").encode("cp1252")),
            (ARTICLE,),
        ),
        Hostile(
            "no-charset.html",
            _bytes(
                article_html(13, "Новости города", charset=None)
                .replace("council", "совет города")
                .encode("cp1251")
            ),
            (ARTICLE,),
        ),
        Hostile(
            "utf16.html",
            _bytes(b"\xff\xfe" + article_html(14, "UTF-16 page", "utf-16").encode("utf-16-le")),
            (ARTICLE,),
        ),
        Hostile(
            "binary.html",
            _bytes(b"\x89PNG\r\n\x1a\n" + noise[:8192]),
            (("failed", "decode_error"),),
        ),
        Hostile("entity-bomb.html", _bytes(_entity_bomb()), (ARTICLE,)),
        Hostile("xxe.html", _bytes(_xxe()), (ARTICLE,)),
        Hostile("bad-header.warc", _bad_header_warc, (("skipped", "not_html"),)),
        Hostile("bad-length.warc", _bad_length_warc, (("article", "truncated_capture"),)),
        Hostile("truncated.warc.gz", _truncated_warc, (ARTICLE, ("article", "truncated_capture"))),
        Hostile("empty.warc.gz", _bytes(b""), (("failed", "empty"),)),
        Hostile(
            "encoded-bodies.warc.gz",
            _encoded_warc,
            (ARTICLE, ("failed", "unsupported_encoding"), ARTICLE),
        ),
        Hostile("dev-zero.html", _symlink("/dev/zero"), (("skipped", "not_a_regular_file"),)),
        Hostile("dangling.html", _symlink("no-such-file.html"), (("skipped", "broken_link"),)),
        Hostile("loop-a.html", _loop, (("skipped", "broken_link"),) * 2),
        Hostile("fifo.html", lambda p: os.mkfifo(p), (("skipped", "not_a_regular_file"),)),
        Hostile("x.html", _folder_named_html, (ARTICLE,)),
        Hostile(
            os.fsdecode(b"bad-name-\xff\xfe.html"), _bytes(article_html(15).encode()), (ARTICLE,)
        ),
        Hostile("new\nline.html", _bytes(article_html(16).encode()), (ARTICLE,)),
        Hostile("tab\there.html", _bytes(article_html(17).encode()), (ARTICLE,)),
        Hostile("cafe\u0301-not-nfc.html", _bytes(article_html(18).encode()), (ARTICLE,)),
    ]


def write_hostile_inputs(folder: Path, kinds: list[Hostile] | None = None) -> list[Hostile]:
    """Write each kind (all of them by default) under `folder`; return the kinds written."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = hostile_kinds() if kinds is None else kinds
    for kind in kinds:
        kind.write(folder / kind.name)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the inputs and warehouse in this folder")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.scale import measured_run

    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        kinds = write_hostile_inputs(root / "inputs")
        print(f"{len(kinds)} kinds of hostile input in {root / 'inputs'}")
        seconds, peak = measured_run(root / "inputs", root / "warehouse")
        print(f"exit 0 in {seconds:.0f} s; peak RSS of the process tree: {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
