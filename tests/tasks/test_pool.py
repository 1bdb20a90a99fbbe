"""The CPU-time limit a page runs under in a worker (tasks/pool.py)."""

import signal
import time

import pytest

from tasks.pool import PageOvertime, within_cpu_time


def _spin(seconds: float) -> str:
    """Use `seconds` of CPU time, behind a handler that swallows every Exception, as the
    fallbacks inside trafilatura do."""
    try:
        start = time.process_time()
        while time.process_time() - start < seconds:
            pass
    except Exception:
        return "swallowed"
    return "finished"


def test_a_page_is_stopped_by_the_cpu_time_it_uses_whatever_its_own_code_catches():
    started = time.process_time()
    with pytest.raises(PageOvertime):
        within_cpu_time(0.2, _spin, 5.0)
    assert time.process_time() - started < 1.0
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)  # nothing left armed


def test_time_a_page_waits_is_not_counted():
    # A loaded machine makes a page wait for a core: that time is not the page's, so the same
    # page gets the same outcome on a busy night and a quiet one.
    assert within_cpu_time(0.2, time.sleep, 0.6) is None
    assert within_cpu_time(1.0, _spin, 0.1) == "finished"
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
