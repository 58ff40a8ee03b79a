"""GBO: change, reliable change, progress wording, review dates."""

from datetime import date, datetime

import pytest

from portal.instruments import gbo


def test_max_active_goals():
    assert gbo.MAX_ACTIVE_GOALS == 3


def test_change_is_last_minus_first():
    assert gbo.change(2, 7) == 5
    assert gbo.change(7, 2) == -5
    assert gbo.change(0, 10) == 10


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (2, 5, "improvement"),
        (2, 4, "no reliable change"),
        (5, 5, "no reliable change"),
        (5, 3, "no reliable change"),
        (5, 2, "deterioration"),
        (0, 10, "improvement"),
        (10, 0, "deterioration"),
    ],
)
def test_reliable_change_boundaries(first, last, expected):
    assert gbo.reliable_change(first, last) == expected


def test_published_threshold_can_be_used():
    assert gbo.reliable_change(2, 5, threshold=2.45) == "improvement"
    assert gbo.reliable_change(2, 4, threshold=2.45) == "no reliable change"
    assert gbo.reliable_change(4, 1, threshold=2.45) == "deterioration"


@pytest.mark.parametrize(("first", "last"), [(-1, 5), (5, 11), (True, 5), (5, 5.0), ("3", 5)])
def test_impossible_ratings_are_refused(first, last):
    with pytest.raises(ValueError, match="must be a whole number from 0 to 10"):
        gbo.reliable_change(first, last)
    with pytest.raises(ValueError, match="must be a whole number from 0 to 10"):
        gbo.change(first, last)


def test_check_rating():
    assert gbo.check_rating(0) == 0
    assert gbo.check_rating(10) == 10
    with pytest.raises(ValueError, match="GBO rating"):
        gbo.check_rating(11)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [(3, 7, ("up", 4)), (6, 4, ("down", 2)), (5, 5, ("no_change", 0))],
)
def test_progress(first, last, expected):
    assert gbo.progress(first, last) == expected


@pytest.mark.parametrize(
    ("first", "last", "sentence"),
    [
        (3, 7, "Up 4 points since you started"),
        (6, 4, "Down 2 points since you started"),
        (5, 5, "No change since you started"),
        (4, 5, "Up 1 point since you started"),
        (5, 4, "Down 1 point since you started"),
    ],
)
def test_progress_sentence(first, last, sentence):
    assert gbo.progress_sentence(first, last) == sentence


@pytest.mark.parametrize(
    ("start", "months", "review"),
    [
        (date(2024, 1, 15), 3, date(2024, 4, 15)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 10, 31), 3, date(2025, 1, 31)),  # across a year end
        (date(2024, 12, 15), 3, date(2025, 3, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # yearly review
        (date(2024, 1, 31), 24, date(2026, 1, 31)),
    ],
)
def test_next_review_date(start, months, review):
    assert gbo.next_review_date(start, months) == review


def test_next_review_date_defaults_to_three_months():
    assert gbo.next_review_date(date(2024, 5, 31)) == date(2024, 8, 31)


@pytest.mark.parametrize("months", [0, -3, True, 1.5])
def test_next_review_date_refuses_bad_months(months):
    with pytest.raises(ValueError, match="Months until review"):
        gbo.next_review_date(date(2024, 1, 1), months)


def test_next_review_date_refuses_a_datetime():
    with pytest.raises(ValueError, match="must be a date"):
        gbo.next_review_date(datetime(2024, 1, 1, 9, 0))
