"""Fetch a URL list in a process of its own and report what it cost in memory.

    python -m tests.web.measure_fetch URLS_FILE WARC_PATH

Prints one JSON object: the fetch rows, the failures, the growth of the peak resident set
size over the process after its imports, and the peak of Python allocations.
"""

import asyncio
import json
import resource
import sys
import tracemalloc
from pathlib import Path

from tasks import io
from tasks.config import FetchConfig, SourceConfig
from tasks.fetching import fetch_night


def main() -> None:
    urls, warc = sys.argv[1], Path(sys.argv[2])
    fetch = FetchConfig(
        delay_seconds=0, timeout_seconds=1, max_retries=1, backoff_seconds=0.1,
        allowed_networks=("127.0.0.1/32",),
    )  # fmt: skip
    sink = io.WarcSink(warc)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    night = asyncio.run(
        fetch_night([SourceConfig(kind="urls", path=urls)], fetch, sink, "r", {}, lambda u: set())
    )
    _, peak = tracemalloc.get_traced_memory()
    sink.close()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    report = {
        "rows": night.rows,
        "failures": night.failures,
        "rss_growth_mb": grown / 1024,
        "python_peak_mb": peak / 2**20,
    }
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
