"""A polite and safe HTTP client (httpx) for fetching feeds, sitemaps and articles.

Polite: one request at a time per host, `delay_seconds` (or the host's robots.txt Crawl-delay,
if longer) between the end of one request and the start of the next, robots.txt read once per
host and obeyed, a global limit on requests in flight, retries with exponential backoff and
jitter on connection errors, 429 and 5xx, honouring Retry-After.

Safe: every connection, redirects included, goes to an address checked after DNS resolution
(private, loopback, link-local, multicast and reserved ranges are refused unless listed in
`allowed_networks`), and the request is sent to that very address, so a second DNS answer
cannot send it elsewhere; at most `max_redirects` redirects; bodies are capped while they
stream, before and after decompression.

Failures are returned as a `reason` code, never raised: http_NNN, timeout, too_large,
robots_disallowed, blocked_address, not_html, redirect_loop, connection_error, tls_error.
"""

import asyncio
import ipaddress
import random
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from tasks.config import FetchConfig
from tasks.io import is_html

_RETRY_STATUSES = {429, 500, 502, 503, 504}
_REDIRECTS = {301, 302, 303, 307, 308}


class Failure(Exception):
    """A fetch that cannot succeed; `reason` is the code recorded for the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class Response:
    """One fetched URL: the last response (after redirects) or the reason it failed."""

    url: str  # as asked for
    fetched_at: datetime
    reason: str | None = None  # None when fetched
    status: int | None = None
    final_url: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes = b""  # the body as received (content-encoded), for the WARC record
    content: bytes = b""  # the body decoded, for parsing
    ip: str | None = None
    http_version: str = "HTTP/1.1"
    redirects: list["Response"] = field(default_factory=list)  # the hops before this one

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class _Decoder:
    """Content-Encoding decoding that never holds more than `limit` decoded bytes."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        encoding = (encoding or "identity").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._zlib: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        else:
            self._zlib = None
        self.limit = limit
        self.buffer = bytearray()
        self.size = 0

    def feed(self, data: bytes) -> None:
        while data:
            if self._zlib is None:
                out, data = data, b""
            else:
                out = self._zlib.decompress(data, self.limit - self.size + 1)
                data = self._zlib.unconsumed_tail
            self.size += len(out)
            if self.size > self.limit:
                raise Failure("too_large", f"more than {self.limit} bytes decompressed")
            self.buffer += out

    def content(self) -> bytes:
        return bytes(self.buffer)


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one robots.txt fetch
    ready_at: float = 0.0
    delay: float = 0.0
    robots: RobotFileParser | None = None
    unreachable: str | None = None  # why robots.txt got no answer at all (timeout, ...)


def _is_tls(error: BaseException) -> bool:
    """Whether a connection failed on its certificate or TLS handshake."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


class PoliteClient:
    """Fetch URLs politely and safely; use as `async with PoliteClient(config) as client`."""

    def __init__(self, config: FetchConfig, transport: httpx.AsyncBaseTransport | None = None):
        self.config = config
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in config.allowed_networks]
        self.hosts: dict[str, _Host] = {}
        self.in_flight = asyncio.Semaphore(config.concurrency)
        # Told of every robots.txt answer, so the caller can keep it with the rest.
        self.on_robots: Callable[[Response], None] = lambda response: None
        self.robots_agent = config.user_agent.split("/")[0].split()[0] or "*"
        timeout = httpx.Timeout(config.timeout_seconds)
        trust = ssl.create_default_context(cafile=config.ca_bundle) if config.ca_bundle else True
        self.client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            verify=trust,
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> "PoliteClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    # --- safety ---------------------------------------------------------------------------

    def is_allowed(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """Public unicast addresses, and whatever `allowed_networks` lists."""
        if any(address in network for network in self.allowed):
            return True
        return address.is_global and not address.is_multicast

    async def resolve(self, host: str, port: int) -> str:
        """The first address of `host`, after checking every address it resolves to."""
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise Failure("connection_error", f"cannot resolve {host}: {error}") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        refused = [a for a in addresses if not self.is_allowed(a)]
        if refused or not addresses:
            raise Failure("blocked_address", f"{host} resolves to {refused or 'nothing'}")
        return str(addresses[0])

    # --- politeness -----------------------------------------------------------------------

    def _host(self, netloc: str) -> _Host:
        if netloc not in self.hosts:
            self.hosts[netloc] = _Host(delay=self.config.delay_seconds)
        return self.hosts[netloc]

    async def _robots(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        host = self._host(parts.netloc)
        async with host.robots_lock:
            if host.robots is None:
                host.robots = await self._read_robots(f"{parts.scheme}://{parts.netloc}", host)
        return host.robots

    async def _read_robots(self, origin: str, host: _Host) -> RobotFileParser:
        """Fetch and parse a host's robots.txt: a 4xx allows everything, an unreachable or
        failing robots.txt allows nothing this run; a Crawl-delay lengthens the host's delay."""
        robots = RobotFileParser()
        answer = await self._exchange(f"{origin}/robots.txt", host)
        self.on_robots(answer)
        if answer.reason is None and answer.status == 200:
            robots.parse(answer.content.decode("utf-8", "replace").splitlines())
        elif answer.status is not None and 400 <= answer.status < 500:
            robots.parse([])
        else:
            robots.parse(["User-agent: *", "Disallow: /"])
            if answer.status is None:
                host.unreachable = answer.reason
        crawl_delay = robots.crawl_delay(self.robots_agent)
        if crawl_delay:
            host.delay = max(host.delay, float(crawl_delay))
            host.ready_at = max(host.ready_at, time.monotonic() + host.delay)
        return robots

    async def _exchange(self, url: str, host: _Host, conditional: dict | None = None) -> Response:
        """One URL, no redirects followed, with the host's delay and the retries."""
        attempt = 0
        while True:
            async with host.lock:
                wait = host.ready_at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    async with self.in_flight:
                        answer = await self._request(url, conditional)
                finally:
                    host.ready_at = time.monotonic() + host.delay
            retry = answer.reason in ("timeout", "connection_error") or (
                answer.status in _RETRY_STATUSES
            )
            if not retry or attempt >= self.config.max_retries:
                return answer
            backoff = self.config.backoff_seconds * 2**attempt * random.uniform(0.5, 1.5)
            asked = retry_after(answer.header("Retry-After"), datetime.now(UTC))
            if asked is not None and asked > self.config.max_retry_after_seconds:
                return answer
            await asyncio.sleep(max(backoff, asked or 0.0))
            attempt += 1

    async def _request(self, url: str, conditional: dict | None) -> Response:
        fetched_at = datetime.now(UTC)
        answer = Response(url=url, fetched_at=fetched_at, final_url=url)
        parts = httpx.URL(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            address = await self.resolve(parts.host, port)
            answer.ip = address
            headers = {"Host": parts.netloc.decode("ascii")}
            headers.update({k: v for k, v in (conditional or {}).items() if v})
            extensions = {"sni_hostname": parts.host} if parts.scheme == "https" else {}
            request = self.client.build_request(
                "GET", parts.copy_with(host=address), headers=headers, extensions=extensions
            )
            answer.request_headers = [(k, v) for k, v in request.headers.items()]
            async with asyncio.timeout(self.config.page_seconds):
                response = await self.client.send(request, stream=True)
                try:
                    await self._read(response, answer)
                finally:
                    await response.aclose()
        except Failure as failure:
            answer.reason = failure.reason
        except (TimeoutError, httpx.TimeoutException):
            answer.reason = "timeout"
        except httpx.HTTPError as error:
            answer.reason = "tls_error" if _is_tls(error) else "connection_error"
        return answer

    async def _read(self, response: httpx.Response, answer: Response) -> None:
        answer.status = response.status_code
        answer.http_version = response.http_version
        answer.headers = [(k, v) for k, v in response.headers.multi_items()]
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.config.max_body_bytes:
            raise Failure("too_large", f"Content-Length {declared}")
        decoder = _Decoder(
            response.headers.get("Content-Encoding"), self.config.max_decompressed_bytes
        )
        raw = bytearray()
        async for chunk in response.aiter_raw():
            raw += chunk
            if len(raw) > self.config.max_body_bytes:
                raise Failure("too_large", f"more than {self.config.max_body_bytes} bytes")
            decoder.feed(chunk)
        answer.raw = bytes(raw)
        answer.content = decoder.content()
        if response.status_code >= 400:
            answer.reason = f"http_{response.status_code}"

    # --- the one public call --------------------------------------------------------------

    async def fetch(
        self, url: str, html_only: bool = True, conditional: dict | None = None
    ) -> Response:
        """Fetch `url`, following redirects; the result carries a reason when it failed.

        `html_only` turns any other content type into not_html; `conditional` adds
        If-None-Match / If-Modified-Since headers (a 304 answer has status 304, no reason).
        """
        seen = {url}
        current = url
        hops: list[Response] = []
        for _ in range(self.config.max_redirects + 1):
            parts = httpx.URL(current)
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
                await self.resolve(parts.host, port)  # refuse before even asking for robots.txt
            except Failure as failure:
                return Response(url, datetime.now(UTC), failure.reason, final_url=current)
            host = self._host(urlsplit(current).netloc)
            if self.config.obey_robots:
                robots = await self._robots(current)
                if not robots.can_fetch(self.robots_agent, current):
                    reason = host.unreachable or "robots_disallowed"
                    return Response(url, datetime.now(UTC), reason, final_url=current)
            answer = await self._exchange(current, host, conditional)
            answer.url, answer.final_url, answer.redirects = url, current, hops
            location = answer.header("Location")
            if answer.reason is None and answer.status in _REDIRECTS and location:
                current = urljoin(current, location)
                if current in seen:
                    answer.reason = "redirect_loop"
                    return answer
                seen.add(current)
                hops = [*hops, answer]
                continue
            if answer.reason is None and html_only and answer.status == 200:
                # (a page that names no type is taken as it comes, as before)
                content_type = answer.header("Content-Type")
                if content_type and not is_html(content_type, answer.content[:512]):
                    answer.reason = "not_html"
            return answer
        answer.reason = "redirect_loop"  # more redirects than max_redirects
        return answer
