"""Fetching feeds, sitemaps and URL lists from a real HTTP server on 127.0.0.1."""

import gzip
import json
import re
import shutil
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.flows.test_archive import run, sql
from tests.web.server import LoopbackServer, Reply

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
DELAY = 0.3
PUBLISHED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture
def server():
    main, other = LoopbackServer("127.0.0.1"), LoopbackServer("127.0.0.2")
    yield main, other
    main.close()
    other.close()


def benchmark_files() -> list[Path]:
    return sorted((FIXTURES / "html").glob("*.html.gz"))


def benchmark_pages() -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in benchmark_files()]


def config(tmp_path: Path, **fetch: object) -> Path:
    settings = {
        "delay_seconds": DELAY,
        "timeout_seconds": 2,
        "page_seconds": 5,
        "max_retries": 3,
        "backoff_seconds": 0.1,
        "allowed_networks": ["127.0.0.1/32"],
        "user_agent": "BroadsheetTest/1.0 (archive@example.org)",
        **fetch,
    }
    lines = ["[fetch]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    path = tmp_path / "broadsheet.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def rss(base: str, paths: list[str], dated: bool = True) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}{p}?utm_source=rss</link>"
        + (f"<pubDate>{format_datetime(PUBLISHED)}</pubDate>" if dated else "")
        + "</item>"
        for i, p in enumerate(paths)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def serve_site(main: LoopbackServer) -> None:
    pages = benchmark_pages()
    html = {"Content-Type": "text/html; charset=utf-8"}
    for i, page in enumerate(pages):
        main.routes[f"/news/{i}"] = Reply(200, page, html)
    # a server that does not say what it sends: the page is still an article
    main.routes["/news/3"] = Reply(200, pages[3], {"Content-Type": "application/octet-stream"})
    for number, name in enumerate(("undated", "undated-in-sitemap")):
        main.routes[f"/{name}"] = Reply(200, undated_page(name, number), html)

    main.routes["/robots.txt"] = Reply(
        200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
    )
    main.routes["/private/secret"] = Reply(200, pages[0], html)

    feed_paths = [f"/news/{i}" for i in range(18)] + ["/undated", "/private/secret"]
    main.routes["/feed.xml"] = lambda h: conditional(h, rss(main.base, feed_paths), "v1")
    sitemap = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(
            f"<url><loc>{main.base}/news/{i}</loc><news:news><news:publication_date>"
            f"{PUBLISHED.date()}</news:publication_date></news:news></url>"
            for i in (17, 18, 19)
        )
        + f"<url><loc>{main.base}/undated-in-sitemap</loc><news:news><news:publication_date>"
        + "2024-05-04T10:00:00Z</news:publication_date></news:news></url>"
        + "</urlset>"
    ).encode()
    main.routes["/sitemap.xml.gz"] = lambda h: conditional(h, gzip.compress(sitemap), "s1")
    calls = {"flaky": 0}

    def flaky(handler):
        calls["flaky"] += 1
        if calls["flaky"] <= 2:
            return Reply(500, b"try again")
        return Reply(200, pages[20], html)

    main.routes["/flaky"] = flaky
    waits = {"busy": 0}

    def busy(handler):
        waits["busy"] += 1
        if waits["busy"] == 1:
            return Reply(503, b"busy", {"Retry-After": "2"})
        return Reply(200, pages[21], html)

    main.routes["/busy"] = busy


def undated_page(name: str, number: int) -> bytes:
    """An article that states no date anywhere: its date can only come from its listing.
    Its text is half (the first or the second) of the body of the last benchmark page, which no
    listing of the test leads to, so it copies none of the pages fetched (half of one of them
    would be a contained copy whenever the whole page happened to be fetched first), without
    its digits, so that it states no date."""
    story = json.loads((FIXTURES / "html" / "ground-truth.json").read_text())
    last = benchmark_files()[-1].name.split(".")[0]
    lines = re.sub(r"\d", "", story[last]["articleBody"]).split("\n")
    body = lines[: len(lines) // 2] if number == 0 else lines[len(lines) // 2 :]
    paragraphs = "".join(f"<p>{p}</p>" for p in body if p.strip())
    return (
        f"<html><head><title>{name}</title></head><body><article><h1>{name}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def conditional(handler, body: bytes, etag: str) -> Reply:
    if handler.headers.get("If-None-Match") == f'"{etag}"':
        return Reply(304, b"")
    return Reply(200, body, {"Content-Type": "application/xml", "ETag": f'"{etag}"'})


def test_feeds_sitemaps_and_lists_are_fetched_politely_and_incrementally(tmp_path, server):
    main, _ = server
    serve_site(main)
    url_list = tmp_path / "urls.txt"
    url_list.write_text(f"# extra\n{main.base}/flaky\n{main.base}/busy\n{main.base}/news/3#top\n")
    args = [
        "--feed", f"{main.base}/feed.xml",
        "--sitemap", f"{main.base}/sitemap.xml.gz",
        "--urls", str(url_list),
        "-w", str(tmp_path / "w"),
        "-c", str(config(tmp_path)),
    ]  # fmt: skip
    run(*args)

    paths = main.paths()
    assert "/private/secret" not in paths
    articles = [p for p in paths if p.startswith("/news/")]
    assert len(articles) == len(set(articles)) == 20  # each once, tracking parameters dropped
    assert paths.count("/flaky") == 3 and paths.count("/busy") == 2
    busy = [h.at for h in main.hits if h.path == "/busy"]
    assert busy[1] - busy[0] >= 2.0  # Retry-After: 2
    gaps = [b.at - a.at for a, b in zip(main.hits, main.hits[1:], strict=False)]
    assert min(gaps) >= DELAY - 0.02

    stored = sql(tmp_path / "w", "SELECT url, title, published_at FROM articles ORDER BY url")
    # 20 news pages, two undated stories, flaky and busy
    assert len(stored) == 24, sql(
        tmp_path / "w", "SELECT url, status, reason FROM pages WHERE status != 'article'"
    )
    dates = {a["url"].rsplit("/", 1)[1]: a["published_at"][:10] for a in stored}
    assert dates["undated"] == "2024-05-06" and dates["undated-in-sitemap"] == "2024-05-04"
    (failed,) = sql(tmp_path / "w", "SELECT url, status, reason FROM pages WHERE status = 'failed'")
    assert failed["reason"] == "robots_disallowed"

    # The next night, nothing changed: conditional requests only, nothing fetched again.
    pages_before = sql(tmp_path / "w", "SELECT count(*) AS n FROM pages")
    seen = len(main.hits)
    run(*args)
    again = main.hits[seen:]
    assert sorted(h.path for h in again) == ["/feed.xml", "/robots.txt", "/sitemap.xml.gz"]
    assert all("If-None-Match" in h.headers for h in again if h.path != "/robots.txt")
    assert sql(tmp_path / "w", "SELECT count(*) AS n FROM pages") == pages_before
    assert len(sql(tmp_path / "w", "SELECT 1 FROM articles")) == 24

    # A new item in the feed: only it is fetched.
    feed_paths = [f"/news/{i}" for i in range(18)] + ["/undated", "/private/secret", "/news/22"]
    main.routes["/feed.xml"] = lambda h: conditional(h, rss(main.base, feed_paths), "v2")
    seen = len(main.hits)
    run(*args)
    fetched = sorted(h.path for h in main.hits[seen:])
    assert fetched == ["/feed.xml", "/news/22", "/robots.txt", "/sitemap.xml.gz"]
    assert len(sql(tmp_path / "w", "SELECT 1 FROM articles")) == 25
    pages_after = sql(tmp_path / "w", "SELECT count(*) AS n FROM pages")
    assert pages_after[0]["n"] == pages_before[0]["n"] + 1


def hostile_routes(main: LoopbackServer, other: LoopbackServer) -> list[str]:
    """Routes that must each end as a failed page; returns their URLs."""
    chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"

    def huge(handler):  # 50 MB, no Content-Length: the cap must hold while streaming
        def stream(h):
            for _ in range(50):
                h.wfile.write(chunk)

        return Reply(200, headers={"Content-Type": "text/html"}, stream=stream)

    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    bomb = b"".join(packer.compress(zeros) for _ in range(200)) + packer.flush()
    main.routes["/huge"] = huge
    main.routes["/bomb"] = Reply(
        200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    main.routes["/loop-a"] = Reply(302, headers={"Location": "/loop-b"})
    main.routes["/loop-b"] = Reply(302, headers={"Location": "/loop-a"})
    main.routes["/away"] = Reply(302, headers={"Location": f"{other.base}/trap"})

    def slow(handler):
        time.sleep(4)
        return Reply(200, b"<html>late</html>", {"Content-Type": "text/html"})

    main.routes["/slow"] = slow
    main.routes["/missing"] = None
    main.routes["/report.pdf"] = Reply(200, b"%PDF-1.4", {"Content-Type": "application/pdf"})
    blob = {"Content-Type": "application/octet-stream"}
    main.routes["/blob"] = Reply(200, b"\x89PNG\r\n\x1a\n", blob)
    other.routes["*"] = Reply(200, b"<html>trap</html>", {"Content-Type": "text/html"})
    return [
        f"{main.base}/{p}"
        for p in ("huge", "bomb", "loop-a", "away", "slow", "missing", "report.pdf", "blob")
    ] + [f"{other.base}/direct"]


EXPECTED = {
    "huge": "too_large",
    "bomb": "too_large",
    "loop-a": "redirect_loop",
    "away": "blocked_address",
    "slow": "timeout",
    "missing": "http_404",
    "report.pdf": "not_html",
    "blob": "not_html",
    "direct": "blocked_address",
}


def test_hostile_answers_end_as_failed_pages_within_bounded_memory(tmp_path, server):
    import subprocess
    import sys

    from tasks import io

    main, other = server
    listed = tmp_path / "urls.txt"
    listed.write_text("\n".join(hostile_routes(main, other)) + "\n")
    # A process of its own, so its resident memory is the fetch's and nothing else's.
    warc = tmp_path / "raw" / "n.warc.gz"
    child = subprocess.run(
        [sys.executable, "-m", "tests.web.measure_fetch", str(listed), str(warc)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2], timeout=120,
    )  # fmt: skip
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["rss_growth_mb"] < 200 and report["python_peak_mb"] < 200, report
    articles = [row for row in report["rows"] if row["kind"] == "article"]
    reasons = {row["url"].rsplit("/", 1)[1]: row["reason"] for row in articles}
    assert reasons == EXPECTED
    assert other.hits == []  # the 127.0.0.2 listener received nothing

    # Through the pipeline (the raw zone as input): each is a failed page with its reason.
    io.write_jsonl(report["failures"], tmp_path / "raw" / "n.failures.jsonl")
    run(str(tmp_path / "raw"), "-w", str(tmp_path / "w"))
    pages = sql(tmp_path / "w", "SELECT url, status, reason FROM pages")
    assert {p["url"].rsplit("/", 1)[1]: (p["status"], p["reason"]) for p in pages} == {
        name: ("failed", reason) for name, reason in EXPECTED.items()
    }


def test_the_raw_zone_alone_rebuilds_the_same_archive(tmp_path, server):
    main, _ = server
    serve_site(main)
    run("--feed", f"{main.base}/feed.xml", "-w", str(tmp_path / "w"), "-c", str(config(tmp_path)))
    main.close()  # no network from here on
    run(str(tmp_path / "w" / "raw"), "-w", str(tmp_path / "again"))
    query = "SELECT url, title, published_at, body FROM articles ORDER BY url"
    rebuilt = sql(tmp_path / "again", query)
    assert len(rebuilt) == 19 and rebuilt == sql(tmp_path / "w", query)  # 18 news + undated
    failed = "SELECT url, reason FROM pages WHERE status = 'failed' ORDER BY url"
    assert sql(tmp_path / "again", failed) == sql(tmp_path / "w", failed)

    # A past night by its date, and the whole raw zone extracted again in place.
    (night,) = [p.name.removeprefix("date=") for p in (tmp_path / "w" / "raw").iterdir()]
    shutil.copytree(tmp_path / "w" / "raw", tmp_path / "by-date" / "raw")  # a backfill
    run("--date", night, "-w", str(tmp_path / "by-date"))
    assert sql(tmp_path / "by-date", query) == rebuilt
    pages = "SELECT page_id, status, reason, article_id FROM pages ORDER BY page_id"
    before = sql(tmp_path / "w", pages)
    run("--reprocess", "-w", str(tmp_path / "w"))
    assert sql(tmp_path / "w", query) == rebuilt and sql(tmp_path / "w", pages) == before
    (last,) = sql(
        tmp_path / "w",
        "SELECT shards_skipped, pages_known FROM runs ORDER BY started_at DESC LIMIT 1",
    )
    assert last == {"shards_skipped": 0, "pages_known": 0}


def test_crawl_delay_in_robots_txt_is_obeyed(server):
    import asyncio

    from tasks.config import FetchConfig
    from tasks.http import PoliteClient

    main, _ = server
    main.routes["/robots.txt"] = Reply(200, b"User-agent: *\nCrawl-delay: 1\n")
    main.routes["*"] = Reply(200, b"<html>page</html>", {"Content-Type": "text/html"})
    fetch = FetchConfig(delay_seconds=0.05, allowed_networks=("127.0.0.1/32",))

    async def three() -> list[str | None]:
        async with PoliteClient(fetch) as client:
            answers = await asyncio.gather(*(client.fetch(f"{main.base}/p{i}") for i in range(3)))
        return [a.reason for a in answers]

    assert asyncio.run(three()) == [None, None, None]
    gaps = [b.at - a.at for a, b in zip(main.hits, main.hits[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.98


def test_a_mistake_in_the_sources_config_is_one_line(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    bad = tmp_path / "broadsheet.toml"
    bad.write_text('[[sources]]\nkind = "feed"\nulr = "https://example.org/feed"\n')
    result = CliRunner().invoke(app, ["run", "-c", str(bad), "-w", str(tmp_path / "w")])
    assert result.exit_code == 2
    assert "sources.0.ulr" in result.output and len(result.output.strip().splitlines()) <= 2
    bad.write_text("[fetch]\ndelay = 2\n")
    result = CliRunner().invoke(app, ["run", "-c", str(bad), "-w", str(tmp_path / "w")])
    assert result.exit_code == 2 and "fetch.delay" in result.output


def test_https_goes_to_the_checked_address_and_verifies_the_name(tmp_path):
    import asyncio
    import ssl

    import trustme

    from tasks.config import FetchConfig
    from tasks.http import PoliteClient

    authority = trustme.CA()
    secure = LoopbackServer()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    secure.routes["/robots.txt"] = Reply(404)
    secure.routes["/a"] = Reply(200, b"<html>over tls</html>", {"Content-Type": "text/html"})
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    url = f"https://localhost:{secure.server_address[1]}/a"
    allowed = {"allowed_networks": ("127.0.0.1/32",), "delay_seconds": 0, "max_retries": 0}

    async def get(**settings: object):
        async with PoliteClient(FetchConfig(**allowed, **settings)) as client:
            return await client.fetch(url)

    try:
        trusted = asyncio.run(get(ca_bundle=str(tmp_path / "ca.pem")))
        assert (trusted.status, trusted.content, trusted.ip) == (
            200,
            b"<html>over tls</html>",
            "127.0.0.1",
        )
        assert asyncio.run(get()).reason == "tls_error"  # the test CA is not trusted by default
        assert {h.headers["Host"] for h in secure.hits} == {f"localhost:{secure.server_address[1]}"}
    finally:
        secure.close()


def test_a_source_that_is_not_a_url_is_one_line(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["run", "--feed", "example.org/rss", "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert "not an http(s) URL: example.org/rss" in result.output
