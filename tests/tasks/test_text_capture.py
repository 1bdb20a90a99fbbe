from tasks.text_capture import parse_text_capture, split_paragraphs
from tests.conftest import SEED

TITLE = "Putin, Trump set to hold their second phone conversation in two months"


def test_seed_capture_gives_one_clean_article():
    title, paragraphs = parse_text_capture(SEED.read_text())
    assert title == TITLE
    kept = [p.text for p in paragraphs if p.status == "kept"]
    body = "\n".join(kept)
    for bad in (
        "403",
        "Sorry!!",
        "Error!",
        "page you were looking for",
        "Legal Disclaimer",
        "No comment",
    ):
        assert bad not in body
    source_lines = {line.strip() for line in SEED.read_text().splitlines() if line.strip()}
    story = [
        line for line in source_lines if len(line.split()) > 25 and "MENAFN provides" not in line
    ]
    for line in story:
        assert kept.count(line) == 1, line
    removed = {(p.status, p.text) for p in paragraphs if p.status != "kept"}
    assert ("error_text", "403") in removed
    assert ("boilerplate", "No comment") in removed
    assert sum(1 for p in paragraphs if p.status == "repeated") == 12


def test_wrapped_lines_join_into_sentences():
    assert split_paragraphs("Error! the page you were\nlooking for is gone.\nNext") == [
        "Error! the page you were looking for is gone.",
        "Next",
    ]


def test_hard_wrapped_capture_uses_blank_lines():
    block = "This is a line of a wrapped text that goes on\nAnd Continues Here on a new line\n"
    text = "\n".join([block] * 6)
    assert split_paragraphs(text) == [" ".join(block.split())] * 6


def test_given_title_is_kept():
    title, paragraphs = parse_text_capture("First paragraph here.\nSecond one.", title="Given")
    assert title == "Given" and [p.text for p in paragraphs] == [
        "First paragraph here.",
        "Second one.",
    ]


def test_a_headline_in_a_script_without_spaces_is_found():
    # Split at spaces, a Japanese headline is one word: no headline, and the capture's title
    # was its first paragraph's neighbour or nothing.
    text = "\n".join(
        [
            "新しい橋は冬までに開通すると市議会が発表した",
            "市長は月曜日、新しい橋が年末までに完成すると述べた。",
            "費用については地方議会の担当者と長時間にわたって話し合った。",
        ]
    )
    title, paragraphs = parse_text_capture(text)
    assert title == "新しい橋は冬までに開通すると市議会が発表した"
    assert [p.text for p in paragraphs if p.status == "kept"] == text.split("\n")[1:]
    # a Japanese sentence is no headline
    title, _ = parse_text_capture("\n".join(text.split("\n")[1:]))
    assert title is None


def test_a_rule_between_error_lines_is_part_of_the_error_header():
    # "—" lines (no word) inside the header: the whole header is error text, not furniture
    # before the headline, and the headline after it is still found.
    text = (
        "404\n—\nPage not found\n—\nCouncil approves new harbour bridge\n"
        "The council on Monday approved a new bridge across the harbour, officials said.\n"
        "Work will start in spring and last two years, the mayor told reporters.\n"
    )
    title, paragraphs = parse_text_capture(text)
    assert title == "Council approves new harbour bridge"
    assert [p.reason for p in paragraphs] == ["error_page_text"] * 4 + [None, None]
