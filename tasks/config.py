"""Frozen configuration for the pure task functions: data with defaults, no behaviour.

Read once at the edge (flows/settings.py) from TOML and environment, then passed down.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExtractConfig(_Frozen):
    """How one page becomes an article."""

    page_timeout_seconds: float = Field(
        5.0, gt=0, description="CPU time per page (tasks/pool.py; the clock stops it at 4x)"
    )
    worker_memory_mb: int = Field(
        2048, ge=256, description="address space a worker may add to what it starts with"
    )
    max_page_bytes: int = Field(10_000_000, gt=0, description="larger payloads fail as too_large")
    # The largest pages of both development sets hold 3,229 and 21,646 tags; a page's parse
    # and trafilatura's copies of it take about 4 KB a tag (a million tags: 4 GB, two minutes).
    max_page_tags: int = Field(
        100_000, gt=0, description="HTML with more tags fails as too_many_elements"
    )
    min_article_words: int = Field(10, ge=0, description="shorter bodies are not_article")
    recall_fallback_words: int = Field(
        100, ge=0, description="with favor_precision, retry without it when the body is shorter"
    )
    # Both off by default: on the two development sets (the 181-page benchmark and wcxb-dev),
    # precision mode and the fast mode each lose more article text than they save furniture
    # (bench/quality.py measures them).
    favor_precision: bool = False
    fast: bool = Field(
        False, description="skip trafilatura's second-opinion extractors (readability, jusText)"
    )
    include_tables: bool = True
    recall_rescue: bool = Field(
        True,
        description="re-extract in trafilatura's recall mode when the body lacks sentences of the"
        " page and recall mode adds mostly sentences",
    )
    keep_non_articles: bool = Field(
        False,
        description="archive listing, product and forum pages as articles too (their"
        " pages.page_type says what they are); by default they are not_article rows",
    )


class RunConfig(_Frozen):
    """How a run is cut into shards and spread over the machine."""

    pages_per_shard: int = Field(500, ge=1, description="files per shard for folders of pages")
    workers: int = Field(0, ge=0, description="extraction processes; 0 means one per core")
    concurrent_shards: int = Field(2, ge=1, description="shards read and written at once")
    task_retries: int = Field(2, ge=0, description="retries of a shard on transient errors")
    dask_address: str | None = Field(
        None, description="tcp://HOST:PORT of a Dask scheduler to run the shard tasks on"
    )
    compact: bool = Field(
        True, description="merge each day's files into one per table after every run"
    )
    keep_results_days: float = Field(
        14, ge=0, description="Prefect task results older than this are deleted after a run"
    )


class DedupConfig(_Frozen):
    """How copies of articles, reused paragraphs and site furniture are found.

    Defaults follow the large web-text pipelines: 5-word shingles, 128 permutations and a
    Jaccard threshold of 0.8 for whole articles. Paragraphs are short, so they use 3-word
    shingles and 64 permutations.
    """

    shingle_words: int = Field(5, ge=1, description="words per shingle of an article body")
    num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations per article")
    threshold: float = Field(0.8, gt=0, lt=1, description="Jaccard above which copies merge")
    recall_weight: float = Field(
        0.9,
        gt=0,
        lt=1,
        description="weight of missed pairs against extra candidates when datasketch picks the"
        " LSH bands; candidates are confirmed by their Jaccard, so extras cost only time",
    )
    containment_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="share of an article's kept words found in one earlier story that makes it"
        " a copy of that story (a trimmed, re-leded or edited copy); 1: only copies wholly in it",
    )
    containment_min_paragraphs: int = Field(
        2, ge=1, description="... in at least this many of its tracked paragraphs"
    )
    paragraph_shingle_words: int = Field(3, ge=1)
    paragraph_num_perm: int = Field(64, ge=16, le=1024)
    paragraph_threshold: float = Field(
        0.7, gt=0, lt=1, description="Jaccard above which a paragraph counts as reused"
    )
    paragraph_min_words: int = Field(
        8, ge=1, description="shorter paragraphs are not tracked for reuse across articles"
    )
    boilerplate_min_pages: int = Field(
        3, ge=2, description="a line is site furniture only if on at least this many articles"
    )
    boilerplate_min_share: float = Field(
        0.1, gt=0, le=1, description="... and on at least this share of the site's articles"
    )
    seed: int = Field(1, description="MinHash seed; changing it makes old signatures useless")
    counting_memory_mb: int = Field(
        512,
        ge=64,
        description="memory for the site furniture counts (the page cache of their database, and"
        " the limit of counting them anew, which spills beyond it)",
    )
    batch_pages: int = Field(
        5000,
        ge=1,
        description="pages decided together; a larger run is decided in groups of this size,"
        " each against the archive and the groups before it (bounds the memory of publishing)",
    )


class FetchConfig(_Frozen):
    """How pages are fetched from the web: politely, safely, within limits."""

    user_agent: str = Field(
        "Broadsheet/0.1 (news archiver; contact: set fetch.user_agent in broadsheet.toml)",
        description="sent with every request; put a contact address in it",
    )
    delay_seconds: float = Field(1.0, ge=0, description="between two requests to one host")
    timeout_seconds: float = Field(10.0, gt=0, description="to connect, and between two reads")
    page_seconds: float = Field(60.0, gt=0, description="wall time for a whole response")
    max_retries: int = Field(3, ge=0, description="after connection errors, 429 and 5xx")
    backoff_seconds: float = Field(1.0, ge=0, description="first retry wait, doubled each time")
    max_retry_after_seconds: float = Field(
        120.0, ge=0, description="a longer Retry-After gives up on the URL for this run"
    )
    max_redirects: int = Field(5, ge=0)
    max_body_bytes: int = Field(10_000_000, gt=0, description="as received; larger is too_large")
    max_decompressed_bytes: int = Field(
        20_000_000, gt=0, description="after gzip/deflate; larger is too_large"
    )
    concurrency: int = Field(8, ge=1, description="requests in flight, all hosts together")
    obey_robots: bool = True
    ca_bundle: str | None = Field(
        None, description="PEM file of certificate authorities to trust instead of certifi's"
    )
    allowed_networks: tuple[str, ...] = Field(
        (), description="private or loopback ranges that may be fetched, e.g. 127.0.0.1/32"
    )


class SourceConfig(_Frozen):
    """One place pages come from: a feed, a sitemap, a URL list, or a path of files."""

    kind: Literal["feed", "sitemap", "urls", "path"]
    url: str | None = Field(None, description="for feed, sitemap, and urls served over HTTP")
    path: str | None = Field(None, description="for path, and urls kept in a local file")

    @model_validator(mode="after")
    def _where(self) -> "SourceConfig":
        if self.kind in ("feed", "sitemap") and not self.url:
            raise ValueError(f"a {self.kind} source needs a url")
        if self.kind == "path" and not self.path:
            raise ValueError("a path source needs a path")
        if self.kind == "urls" and not (self.url or self.path):
            raise ValueError("a urls source needs a url or a path")
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) URL: {self.url}")
        return self


class ScheduleConfig(_Frozen):
    """When `broadsheet serve` runs the nightly archive."""

    cron: str = Field("0 2 * * *", description="cron expression: minute hour day month weekday")
    timezone: str | None = Field(None, description="IANA zone, e.g. Europe/Paris; default: local")
    deployment: str = Field("nightly", description="the deployment's name in Prefect")
