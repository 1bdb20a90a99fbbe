"""Fetching a night's sources into the raw zone: feeds, sitemaps and URL lists in, WARC out.

Feeds and sitemaps are asked for with the ETag / Last-Modified of their last fetch, so an
unchanged one costs a 304 and nothing more; article URLs are normalised and those fetched
before (for good, or for a reason that will not change overnight) are not fetched again.
Everything fetched is written to one WARC file of the run; URLs that gave no response are
listed in a JSONL file beside it. Both are ordinary inputs of the archive flow, so the raw zone
can be re-extracted at any time without the network.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from schemas import FETCHES
from tasks import io
from tasks.config import FetchConfig, SourceConfig
from tasks.http import PoliteClient, Response
from tasks.layout import Layout
from tasks.sources import BadSource, Item, Listing, parse_feed, parse_sitemap, parse_url_list
from tasks.urls import BadUrl, normalise_url

# Reasons that may be gone tomorrow: those URLs are tried again on the next run.
TRANSIENT = {"timeout", "connection_error", "http_429", "http_500", "http_502", "http_503",
             "http_504"}  # fmt: skip
_MAX_SITEMAP_DEPTH = 3
_MAX_SITEMAPS = 1000


@dataclass
class Night:
    """What one run fetched: fetch rows, failures without a response, and the WARC."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, tuple[Item, str]] = field(default_factory=dict)  # url -> (item, source)


def _status_line(response: Response) -> str:
    return f"{response.status} {'OK' if response.status == 200 else ''}".strip()


def _conditional(previous: dict[str, Any] | None) -> dict[str, str]:
    if not previous:
        return {}
    return {
        "If-None-Match": previous.get("etag") or "",
        "If-Modified-Since": previous.get("last_modified") or "",
    }


class Fetcher:
    """One run's fetching: a polite client, the run's WARC sink, and what was seen."""

    def __init__(
        self,
        client: PoliteClient,
        sink: io.WarcSink,
        run_id: str,
        previous: dict[str, dict[str, Any]],
    ) -> None:
        self.client = client
        self.sink = sink
        self.run_id = run_id
        self.previous = previous
        self.night = Night()
        client.on_robots = lambda response: self.record(response, "robots", None, {})

    def record(
        self, response: Response, kind: str, source: str | None, extra: dict[str, str]
    ) -> None:
        """Keep what a fetch gave: its exchanges in the WARC, a fetch row, a failure line."""
        complete = response.status is not None and response.reason not in ("too_large", "timeout")
        if complete:
            for hop in [*response.redirects, response]:
                fields = {io.FETCH_KIND: kind, **(extra if hop is response else {})}
                if hop is response and hop.reason:
                    fields[io.FETCH_FAILED] = hop.reason
                if hop is response and hop.final_url not in (None, hop.url):
                    fields[io.REQUESTED_URI] = hop.url
                self.sink.write_exchange(
                    hop.final_url or hop.url,
                    hop.fetched_at,
                    hop.request_headers,
                    _status_line(hop),
                    hop.headers,
                    hop.raw,
                    {"WARC-IP-Address": hop.ip or "", **fields},
                )
        elif kind == "article":
            self.night.failures.append(
                {"url": response.url, "fetched_at": response.fetched_at, "error": response.reason}
            )
        self.night.rows.append(
            {
                "url": response.url,
                "kind": kind,
                "source": source,
                "fetched_at": response.fetched_at,
                "final_url": response.final_url,
                "http_status": response.status,
                "reason": response.reason,
                "etag": response.header("ETag"),
                "last_modified": response.header("Last-Modified"),
                "warc": str(self.sink.path) if complete else None,
                "run_id": self.run_id,
            }
        )

    async def listing(self, kind: str, url: str, depth: int = 0) -> None:
        """Read a feed, sitemap or remote URL list, and what a sitemap index points to."""
        previous = self.previous.get(url)
        response = await self.client.fetch(url, html_only=False, conditional=_conditional(previous))
        self.record(response, kind, None, {})
        if response.reason is not None or response.status != 200:
            return  # a failure is in the fetch rows; a 304 means nothing new
        try:
            if kind == "feed":
                found = parse_feed(response.content)
            elif kind == "sitemap":
                found = parse_sitemap(response.content)
            else:
                found = parse_url_list(response.content.decode("utf-8", "replace"))
        except BadSource:
            self.night.rows[-1]["reason"] = f"bad_{kind}"  # kept in the WARC all the same
            return
        self.add(found, url)
        if depth < _MAX_SITEMAP_DEPTH:
            for child in found.sitemaps[:_MAX_SITEMAPS]:
                await self.listing("sitemap", child, depth + 1)

    def add(self, found: Listing, source: str) -> None:
        for url, item in listed_pages(found, source):
            self.night.items.setdefault(url, (item, source))

    async def article(self, url: str, item: Item, source: str) -> None:
        extra = {}
        if item.published_at is not None:
            extra[io.LISTED_PUBLISHED] = item.published_at.isoformat()
        if item.title:
            extra[io.LISTED_TITLE] = " ".join(item.title.split())[:500]
        self.record(await self.client.fetch(url), "article", source, extra)


def listed_pages(found: Listing, source: str) -> list[tuple[str, Item]]:
    """The pages a listing gives, as (normalised URL, item); relative links are read against
    the listing's own URL, and what is not an http(s) URL is left out."""
    base = source if source.startswith(("http://", "https://")) else ""
    pages = []
    for item in found.items:
        try:
            pages.append((normalise_url(urljoin(base, item.url)), item))
        except BadUrl:
            continue
    return pages


async def fetch_night(
    sources: list[SourceConfig],
    config: FetchConfig,
    sink: io.WarcSink,
    run_id: str,
    previous: dict[str, dict[str, Any]],
    already_fetched: Callable[[list[str]], set[str]],
) -> Night:
    """Fetch the listings of `sources`, then every listed article not fetched before."""
    async with PoliteClient(config) as client:
        fetcher = Fetcher(client, sink, run_id, previous)
        for source in sources:
            if source.kind in ("feed", "sitemap") or (source.kind == "urls" and source.url):
                await fetcher.listing(source.kind, normalise_url(source.url or ""))
            elif source.kind == "urls" and source.path:
                fetcher.add(parse_url_list(io.read_text(Path(source.path))), source.path)
        listed = fetcher.night.items
        done = already_fetched(sorted(listed))
        await asyncio.gather(
            *(
                fetcher.article(url, item, source)
                for url, (item, source) in listed.items()
                if url not in done
            )
        )
    return fetcher.night


def previous_fetches(layout: Layout) -> tuple[dict[str, dict[str, Any]], Callable]:
    """The last fetch of each feed and sitemap (for conditional requests), and a lookup of
    article URLs fetched before for good (a transient failure is tried again)."""
    files = io.parquet_files(layout.table("fetches"))
    table = pa.concat_tables([FETCHES.empty_table(), *(io.read_parquet(f, FETCHES) for f in files)])
    latest: dict[str, dict[str, Any]] = {}
    settled: set[str] = set()
    for row in sorted(table.to_pylist(), key=lambda r: r["fetched_at"]):
        if row["kind"] == "article":
            if row["reason"] not in TRANSIENT:
                settled.add(row["url"])
        elif row["reason"] is None and (row["etag"] or row["last_modified"]):
            latest[row["url"]] = row
    return latest, lambda urls: settled.intersection(urls)


def _raw_paths(layout: Layout, run_id: str, day: datetime) -> tuple[Path, Path]:
    folder = layout.raw(day.date())
    stem = f"{day:%Y%m%dT%H%M%S}-{run_id[:8]}"
    return folder / f"{stem}.warc.gz", folder / f"{stem}.failures.jsonl"


@task(name="fetch-sources", retries=0, cache_policy=NO_CACHE)
def fetch_sources(
    sources: list[SourceConfig], config: FetchConfig, warehouse: str, run_id: str
) -> dict[str, Any]:
    """Fetch the sources into the raw zone; return the new input files and the counts."""
    layout = Layout(Path(warehouse))
    previous, already_fetched = previous_fetches(layout)
    started = datetime.now(UTC)
    warc_path, failures_path = _raw_paths(layout, run_id, started)
    sink = io.WarcSink(warc_path)
    try:
        night = asyncio.run(fetch_night(sources, config, sink, run_id, previous, already_fetched))
    except BaseException:
        sink.close(keep=False)
        raise
    inputs = [str(p) for p in [sink.close()] if p is not None]
    if night.failures:
        io.write_jsonl(night.failures, failures_path)
        inputs.append(str(failures_path))
    io.write_parquet(
        pa.Table.from_pylist(night.rows, schema=FETCHES), FETCHES, layout.fetch_file(run_id)
    )
    articles = [r for r in night.rows if r["kind"] == "article"]
    return {
        "inputs": inputs,
        "fetched": sum(r["reason"] is None for r in articles),
        "fetch_failed": sum(r["reason"] is not None for r in articles),
        "listings_unchanged": sum(r["http_status"] == 304 for r in night.rows),
        "listings_failed": sum(
            r["reason"] is not None for r in night.rows if r["kind"] in ("feed", "sitemap", "urls")
        ),
    }
