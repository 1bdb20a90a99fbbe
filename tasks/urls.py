"""URL normalisation for incremental fetching: pure functions, no I/O."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that track a click and never change the page: campaign tags (Google's
# utm_*, Matomo's mtm_*/pk_*, AT Internet's xtor and at_*, comScore's ns_*), ad and
# search click ids (Google's gclid and srsltid, Microsoft's, TikTok's, X's,
# LinkedIn's), and mail and marketing ids (Mailchimp, HubSpot, Marketo). Feeds add them to
# every link (`?xtor=RSS-3208`), so without this the same story is two URLs.
_TRACKING = re.compile(
    r"^(utm_\w+|mtm_\w+|pk_\w+|ns_\w+|at_(?:medium|campaign|custom\d*)|xtor|cmpid|ocid|ncid"
    r"|fbclid|gclid|dclid|gbraid|wbraid|srsltid|msclkid|yclid|ttclid|twclid|li_fat_id|s_kwcid"
    r"|ef_id|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|_ga|_gl|igshid|ref_src|ref_url|smid|sr_share"
    r"|spm|share|src|__twitter_impression)$",
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
