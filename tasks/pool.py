"""A pool of extraction processes with a CPU-time limit and a memory cap per page.

Trafilatura is CPU-bound Python, so pages are spread over processes. A page's limit counts the
CPU time its worker spends on it, not the time on the clock: on a loaded machine (a Dask
cluster's workers beside the pool, another job) a page takes longer by the clock but not in
CPU time, and a clock limit made the same page an article one night and a `timeout` row the
next. A page past its CPU time is stopped in the worker and recorded as failed. A page stuck
where the CPU clock cannot stop it (inside one long call into C) is stopped by the clock at
`WALL_CLOCK_MARGIN` times the limit: its worker is killed and replaced (from a fork server that
has trafilatura loaded, so a replacement costs a fork and the import of the program's main
module, about 0.3 s for the `broadsheet` command, not an interpreter start with trafilatura,
about 2 s). One pool serves every shard task of a process, until `shutdown`.
"""

import gc
import logging
import os
import resource
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from tasks import forkserver
from tasks.config import DedupConfig, ExtractConfig
from tasks.extract import failed, process_page, use_fast_element_lookup
from tasks.fast_xpath import speed_up_library_xpaths

_IN_FLIGHT_PER_WORKER = 4
# A page stopped by the clock rather than by its CPU time: enough for the machine to be loaded
# four times over (two Dask workers' pools on each core) before the clock decides.
WALL_CLOCK_MARGIN = 4
_Result = TypeVar("_Result")
_lock = threading.Lock()
_pool: ProcessPool | None = None
_pool_key: tuple[int, int] | None = None


def _address_space_bytes() -> int:
    """The address space this process has mapped (Linux: VmSize), 0 where unknown."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _start_worker(megabytes: int) -> None:
    """Cap the address space the worker may add to what it starts with, quiet trafilatura's
    per-page warnings and set the worker up for speed."""
    # The cap counts from what the worker has already mapped: a worker re-imports the main
    # module of its program, and a program that imports DuckDB and Prefect (a flow run from a
    # script, bench/quality.py) starts at 1.8 GB of address space, against 0.4 GB for the
    # `broadsheet` command. A flat cap let such a worker fail a 5 MB page as memory_limit.
    limit = _address_space_bytes() + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    use_fast_element_lookup()
    speed_up_library_xpaths()  # about a fifth of a page's time
    # The objects a worker starts with (the modules of trafilatura, lxml, numpy and the rest)
    # live as long as it does. Frozen, the collector stops scanning them again on every full
    # collection: 7% fewer instructions a page.
    gc.freeze()


class PageOvertime(BaseException):
    """A page's CPU time ran out. A BaseException, as KeyboardInterrupt is: the `except
    Exception` clauses around trafilatura's fallbacks must not swallow it."""


_limit_armed = False


def _overrun(signum: int, frame: object) -> None:
    # A signal already pending when the call returned must not stop the code after it.
    if _limit_armed:
        raise PageOvertime


def within_cpu_time(seconds: float, function: Callable[..., _Result], *args: Any) -> _Result:
    """`function(*args)`, stopped with PageOvertime once it has used `seconds` of the process's
    CPU time (user and system). For a process's main thread, where signal handlers run; the
    stop comes between two Python instructions, so a long call into C finishes first."""
    global _limit_armed
    signal.signal(signal.SIGPROF, _overrun)
    _limit_armed = True
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return function(*args)
    finally:
        _limit_armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)


def _extract_within_limit(
    page: dict[str, Any], config: ExtractConfig, dedup: DedupConfig
) -> dict[str, Any]:
    """process_page in a worker; a `timeout` failure once the page's CPU time runs out."""
    try:
        return within_cpu_time(config.page_timeout_seconds, process_page, page, config, dedup)
    except PageOvertime:
        return failed("timeout")


def worker_count(requested: int) -> int:
    """Processes to use: `requested`, or one per available core when it is 0."""
    return requested or len(os.sched_getaffinity(0))


def _shared_pool(workers: int, memory_mb: int) -> ProcessPool:
    global _pool, _pool_key
    with _lock:
        if _pool is None or _pool_key != (workers, memory_mb) or not _pool.active:
            if _pool is not None:
                # Joined too: a pool stopped and left unjoined keeps workers the fork server
                # waits on, and `shutdown` then hung in stopping the fork server.
                _pool.stop()
                _pool.join()
            _pool = ProcessPool(
                max_workers=workers,
                initializer=_start_worker,
                initargs=(memory_mb,),
                context=forkserver.fork_context(),
            )
            _pool_key = (workers, memory_mb)
        return _pool


def shutdown() -> None:
    """Stop the shared pool, if one was started, and the fork server it forked from."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.stop()
            _pool.join()
            _pool = None
        forkserver.stop()


def _outcome(future: Any) -> dict[str, Any]:
    try:
        return future.result()
    except FutureTimeout:
        return failed("timeout")
    except ProcessExpired as error:
        # The kernel kills a worker over its memory cap in C code (lxml) with no MemoryError.
        return failed("memory_limit" if error.exitcode in (-9, -11) else "worker_crashed")
    except MemoryError:
        return failed("memory_limit")
    except Exception:
        return failed("extract_error")


def extract_pages(
    pages: Iterable[dict[str, Any]],
    config: ExtractConfig,
    workers: int = 0,
    dedup: DedupConfig | None = None,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (page, result) for each page, in input order, extracting and sketching
    (tasks/extract.py process_page) on all workers.

    At most a few pages per worker are in flight, so memory stays flat however long the input.
    """
    size = worker_count(workers)
    pool = _shared_pool(size, config.worker_memory_mb)
    dedup = dedup or DedupConfig()
    in_flight: deque = deque()
    for page in pages:
        future = pool.schedule(
            _extract_within_limit,
            args=(page, config, dedup),
            timeout=config.page_timeout_seconds * WALL_CLOCK_MARGIN,
        )
        in_flight.append((page, future))
        if len(in_flight) >= size * _IN_FLIGHT_PER_WORKER:
            done, future = in_flight.popleft()
            yield done, _outcome(future)
    while in_flight:
        done, future = in_flight.popleft()
        yield done, _outcome(future)
