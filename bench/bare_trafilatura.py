"""The baseline of bench/extraction.py: bare `trafilatura.extract` with default settings, on one
core, in a process that imports nothing but trafilatura (a process that also holds the
pipeline's modules runs it about 6% slower: its garbage collector has more objects to scan).

    python bench/bare_trafilatura.py CORPUS_DIR

Prints JSON: {"pages_per_second": float, "bodies": {page id: body}}.
"""

import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from bench.corpus import load_corpus

_WARM_UP_PAGES = 5  # the first calls pay for trafilatura's lazy set-up


def main() -> None:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages, _ = load_corpus(Path(sys.argv[1]))
    for html in list(pages.values())[:_WARM_UP_PAGES]:
        trafilatura.extract(html)
    start = time.perf_counter()
    bodies = {key: trafilatura.extract(html) or "" for key, html in pages.items()}
    rate = len(pages) / (time.perf_counter() - start)
    json.dump({"pages_per_second": rate, "bodies": bodies}, sys.stdout)


if __name__ == "__main__":
    main()
