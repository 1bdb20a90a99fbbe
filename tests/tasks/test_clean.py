from tasks.clean import KEPT, REPEATED, body_of, mark_paragraphs, page_verdict

PROSE = [
    f"The {who} told reporters on {day} that the {what} would {act} before the end of the year, "
    f"and that {detail} had been discussed at length with officials from the regional council."
    for who, day, what, act, detail in [
        ("mayor", "Monday", "new bridge", "open to traffic", "the cost of repairs"),
        ("minister", "Tuesday", "school budget", "grow by a tenth", "teacher pay"),
        ("police chief", "Wednesday", "inquiry", "report its findings", "witness protection"),
        ("harbour master", "Thursday", "ferry timetable", "change twice", "winter storms"),
    ]
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


def test_a_line_that_recurs_on_its_own_is_content():
    texts = [PROSE[0], "Meal 1", "Eat every 2-3 hours", "Meal 2", "Eat every 2-3 hours", PROSE[1]]
    assert all(p.status == KEPT for p in mark_paragraphs(texts))


def test_a_short_repeated_run_is_content():
    code = ["if err != nil {", "    return err", "}"]
    texts = [PROSE[0], *code, PROSE[1], *code, PROSE[2]]
    assert all(p.status == KEPT for p in mark_paragraphs(texts))


def test_a_line_without_words_goes_with_the_passage_around_it():
    code = ["func check(err error) error {", "  if err != nil {", "    return err", "  }", "}"]
    texts = ["404", "—", "Page not found", PROSE[0], *code, PROSE[1], "* * *", *PROSE[2:]]
    marked = mark_paragraphs([*texts, "", *texts[3:]])
    # the dash inside the error header goes with it; the braces and the break are the story's
    assert statuses(marked[:3]) == [("error_text", "error_page_text")] * 3
    assert body_of(marked) == "\n".join(texts[3:])
    # and the braces of the second capture are dropped with it
    assert {p.status for p in marked[len(texts) :]} == {REPEATED}


def test_a_run_captured_again_is_repeated_however_far_away():
    texts = ["Intro line", *PROSE[:3], "Related: other story", PROSE[3], *PROSE[1:3]]
    marked = mark_paragraphs(texts)
    assert statuses(marked)[-2:] == [(REPEATED, "exact_repeat")] * 2
    assert body_of(marked) == "\n".join(texts[:-2])


def test_first_paragraph_repeating_the_title_is_dropped():
    marked = mark_paragraphs(["Big News Today", *PROSE], title="Big news today!")
    assert statuses(marked)[0] == (REPEATED, "repeat_of_title")
    # the whole heading, of which the headline kept the part beside a kicker
    kicker = "Milan Design Week 2018 | A light installation for Flos"
    marked = mark_paragraphs([kicker, *PROSE], title="A light installation for Flos")
    assert statuses(marked)[0] == (REPEATED, "repeat_of_title")
    assert statuses(mark_paragraphs(PROSE, title="!"))[0] == (KEPT, None)


def test_the_heading_shown_with_a_label_or_counters_is_the_title_too():
    # the <h1> as the body's first line, with what the headline left out (tasks/headline.py)
    title = "Grads find their degrees no longer guarantee jobs"
    for heading in (f"Blog: {title}", f"{title} (latimes.com) 87"):
        marked = mark_paragraphs([heading, *PROSE], title=title)
        assert statuses(marked)[0] == (REPEATED, "repeat_of_title")
    # more words than a label's, or the title's words inside a sentence, are the story's own
    for line in (f"{title} as the industry changes fast", f"Now {title} again"):
        assert statuses(mark_paragraphs([line, *PROSE], title=title))[0] == (KEPT, None)
    # a title of a few words inside a longer first line is no proof
    assert statuses(mark_paragraphs(["Harbour reopens in May", *PROSE], title="Harbour reopens"))[
        0
    ] == (KEPT, None)


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


def test_a_reading_time_line_is_furniture_wherever_it_sits():
    # as news sites write it under the headline, in their languages, with a date or byline
    texts = [
        "Jun 08, 2023 • 11 Minute Read",
        PROSE[0],
        "- 6 min read",
        *PROSE[1:],
        "Lesezeit: 4 Minuten",
        "By Ann Lee — 5 min de lecture",
    ]
    marked = mark_paragraphs(texts)
    assert [p.reason for p in marked if p.status == "boilerplate"] == ["reading_time"] * 4
    assert body_of(marked) == "\n".join(PROSE)


def test_a_sentence_about_reading_time_is_content():
    texts = [*PROSE, "The report is a 40 min read, and worth every minute of it."]
    assert body_of(mark_paragraphs(texts)) == "\n".join(texts)


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


def test_a_run_captured_again_with_small_changes_is_a_near_repeat():
    updated = PROSE[1].replace("a tenth", "a fifth")
    marked = mark_paragraphs([*PROSE, updated, PROSE[2]])
    assert statuses(marked)[-2:] == [(REPEATED, "near_repeat"), (REPEATED, "exact_repeat")]
    assert body_of(marked) == "\n".join(PROSE)


def test_a_japanese_page_captured_twice_keeps_each_paragraph_once():
    """Split at spaces, each Japanese paragraph is one word, too few for a repeated run."""
    story = [
        "市長は月曜日、新しい橋が年末までに完成すると述べた。",
        "費用については地方議会の担当者と長時間にわたって話し合った。",
        "工事は来月から始まる予定だという。",
    ]
    marked = mark_paragraphs(story + story)
    assert [p.status for p in marked] == [KEPT] * 3 + [REPEATED] * 3
    assert page_verdict(marked[:1], None, None, 10) == ("article", None)  # 13 words, not 1
