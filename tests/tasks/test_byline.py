"""The author a page shows near its headline (tasks/byline.py)."""

import re
from datetime import date

import pytest
import trafilatura
from lxml.html import fromstring

from tasks.byline import (
    byline_author,
    byline_date,
    clean_author,
    clean_authors,
    name_beside_date,
    names_no_person,
    same_names,
    tag_names,
    without_tags,
)
from tasks.dates import shown_day

URL = "https://www.example.com/2025/05/a-story"


def author(body: str, url: str = URL) -> str | None:
    return byline_author(fromstring(f"<html><body>{body}</body></html>"), url)


@pytest.mark.parametrize(
    ("markup", "name"),
    [
        (
            '<h1>T</h1><p class="meta"><a href="/author/jane-doe/">Jane Doe</a> · May 4</p>',
            "Jane Doe",
        ),
        ('<h1>T</h1><a href="https://example.com/people/li-wei">Articles by Li Wei</a>', "Li Wei"),
        (
            "<h1>T</h1><div><span>By</span> <a href='#'>Ana María Ruiz</a> on May 4, 2025</div>",
            "Ana María Ruiz",
        ),
        ("<h1>T</h1><p>Written by Tom Okafor | Updated 3 June 2025</p>", "Tom Okafor"),
        ("<h1>T</h1><p>By Sofia Gonzalez December 12, 2025</p>", "Sofia Gonzalez"),
        ("<h1>T</h1><p>Von Jonas Berg, 12.05.2025</p>", "Jonas Berg"),
        ("<h1>T</h1><p>Автор: Иван Петров</p>", "Иван Петров"),
        ("<p>By Anyone</p>", "Anyone"),  # no headline: the whole page is looked at
        # a label in an element of its own, the name in the next one
        ("<h1>T</h1><div><span>Written by</span><div><b>Eliz Hart</b></div></div>", "Eliz Hart"),
        ("<h1>T</h1><h3>Author</h3><p> Lisa D. Ellis</p>", "Lisa D. Ellis"),
        # the name after the label, in the same element
        ("<h1>T</h1><div><strong>Contributors:</strong> Janet Loughrey</div>", "Janet Loughrey"),
        (
            "<h1>T</h1><span><span>Author </span>Posted by <a href='/u/1'>Mo Tan</a></span>",
            "Mo Tan",
        ),
        # the date the line opens with, then the byline
        (
            '<h1>T</h1><div><time datetime="2017-03-01">03/01/2017</time> by Agatha Caleo, '
            "Candidate Representative</div>",
            "Agatha Caleo",
        ),
        # date and byline over the headline, in the headline's own block
        (
            "<article><div><span>Published August 7, 2023</span> <span>by Nicole Burke</span>"
            "</div><div><h1>T</h1></div><p>Text.</p></article>",
            "Nicole Burke",
        ),
    ],
)
def test_a_byline_near_the_headline_names_the_author(markup, name):
    assert author(markup) == name


@pytest.mark.parametrize(
    "markup",
    [
        # menus, footers and social profiles are no bylines
        "<nav><p>By Role</p></nav><h1>T</h1><p>Text.</p>",
        '<h1>T</h1><a href="https://bsky.app/profile/someone">Blue Sky</a>',
        "<h1>T</h1><footer><p>By Example Media Group</p></footer>",
        # what follows "by" must read like a name
        "<h1>T</h1><p>by the end of this tutorial you will know</p>",
        "<h1>T</h1><p>By 2030, half of all cars will be electric.</p>",
        '<h1>T</h1><a href="/author/">Author</a>',
        # a byline before the headline belongs to something else (a teaser, a menu)
        "<p>By Someone Else</p><h1>T</h1><p>Text without a byline.</p>",
        "<div><p>By Someone Else</p></div><article><h1>T</h1><p>Text.</p></article>",
        # a label alone is one only when it is a byline's; code shows SQL keywords one by one
        "<h1>T</h1><pre><span>GROUP</span> <span>BY</span> <span>DEFAULT</span></pre>",
        "<h1>T</h1><h3>Author</h3><p>Lisa Ellis writes about <b>science</b> and medicine.</p>",
        # a link so named is a tab or a menu's
        "<h1>T</h1><a href='/e14273/authors'>Authors</a> <a href='/cites'>Cited by (332)</a>",
    ],
)
def test_what_is_no_byline_names_nobody(markup):
    assert author(markup) is None


def test_a_link_to_the_author_page_wins_over_a_by_line():
    markup = "<h1>T</h1><p>By the editors</p><p>By Staff</p><a href='/writers/mei-lin'>Mei Lin</a>"
    assert author(markup) == "Mei Lin"


def test_a_profile_link_inside_a_sentence_is_who_the_story_is_about(byline_pages):
    # Al Jazeera links "US President Donald Trump" to /topics/people/donald-trump.html in its
    # story and names no author; The Hill links "Rep. Ilhan Omar" to /people/ilhan-omar above
    # its reporter's byline link.
    found = {
        truth["url"].split("/")[2]: byline_author(trafilatura.load_html(html), truth["url"])
        for html, truth in byline_pages.values()
    }
    assert found["www.aljazeera.com"] is None
    assert found["thehill.com"] == "Justine Coleman"
    rest = " the plan for the harbour two weeks before the vote and said nothing of it to the"
    rest += " other members of the council or to the press, the report published on Monday says."
    mention = "<h1>T</h1><p>The council's leader, <a href='/people/ann-lee'>Ann Lee</a>, knew of"
    assert author(f"{mention}{rest}</p>") is None
    note = "<h1>T</h1><p><a href='/people/ann-lee'>Ann Lee</a> wrote this story. She knew of"
    assert author(f"{note}{rest}</p>") == "Ann Lee"  # an author's note opens with the name


@pytest.mark.parametrize(
    ("authors", "no_person"),
    [
        ("Harbour Gazette", True),  # the site's name
        ("Gazette Media", True),  # an organisation in the JSON-LD
        ("kevin-r", True),  # an account's handle
        ("KatieS; andrew.keaveney", True),
        ("Ann Lee", False),
        ("Ann Lee; Harbour Gazette", False),
        ("", False),
    ],
)
def test_a_credit_names_no_person(authors, no_person):
    assert names_no_person(authors, frozenset(["Gazette Media"]), "Harbour Gazette") is no_person


def test_a_discussions_handles_are_its_members_names():
    assert not names_no_person("Shancock", frozenset(), "Warriorforum", handles_are_names=True)


def test_same_names_however_joined():
    assert same_names("Linny; Peter", "Linny and Peter")
    assert not same_names("Linny; Peter", "Laura")


def test_only_elements_near_the_headline_are_read():
    filler = "".join(f"<p>Paragraph {n}.</p>" for n in range(1000))
    assert author(f"<h1>T</h1>{filler}<p>By Late Name</p>") is None


@pytest.mark.parametrize(
    ("found", "name"),
    [
        ("Author Jane Doe", "Jane Doe"),
        ("By Tom Okafor", "Tom Okafor"),
        ("Recipe by PJ Hamel", "PJ Hamel"),
        ("Haley Hoekstra • March 3, 2025", "Haley Hoekstra"),
        ("Jordana Cepelewicz December", "Jordana Cepelewicz"),
        ("Tom May", "Tom May"),  # a month is also a name
        ("David Jackson - FullStack Editorial Team", "David Jackson"),
        ("Read more about The Upwork Team", "The Upwork Team"),
        ("Updated January", None),
        ("undefined", None),  # a script's empty value, a form field's label
        ("Name", None),
        ("Authorized Dealer", None),  # words about authors, in an element classed "author..."
        ("Reset-Author", None),
        ("Shancock Posted", "Shancock"),  # the date it was posted in the next element
        # other languages' credit words ("text", "author"), and a name that opens with a
        # character that can be one ("文" in "文在寅", "文：" a credit)
        ("Текст Венера Ерофеева", "Венера Ерофеева"),
        ("Autorin: Maria Huber", "Maria Huber"),
        ("作者：张三", "张三"),
        ("記者 山田太郎", "山田太郎"),
        ("文在寅", "文在寅"),
        ("若本站收录的文章侵犯了您的权益，请联系我们删除侵权内容", None),  # a notice, not a name
        ("Center for Drug Evaluation and Research", "Center for Drug Evaluation and Research"),
        ("山田太郎", "山田太郎"),  # no capitals to go by: kept as it came
        # job titles, beats and credentials after a name, or alone
        ("Harry Rabinowitz Tech Reporter", "Harry Rabinowitz"),
        ("Liz Kenny Former McKinsey Consultant", "Liz Kenny"),
        ("Linda Rosencrance Contributing Writer", "Linda Rosencrance"),
        ("Cara Dumaplin RN", "Cara Dumaplin"),
        ("Genevieve Carlton, Ph.D.", "Genevieve Carlton"),
        ("By STEVE PEOPLES, AP National Political Writer", "STEVE PEOPLES"),
        ("Zach Writer", "Zach Writer"),  # one word before a role: too little to cut at
        ("Help Net Security", "Help Net Security"),  # beats cut only before a role
        ("Lead Reviewer", None),
        ("Digital-Security Expert", None),
        ("BSN", None),
        ("Community Development", None),
        # a short form that reads as a credential opens some names ("Md" for Muhammad), but
        # not a credential opening a credit's other part
        ("Md Aynal Haque", "Md Aynal Haque"),
        ("Md. Rafiqul Islam", "Md. Rafiqul Islam"),
        ("DVM Reviewed by Molly Price", None),
        ("Licensed Q Arabica Grader", None),
        # dates, furniture and credits that name nobody
        ("Wyndo Dec", "Wyndo"),
        ("Jeff Foust Monday", "Jeff Foust"),
        ("Dec", None),
        ("October", None),
        ("Written By", None),
        ("©", None),
        ("Conditions Privacy Policy", None),
        ("The Author", None),
        (", USA TODAY", None),  # the name before the separator is missing
        ("CM Craig McCarthy", "Craig McCarthy"),  # an avatar's initials
        ("This post was written by Danielle Padula", "Danielle Padula"),
    ],
)
def test_author_names_lose_what_surrounds_them(found, name):
    assert clean_author(found) == name


def test_an_author_field_keeps_each_cleaned_name():
    assert clean_authors("By Ana Ruiz; Updated May 3; Mei Lin, Staff Writer") == "Ana Ruiz; Mei Lin"
    assert clean_authors("Updated March") is None and clean_authors(None) is None


def test_a_tag_s_name_is_no_author_s():
    tree = fromstring(
        "<html><body><a rel='tag' href='/x'>Elections</a>"
        "<a href='https://example.com/blog/tag/personal-finance'>Personal finance</a>"
        "<a href='/category/opinion/'>Opinion</a>"
        "<a href='/tag/jane-doe'>Jane Doe</a><a href='/author/jane-doe'>Jane Doe</a>"
        "<a href='/topics/people/ana-ruiz'>Ana Ruiz</a></body></html>"
    )
    tags = tag_names(tree)
    # a name that also links to an author's page stays a name; a subject's page is no tag
    assert tags == {"elections", "personal finance", "opinion"}
    assert without_tags("Personal finance", tags) is None
    assert without_tags("Opinion; Ana Ruiz", tags) == "Ana Ruiz"
    assert without_tags("Jane Doe", tags) == "Jane Doe" and without_tags(None, tags) is None


def test_joint_credits_become_names_and_the_site_gives_way_to_a_person():
    assert clean_authors("By MEG KINNARD and ERRIN HAINES, Associated Press") == (
        "MEG KINNARD; ERRIN HAINES"
    )
    assert clean_authors("Ana Ruiz & Li Wei") == "Ana Ruiz; Li Wei"
    assert clean_authors("Salt and Pepper") == "Salt and Pepper"  # not two full names
    assert clean_authors(["Brett Cruz", "Privacy", "Digital Security Expert"]) == "Brett Cruz"
    assert clean_authors(["Jane Doe", "Example Times"], "Example Times") == "Jane Doe"
    assert clean_authors(["Example Times"], "Example Times") == "Example Times"


def _day(text: str) -> str | None:
    """A stand-in for the archive's date reader: ISO days and "Month D, YYYY"."""
    months = "January February March April May June July August September October November"
    for number, month in enumerate(f"{months} December".split(), 1):
        if found := re.search(rf"{month} (\d+), (\d{{4}})", text):
            return f"{found[2]}-{number:02d}-{int(found[1]):02d}"
    found = re.match(r"\d{4}-\d\d-\d\d", text)
    return found[0] if found else None


def shown(body: str, headline: str | None = "Harbour reopens") -> str | None:
    return byline_date(fromstring(f"<html><body>{body}</body></html>"), headline, _day)


@pytest.mark.parametrize(
    ("markup", "day"),
    [
        ("<h1>Harbour reopens</h1><p>By Jane Doe · March 3, 2025</p>", "2025-03-03"),
        # a <time>'s datetime before its text ("1 day ago")
        (
            '<h1>Harbour reopens</h1><time datetime="2019-11-19T11:45:59Z">1 day ago</time>',
            "2019-11-19",
        ),
        # an update's date is passed over, in its own line or after a label in another element
        (
            "<h1>Harbour reopens</h1><p>Updated May 1, 2025</p><p>Published March 3, 2025</p>",
            "2025-03-03",
        ),
        (
            "<h1>Harbour reopens</h1><p><span>Last modified:</span> <span>May 1, 2025</span></p>"
            "<p>By Jane Doe, March 3, 2025</p>",
            "2025-03-03",
        ),
        ("<h1>Harbour reopens</h1><p>Aktualisiert: May 1, 2025</p>", None),
        ("<h1>Harbour reopens</h1><p>更新时间：2025-05-01</p><p>2025-03-03</p>", "2025-03-03"),
        # over the headline in its own block, not in the page's header
        (
            "<header>Friday, December 19, 2025</header><article><div><span>March 3, 2025</span>"
            "<h1>Harbour reopens</h1></div><p>Text.</p></article>",
            "2025-03-03",
        ),
        # after the story has begun, a date is the story's, not the byline's
        (
            "<h1>Harbour reopens</h1>"
            + "<p>The harbour reopened to ships after a long winter of repairs.</p>" * 10
            + "<p>March 3, 2025</p>",
            None,
        ),
    ],
)
def test_the_date_shown_with_the_headline(markup, day):
    assert shown(markup) == day


def test_no_date_is_read_after_an_h1_that_is_not_the_headline():
    # a forum's <h1> names the board; the dates after it are its members' join dates
    markup = "<h1>Example Forums</h1><p>Joined March 3, 2012</p><h2>Harbour reopens</h2>"
    assert shown(markup) is None
    assert shown("<h1>Harbour reopens</h1><p>March 3, 2025</p>", headline=None) is None


def _beside_date(body: str) -> str | None:
    tree = fromstring(f"<html><body><h1>Harbour reopens after the storm</h1>{body}</body></html>")
    return name_beside_date(
        tree, "Harbour reopens after the storm", lambda text: shown_day(text, date(2026, 1, 1))
    )


@pytest.mark.parametrize(
    ("markup", "name"),
    [
        ("<p>Dec. 19, 2025 · Niko Matsakis on behalf of the project</p>", "Niko Matsakis"),
        (
            "<p><span>Jane van der Berg</span><span>|</span><time>March 3, 2025</time></p>",
            "Jane van der Berg",
        ),
        ("<p>Jane van der Berg | March 3, 2025</p>", "Jane van der Berg"),
        (
            "<div><span>2025-12-17</span><span>·</span><span>Trond Teigen</span></div>",
            "Trond Teigen",
        ),
        ("<p>Dec 26, 2025 • Mahua Das in <a href='/c/pm'>Project Management</a></p>", "Mahua Das"),
        ("<div><p>Julian K. Arni</p><p>Dec 17, 2025</p></div>", "Julian K. Arni"),
        ("<p>2025-12-17 · <a title='Jo Lund'><img alt='Jo Lund'><b>Jo Lund</b></a></p>", "Jo Lund"),
        # no name: a section, a label, an acronym's organisation, a reading time, a link's text
        ("<p>March 3, 2025 · Technology</p>", None),
        ("<p>March 3, 2025 · No Comments</p>", None),
        ("<p>March 3, 2025 · Filed Under</p>", None),
        ("<p>March 3, 2025 · AI Alignment Forum</p>", None),
        ("<p>March 3, 2025 · 5 min read</p>", None),
        ("<p>March 3, 2025 · <a href='/section/climate'>Climate Desk</a></p>", None),
        ("<p>Nobody signs this story.</p>", None),
    ],
)
def test_a_name_beside_the_date_under_the_headline(markup, name):
    assert _beside_date(markup) == name
