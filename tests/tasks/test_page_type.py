import gzip
import json
from datetime import UTC, datetime

import lxml.html
import pytest

from tasks.config import ExtractConfig
from tasks.extract import extract_page
from tasks.page_type import is_front_page, page_signals
from tasks.structured import read_structured
from tests.conftest import FIXTURES

NOW = datetime(2026, 4, 1, tzinfo=UTC)
SENTENCES = [
    f"The {who} said on {day} that the {what} would be finished before the end of the year, and"
    f" that the cost had been discussed at length with officials from the regional council."
    for who, day, what in [
        ("mayor", "Monday", "new bridge"),
        ("minister", "Tuesday", "school"),
        ("police chief", "Wednesday", "inquiry"),
        ("harbour master", "Thursday", "ferry pier"),
        ("head teacher", "Friday", "library"),
    ]
]


def result(html: str, url: str, **config) -> dict:
    page = {"url": url, "fetched_at": NOW, "kind": "html", "payload": html.encode()}
    return extract_page(page, ExtractConfig(**config))


def test_a_news_story_is_an_article():
    html = f"""<html><head><title>Bridge to open | Valley Times</title>
    <meta property="og:type" content="article">
    <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Bridge to open"}}
    </script></head><body><h1>Bridge to open</h1><article>
    {"".join(f"<p>{s}</p>" for s in SENTENCES)}</article></body></html>"""
    found = result(html, "https://valley.example/2026/03/30/new-bridge-to-open-before-winter")
    assert (found["status"], found["page_type"]) == ("article", "article")


def test_a_shop_page_is_a_product_page_unless_asked_to_keep_it():
    html = f"""<html><head><title>Blue kettle</title>
    <meta property="og:type" content="product">
    <script type="application/ld+json">{{"@type": "Product", "name": "Blue kettle",
    "offers": {{"@type": "Offer", "price": "39.00"}}}}</script></head><body>
    <h1>Blue kettle</h1><p>$39.00</p><button>Add to cart</button>
    <div class="description"><p>{SENTENCES[0]}</p><p>{SENTENCES[1]}</p></div>
    {"".join(f'<div class="card"><a href="/p/{i}">Mug {i}</a> $1{i}.00</div>' for i in range(8))}
    </body></html>"""
    found = result(html, "https://shop.example/p/blue-kettle")
    assert (found["status"], found["reason"], found["page_type"]) == (
        "not_article",
        "product_page",
        "product",
    )
    kept = result(html, "https://shop.example/p/blue-kettle", keep_non_articles=True)
    assert (kept["status"], kept["page_type"]) == ("article", "product")


def test_a_section_front_is_a_listing_page():
    teasers = "".join(
        f'<li class="teaser"><h3><a href="/news/story-{i}">Story number {i} of the day'
        f' in the valley</a></h3><a href="/news/story-{i}">Read more</a></li>'
        for i in range(30)
    )
    html = f"""<html><head><title>News | Valley Times</title>
    <meta property="og:type" content="website"></head>
    <body><nav>{"".join(f'<a href="/{s}">{s}</a>' for s in ("news", "sport", "arts"))}</nav>
    <h1>News</h1><ul>{teasers}</ul></body></html>"""
    found = result(html, "https://valley.example/category/news/")
    assert (found["status"], found["reason"], found["page_type"]) == (
        "not_article",
        "listing_page",
        "listing",
    )


@pytest.mark.parametrize(
    ("url", "front"),
    [
        ("https://lwn.net/", True),
        ("https://www.example.com", True),
        ("https://www.example.com/index.html", True),
        ("https://www.example.com/?utm_source=feed", True),  # tracking only
        ("https://www.example.com/de-at/", True),  # a language and region
        ("https://www.example.com/global/index.php", True),
        ("https://www.example.com/?p=123", False),  # a blog's story by its number
        ("https://www.example.com/news/", False),  # a section: the signals decide
        ("https://www.example.com/en/bridge-to-open", False),
        ("https://archive.example/0f3a9c41d2", False),  # a dump's own address
        ("", False),
    ],
)
def test_a_site_s_front_page_is_told_by_its_address(url, front):
    assert is_front_page(url) is front


def test_a_story_s_own_address_on_the_site_overrules_a_front_page_s():
    # a dump that records the site's address beside each story; a blog moved to a new host;
    # a front page that names itself "/home"
    assert not is_front_page("https://news.example/", "https://news.example/2026/03/30/bridge")
    assert is_front_page("https://blog.golang.org/", "https://go.dev/blog/")
    assert is_front_page("https://www.vercel.com/", "https://vercel.com/home")


def test_a_front_page_is_a_listing_page_though_it_reads_like_a_story():
    """Two real front pages (wcxb-dev fixtures, labelled listings): LWN's shows the start of
    each story, the Go blog's a paragraph of each post. At a story's address, the same
    captures read as articles; at their own, they are listing pages, kept on request."""
    truth = json.loads((FIXTURES / "fronts" / "ground-truth.json").read_text())
    for key, story_url in (
        ("3031", "https://lwn.net/Articles/1004224/"),
        ("2900", "https://blog.golang.org/go-fonts"),
    ):
        html = gzip.decompress((FIXTURES / "fronts" / f"{key}.html.gz").read_bytes()).decode()
        front = result(html, truth[key]["url"])
        assert (front["status"], front["reason"], front["page_type"]) == (
            "not_article",
            "listing_page",
            "listing",
        )
        assert result(html, story_url)["status"] == "article"
        kept = result(html, truth[key]["url"], keep_non_articles=True)
        assert (kept["status"], kept["page_type"]) == ("article", "listing")


def test_a_canonical_link_to_the_front_page_does_not_make_a_story_one():
    story = "".join(f"<p>{s}</p>" for s in SENTENCES)
    html = f"""<html><head><title>Bridge to open</title>
    <link rel="canonical" href="https://valley.example/"></head>
    <body><h1>Bridge to open before the end of the year, the mayor says</h1>{story}</body></html>"""
    found = result(html, "https://valley.example/2026/03/30/bridge-to-open")
    assert (found["status"], found["page_type"]) == ("article", "article")


def test_a_q_and_a_thread_marked_up_in_microdata_is_a_forum_page():
    """Two real Stack Exchange threads (wcxb-dev fixtures): no JSON-LD, no forum-like URL, but
    `itemtype="https://schema.org/QAPage"` on the page."""
    truth = json.loads((FIXTURES / "wcxb" / "ground-truth.json").read_text())
    for key in ("0172", "0360"):
        html = gzip.decompress((FIXTURES / "wcxb" / f"{key}.html.gz").read_bytes())
        page = {"url": truth[key]["url"], "fetched_at": NOW, "kind": "html", "payload": html}
        found = extract_page(page, ExtractConfig())
        assert (found["status"], found["reason"], found["page_type"]) == (
            "not_article",
            "forum_page",
            "forum",
        )


def test_the_url_shape_is_read_from_the_canonical_address_when_the_capture_has_none():
    cards = '<li><a href="/story/{n}"><img src="/{n}.jpg">Story {n} of the day</a></li>'
    links = "".join(cards.format(n=n) for n in range(30))  # a page near the listing line
    story = "".join(f"<p>{s}</p>" for s in SENTENCES[:3])
    page = """<html><head><title>Bridge to open</title>{canonical}</head><body>
    <ul>{links}</ul><h1>Bridge to open</h1><div>{story}</div></body></html>"""
    opaque = "https://archive.example/0f3a9c41d2"  # a dump's or a saved folder's address
    canonical = '<link rel="canonical" href="https://valley.example/2026/03/30/bridge-to-open">'
    with_address = result(page.format(canonical=canonical, links=links, story=story), opaque)
    without = result(page.format(canonical="", links=links, story=story), opaque)
    assert (with_address["status"], with_address["page_type"]) == ("article", "article")
    assert without["page_type"] == "listing"  # the same page, its address lost


def test_a_thread_s_comments_page_is_a_forum_page():
    posts = "".join(f"<div class='post'><p>{s}</p></div>" for s in SENTENCES)
    html = f"<html><head><title>Bridge to open</title></head><body>{posts}</body></html>"
    found = result(html, "https://old.reddit.com/r/valley/comments/1abc23/bridge_to_open/")
    assert (found["status"], found["reason"]) == ("not_article", "forum_page")
    # "comments" only as a whole step of the path: a story about comments is a story
    story = result(html, "https://valley.example/2026/03/30/comments-on-the-bridge-plan")
    assert story["status"] == "article"


def test_a_section_s_name_over_the_page_tips_it_to_a_listing_where_a_headline_does_not():
    cards = "".join(
        f'<li><a href="/story/{n}"><img src="/{n}.jpg">Story {n}</a></li>' for n in range(25)
    )
    story = "".join(f"<p>{s}</p>" for s in SENTENCES[:3])
    page = """<html><head><title>Bridge to open</title></head><body><h1>{h1}</h1>
    <div>{story}</div><ul>{cards}</ul></body></html>"""
    url = "https://valley.example/news/bridge"
    headline = "The new bridge over the river will open before winter, the council says"
    story_page = result(page.format(h1=headline, story=story, cards=cards), url)
    section = result(page.format(h1="Bridges", story=story, cards=cards), url)
    assert (story_page["status"], story_page["page_type"]) == ("article", "article")
    assert (section["status"], section["page_type"]) == ("not_article", "listing")
    # a headline in a script written without spaces is no one-word section name
    japanese = result(
        page.format(h1="新しい橋は冬までに開通すると市議会が発表した", story=story, cards=cards),
        url,
    )
    assert (japanese["status"], japanese["page_type"]) == ("article", "article")


def test_a_short_story_in_a_script_without_spaces_is_an_article_of_its_words():
    """Split at spaces, three Japanese paragraphs are three words: a story too short to keep."""
    story = "".join(
        f"<p>{s}</p>"
        for s in (
            "市長は月曜日、新しい橋が年末までに完成すると述べた。",
            "費用については地方議会の担当者と長時間にわたって話し合った。",
            "工事は来月から始まる予定だという。",
        )
    )
    html = f"""<html><head><title>橋が開通</title></head><body>
    <h1>新しい橋は冬までに開通すると市議会が発表した</h1><article>{story}</article></body></html>"""
    found = result(html, "https://valley.example/2026/03/30/bridge")
    assert (found["status"], found["page_type"]) == ("article", "article")
    assert 30 <= found["word_count"] <= 60  # 77 characters of Japanese, two to a word


def test_sentences_end_with_the_full_stops_of_other_scripts():
    # Hindi, Urdu, Arabic, Amharic, Burmese and Khmer stories: lines ending in their own full
    # stop or question mark are sentences, as an English story's are; a menu's words are not.
    lines = [
        "महापौर ने सोमवार को कहा कि नया पुल साल के अंत तक पूरा हो जाएगा।",
        "میئر نے پیر کو کہا کہ نیا پل سال کے آخر تک مکمل ہو جائے گا۔",
        "هل سيكتمل الجسر الجديد قبل نهاية العام؟",
        "ከንቲባው አዲሱ ድልድይ በዓመቱ መጨረሻ እንደሚጠናቀቅ ሰኞ ተናግረዋል።",
        "မြို့တော်ဝန်က တံတားသစ်ကို နှစ်ကုန်မှာ ပြီးစီးမယ်လို့ ပြောခဲ့ပါတယ်။",
        "អភិបាលក្រុងបាននិយាយកាលពីថ្ងៃច័ន្ទថា ស្ពានថ្មីនឹងសាងសង់រួចរាល់នៅចុងឆ្នាំនេះ។",
        "「新しい橋は年末までに完成する。」",
    ]
    tree = lxml.html.fromstring("<html><body><p>x</p></body></html>")
    signals = page_signals(tree, read_structured(tree), "https://news.example/story", lines)
    assert signals["sentence_share"] == 1.0
    menu = page_signals(tree, read_structured(tree), "https://news.example/", ["समाचार", "खेल"])
    assert menu["sentence_share"] == 0.0
