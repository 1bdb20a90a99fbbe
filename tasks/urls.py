"""URL normalisation for incremental fetching: pure functions, no I/O."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that track a click and never change the page (campaign, click and mail ids).
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid"
    r"|ocid|cmpid|ncid|ref_src|ref_url|smid|sr_share|spm|share|src|__twitter_impression)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class BadUrl(ValueError):
    """A URL that cannot be fetched (no http(s) scheme or no host)."""


def _dot_segments(path: str) -> str:
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    joined = "/".join(out)
    return joined if joined.startswith("/") else "/" + joined


def normalise_url(url: str) -> str:
    """The form of `url` that identifies a page: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, dot segments resolved, the rest of the query sorted.

    Raises BadUrl for anything that is not an absolute http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise BadUrl(f"not a URL: {url!r} ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BadUrl(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ]
    )
    rebuilt = urlunsplit((scheme, netloc, _dot_segments(parts.path or "/"), query, ""))
    return canonicalize_url(rebuilt)
