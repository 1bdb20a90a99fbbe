from tasks.clean import KEPT, REPEATED, body_of, mark_paragraphs, page_verdict

PROSE = [
    f"Paragraph {n} of the story carries enough words to count as prose in a news article, "
    "with a subject, a verb and some detail about what happened yesterday in the city."
    for n in range(4)
]


def statuses(paragraphs):
    return [(p.status, p.reason) for p in paragraphs]


def test_error_header_around_an_article_is_removed():
    texts = [
        "403",
        "Sorry!!",
        "Error! We're sorry, but the page you were looking for doesn't exist.",
        *PROSE,
    ]
    marked = mark_paragraphs(texts)
    assert [p.status for p in marked[:3]] == ["error_text"] * 3
    assert body_of(marked) == "\n".join(PROSE)


def test_weak_words_alone_are_not_error_text():
    texts = ["Sorry, we could not reach the mayor for comment on Tuesday.", *PROSE]
    assert all(p.status == KEPT for p in mark_paragraphs(texts))


def test_a_page_captured_twice_keeps_each_paragraph_once():
    texts = ["Heading one", *PROSE, "Heading one", *PROSE]
    marked = mark_paragraphs(texts)
    assert body_of(marked) == "\n".join(["Heading one", *PROSE])
    assert [p.status for p in marked[5:]] == [REPEATED] * 5


def test_short_lines_repeated_in_a_schedule_are_content():
    texts = [PROSE[0], "Meal 1", "Eat every 2-3 hours", "Meal 2", "Eat every 2-3 hours", PROSE[1]]
    assert all(p.status == KEPT for p in mark_paragraphs(texts))


def test_first_paragraph_repeating_the_title_is_dropped():
    marked = mark_paragraphs(["Big News Today", *PROSE], title="Big news today!")
    assert statuses(marked)[0] == (REPEATED, "repeat_of_title")


def test_trailing_furniture_is_boilerplate():
    texts = [
        *PROSE,
        "Legal Disclaimer:",
        "The provider gives this as is, without warranty.",
        "Comments",
        "No comment",
    ]
    marked = mark_paragraphs(texts)
    assert [p.status for p in marked[-4:]] == ["boilerplate"] * 4
    assert body_of(marked) == "\n".join(PROSE)


def test_verdicts():
    article = mark_paragraphs(PROSE)
    assert page_verdict(article, 200, "Title", 10) == ("article", None)
    assert page_verdict(article, 404, "Title", 10) == ("error_page", "http_404")
    soft = mark_paragraphs(["Oops!", "The page you are looking for does not exist."])
    assert page_verdict(soft, 200, None, 10) == ("error_page", "soft_404")
    assert page_verdict(mark_paragraphs(["Home"]), 200, "404 Not Found", 10) == (
        "error_page",
        "soft_404",
    )
    assert page_verdict(mark_paragraphs(["Just a few words"]), 200, "Menu", 10) == (
        "not_article",
        "too_short",
    )
