from lxml.html import fromstring

from tasks.headline import choose_headline, visible_text, without_site_name
from tasks.structured import read_structured


def headline(page: str, site: str | None = None, url: str = "https://www.example.org/a") -> str:
    tree = fromstring(page)
    return choose_headline(tree, read_structured(tree), site, url)


def test_the_h1_the_metadata_agrees_with_beats_the_title_tag_and_the_logo():
    page = """<html><head><title>Harbour to reopen in May | The Valley Times</title>
    <meta property="og:title" content="Harbour reopens in May after storm repairs"></head>
    <body><h1>The Valley Times</h1><nav><h1>Menu</h1></nav>
    <article><h1>Harbour to reopen in May after a winter of repairs</h1></article></body></html>"""
    assert (
        headline(page, "The Valley Times") == "Harbour to reopen in May after a winter of repairs"
    )


def test_without_an_agreeing_h1_the_title_loses_the_site_name():
    page = """<html><head><title>Example News &#8211; Council votes on budget</title></head>
    <body><h1>Latest</h1><p>Text</p></body></html>"""
    assert headline(page, url="https://news.example.com/x") == "Council votes on budget"


def test_json_ld_headline_is_read_and_unescaped():
    page = """<html><head><script type="application/ld+json">
    {"@graph": [{"@type": "NewsArticle", "headline": "Fish &amp; chips prices rise"}]}
    </script><script type="application/ld+json">{broken</script></head><body></body></html>"""
    assert headline(page) == "Fish & chips prices rise"


def test_site_name_segments_are_dropped_from_either_end():
    assert without_site_name("Story of the day - Gazette", {"gazette"}) == "Story of the day"
    assert without_site_name("Gazette » Story of the day", {"gazette"}) == "Story of the day"
    assert without_site_name("No separator here", {"gazette"}) == "No separator here"


def test_a_drop_cap_stays_in_its_word_and_markup_between_words_parts_them():
    page = (
        "<html><head><title>Planning Cycle Tips</title></head><body>"
        "<h1><span class='cap'>P</span>lanning <em>cycle</em> tips</h1></body></html>"
    )
    assert headline(page) == "Planning cycle tips"
    two_spans = fromstring("<h1><span>Best Tools</span><span>Top Picks</span></h1>")
    assert visible_text(two_spans) == "Best Tools Top Picks"
