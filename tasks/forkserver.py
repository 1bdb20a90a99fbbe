"""The fork server extraction workers come from (see tasks/pool.py).

Kept apart from the pool so that starting it imports nothing heavy: the command line starts it
before it imports Prefect, and the fork server's own imports (trafilatura, numpy, datasketch:
about 3 s) run meanwhile on the other core.
"""

import contextlib
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver

PRELOADED = ["tasks.extract"]  # what every worker needs, imported once in the fork server


def fork_context() -> multiprocessing.context.ForkServerContext:
    """The multiprocessing context whose fork server has the extraction code loaded."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    return context


def start() -> None:
    """Start the fork server now, without waiting for its imports; one already running is
    kept."""
    fork_context()
    multiprocessing.forkserver.ensure_running()


def stop() -> None:
    """Stop the fork server, if one runs; the next pool starts a new one.

    It keeps trafilatura loaded (over 100 MiB) while publishing runs. Python has no public
    call to stop it.
    """
    with contextlib.suppress(AttributeError):
        multiprocessing.forkserver._forkserver._stop()  # type: ignore[attr-defined]
