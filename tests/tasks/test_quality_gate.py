"""The extraction quality gate: the archive's bodies against bare trafilatura on real pages.

Fixtures, chosen by rule and not by score: the 24 benchmark pages of tests/fixtures/html, and
from wcxb-dev (tests/fixtures/wcxb) the 12 article pages with the lowest file ids and the 3
lowest of each other page type. bench/quality.py measures both whole sets; this keeps a floor
under them in CI. Floors were set a little under what the change that added them measured
(benchmark 0.965 against bare 0.962; wcxb articles 0.965 against 0.959; 5 of the 9 listing,
collection and product pages kept out of the articles, all 12 articles in).
"""

import logging
from datetime import UTC, datetime
from statistics import fmean

import pytest
import trafilatura

from bench.metric import body_scores, normalised_words, word_f1
from tasks.config import ExtractConfig
from tasks.extract import extract_page

NOW = datetime(2026, 4, 1, tzinfo=UTC)


def archived_body(html: bytes, url: str) -> str:
    result = extract_page(
        {"url": url, "fetched_at": NOW, "kind": "html", "payload": html}, ExtractConfig()
    )
    return result["body"] if result["status"] == "article" else ""


@pytest.fixture(autouse=True)
def quiet_trafilatura():
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def test_benchmark_pages_beat_bare_trafilatura(benchmark):
    pairs = [(truth["articleBody"], html, truth["url"]) for html, truth in benchmark.values()]
    *_, ours = body_scores((body, archived_body(html, url)) for body, html, url in pairs)
    *_, bare = body_scores((body, trafilatura.extract(html) or "") for body, html, _ in pairs)
    assert ours >= bare and ours >= 0.955, (ours, bare)


def test_wcxb_articles_beat_bare_trafilatura(wcxb):
    pages = [
        (t["main_content"], h, t["url"]) for h, t in wcxb.values() if t["page_type"] == "article"
    ]
    ours = fmean(word_f1(body, archived_body(html, url)) for body, html, url in pages)
    bare = fmean(word_f1(body, trafilatura.extract(html) or "") for body, html, _ in pages)
    assert ours >= bare and ours >= 0.955, (ours, bare)


def test_other_pages_kept_as_articles_are_no_worse_than_bare_trafilatura(wcxb):
    pages = [
        (t["main_content"], h, t["url"]) for h, t in wcxb.values() if t["page_type"] != "article"
    ]
    kept = [(body, html, found) for body, html, url in pages if (found := archived_body(html, url))]
    ours = fmean(word_f1(body, found) for body, _, found in kept)
    bare = fmean(word_f1(body, trafilatura.extract(html) or "") for body, html, _ in kept)
    # A dozen pages of six types: a hundredth either way is noise here; bench/quality.py
    # compares whole types (measured: 9 pages kept, 0.827 against bare's 0.833; 11 and 0.862
    # before two Stack Exchange threads, which score well, were told as forum pages by their
    # microdata).
    assert len(kept) >= 8 and ours >= bare - 0.01 and ours >= 0.80, (len(kept), ours, bare)


def test_shop_and_listing_pages_are_kept_out_and_articles_in(wcxb):
    def archived(truth: dict, html: bytes) -> bool:
        return bool(archived_body(html, truth["url"]))

    by_type: dict[str, list[bool]] = {}
    for html, truth in wcxb.values():
        by_type.setdefault(truth["page_type"], []).append(archived(truth, html))
    assert all(by_type["article"])
    shops_and_lists = by_type["product"] + by_type["collection"] + by_type["listing"]
    assert shops_and_lists.count(False) >= 5, by_type


def test_headlines_of_wcxb_articles(wcxb):
    articles = [(html, truth) for html, truth in wcxb.values() if truth["page_type"] == "article"]
    found = [
        extract_page(
            {"url": truth["url"], "fetched_at": NOW, "kind": "html", "payload": html},
            ExtractConfig(),
        )["title"]
        for html, truth in articles
    ]
    right = sum(
        normalised_words(title) == normalised_words(truth["title"])
        for title, (_, truth) in zip(found, articles, strict=True)
    )
    assert right >= 0.8 * len(articles), list(
        zip(found, [t["title"] for _, t in articles], strict=True)
    )
