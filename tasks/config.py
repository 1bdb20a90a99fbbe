"""Frozen configuration for the pure task functions: data with defaults, no behaviour.

Read once at the edge (flows/settings.py) from TOML and environment, then passed down.
"""

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExtractConfig(_Frozen):
    """How one page becomes an article."""

    page_timeout_seconds: float = Field(5.0, gt=0, description="wall time per page")
    worker_memory_mb: int = Field(2048, ge=256, description="address-space cap per worker")
    max_page_bytes: int = Field(10_000_000, gt=0, description="larger payloads fail as too_large")
    min_article_words: int = Field(10, ge=0, description="shorter bodies are not_article")
    recall_fallback_words: int = Field(
        100, ge=0, description="retry without favor_precision when the body is shorter"
    )
    favor_precision: bool = True
    fast: bool = Field(
        True, description="skip trafilatura's second-opinion extractors (readability, jusText)"
    )
    include_tables: bool = True


class RunConfig(_Frozen):
    """How a run is cut into shards and spread over the machine."""

    pages_per_shard: int = Field(500, ge=1, description="files per shard for folders of pages")
    workers: int = Field(0, ge=0, description="extraction processes; 0 means one per core")
    concurrent_shards: int = Field(2, ge=1, description="shards read and written at once")
    task_retries: int = Field(2, ge=0, description="retries of a shard on transient errors")
