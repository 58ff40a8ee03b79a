"""ReQoL-10: total 0-40 from the content file, clinical range, reliable change."""

import json
import re
from importlib.resources import files

import pytest

from portal.instruments import reqol10
from portal.instruments.definition import parse_instrument

POSITIVE = (2, 4, 5, 7, 8, 10)
NEGATIVE = (1, 3, 6, 9)
NONE_OF_THE_TIME, ONLY_OCCASIONALLY, SOMETIMES, OFTEN, MOST_OR_ALL = range(5)


def answers(positive, negative):
    return {n: positive for n in POSITIVE} | {n: negative for n in NEGATIVE}


def test_best_answers_score_40():
    result = reqol10.score(answers(positive=MOST_OR_ALL, negative=NONE_OF_THE_TIME))

    assert result.total == 40
    assert result.clinical_range is False


def test_worst_answers_score_0():
    result = reqol10.score(answers(positive=NONE_OF_THE_TIME, negative=MOST_OR_ALL))

    assert result.total == 0
    assert result.clinical_range is True


def test_all_none_of_the_time_scores_only_the_negative_items():
    # 4 negative items reversed to 4 each = 16; 6 positive items 0 each
    assert reqol10.score(answers(NONE_OF_THE_TIME, NONE_OF_THE_TIME)).total == 16


def test_worked_mixed_example():
    # item: answer -> score
    # 1 (-) sometimes 2 -> 2      2 (+) often 3 -> 3
    # 3 (-) only occasionally 1 -> 3   4 (+) sometimes 2 -> 2
    # 5 (+) only occasionally 1 -> 1   6 (-) none 0 -> 4
    # 7 (+) sometimes 2 -> 2      8 (+) only occasionally 1 -> 1
    # 9 (-) often 3 -> 1          10 (+) sometimes 2 -> 2
    # total = 2+3+3+2+1+4+2+1+1+2 = 21
    chosen = {1: 2, 2: 3, 3: 1, 4: 2, 5: 1, 6: 0, 7: 2, 8: 1, 9: 3, 10: 2}

    result = reqol10.score(chosen, physical_health=2)

    assert result.total == 21
    assert result.clinical_range is True
    assert result.physical_health == 2
    assert result.item_scores == {1: 2, 2: 3, 3: 3, 4: 2, 5: 1, 6: 4, 7: 2, 8: 1, 9: 1, 10: 2}


def test_clinical_range_boundary():
    # Negatives none (4 x 4 = 16) + items 2,4,5,7 sometimes (4 x 2 = 8) = 24
    at_cutoff = answers(NONE_OF_THE_TIME, NONE_OF_THE_TIME) | {2: 2, 4: 2, 5: 2, 7: 2}
    below_cutoff = at_cutoff | {2: 1}

    assert reqol10.score(at_cutoff).total == 24
    assert reqol10.score(at_cutoff).clinical_range is False
    assert reqol10.score(below_cutoff).total == 23
    assert reqol10.score(below_cutoff).clinical_range is True


def test_physical_health_is_reported_but_not_added_to_the_total():
    best = answers(MOST_OR_ALL, NONE_OF_THE_TIME)

    assert reqol10.score(best, physical_health=4).total == 40
    assert reqol10.score(best, physical_health=0).physical_health == 0
    assert reqol10.score(best).physical_health is None


def test_missing_item_is_named():
    chosen = answers(SOMETIMES, SOMETIMES)
    del chosen[6]

    with pytest.raises(
        ValueError, match=re.escape("ReQoL-10 item 6 (life_not_worth_living) is missing")
    ):
        reqol10.score(chosen)


@pytest.mark.parametrize("value", [-1, 5, True, 2.0, "2", None])
def test_invalid_answer_names_the_item(value):
    chosen = answers(SOMETIMES, SOMETIMES) | {9: value}

    with pytest.raises(ValueError, match=re.escape("ReQoL-10 item 9 (felt_lonely) must be")):
        reqol10.score(chosen)


@pytest.mark.parametrize("number", [0, 11, "1"])
def test_unknown_item_is_refused(number):
    chosen = answers(SOMETIMES, SOMETIMES) | {number: 2}

    with pytest.raises(ValueError, match="is not a ReQoL-10 item"):
        reqol10.score(chosen)


@pytest.mark.parametrize("value", [-1, 5, True, 1.5])
def test_invalid_physical_health_is_refused(value):
    with pytest.raises(ValueError, match=re.escape("(physical_health) must be")):
        reqol10.score(answers(SOMETIMES, SOMETIMES), physical_health=value)


def test_scoring_reads_reversal_from_the_content_file():
    data = json.loads(
        files("portal.instruments").joinpath("content", "reqol10.en.json").read_text("utf-8")
    )
    # A copy where item 2 is negative and item 1 positive
    data["items"][0].update(scale="frequency_positive", reverse=False)
    data["items"][1].update(scale="frequency_negative", reverse=True)
    licensed = parse_instrument(data, "reqol10", "en")
    chosen = answers(SOMETIMES, SOMETIMES) | {1: MOST_OR_ALL, 2: NONE_OF_THE_TIME}

    # Items 3-10 at sometimes = 8 x 2 = 16 either way.
    # Licensed copy: item 1 (+) most or all = 4, item 2 (-) none = 4 -> 24
    # Packaged copy: item 1 (-) most or all = 0, item 2 (+) none = 0 -> 16
    assert reqol10.score(chosen, instrument=licensed).total == 24
    assert reqol10.score(chosen).total == 16


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (20, 25, "improvement"),
        (20, 24, "no reliable change"),
        (20, 20, "no reliable change"),
        (20, 16, "no reliable change"),
        (20, 15, "deterioration"),
        (0, 40, "improvement"),
        (40, 0, "deterioration"),
    ],
)
def test_reliable_change_boundaries(before, after, expected):
    assert reqol10.reliable_change(before, after) == expected


def test_reliable_change_threshold_is_configurable():
    assert reqol10.reliable_change(20, 23, threshold=3) == "improvement"
    assert reqol10.reliable_change(20, 22, threshold=3) == "no reliable change"
    assert reqol10.reliable_change(20, 17, threshold=3) == "deterioration"


@pytest.mark.parametrize(
    ("before", "after"), [(-1, 20), (20, 41), (True, 20), (20, 20.0), (None, 20)]
)
def test_reliable_change_refuses_impossible_totals(before, after):
    with pytest.raises(ValueError, match="total must be a whole number from 0 to 40"):
        reqol10.reliable_change(before, after)


@pytest.mark.parametrize("threshold", [0, -5, True, "5"])
def test_reliable_change_refuses_a_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold"):
        reqol10.reliable_change(20, 25, threshold=threshold)
