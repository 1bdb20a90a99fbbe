"""The development sets' metrics as bench/quality.py computes them."""

from datetime import date

from bench.metric import (
    body_scores,
    snippet_counts,
    snippet_scores,
    word_f1,
    writes_day_in_any_form,
)


def test_a_snippet_is_found_by_its_words_in_a_row_whatever_the_punctuation():
    body = "Harbour reopens.\n- The council’s vote, on Monday, was 7 to 2.\nShare this story"
    counts = snippet_counts(
        ["The council's vote on Monday", "was 7 to 2", "a sentence the body lost"],
        ["Share this story", "Sign up", "vote on"],
        body,
    )
    # "vote on" is furniture the labels name that happens to stand in the body's own words
    assert counts == (2, 1, 2, 1)
    # "was 7" does not match inside "was 72": words, not characters
    assert snippet_counts(["was 7"], [], "it was 72 to 2") == (0, 1, 0, 0)


def test_snippet_scores_sum_the_counts_of_all_pages():
    precision, recall, f1 = snippet_scores([(2, 1, 2, 1), (4, 1, 0, 3)])
    assert (precision, recall) == (6 / 8, 6 / 8) and abs(f1 - 0.75) < 1e-12
    assert snippet_scores([]) == (0.0, 0.0, 0.0)


def test_word_f1_is_one_for_two_empty_bodies_and_zero_for_one():
    assert word_f1("", "") == 1.0 and word_f1("some words", "") == 0.0


def test_body_scores_of_a_page_that_shares_nothing_with_its_truth_are_zero():
    assert body_scores([("one two three four five", "six seven eight nine ten")]) == (0, 0, 0)
    assert body_scores([]) == (0, 0, 0)


def test_a_day_is_found_in_the_forms_pages_write_it_and_not_in_a_neighbour():
    day = date(2019, 9, 26)
    assert writes_day_in_any_form(["<p>originally published on   26 Sep 2019 at 4:12pm</p>"], day)
    assert writes_day_in_any_form(['"datePublished":"2019-09-26T04:12:00Z"'], day)
    assert writes_day_in_any_form(["Updated September 26th, 2019"], day)
    assert writes_day_in_any_form(["x", "https://example.com/2019/09/26/story"], day)
    assert writes_day_in_any_form(["09/26/2019"], day) and writes_day_in_any_form(
        ["26.09.2019"], day
    )
    assert not writes_day_in_any_form(["September 2019", "2019-09-27", "Sep 6, 2019"], day)
    assert not writes_day_in_any_form(["16 Sep 2019", "2019/9/266"], date(2019, 9, 6))
