"""A progress sink the command line may install; the flow reports its stage, tasks report
pages done.

Without a sink (a served deployment, a Dask worker) reports go nowhere.
"""

from collections.abc import Callable

_pages: Callable[[int], None] | None = None
_stage: Callable[[str], None] | None = None


def install(
    pages: Callable[[int], None] | None, stage: Callable[[str], None] | None = None
) -> None:
    """Send pages-done reports to `pages` and stage names to `stage` (None to stop)."""
    global _pages, _stage
    _pages, _stage = pages, stage


def advance(pages: int) -> None:
    """Report that `pages` more pages are done."""
    if _pages is not None:
        _pages(pages)


def stage(name: str) -> None:
    """Report that the run has moved on to stage `name` (fetching, extracting, ...)."""
    if _stage is not None:
        _stage(name)
