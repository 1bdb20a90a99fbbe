"""The development sets' metrics as bench/quality.py computes them."""

from bench.metric import body_scores, snippet_counts, snippet_scores, word_f1


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
