from datetime import UTC, datetime, timedelta

import pytest

from tasks.http import retry_after
from tasks.sources import BadSource, parse_feed, parse_sitemap, parse_url_list
from tasks.urls import BadUrl, normalise_url


def test_urls_are_normalised_to_what_identifies_a_page():
    assert (
        normalise_url("HTTP://News.Example.COM:80/a/./b/../c?utm_source=x&b=2&a=1&fbclid=9#top")
        == "http://news.example.com/a/c?a=1&b=2"
    )
    # what feeds, search results and mail campaigns add to a story's address
    for tracked in (
        "?xtor=RSS-3208",
        "?srsltid=AfmBOoox5O",
        "?ns_mchannel=rss&ns_source=PublicRSS20-sa",
        "?at_medium=RSS&at_campaign=rss",
        "?mtm_campaign=x&pk_kwd=y",
        "?_hsenc=p2A&_hsmi=2&mkt_tok=NzA",
    ):
        assert normalise_url("https://news.example/a" + tracked) == "https://news.example/a"
    assert (
        normalise_url("https://news.example/a?page=2&id=7") == "https://news.example/a?id=7&page=2"
    )
    assert normalise_url("https://example.org:443") == "https://example.org/"
    assert normalise_url("https://example.org:8443/x") == "https://example.org:8443/x"
    for bad in ("ftp://example.org/x", "not a url", "https:///nohost"):
        with pytest.raises(BadUrl):
            normalise_url(bad)


def test_feeds_give_links_dates_and_titles():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel>
    <item><title>A</title><link>https://x.org/a</link>
    <pubDate>Tue, 03 Jun 2025 09:39:21 GMT</pubDate></item>
    <item><title>B</title><link>https://x.org/b</link></item></channel></rss>"""
    (a, b) = parse_feed(rss).items
    assert (a.url, a.title, a.published_at) == (
        "https://x.org/a", "A", datetime(2025, 6, 3, 9, 39, 21, tzinfo=UTC)
    )  # fmt: skip
    assert b.published_at is None
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>C</title>
    <link href="https://x.org/c"/><updated>2025-06-01T10:00:00Z</updated></entry></feed>"""
    assert parse_feed(atom).items[0].url == "https://x.org/c"


def test_xml_with_entity_declarations_is_refused():
    laughs = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item>
    <link>https://x.org/&b;</link></item></channel></rss>"""
    external = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>"""
    with pytest.raises(BadSource):
        parse_feed(laughs)
    with pytest.raises(BadSource):
        parse_sitemap(external)


def test_sitemap_indexes_and_news_sitemaps():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://x.org/s1.xml.gz</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index).sitemaps == ["https://x.org/s1.xml.gz"]
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.org/n</loc>
    <news:news><news:publication_date>2025-06-02T08:00:00+02:00</news:publication_date>
    <news:title>N</news:title></news:news></url></urlset>"""
    (item,) = parse_sitemap(news).items
    assert item.published_at == datetime(2025, 6, 2, 6, tzinfo=UTC) and item.title == "N"


def test_url_lists_skip_comments_and_blank_lines():
    listing = parse_url_list(
        "# nightly list\n\nhttps://x.org/a\n  https://x.org/b  \n#https://x.org/c\n"
    )
    assert [i.url for i in listing.items] == ["https://x.org/a", "https://x.org/b"]


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert retry_after("2", now) == 2.0
    later = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after(later, now) == 30.0
    assert retry_after("soon", now) is None


def test_a_sitemap_with_blank_lines_before_its_declaration_is_read():
    body = b'\xef\xbb\xbf\n\n<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.org/a</loc></url></urlset>'
    assert [i.url for i in parse_sitemap(body).items] == ["https://x.org/a"]


def test_relative_feed_links_are_read_against_the_feed():
    from tasks.fetching import listed_pages
    from tasks.sources import Item, Listing

    found = Listing(items=[Item("/news/1"), Item("https://y.org/2"), Item("mailto:x@y.org")])
    urls = [url for url, _ in listed_pages(found, "https://x.org/feed")]
    assert urls == ["https://x.org/news/1", "https://y.org/2"]
