"""Safety prompts: support and key worker flags at each boundary."""

import pytest

from portal.instruments import safety
from portal.instruments.safety import SafetyThresholds, check_dialog, check_reqol


def test_defaults_match_the_domain_reference():
    defaults = safety.DEFAULT_THRESHOLDS

    assert defaults.reqol_item6_support_from == 1
    assert defaults.reqol_item6_flag_from == 3
    assert defaults.dialog_safety_support_at_or_below == 2
    assert defaults.dialog_safety_flag_at_or_below == 2


@pytest.mark.parametrize(
    ("answer", "support", "flag"),
    [
        (0, False, False),  # none of the time
        (1, True, False),  # only occasionally
        (2, True, False),  # sometimes
        (3, True, True),  # often
        (4, True, True),  # most or all of the time
    ],
)
def test_reqol_item6_boundaries(answer, support, flag):
    response = check_reqol({6: answer})

    assert response.show_support is support
    assert response.flag_key_worker is flag
    assert response.reasons == (("reqol_item6",) if support else ())


def test_reqol_other_items_do_not_trigger():
    worst_except_item6 = {n: 4 for n in (1, 3, 9)} | {n: 0 for n in (2, 4, 5, 7, 8, 10)}

    assert check_reqol(worst_except_item6) == safety.NO_CONCERN


def test_reqol_works_on_partial_and_empty_answers():
    assert check_reqol({}).show_support is False
    assert check_reqol({1: 2, 6: 3}).flag_key_worker is True


@pytest.mark.parametrize(
    ("rating", "support", "flag"),
    [(1, True, True), (2, True, True), (3, False, False), (7, False, False)],
)
def test_dialog_personal_safety_boundaries(rating, support, flag):
    response = check_dialog({8: rating})

    assert response.show_support is support
    assert response.flag_key_worker is flag
    assert response.reasons == (("dialog_personal_safety",) if support else ())


def test_dialog_other_items_do_not_trigger():
    assert check_dialog({n: 1 for n in range(1, 12) if n != 8}) == safety.NO_CONCERN


def test_trust_thresholds_change_the_boundaries():
    thresholds = SafetyThresholds(
        reqol_item6_support_from=2,
        reqol_item6_flag_from=4,
        dialog_safety_support_at_or_below=3,
        dialog_safety_flag_at_or_below=1,
    )

    assert check_reqol({6: 1}, thresholds).show_support is False
    assert check_reqol({6: 3}, thresholds).flag_key_worker is False
    assert check_reqol({6: 4}, thresholds).flag_key_worker is True
    assert check_dialog({8: 3}, thresholds).show_support is True
    assert check_dialog({8: 2}, thresholds).flag_key_worker is False
    assert check_dialog({8: 1}, thresholds).flag_key_worker is True


def test_a_flag_always_comes_with_support():
    thresholds = SafetyThresholds(reqol_item6_support_from=4, reqol_item6_flag_from=2)

    response = check_reqol({6: 2}, thresholds)

    assert (response.show_support, response.flag_key_worker) == (True, True)


@pytest.mark.parametrize("value", [5, -1, True, "3", 2.0])
def test_reqol_invalid_answer_is_refused(value):
    with pytest.raises(ValueError, match="ReQoL-10 item 6"):
        check_reqol({6: value})


@pytest.mark.parametrize("value", [0, 8, True, "1"])
def test_dialog_invalid_rating_is_refused(value):
    with pytest.raises(ValueError, match="DIALOG item 8"):
        check_dialog({8: value})


@pytest.mark.parametrize("value", [True, 1.0, "1", None])
def test_thresholds_must_be_whole_numbers(value):
    with pytest.raises(ValueError, match="reqol_item6_support_from must be a whole number"):
        SafetyThresholds(reqol_item6_support_from=value)
