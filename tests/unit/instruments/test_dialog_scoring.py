"""DIALOG: means only from complete answers; errors name the item."""

import re

import pytest

from portal.instruments import dialog


def all_rated(rating):
    return {number: rating for number in range(1, 12)}


def test_item_groups():
    assert list(dialog.QUALITY_OF_LIFE_ITEMS) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert list(dialog.TREATMENT_ITEMS) == [9, 10, 11]


def test_worked_example():
    # Items 1-8: 3+5+2+4+6+7+1+5 = 33, 33/8 = 4.125
    # Items 9-11: 5+6+2 = 13, 13/3 = 4.333...
    ratings = {1: 3, 2: 5, 3: 2, 4: 4, 5: 6, 6: 7, 7: 1, 8: 5, 9: 5, 10: 6, 11: 2}

    result = dialog.score(ratings, more_help=[10, 3, 10])

    assert result.quality_of_life == 4.125
    assert result.treatment_satisfaction == pytest.approx(4.3333333, abs=1e-6)
    assert result.ratings == ratings
    assert result.more_help == (3, 10)


def test_extremes():
    assert dialog.score(all_rated(1)).quality_of_life == 1.0
    assert dialog.score(all_rated(7)).treatment_satisfaction == 7.0


def test_groups_do_not_leak_into_each_other():
    # Items 1-8 all 7, items 9-11 all 1
    ratings = {number: 7 if number <= 8 else 1 for number in range(1, 12)}

    result = dialog.score(ratings)

    assert result.quality_of_life == 7.0
    assert result.treatment_satisfaction == 1.0


def test_ratings_are_a_copy():
    ratings = all_rated(4)

    result = dialog.score(ratings)
    ratings[1] = 1

    assert result.ratings[1] == 4


def test_no_more_help_by_default():
    assert dialog.score(all_rated(4)).more_help == ()


def test_missing_item_is_named_and_no_mean_is_computed():
    ratings = all_rated(4)
    del ratings[4]

    with pytest.raises(ValueError, match=re.escape("DIALOG item 4 (accommodation) is missing")):
        dialog.score(ratings)


def test_missing_treatment_item_is_named():
    ratings = all_rated(4)
    del ratings[11]

    with pytest.raises(ValueError, match=re.escape("DIALOG item 11 (meetings) is missing")):
        dialog.score(ratings)


@pytest.mark.parametrize("rating", [0, 8, -1])
def test_out_of_range_rating_names_the_item(rating):
    ratings = all_rated(4) | {8: rating}

    with pytest.raises(ValueError, match=re.escape("DIALOG item 8 (personal_safety) must be")):
        dialog.score(ratings)


@pytest.mark.parametrize("rating", [True, 4.0, "4", None])
def test_non_integer_rating_is_refused(rating):
    ratings = all_rated(4) | {2: rating}

    with pytest.raises(ValueError, match=re.escape("DIALOG item 2 (physical_health)")):
        dialog.score(ratings)


@pytest.mark.parametrize("number", [0, 12, "1", True])
def test_unknown_item_is_refused(number):
    ratings = all_rated(4)
    if number is True:
        del ratings[1]
    ratings[number] = 4

    with pytest.raises(ValueError, match="is not a DIALOG item"):
        dialog.score(ratings)


def test_ratings_must_be_a_mapping():
    with pytest.raises(ValueError, match="must map item numbers"):
        dialog.score([4] * 11)


@pytest.mark.parametrize("number", [0, 12, True, "3"])
def test_more_help_outside_the_items_is_refused(number):
    with pytest.raises(ValueError, match="not a DIALOG item"):
        dialog.score(all_rated(4), more_help=[number])


def test_more_help_accepts_every_item():
    assert dialog.score(all_rated(4), more_help=range(1, 12)).more_help == tuple(range(1, 12))
