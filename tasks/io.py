"""The one module that touches the disk: finding inputs, reading pages, writing Parquet.

Readers yield plain records (dicts). A page record becomes a row; a `failure` record is an
input that could not be read as a page and becomes a `failed` row; a `skip` record counts a
WARC record that is not a page (a request, a revisit, an image).
"""

import gzip
import json
import os
import plistlib
import re
import sqlite3
import stat
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any, BinaryIO
from urllib.parse import quote

import brotli
import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FORMATS = ("warc", "wacz", "html", "mhtml", "webarchive", "jsonl", "text")
# The formats that hold one page a file, batched into shards by folder, and those that hold
# many, a shard each (tasks/shards.py).
SINGLE_PAGE_FORMATS = ("html", "mhtml", "webarchive", "text")
MANY_PAGE_FORMATS = ("warc", "wacz", "jsonl")
_MAX_FIRST_LINE = 16 * 1024 * 1024  # a JSONL line holds a whole page
# What reading a file can raise: it is gone or unreadable, or its gzip is broken.
READ_ERRORS = (OSError, EOFError, zlib.error)
# A property list larger than this is not read to learn whether it is a Safari Web Archive
_MAX_SNIFFED_LIST = 64 * 1024 * 1024
# A page saved as one file (MHTML, a Web Archive) holds its pictures too, after the page: read
# up to this many times the page limit (the page, which browsers write first, is whole well
# before).
_SAVED_PAGE_READ = 4
_SUFFIXES = {
    ".warc": "warc",
    ".arc": "warc",
    ".wacz": "wacz",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".mht": "mhtml",
    ".mhtml": "mhtml",
    ".webarchive": "webarchive",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "text",
}
# The suffixes of saved pages, and how much of one is read for links to its resources folder
_HTML_SUFFIXES = frozenset(suffix for suffix, kind in _SUFFIXES.items() if kind == "html")
_RESOURCE_LINKS_READ = 4 * 1024 * 1024
# What a browser adds to a saved page's name for its resources folder: "_files", "-Dateien", ...
_RESOURCES_AFTER_STEM = re.compile(r"[_-][^\W\d_]+$")
_CANONICAL = re.compile(
    rb"""<link\b[^>]*\brel=["']?canonical["']?[^>]*\bhref=["']([^"'>\s]+)"""
    rb"""|<link\b[^>]*\bhref=["']([^"'>\s]+)["'][^>]*\brel=["']?canonical"""
    rb"""|<meta\b[^>]*\bproperty=["']og:url["'][^>]*\bcontent=["']([^"'>\s]+)""",
    re.I,
)
# The address a browser saved a page from, which it writes at the top of the file:
# <!-- saved from url=(0043)https://example.org/... -->
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.I)
_WARC_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ]?(\d{2}):?(\d{2}):?(\d{2}))?")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# What a server that does not know what it sends says (a misconfigured CMS, an object store):
# a body that opens as an HTML document does is a page, as a browser's sniffing finds it.
_UNKNOWN_TYPES = (
    "application/octet-stream",
    "binary/octet-stream",
    "application/unknown",
    "unknown/unknown",
    "application/x-unknown-content-type",
    "text/plain",
)
_HTML_OPENINGS = (b"<!doctype html", b"<html")
# What may stand before a document's first tag or XML declaration: a UTF-8 byte order mark
# and white space.
_LEADING_BYTES = b"\xef\xbb\xbf \t\r\n\x0b\x0c"
PARQUET_OPTIONS = {"compression": "zstd", "row_group_size": 64_000}


class _BrotliDecoder:
    """A br stream decoder with the two members warcio's readers use. warcio's own br support
    sets an attribute on the decoder of brotlipy, which Google's brotli does not allow
    (webrecorder/warcio#73): every br body failed its record and ended the file."""

    unused_data = b""  # a body is one stream: nothing follows it

    def __init__(self) -> None:
        self.decompress = brotli.Decompressor().process


def _zstd_decoder() -> Any:
    """A zstd stream decoder; zstandard's has the members warcio's readers use."""
    return zstandard.ZstdDecompressor().decompressobj()


# A capture keeps the response body as the server sent it: gzip and deflate, which warcio
# decodes; br, which browser-driven crawlers record; zstd, which browsers have asked for since
# 2024. Another encoding of a body that is not markup makes the page a failed row
# `unsupported_encoding`, not compressed bytes read as HTML.
BufferedReader.DECOMPRESSORS["br"] = _BrotliDecoder
BufferedReader.DECOMPRESSORS["zstd"] = _zstd_decoder
_DECODED_ENCODINGS = frozenset(BufferedReader.get_supported_decompressors()) | {"identity"}


class UserError(Exception):
    """A mistake in what the user asked for; the message says what is wrong and how to fix it."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file and what it holds."""

    path: str  # absolute
    format: str  # one of FORMATS
    size: int
    mtime_ns: int


def _open(path: str) -> BinaryIO:
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")  # type: ignore[return-value]


def _suffix_format(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _SUFFIXES.get(suffixes[-1]) if suffixes else None


def sniff_format(path: Path) -> str | None:
    """Recognise a file by its name, else by its first bytes; None when it is none of ours."""
    by_name = _suffix_format(path)
    if by_name:
        return by_name
    try:
        with _open(str(path)) as stream:
            head = stream.read(2048)
    except READ_ERRORS:
        return None
    stripped = opening(head).lower()
    if head.startswith(b"WARC/") or head.startswith(b"filedesc://"):
        return "warc"
    if head.startswith(b"PK\x03\x04") and _is_wacz(path):
        return "wacz"
    if head.startswith(b"bplist00") and _is_webarchive(path):
        return "webarchive"
    if _is_mhtml(stripped):  # before HTML: its page's markup may open within the first bytes
        return "mhtml"
    if stripped.startswith(_HTML_OPENINGS) or b"<html" in stripped[:512]:
        return "html"
    if stripped.startswith(b"{") and _first_line_is_object(path):
        return "jsonl"  # a pretty-printed .json document is not one
    return None


def _is_wacz(path: Path) -> bool:
    """Whether a ZIP file is a WACZ package: its datapackage.json beside an archive/ folder."""
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return "datapackage.json" in names and any(n.startswith("archive/") for n in names)


def _is_webarchive(path: Path) -> bool:
    """Whether a binary property list is a Safari Web Archive: it has a main resource (where
    its keys lie depends on the writer, so the list is read)."""
    try:
        archive = plistlib.loads(_file_bytes(str(path), _MAX_SNIFFED_LIST), fmt=plistlib.FMT_BINARY)
    except Exception:  # any malformed list is simply not one of ours
        return False
    return isinstance(archive, dict) and "WebMainResource" in archive


def _is_mhtml(head: bytes) -> bool:
    """Whether a file's first bytes (lower case) are the mail headers of a page saved as MHTML
    ("From: <Saved by Blink>", "MIME-Version: 1.0", a multipart/related content type)."""
    headers = head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return (
        headers.startswith(
            (b"from:", b"mime-version:", b"snapshot-content-location:", b"date:", b"subject:")
        )
        and b"multipart/related" in headers
    )


def _first_line_is_object(path: Path) -> bool:
    try:
        with _open(str(path)) as stream:
            line = stream.readline(_MAX_FIRST_LINE)
        return isinstance(json.loads(line), dict)
    except (*READ_ERRORS, ValueError):
        return False


def printable_path(path: str) -> str:
    """A file name as it may go into rows, logs, reports and the Prefect API: printable UTF-8
    from which the exact bytes can be recovered (`path_from_printable`).

    A byte that is not UTF-8 becomes `\\xff`, a character that does not print (newline, tab,
    other controls) its Python escape, a backslash `\\\\`; anything else stays as it is,
    NFC or not. Most names come back unchanged.
    """
    if path.isprintable() and "\\" not in path:
        return path
    parts = []
    for character in path:
        if character == "\\":
            parts.append("\\\\")
        elif "\udc80" <= character <= "\udcff":  # a byte os.fsdecode could not decode
            parts.append(f"\\x{ord(character) - 0xDC00:02x}")
        elif not character.isprintable():
            parts.append(character.encode("unicode_escape").decode("ascii"))
        else:
            parts.append(character)
    return "".join(parts)


def path_from_printable(text: str) -> str:
    """The file name (as os.fsdecode gives it) that `printable_path` made `text` from."""
    if "\\" not in text:
        return text
    name, index = bytearray(), 0
    while index < len(text):
        character = text[index]
        if character != "\\":
            name += character.encode("utf-8", "surrogateescape")
            index += 1
            continue
        code = text[index + 1 : index + 2]
        width = {"x": 2, "u": 4, "U": 8}.get(code, 0)
        if code == "x":
            name.append(int(text[index + 2 : index + 4], 16))
        elif width:
            name += chr(int(text[index + 2 : index + 2 + width], 16)).encode("utf-8")
        else:
            name += _SIMPLE_ESCAPES.get(code, code.encode())
        index += 2 + width
    return os.fsdecode(bytes(name))


_SIMPLE_ESCAPES = {"\\": b"\\", "n": b"\n", "t": b"\t", "r": b"\r"}


def _file_kind(path: Path) -> str | None:
    """None for a regular file (through links), else why it is no input: a link that leads
    nowhere or in a loop, or a device, FIFO or socket (reading those never ends or blocks)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "broken_link" if path.is_symlink() else "unreadable"
    return None if stat.S_ISREG(mode) else "not_a_regular_file"


_KIND_TEXT = {
    "broken_link": "a link that leads nowhere or in a loop",
    "unreadable": "unreadable",
    "not_a_regular_file": "not a regular file (a device, FIFO or socket)",
}


def _input_file(path: Path, fmt: str) -> InputFile:
    info = path.stat()
    return InputFile(os.path.realpath(path), fmt, info.st_size, info.st_mtime_ns)


def _saved_page(files: dict[str, str], stem: str) -> str | None:
    """The saved page named `stem` among `files` (lower-cased name -> name), if any."""
    for suffix in _HTML_SUFFIXES:
        for key in (f"{stem}{suffix}".lower(), f"{stem}{suffix}.gz".lower()):
            if key in files:
                return files[key]
    return None


def _resource_folders(parent: Path, folders: list[str], names: list[str]) -> set[str]:
    """The folders of `parent` that hold a saved page's pictures, scripts and frames: a browser
    saving "Story.html" as a complete page puts them in "Story_files" ("Story-Dateien",
    "Story_fichiers", ...) and loads them from there (`src="./Story_files/..."`). Their frames
    (ads, embedded posts) are no pages of the archive. Told by the name and the page's `src`
    links together: "news-archive" beside "news.html" that only links its stories stays."""
    files = {name.lower(): name for name in names}
    found = set()
    for folder in folders:
        cut = _RESOURCES_AFTER_STEM.search(folder)
        page = _saved_page(files, folder[: cut.start()]) if cut else None
        if not page:
            continue
        try:
            with _open(str(parent / page)) as stream:
                text = stream.read(_RESOURCE_LINKS_READ)
        except READ_ERRORS:
            continue
        if any(
            f"src={quote_mark}{mark}{spelling}/".encode() in text
            for spelling in {folder, quote(folder)}
            for quote_mark in ('"', "'", "")
            for mark in ("", "./")
        ):
            found.add(folder)
    return found


def _walk(folder: Path, skipped: list[tuple[str, str]]) -> Iterator[Path]:
    """Every entry under `folder` that is not a folder, in a stable order; a folder that cannot
    be listed is skipped with its reason. Links to folders are not followed (no loops)."""

    def unlisted(error: OSError) -> None:
        skipped.append((printable_path(str(error.filename)), "unreadable_folder"))

    for parent, folders, names in os.walk(folder, onerror=unlisted):
        resources = _resource_folders(Path(parent), folders, names)
        skipped.extend(
            (printable_path(str(Path(parent, name))), "page_resources") for name in resources
        )
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in resources
        )
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(parent, name)


def discover_inputs(paths: list[str]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """Return the input files under `paths` (folders searched recursively) and the entries
    skipped, as (printable name, reason): `unknown_format`, `not_a_regular_file`,
    `broken_link`, `unreadable`, `unreadable_folder`, `page_resources` (a saved page's folder
    of pictures, scripts and frames, see _resource_folders).

    A path may be given as it is or in its printable form (printable_path). Raises UserError
    for a path that does not exist, or a file named on its own that is no input.
    """
    found: dict[str, InputFile] = {}
    skipped: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given).expanduser()
        if not os.path.lexists(path) and os.path.lexists(path_from_printable(given)):
            path = Path(path_from_printable(given)).expanduser()
        if not path.exists():
            raise UserError(
                f"input not found: {printable_path(given)} (check the path, or the working"
                " directory)"
            )
        if path.is_dir():
            for child in _walk(path, skipped):
                reason = _file_kind(child)
                fmt = None if reason else sniff_format(child)
                if fmt:
                    found.setdefault(os.path.realpath(child), _input_file(child, fmt))
                else:
                    skipped.append((printable_path(str(child)), reason or "unknown_format"))
        else:
            if kind := _file_kind(path):
                raise UserError(
                    f"not an input: {printable_path(given)} is {_KIND_TEXT[kind]}"
                    " (give a file or a folder)"
                )
            fmt = sniff_format(path)
            if fmt is None:
                raise UserError(
                    f"unknown input format: {printable_path(given)} (expected WARC/ARC, WACZ,"
                    " .html, .mhtml, .webarchive, .jsonl or .txt, optionally gzipped)"
                )
            found.setdefault(os.path.realpath(path), _input_file(path, fmt))
    return sorted(found.values(), key=lambda f: f.path), skipped


def _mtime(path: str) -> datetime:
    return datetime.fromtimestamp(os.stat(path).st_mtime, UTC)


def _read_capped(stream: BinaryIO, limit: int) -> bytes:
    """Read to the end, or to limit + 1 bytes so an over-long payload is seen without holding
    all of it. Reads until EOF so that a cut-off gzip stream raises instead of looking short."""
    chunks, total = [], 0
    while total <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _failure(source: str, reason: str, url: str | None = None) -> dict[str, Any]:
    return {"event": "failure", "source": source, "reason": reason, "url": url}


def parse_timestamp(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or WARC date leniently (WARC/0.18 dates are often malformed); UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    match = _WARC_DATE.search(value)
    if not match:
        return None
    try:
        year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


# Extension fields of the WARC records the fetcher writes (tasks/fetching.py).
LISTED_PUBLISHED = "Broadsheet-Listed-Published"  # the date the feed or sitemap gave
LISTED_TITLE = "Broadsheet-Listed-Title"
FETCH_FAILED = "Broadsheet-Fetch-Failed"  # the response is a failed fetch (http_404, not_html)
FETCH_KIND = "Broadsheet-Fetch-Kind"  # feed | sitemap | urls | robots | article
REQUESTED_URI = "Broadsheet-Requested-URI"  # the URL asked for, when redirects led elsewhere


def opening(head: bytes) -> bytes:
    """The first bytes of a document without a UTF-8 byte order mark and white space before
    them: where its markup or XML declaration, if any, begins."""
    return head.lstrip(_LEADING_BYTES)


def is_html(content_type: str | None, payload_head: bytes) -> bool:
    """Whether a response is an HTML page: by its Content-Type; without one, when its body
    opens with a tag; with a type that says nothing (`application/octet-stream`, `text/plain`,
    ...), when its body opens as an HTML document (`<!DOCTYPE html`, `<html`)."""
    declared = (content_type or "").lower()
    if any(kind in declared for kind in HTML_TYPES):  # also a header written twice, joined
        return True
    kind = declared.split(";")[0].strip()
    start = opening(payload_head)
    if not kind:
        return start.startswith(b"<")
    return kind in _UNKNOWN_TYPES and start[:16].lower().startswith(_HTML_OPENINGS)


def read_warc(path: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield a page for each HTML response (or resource) record and each plain-text conversion
    (or resource) record, a WET file's; skip and count the rest."""
    with open(path, "rb") as raw:
        yield from _warc_records(raw, printable_path(path), _mtime(path), max_bytes)


def read_wacz(path: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield the records of each WARC file a WACZ package holds (`archive/*.warc[.gz]`, as
    Webrecorder's ArchiveWeb.page and Browsertrix write them), in name order, as read_warc
    does; a record's source is `<package>/<member>#<offset>`. A file that is no ZIP is one
    failure (`bad_archive`)."""
    name = printable_path(path)
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        yield _failure(name, "bad_archive") | {"detail": str(error)[:200]}
        return
    with package:
        members = sorted(
            member.filename
            for member in package.infolist()
            if member.filename.startswith("archive/")
            and member.filename.endswith((".warc", ".warc.gz"))
        )
        saved_at = _mtime(path)
        for member in members:
            with package.open(member) as raw:
                yield from _warc_records(raw, f"{name}/{member}", saved_at, max_bytes)


def _warc_records(
    raw: IO[bytes], name: str, fallback_date: datetime, max_bytes: int
) -> Iterator[dict[str, Any]]:
    """read_warc over an open stream; `name` prefixes each record's source."""
    records = ArchiveIterator(raw, arc2warc=True)
    offset, read_any = 0, False
    try:
        for record in records:
            read_any = True
            if record.rec_type not in ("response", "resource", "conversion"):
                yield {"event": "skip", "what": record.rec_type}
                continue
            headers = record.http_headers
            content_type = (
                headers.get_header("Content-Type")
                if headers is not None and record.rec_type == "response"
                else record.rec_headers.get_header("Content-Type")
            )
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
            payload = _read_capped(record.content_stream(), max_bytes)
            # A record cut off mid-way (a clipped crawl) ends before its declared length.
            truncated = len(payload) <= max_bytes and getattr(record.raw_stream, "limit", 0) > 0
            # Asking for the offset reads the record to its end, so only after the payload.
            offset = records.get_record_offset()
            source = f"{name}#{offset}"
            status = headers.get_statuscode() if headers is not None else None
            fetched_at = (
                parse_timestamp(record.rec_headers.get_header("WARC-Date")) or fallback_date
            )
            kind = record.rec_headers.get_header(FETCH_KIND)
            failed = record.rec_headers.get_header(FETCH_FAILED)
            if kind not in (None, "article"):
                yield {"event": "skip", "what": kind}  # a feed or sitemap we fetched
                continue
            if failed:
                asked = record.rec_headers.get_header(REQUESTED_URI) or url
                yield _failure(source, failed, asked) | {"fetched_at": fetched_at}
                continue
            if status and str(status).startswith("3"):
                yield {"event": "skip", "what": "redirect"}
                continue
            # A page's text kept on its own: a WET file's conversion records (Common Crawl's
            # text of each page), or a crawler's text resource.
            text = record.rec_type != "response" and (content_type or "").lower().startswith(
                "text/plain"
            )
            if not text and not is_html(content_type, payload[:512]):
                yield {"event": "skip", "what": "not_html"}
                continue
            encoding = headers.get_header("Content-Encoding") if headers is not None else None
            # Servers also write a charset or "none" there: a body that reads as markup is
            # taken as it is, as browsers take it.
            if (
                encoding
                and encoding.strip().lower() not in _DECODED_ENCODINGS
                and not opening(payload[:512]).startswith(b"<")
            ):
                yield _failure(source, "unsupported_encoding", url) | {
                    "fetched_at": fetched_at,
                    "detail": f"Content-Encoding: {encoding}"[:200],
                }
                continue
            yield {
                "event": "page",
                "kind": "text" if text else "html",
                "url": url or f"urn:warc:{source}",
                "source": source,
                "fetched_at": fetched_at,
                "http_status": int(status) if status and str(status).isdigit() else None,
                "content_type": content_type,
                "payload": payload,
                "truncated": truncated,
                # What the feed or sitemap said of the page (WARC written by the fetcher).
                "listed_published_at": parse_timestamp(
                    record.rec_headers.get_header(LISTED_PUBLISHED)
                ),
                "listed_title": record.rec_headers.get_header(LISTED_TITLE),
            }
    # warcio raises more than its own errors on malformed records (AttributeError on a
    # response without WARC-Target-URI, for one): any of them ends this file only.
    except Exception as error:
        reason = "truncated_archive" if read_any else "bad_archive"
        yield _failure(f"{name}#{offset}", reason, None) | {"detail": str(error)[:200]}


def _canonical_url(payload: bytes) -> str | None:
    match = _CANONICAL.search(payload[:200_000])
    if not match:
        return None
    url = next(g for g in match.groups() if g).decode("utf-8", "replace")
    return url if url.startswith(("http://", "https://")) else None


def _page_address(payload: bytes) -> str | None:
    """A saved page's address, from its own markup: its canonical link (or `og:url`), else
    the one the browser that saved it wrote at its top ("saved from url=")."""
    if url := _canonical_url(payload):
        return url
    saved_from = _SAVED_FROM.search(payload[:4096])
    return saved_from[1].decode("utf-8", "replace") if saved_from else None


def _address(declared: object, payload: bytes, path: str) -> str:
    """A saved page's address: the web address its container `declared` (an MHTML header, a
    Web Archive's field), else the one its markup gives (_page_address), else its file's."""
    if isinstance(declared, str) and declared.strip().startswith(("http://", "https://")):
        return declared.strip()
    return _page_address(payload) or Path(path).as_uri()


def _file_bytes(path: str, limit: int) -> bytes:
    """A file's bytes, un-gzipped, up to `limit` + 1 of them (_read_capped)."""
    with _open(path) as stream:
        return _read_capped(stream, limit)


def _unreadable(path: str) -> dict[str, Any]:
    """The failure of a single-page file that cannot be read (`bad_gzip`, `read_error`)."""
    return _failure(printable_path(path), "bad_gzip" if path.endswith(".gz") else "read_error")


def read_single(path: str, kind: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield the one page of an HTML file or a plain-text capture."""
    try:
        payload = _file_bytes(path, max_bytes)
    except READ_ERRORS:
        yield _unreadable(path)
        return
    url = _address(None, payload, path) if kind == "html" else Path(path).as_uri()
    yield {
        "event": "page",
        "kind": kind,
        "url": url,
        "source": printable_path(path),
        "fetched_at": _mtime(path),
        "payload": payload,
    }


def _mhtml_page(message: Message) -> Message | None:
    """The part of an MHTML file that holds the saved page: the one its `start` parameter
    names, else its first HTML part (the message itself when it has no parts)."""
    parts = [part for part in message.walk() if not part.is_multipart()]
    start = message.get_param("start")
    if isinstance(start, str):
        wanted = start.strip("<> ")
        named = [p for p in parts if str(p.get("Content-ID", "")).strip("<> ") == wanted]
        if named:
            return named[0]
    return next((p for p in parts if p.get_content_type() in HTML_TYPES), None)


def read_mhtml(path: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield the page of a web page saved as one MHTML file (a browser's "Save as single
    file", `.mht`, `.mhtml`): its HTML part, at the address and time the browser saved it
    (`Snapshot-Content-Location` or the part's `Content-Location`, the `Date` header), else the
    page's canonical link, the file's URL and its modification time. The pictures and style
    sheets beside it are not read past _SAVED_PAGE_READ times `max_bytes`."""
    name = printable_path(path)
    try:
        saved = _file_bytes(path, _SAVED_PAGE_READ * max_bytes)
    except READ_ERRORS:
        yield _unreadable(path)
        return
    message = BytesParser(policy=compat32).parsebytes(saved)
    part = _mhtml_page(message)
    if part is None:
        yield _failure(name, "missing_content")
        return
    payload = part.get_payload(decode=True)
    payload = payload if isinstance(payload, bytes) else b""
    try:
        saved_at = parsedate_to_datetime(str(message.get("Date") or "")).astimezone(UTC)
    except (TypeError, ValueError):
        saved_at = _mtime(path)
    yield {
        "event": "page",
        "kind": "html",
        "url": _address(
            str(message.get("Snapshot-Content-Location") or part.get("Content-Location") or ""),
            payload,
            path,
        ),
        "source": name,
        "fetched_at": saved_at,
        "payload": payload,
        "content_type": str(part.get("Content-Type") or ""),
    }


def read_webarchive(path: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield the page of a web page Safari saved as a Web Archive (`.webarchive`, a property
    list): its main resource's data at its address (`WebResourceURL`), in the encoding it
    names; the capture time is the file's modification time. A file that is no such list is
    one failure (`bad_archive`), one without a main resource `missing_content`."""
    name = printable_path(path)
    try:
        archive = plistlib.loads(
            _file_bytes(path, _SAVED_PAGE_READ * max_bytes), fmt=plistlib.FMT_BINARY
        )
    except READ_ERRORS:
        yield _unreadable(path)
        return
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, OverflowError):
        yield _failure(name, "bad_archive")
        return
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    if not isinstance(main, dict) or not isinstance(main.get("WebResourceData"), bytes):
        yield _failure(name, "missing_content")
        return
    payload: bytes = main["WebResourceData"]
    encoding = main.get("WebResourceTextEncodingName")
    yield {
        "event": "page",
        "kind": "html",
        "url": _address(main.get("WebResourceURL"), payload, path),
        "source": name,
        "fetched_at": _mtime(path),
        "payload": payload,
        "content_type": f"text/html; charset={encoding}" if isinstance(encoding, str) else None,
    }


def _jsonl_page(line: bytes, source: str, fallback_date: datetime) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except (ValueError, RecursionError):  # broken, not UTF-8, or nested past the parser
        return _failure(source, "bad_json")
    if not isinstance(item, dict) or not isinstance(item.get("url"), str):
        return _failure(source, "missing_url")
    if isinstance(item.get("error"), str):  # a fetch that failed, as a crawler logged it
        failed = item.get("fetched_at")
        return _failure(source, item["error"], item["url"]) | {
            "fetched_at": parse_timestamp(failed) if isinstance(failed, str) else fallback_date
        }
    body = item.get("html") if isinstance(item.get("html"), str) else item.get("text")
    if not isinstance(body, str):
        return _failure(source, "missing_content", item["url"])
    fetched = item.get("fetched_at")
    fetched_at = parse_timestamp(fetched) if isinstance(fetched, str) else None
    if fetched is not None and fetched_at is None:
        return _failure(source, "bad_fetched_at", item["url"])
    title, published = item.get("title"), item.get("published_at")
    return {
        "event": "page",
        "kind": "html" if isinstance(item.get("html"), str) else "text",
        "url": item["url"],
        "source": source,
        "fetched_at": fetched_at or fallback_date,
        "payload": body.encode("utf-8", "surrogatepass"),
        "title": title if isinstance(title, str) else None,
        # as a feed's date: for a page that names none of its own (a text capture never does)
        "listed_published_at": parse_timestamp(published) if isinstance(published, str) else None,
    }


_JSON_URL = re.compile(rb'"url"\s*:\s*"((?:https?|file)://[^"\\\s]{1,2000})"')


def _long_line_url(head: bytes) -> str | None:
    """The URL an over-long JSON line names near its start, for its failed row."""
    match = _JSON_URL.search(head[:65536])
    return match[1].decode("utf-8", "replace") if match else None


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[bytes, bool]]:
    """(line, whole) for each line; a line longer than `limit` bytes comes as its first
    `limit` bytes with whole False, and the rest of it is read past, never held."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, True
            continue
        while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield line[:limit], False


def read_jsonl(path: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield a page per line; a broken or over-long line becomes a failure and the rest is
    still read. A line may take twice `max_bytes` (JSON escapes), no more."""
    fallback_date, name = _mtime(path), printable_path(path)
    lineno = 0
    try:
        with _open(path) as stream:
            for lineno, (line, whole) in enumerate(_lines(stream, 2 * max_bytes), start=1):
                source = f"{name}:{lineno}"
                if not whole:
                    yield _failure(source, "too_large", _long_line_url(line))
                elif line.strip():
                    yield _jsonl_page(line, source, fallback_date)
    except READ_ERRORS:
        yield _failure(f"{name}:{lineno + 1}", "bad_gzip", None)


def _records(item: InputFile, max_bytes: int) -> Iterator[dict[str, Any]]:
    if item.format == "warc":
        return read_warc(item.path, max_bytes)
    if item.format == "wacz":
        return read_wacz(item.path, max_bytes)
    if item.format == "jsonl":
        return read_jsonl(item.path, max_bytes)
    if item.format == "mhtml":
        return read_mhtml(item.path, max_bytes)
    if item.format == "webarchive":
        return read_webarchive(item.path, max_bytes)
    return read_single(item.path, item.format, max_bytes)


def read_input(item: InputFile, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Yield the page, failure and skip records of one input file; never raises.

    Whatever goes wrong with the file (it vanished, cannot be opened or read, its reader
    breaks) ends this file only, as a failure record: `read_error`, `memory_limit`,
    `too_deep`; a file with no record at all gives one `empty` failure. A failure is dated by
    the file's modification time, so that reading the same file again puts its row in the same
    partition, and carries the file's URL when it names no page of its own.
    """
    name, url = printable_path(item.path), Path(item.path).as_uri()
    try:
        fallback_date = _mtime(item.path)
    except OSError:
        fallback_date = datetime.fromtimestamp(item.mtime_ns / 1e9, UTC)
    any_record = False
    try:
        for record in _records(item, max_bytes):
            any_record = True
            if record["event"] == "failure":
                record.setdefault("fetched_at", fallback_date)
                record["url"] = record.get("url") or url
            yield record
    except Exception as error:  # one file's fault ends that file, never its shard
        reason = {MemoryError: "memory_limit", RecursionError: "too_deep"}.get(
            type(error), "read_error"
        )
        yield _failure(name, reason, url) | {"fetched_at": fallback_date}
        return
    if not any_record:
        yield _failure(name, "empty", url) | {"fetched_at": fallback_date}


def write_parquet(
    table: pa.Table,
    schema: pa.Schema,
    path: Path,
    row_group_rows: int | None = None,
    encodings: dict[str, str] | None = None,
) -> None:
    """Write `table` with the declared `schema` so that readers see the old file or the new one.

    `encodings` names a Parquet encoding for some columns (the rest are dictionary-encoded).
    The file is written beside its target under a hidden temporary name, synced, then renamed.
    """
    table = table.select(schema.names).cast(schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        options = PARQUET_OPTIONS | ({"row_group_size": row_group_rows} if row_group_rows else {})
        if encodings:
            dictionary = [name for name in schema.names if name not in encodings]
            options |= {"use_dictionary": dictionary, "column_encoding": encodings}
        pq.write_table(table, temporary, **options)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json(value: Any, path: Path) -> None:
    """Write a small JSON document atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(value, indent=1, sort_keys=True, default=str))
    os.replace(temporary, path)


def read_json(path: Path) -> Any:
    """Read a JSON document written by write_json; None if it does not exist."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def read_parquet(path: Path, schema: pa.Schema) -> pa.Table:
    """Read a Parquet file written by write_parquet, with its declared schema."""
    return pq.read_table(path, schema=schema)


def parquet_files(folder: Path, leave_out: Iterable[str] = ()) -> list[Path]:
    """The visible Parquet files under `folder`, in a stable order, leaving out those named
    after the shards in `leave_out` (a shard redone must not meet its own published rows)."""
    skipped = set(leave_out)
    return sorted(
        p for p in folder.rglob("*.parquet") if not p.name.startswith(".") and p.stem not in skipped
    )


def fingerprint(path: Path) -> tuple[int, int]:
    """(size, modification time in ns) of a file: what changes when it is written again."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def rows_at(path: Path, rows: np.ndarray, schema: pa.Schema, columns: list[str]) -> pa.Table:
    """`columns` of the rows numbered `rows` (0-based, in the file's order) of one Parquet
    file, in the order given. Only the row groups holding them are read."""
    parquet = pq.ParquetFile(path)
    sizes = [parquet.metadata.row_group(g).num_rows for g in range(parquet.num_row_groups)]
    starts = np.cumsum([0, *sizes])
    groups = np.searchsorted(starts, rows, side="right") - 1
    needed = sorted(set(groups.tolist()))
    if not needed:
        return schema.empty_table().select(columns)
    table = parquet.read_row_groups(needed, columns=columns).cast(
        pa.schema([schema.field(c) for c in columns])
    )
    # Where each needed row group starts in what was read.
    read_at = np.zeros(len(starts), dtype=np.int64)
    read_at[needed] = np.cumsum([0, *(sizes[g] for g in needed[:-1])])
    return table.take(pa.array(read_at[groups] + rows - starts[groups]))


# What a lookup in the index answers: the index file and the row in it.
_KEY_ROWS = pa.schema([pa.field("filename", pa.string()), pa.field("row", pa.uint32())])
_INDEX_ROWS = pa.schema([pa.field("row", pa.uint32())])  # what a lookup reads of a hit


def keys_in_files(files: list[Path], wanted: np.ndarray) -> pa.Table:
    """(filename, row) of the rows of index `files` (key and row columns, each file sorted by
    key) whose key is one of `wanted` (sorted, distinct): a sort-merge join. Of each file, the
    keys of the row groups that can hold a wanted one are read and searched (binary search of
    the smaller side in the larger, so that many small files cost their keys and a large one
    the wanted keys' searches), then the rows of the row groups where keys were found. The
    files are read and searched on as many threads as there are cores (both leave the GIL)."""
    if not files or not len(wanted):
        return _KEY_ROWS.empty_table()
    low, high = int(wanted[0]), int(wanted[-1])

    def found_in(path: Path) -> pa.Table:
        parquet = pq.ParquetFile(path)
        groups = [g for g in range(parquet.num_row_groups) if _may_hold(parquet, g, low, high)]
        if not groups:
            return _KEY_ROWS.empty_table()
        keys = parquet.read_row_groups(groups, columns=["key"], use_threads=False)
        positions = _positions_of(keys["key"].to_numpy(), wanted)
        if not len(positions):
            return _KEY_ROWS.empty_table()
        # The positions count the rows of `groups` only: as rows of the file, for rows_at.
        sizes = [parquet.metadata.row_group(g).num_rows for g in range(parquet.num_row_groups)]
        in_file = np.cumsum([0, *sizes])[groups]
        in_read = np.cumsum([0, *(sizes[g] for g in groups)])
        at = np.searchsorted(in_read, positions, side="right") - 1
        rows = rows_at(path, in_file[at] + positions - in_read[at], _INDEX_ROWS, ["row"])
        found = np.unique(rows["row"].to_numpy())
        return pa.table({"filename": [str(path)] * len(found), "row": found}, schema=_KEY_ROWS)

    with ThreadPoolExecutor(os.cpu_count() or 1) as threads:
        return pa.concat_tables(threads.map(found_in, files))


def _positions_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The positions in `keys` (sorted) of every key that is one of `wanted` (sorted,
    distinct), in order."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    if len(keys) < len(wanted):
        at = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
        return np.flatnonzero(wanted[at] == keys)
    at = np.searchsorted(keys, wanted)
    present = keys[np.minimum(at, len(keys) - 1)] == wanted
    starts = at[present]
    lengths = np.searchsorted(keys, wanted[present], side="right") - starts
    # Every position in [start, start + length) of each found key (a key may be on many rows).
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets


def _may_hold(parquet: pq.ParquetFile, group: int, low: int, high: int) -> bool:
    """Whether row group `group`'s keys can lie in [low, high] (by its statistics)."""
    key = parquet.schema_arrow.get_field_index("key")
    statistics = parquet.metadata.row_group(group).column(key).statistics
    if statistics is None or not statistics.has_min_max:
        return True
    return bool(statistics.max >= low and statistics.min <= high)


def keys_in_files_on_cluster(
    client: Any,
    files: list[Path],
    wanted: np.ndarray,
    key_range: tuple[int, int],
) -> pa.Table:
    """What keys_in_files finds, joined on the Dask cluster of `client` (a distributed.Client):
    the index files' rows with keys in [low, high) of `key_range` are read by its workers
    (they see the warehouse as this process does, as the shard tasks do) and joined with
    `wanted` by dask dataframe's hash join, which shuffles both sides by key across the
    workers."""
    if not files or not len(wanted):
        return _KEY_ROWS.empty_table()
    import dask.dataframe as dd

    columns = [pa.field("key", pa.uint64()), *_KEY_ROWS]
    meta = pa.schema(columns).empty_table().to_pandas()  # what _index_part gives
    index = dd.from_map(_index_part, [str(f) for f in files], key_range=key_range, meta=meta)
    keys = pa.table({"key": wanted}).to_pandas()
    joined = index.merge(dd.from_pandas(keys, npartitions=max(1, index.npartitions)), on="key")
    found = client.compute(joined[_KEY_ROWS.names].drop_duplicates()).result()
    return pa.Table.from_pandas(found, schema=_KEY_ROWS, preserve_index=False)


def _index_part(path: str, key_range: tuple[int, int]) -> Any:
    """One index file's rows with keys in `key_range`, with its name: a partition of the
    cluster's join (a pandas frame, as dask dataframe holds them)."""
    low, high = key_range
    rows = pq.read_table(path, filters=[("key", ">=", low), ("key", "<", high)])
    with_name = rows.append_column("filename", pa.array([path] * len(rows), pa.string()))
    return with_name.select(["key", *_KEY_ROWS.names]).to_pandas()


def matching_rows(
    files: list[Path], schema: pa.Schema, column: str, candidates: list[str], columns: list[str]
) -> pa.Table:
    """The rows of the given Parquet files whose `column` is one of `candidates`."""
    if not files or not candidates:
        return schema.empty_table().select(columns)
    # Imported here: pyarrow.dataset imports pandas, seconds of start-up for every command.
    import pyarrow.dataset as ds

    dataset = ds.dataset([str(f) for f in files], schema=schema, format="parquet")
    return dataset.to_table(columns=columns, filter=ds.field(column).isin(candidates))


def scan(
    files: list[Path],
    schema: pa.Schema,
    columns: list[str],
    keep: Callable[[pa.Table], pa.Table],
    filters: list[tuple[str, str, Any]] | None = None,
) -> Iterator[tuple[Path, pa.Table]]:
    """Read `columns` of each file in turn and yield (file, keep(rows)) when rows remain.

    One file at a time, so memory holds one file's columns plus what `keep` retains. With
    `filters` (pyarrow's), row groups whose statistics rule every row out are not read: in a
    compacted file, sorted by site, a filter on site reads that site's row groups only.
    """
    for path in files:
        rows = keep(pq.read_table(path, columns=columns, schema=schema, filters=filters))
        if len(rows):
            yield path, rows


def existing_values(
    files: list[Path], schema: pa.Schema, column: str, candidates: list[str]
) -> set[str]:
    """Which of `candidates` already appear in `column` of the given Parquet files."""
    found = matching_rows(files, schema, column, candidates, [column])
    return set(found.column(column).to_pylist())


@contextmanager
def counts_database(path: Path, memory_mb: int) -> Iterator[sqlite3.Connection]:
    """A SQLite database in the file `path` that outlives the run, in autocommit mode (the
    caller makes its transactions). Commits are atomic and durable (a rollback journal, synced
    in full); its page cache holds at most `memory_mb` MiB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        _set_up_counts(connection, memory_mb)
        connection.execute("PRAGMA synchronous = FULL")
        yield connection
    finally:
        connection.close()


def memory_counts_database(memory_mb: int = 512) -> sqlite3.Connection:
    """A SQLite database in memory, as counts_database sets it up."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    _set_up_counts(connection, memory_mb)
    return connection


def _set_up_counts(connection: sqlite3.Connection, memory_mb: int) -> None:
    connection.execute(f"PRAGMA cache_size = {-1024 * memory_mb}")  # negative: in KiB
    connection.execute("PRAGMA temp_store = MEMORY")  # temporary tables hold one night's rows


@contextmanager
def sorting_database(memory_mb: int, spill: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB database holding at most `memory_mb` MiB and spilling the rest to
    the folder `spill` (removed after; None: no limit, nothing spilled): for sorting and
    grouping more rows than memory holds."""
    settings: dict[str, str | bool | int | float | list[str]] = {"preserve_insertion_order": False}
    if spill is not None:
        settings |= {"memory_limit": f"{memory_mb}MB", "temp_directory": str(spill)}
    connection = duckdb.connect(config=settings)
    try:
        yield connection
    finally:
        connection.close()
        if spill is not None:
            remove_tree(spill)


def remove_file(path: Path) -> None:
    """Remove a file written by this module, if it exists."""
    path.unlink(missing_ok=True)


def remove_tree(folder: Path) -> None:
    """Remove a folder of files written by this module (staging), if it exists."""
    if not folder.exists():
        return
    for child in sorted(folder.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    folder.rmdir()


class WarcSink:
    """Write HTTP exchanges to one gzipped WARC file, atomically: records go to a hidden
    temporary file that is synced and renamed when the sink closes (and removed, with no file
    left, when nothing was written or the writing failed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        self._file = open(self._temporary, "wb")  # noqa: SIM115 (closed in close())
        self._writer = WARCWriter(self._file, gzip=True)
        self.records = 0

    def write_exchange(
        self,
        url: str,
        when: datetime,
        request: list[tuple[str, str]],
        status_line: str,
        headers: list[tuple[str, str]],
        body: bytes,
        extra: dict[str, str],
    ) -> None:
        """A request record and its response record (body as received, still encoded)."""
        date = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        request_record = self._writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET /{path} HTTP/1.1", request, protocol="HTTP/1.1", is_http_request=True
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        # The body is stored de-chunked, so a Transfer-Encoding header would mislead readers.
        kept = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        kept += [
            ("X-Crawler-Transfer-Encoding", v)
            for k, v in headers
            if k.lower() == "transfer-encoding"
        ]
        response_record = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            http_headers=StatusAndHeaders(status_line, kept, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, **extra},
        )
        request_record.rec_headers.add_header(
            "WARC-Concurrent-To", response_record.rec_headers.get_header("WARC-Record-ID")
        )
        self._writer.write_record(request_record)
        self._writer.write_record(response_record)
        self.records += 2

    def close(self, keep: bool = True) -> Path | None:
        """Finish the file; return its path, or None when it holds nothing."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        if keep and self.records:
            os.replace(self._temporary, self.path)
            return self.path
        self._temporary.unlink(missing_ok=True)
        return None


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    """Write rows as JSON lines atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows))
    os.replace(temporary, path)


def read_text(path: Path) -> str:
    """A small text file given by the user (a URL list); UserError when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None


def prune_files(folder: Path, older_than_days: float) -> int:
    """Delete the files under `folder` last modified more than `older_than_days` ago."""
    if not folder.exists():
        return 0
    cutoff = datetime.now(UTC).timestamp() - older_than_days * 86400
    pruned = 0
    for path in folder.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            pruned += 1
    return pruned
