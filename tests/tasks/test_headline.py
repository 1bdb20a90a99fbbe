from lxml.html import fromstring

from tasks.headline import (
    choose_headline,
    plausible_site_name,
    story_segment,
    trim_site_name,
    visible_text,
    without_host,
    without_site_name,
)
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


def test_a_heading_linking_to_another_story_is_a_teaser_not_the_headline():
    teaser = '<a href="/2025/06/where-to-swim-in-the-river"><h1>Where to swim in the river</h1></a>'
    for own in (
        "<h1>Harbour pools reopen for the summer</h1>",
        # a blog's title linking to the post itself is no teaser
        '<h1><a href="https://www.example.org/a/">Harbour pools reopen for the summer</a></h1>',
    ):
        page = f"""<html><head><title>Where to swim in the harbour | The Valley Times</title>
        </head><body><article>{own}<p>Text</p></article><section>{teaser}</section></body></html>"""
        # the teaser shares more words with the <title>
        assert headline(page, "The Valley Times") == "Harbour pools reopen for the summer"
    lone = """<html><body><h1><a href="/other-story">Other story</a></h1>
    <h1>Harbour pools reopen</h1></body></html>"""
    assert headline(lone) == "Harbour pools reopen"


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


def test_a_site_name_segment_at_either_end_of_the_h1_goes_and_inner_colons_stay():
    page = """<html><head><title>Critics' Choice: Best Exhibitions 2025 – Artlyst</title></head>
    <body><h1>Critics' Choice: Best Exhibitions 2025 – Artlyst</h1></body></html>"""
    assert headline(page, "Artlyst") == "Critics' Choice: Best Exhibitions 2025"
    assert trim_site_name("Gazette | Budget: what changes", {"gazette"}) == "Budget: what changes"


def test_a_dateline_and_a_byline_heading_inside_the_h1_are_not_the_headline():
    page = """<html><head><title>Preparing a transition | Colin's blog</title></head><body>
    <h1><a href="/p"><time datetime="2025-12-18">Dec <span>18</span> 2025</time>
    Preparing a transition</a></h1>
    <h1 class="hero">Optimising block storage<div class="divider"></div>
    <h3><span>Posted on <time>July 1, 2024</time></span> by infuy</h3></h1></body></html>"""
    tree = fromstring(page)
    assert [visible_text(h).strip() for h in tree.iter("h1")] == [
        "Preparing a transition",
        "Optimising block storage",
    ]


def test_a_json_ld_headline_cut_short_gives_way_to_the_whole_title():
    whole = (
        "Fix It Friday: Struggling With How To Arrange Your Living Room? We Help 4 Readers Find"
        " Solutions (Including One Universal Trick That Works)"
    )
    cut = whole[:107]
    page = f"""<html><head><title>{whole} - Emily Henderson</title>
    <script type="application/ld+json">{{"@type": "BlogPosting", "headline": "{cut}"}}</script>
    </head><body><p>Text</p></body></html>"""
    assert headline(page, "Emily Henderson") == whole
    short = """<html><head><title>Harbour reopens in May after storm repairs</title>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour reopens"}
    </script></head><body></body></html>"""
    assert headline(short) == "Harbour reopens"


def test_a_site_name_field_holding_the_page_title_or_a_sentence_is_no_site_name():
    title = "Top 10 Shoe Companies You Should Know About - Fastarz"
    assert not plausible_site_name(title, title)
    sentence = "Copyright UC Regents. For more information on our terms, visit us"
    assert not plausible_site_name(sentence, None)
    assert plausible_site_name("The Valley Times", title)


def test_a_site_name_is_learned_from_the_title_beside_the_page_s_own_title():
    # a blog's name in its <h1>, known only because the <title> puts it beside og:title
    page = """<html><head><title>Engora Data Blog: Small adventures with small models</title>
    <meta property="og:title" content="Small adventures with small models"></head>
    <body><h1>Engora Data Blog</h1><h2>Small adventures with small models</h2></body></html>"""
    assert headline(page, url="https://blog.engora.com/p") == "Small adventures with small models"
    # an og:title that names only the site makes no story a site name
    page = """<html><head><title>Which lawnmower for which lawn? | Robomow</title>
    <meta property="og:title" content="Robomow"></head>
    <body><h1>Which lawnmower for which lawn?</h1></body></html>"""
    assert headline(page, "Robomow") == "Which lawnmower for which lawn?"


def test_an_h1_that_spells_the_host_is_the_site_s_name():
    page = """<html><head><title>Reflections on building a UI pipeline</title></head>
    <body><h1>Playful Tones</h1><p>Text</p></body></html>"""
    url = "https://playfultones.com/blog/ui"
    assert headline(page, url=url) == "Reflections on building a UI pipeline"


def test_an_h1_sharing_one_word_with_the_metadata_does_not_agree_with_it():
    # A blog's post holds an <h1> for each section; one shares "models" with the title.
    page = """<html><head><title>Small adventures with small language models | Data Blog</title>
    </head><body><h1>Data Blog</h1><h1>So many models!</h1><h1>The code</h1></body></html>"""
    assert headline(page, "Data Blog") == "Small adventures with small language models"
    # a heading of two words shares one by right: a documentation page's "Crate tokio"
    crate = """<html><head><title>tokio - Rust</title></head>
    <body><h1>Crate tokio</h1></body></html>"""
    assert headline(crate, "Rust") == "Crate tokio"


def test_a_one_word_heading_shares_its_word_with_a_long_title_by_chance():
    # A write-up rendered on a code host: the page's <h1> is the file's name, and the write-up's
    # own sections are <h1>s too; "Discord" is one of the 17 words of its title.
    page = """<html><head><title>How we pwned X (Twitter), Vercel, Cursor, Discord, and hundreds
    of companies through a supply-chain attack</title></head><body><h1>hackermondev/writeup.md</h1>
    <article><h1>Discord</h1><p>Text</p><h1>Mintlify</h1></article></body></html>"""
    assert headline(page, url="https://gist.example.com/x").startswith("How we pwned X (Twitter)")
    # under ten words, the page's one-word heading is its name ("Headlamps" of a shop)
    shop = """<html><head><title>Headlamps for Camping, Hiking &amp; Running</title></head>
    <body><h1>Headlamps</h1></body></html>"""
    assert headline(shop) == "Headlamps"


def test_a_heading_whose_template_lost_characters_gives_way_to_the_metadata():
    # The template wrote "?" for the colon and the "'s" it could not encode.
    page = """<html><head><title>What Are The Basics Of Event Planning: Beginner&#x27;s Guide
    </title></head><body><h1>What Are The Basics Of Event Planning? Beginner? Guide</h1>
    </body></html>"""
    assert headline(page) == "What Are The Basics Of Event Planning: Beginner's Guide"
    # a question mark of the headline's own stays
    asked = """<html><head><title>Is coffee good for you? | The Daily</title></head>
    <body><h1>Is coffee good for you? Doctors weigh in</h1></body></html>"""
    assert headline(asked, "The Daily") == "Is coffee good for you? Doctors weigh in"


def test_a_heading_in_capitals_gives_way_to_the_metadata_title():
    page = """<html><head><title>GAAP Compliance: Applying Accounting Best Practices To Your
    Business</title></head><body><h1>SUPPORTING GAAP COMPLIANCE</h1></body></html>"""
    assert headline(page) == "GAAP Compliance: Applying Accounting Best Practices To Your Business"
    same = """<html><head><title>Weekend Coding Agent | The Focus</title></head>
    <body><h1>WEEKEND CODING AGENT</h1></body></html>"""
    assert headline(same, "The Focus") == "Weekend Coding Agent"
    # a lone heading in capitals is still the last resort; one word is a name ("NASA")
    lone = """<html><head><title>The Focus</title></head><body><h1>WEEKEND CODING AGENT</h1>
    </body></html>"""
    assert headline(lone, "The Focus") == "WEEKEND CODING AGENT"
    named = """<html><head><title>NASA news and features</title></head><body><h1>NASA</h1>
    </body></html>"""
    assert headline(named) == "NASA"


def test_a_section_or_tagline_after_a_vertical_bar_in_the_h1_goes():
    page = """<html><head><title>How meditation rewires brains | Opinion | The Daily</title>
    </head><body><h1>How meditation rewires brains | Opinion</h1></body></html>"""
    assert headline(page, "The Daily") == "How meditation rewires brains"
    topic_first = """<html><head><title>Budget 2025 | What the new tax slabs mean for you</title>
    </head><body><h1>Budget 2025 | What the new tax slabs mean for you</h1></body></html>"""
    assert headline(topic_first) == "What the new tax slabs mean for you"


def test_of_the_agreeing_h1s_the_one_sharing_most_words_with_the_title_wins():
    # A diet story's section headings end with "Reviews", which the <title> also holds.
    page = """<html><head><title>Atkins diet (14 days): lose up to 10 kg. Reviews</title></head>
    <body><h1>Atkins diet: lose up to 10 kilograms in 14 days</h1><h1>Second phase</h1>
    <h1>Reviews</h1></body></html>"""
    assert headline(page) == "Atkins diet: lose up to 10 kilograms in 14 days"


def test_the_longest_part_counts_the_words_of_scripts_without_spaces():
    # "Xinhua | Xi meets the US president": a space-split count makes both parts one word
    assert story_segment("新华网 | 习近平会见美国总统") == "习近平会见美国总统"
    assert without_site_name("新华网 - 习近平会见美国总统", set()) == "习近平会见美国总统"


def test_a_label_or_counters_in_the_h1_that_the_metadata_leaves_out_are_not_headline_words():
    kicker = """<html><head><meta property="og:title" content="Best Agencies in 2025 | Example">
    </head><body><h1><strong>Blog:</strong> Best Agencies in 2025</h1></body></html>"""
    assert headline(kicker, "Example") == "Best Agencies in 2025"
    # A discussion site's story heading: the link to the source and the comment count are
    # elements of their own, nested in a wrapper.
    counters = """<html><head><title>Grads Find Their Degrees No Longer Guarantee Jobs - Dots
    </title></head><body><h1 class="story"><span class="story-title"><a href="/s">Grads Find
    Their Degrees No Longer Guarantee Jobs</a> <span><a href="https://news.example.com/x">
    (news.example.com)</a></span></span> <span class="comment-bubble"><a href="#c">87</a></span>
    </h1></body></html>"""
    assert (
        headline(counters, url="https://dots.example.org/story/1")
        == "Grads Find Their Degrees No Longer Guarantee Jobs"
    )


def test_an_h1_keeps_words_the_metadata_leaves_out_when_they_are_more_than_a_label():
    # Four words in markup of their own are part of the headline, not a label: the h1 stays.
    page = """<html><head><meta property="og:title" content="Harbour reopens"></head><body>
    <h1><span>After a long winter</span> Harbour reopens</h1></body></html>"""
    assert headline(page) == "After a long winter Harbour reopens"
    # A label written in the h1's own text, not in markup of its own, stays too.
    inline = """<html><head><meta property="og:title" content="Harbour reopens"></head><body>
    <h1>Update: Harbour reopens</h1></body></html>"""
    assert headline(inline) == "Update: Harbour reopens"


def test_the_sites_address_before_a_title_without_separator_goes():
    page = """<html><head><title>davidbau.com Vibe Coding</title></head><body>
    <h1><a href="/">davidbau.com</a></h1><p>Text</p></body></html>"""
    assert headline(page, url="https://davidbau.com/archives/2025/vibe.html") == "Vibe Coding"
    assert without_host("Example.org Vibe Coding", "www.example.org") == "Vibe Coding"
    # beside a single word, or anywhere but first, it may be the story's subject: it stays
    assert without_host("Example.org launches", "example.org") == "Example.org launches"
    assert without_host("Vibe Coding on example.org", "example.org") == (
        "Vibe Coding on example.org"
    )
