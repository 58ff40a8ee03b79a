"""The Friends and Family Test summary, small-number suppression, when feedback is offered, themes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.feedback_rules import FFT_ANSWERS, count_themes, offer_due, summarise, suppressed, themes_in


def test_the_six_standard_answers_in_nhs_englands_order() -> None:
    assert FFT_ANSWERS == ("very_good", "good", "neither", "poor", "very_poor", "dont_know")


def test_summary_worked_by_hand() -> None:
    # 7 answers: 3 very good + 2 good = 5 positive = 71% (5/7 = 71.4); 1 poor = 14%; 1 don't know.
    summary = summarise(["very_good", "good", "very_good", "poor", "dont_know", "good", "very_good"])
    assert summary.total == 7
    assert (summary.positive, summary.share(summary.positive)) == (5, 71)
    assert (summary.negative, summary.share(summary.negative)) == (1, 14)
    assert summary.counts["dont_know"] == 1


def test_an_unknown_answer_is_refused() -> None:
    with pytest.raises(ValueError):
        summarise(["excellent"])


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (12, 12)])
def test_counts_from_1_to_4_are_suppressed(count: int, shown: int | None) -> None:
    assert suppressed(count) == shown


def test_fewer_than_5_answers_are_not_shown_beyond_the_team() -> None:
    four = summarise(["good"] * 4)
    assert four.shown(beyond_team=True) is None
    assert four.shown(beyond_team=False) is four
    assert summarise(["good"] * 5).shown(beyond_team=True) is not None


def test_offered_again_only_after_the_interval() -> None:
    today = date.today()
    assert offer_due(None, today, 30)
    assert not offer_due(today - timedelta(days=29), today, 30)
    assert offer_due(today - timedelta(days=30), today, 30)
    assert not offer_due(today, today, 0)  # never twice in a day
    assert offer_due(today - timedelta(days=1), today, 0)


def test_themes_group_free_text_by_whole_words() -> None:
    assert themes_in("Priya listened to me.") == {"listening"}
    assert themes_in("The waiting was long and nobody called back") == {"waiting", "contact"}
    assert themes_in("Unkindness") == set()  # whole words only
    assert count_themes(["I was listened to", "They listened", "Waited ages"])["listening"] == 2
