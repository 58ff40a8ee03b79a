"""Safety prompts: support, and the tier of the flag that reaches staff, at each boundary.

Issue 13: every answer that shows support reaches a member of staff (before, "only occasionally"
and "sometimes" showed support saying the key worker would see it, and nothing reached anyone).
"""

import pytest

from portal.instruments import safety
from portal.instruments.safety import RiskTiers, SafetyThresholds, check_dialog, check_reqol


def test_defaults_match_the_domain_reference():
    defaults = safety.DEFAULT_THRESHOLDS

    assert defaults.reqol_item6_support_from == 1
    assert defaults.dialog_safety_support_at_or_below == 2
    assert safety.DEFAULT_TIERS.by_signal == {
        "reqol_item6": {1: "routine", 2: "routine", 3: "urgent", 4: "urgent"},
        "dialog_personal_safety": {1: "urgent", 2: "urgent"},
    }


@pytest.mark.parametrize(
    ("answer", "support", "tier"),
    [
        (0, False, None),  # none of the time
        (1, True, "routine"),  # only occasionally
        (2, True, "routine"),  # sometimes
        (3, True, "urgent"),  # often
        (4, True, "urgent"),  # most or all of the time
    ],
)
def test_reqol_item6_boundaries(answer, support, tier):
    response = check_reqol({6: answer})

    assert response.show_support is support
    assert response.tier == tier
    assert response.flag_key_worker is (tier is not None)
    assert response.reasons == (("reqol_item6",) if support else ())


def test_every_answer_that_shows_support_reaches_staff_with_the_default_settings():
    for answer in range(5):
        response = check_reqol({6: answer})
        assert response.show_support is (response.tier is not None)
    for rating in range(1, 8):
        response = check_dialog({8: rating})
        assert response.show_support is (response.tier is not None)


def test_settings_that_show_support_but_tell_nobody_are_refused():
    tiers = safety.risk_tiers_from({"reqol_item6": {"3": "urgent", "4": "urgent"}})

    with pytest.raises(ValueError, match=r"reqol_item6 answers \[1, 2\] show support but reach nobody"):
        safety.check_settings(safety.DEFAULT_THRESHOLDS, tiers)
    safety.check_settings(SafetyThresholds(reqol_item6_support_from=3), tiers)


@pytest.mark.parametrize(("setting", "message"), [
    ({"reqol_item6": {"5": "urgent"}}, "5 is not an answer"),
    ({"reqol_item6": {"3": "soon"}}, "must be urgent or routine"),
    ({"mood": {"1": "urgent"}}, "unknown signal"),
    ({"reqol_item6": ["urgent"]}, "must map answers to tiers"),
])
def test_wrong_tier_settings_are_refused_with_a_plain_message(setting, message):
    with pytest.raises(ValueError, match=message):
        safety.risk_tiers_from(setting)


def test_the_old_flag_thresholds_are_refused_and_point_to_the_tiers():
    with pytest.raises(ValueError, match="RISK_TIERS"):
        safety.thresholds_from({"reqol_item6_flag_from": 3})


def test_reqol_other_items_do_not_trigger():
    worst_except_item6 = {n: 4 for n in (1, 3, 9)} | {n: 0 for n in (2, 4, 5, 7, 8, 10)}

    assert check_reqol(worst_except_item6) == safety.NO_CONCERN


def test_reqol_works_on_partial_and_empty_answers():
    assert check_reqol({}).show_support is False
    assert check_reqol({1: 2, 6: 3}).flag_key_worker is True


@pytest.mark.parametrize(
    ("rating", "support", "tier"),
    [(1, True, "urgent"), (2, True, "urgent"), (3, False, None), (7, False, None)],
)
def test_dialog_personal_safety_boundaries(rating, support, tier):
    response = check_dialog({8: rating})

    assert response.show_support is support
    assert response.tier == tier
    assert response.reasons == (("dialog_personal_safety",) if support else ())


def test_dialog_other_items_do_not_trigger():
    assert check_dialog({n: 1 for n in range(1, 12) if n != 8}) == safety.NO_CONCERN


def test_trust_settings_change_the_boundaries_and_tiers():
    thresholds = SafetyThresholds(reqol_item6_support_from=2, dialog_safety_support_at_or_below=3)
    tiers = safety.risk_tiers_from({"reqol_item6": {"2": "routine", "3": "urgent", "4": "urgent"},
                                    "dialog_personal_safety": {"1": "urgent", "2": "urgent", "3": "routine"}})

    assert check_reqol({6: 1}, thresholds, tiers=tiers).show_support is False
    assert check_reqol({6: 2}, thresholds, tiers=tiers).tier == "routine"
    assert check_reqol({6: 3}, thresholds, tiers=tiers).tier == "urgent"
    assert check_dialog({8: 3}, thresholds, tiers=tiers).tier == "routine"
    assert check_dialog({8: 1}, thresholds, tiers=tiers).tier == "urgent"


def test_a_flag_always_comes_with_support():
    thresholds = SafetyThresholds(reqol_item6_support_from=4)

    response = check_reqol({6: 2}, thresholds, tiers=RiskTiers({"reqol_item6": {2: "routine"}}))

    assert (response.show_support, response.flag_key_worker, response.tier) == (True, True, "routine")


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
