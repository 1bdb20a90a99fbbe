"""A progress sink the command line may install; tasks report pages done to it.

Without a sink (a served deployment, a Dask worker) reports go nowhere.
"""

from collections.abc import Callable

_sink: Callable[[int], None] | None = None


def install(sink: Callable[[int], None] | None) -> None:
    """Send progress reports to `sink` (None to stop)."""
    global _sink
    _sink = sink


def advance(pages: int) -> None:
    """Report that `pages` more pages are done."""
    if _sink is not None:
        _sink(pages)
