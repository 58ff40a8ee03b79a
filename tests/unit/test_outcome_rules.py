"""Paired measures and reliable change, against numbers worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal import outcome_rules
from portal.outcome_rules import by_group, change, outcomes, paired

TODAY: date
START: date
END: date
THRESHOLDS = {"dialog": 1.0, "reqol10": 5, "gbo": 3}


@pytest.fixture(autouse=True)
def _dates_of_this_run() -> None:
    """Today is worked out when each test runs, so a run that crosses midnight stays right."""
    global TODAY, START, END
    TODAY = date.today()
    START, END = TODAY - timedelta(days=364), TODAY


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_a_pair_is_first_and_latest_at_least_min_days_apart_with_the_latest_in_the_period() -> None:
    series = [(ago(400), 20), (ago(100), 22), (ago(10), 30)]
    assert paired(series, START, END, 28) == ((ago(400), 20), (ago(10), 30))
    # one point is not a pair; two too close together are not either
    assert paired([(ago(10), 30)], START, END, 28) is None
    assert paired([(ago(30), 20), (ago(10), 30)], START, END, 28) is None
    assert paired([(ago(38), 20), (ago(10), 30)], START, END, 28) is not None  # exactly 28 days
    # the latest before the period started: not paired for this period
    assert paired([(ago(600), 20), (ago(400), 30)], START, END, 28) is None
    # points after the period's end are not seen
    assert paired([(ago(100), 20), (ago(50), 25), (TODAY + timedelta(days=1), 40)], START, END, 28) == (
        (ago(100), 20), (ago(50), 25))


def test_gbo_change_is_the_mean_over_paired_goals() -> None:
    goal_a = [(ago(200), 2), (ago(20), 7)]  # +5
    goal_b = [(ago(200), 4), (ago(20), 5)]  # +1
    goal_c = [(ago(5), 1)]  # one rating: not paired
    assert change([goal_a, goal_b, goal_c], START, END, 28) == 3.0  # (5 + 1) / 2
    assert change([goal_c], START, END, 28) is None


def test_outcomes_for_a_team_worked_by_hand() -> None:
    # Six people counted. By hand:
    # DIALOG: 1 goes 3.25 → 4.5 (+1.25, improvement), 2 goes 4.0 → 3.5 (-0.5, no reliable change),
    #         3 goes 5.0 → 3.875 (-1.125, deterioration). 3 paired of 6 = 50%; 1 each = 33%.
    # ReQoL-10: 1 goes 18 → 23 (+5, improvement, the threshold is reached), 4 goes 20 → 24
    #         (+4, no reliable change), 5 has one total (not paired). 2 paired of 6 = 33%.
    # GBO: 6 has goals +3 and +2 → mean 2.5 (no reliable change); 2 has one goal 8 → 4 (-4, deterioration).
    # Someone not counted (7, another team) has a pair that must not count.
    # Paired on any measure: 1, 2, 3, 4, 6 = 5 of 6 = 83%.
    series = {
        "dialog": {1: [[(ago(300), 3.25), (ago(30), 4.5)]], 2: [[(ago(300), 4.0), (ago(30), 3.5)]],
                   3: [[(ago(300), 5.0), (ago(30), 3.875)]], 7: [[(ago(300), 1.0), (ago(30), 7.0)]]},
        "reqol10": {1: [[(ago(200), 18), (ago(20), 23)]], 4: [[(ago(200), 20), (ago(20), 24)]],
                    5: [[(ago(20), 10)]]},
        "gbo": {6: [[(ago(90), 2), (ago(1), 5)], [(ago(90), 5), (ago(1), 7)]], 2: [[(ago(90), 8), (ago(1), 4)]]},
    }
    result = outcomes([1, 2, 3, 4, 5, 6], series, START, END, THRESHOLDS, 28)

    assert (result.people, result.paired_any, result.share_paired()) == (6, 5, 83)
    dialog, reqol, gbo = (result.measures[i] for i in ("dialog", "reqol10", "gbo"))
    assert (dialog.paired, dialog.share_paired()) == (3, 50)
    assert dialog.changes == {"improvement": 1, "no reliable change": 1, "deterioration": 1}
    assert dialog.share("improvement") == 33
    assert (reqol.paired, reqol.share_paired()) == (2, 33)
    assert reqol.changes == {"improvement": 1, "no reliable change": 1, "deterioration": 0}
    assert reqol.share("improvement") == 50
    assert gbo.changes == {"improvement": 0, "no reliable change": 1, "deterioration": 1}


def test_by_group_counts_each_group_alone() -> None:
    series = {"reqol10": {1: [[(ago(200), 10), (ago(20), 20)]], 2: [[(ago(200), 20), (ago(20), 10)]]}}
    groups = by_group({1: "Priya", 2: "Ravi", 3: "Priya"}, series, START, END, THRESHOLDS, 28)
    assert list(groups) == ["Priya", "Ravi"]
    assert groups["Priya"].people == 2 and groups["Priya"].measures["reqol10"].changes["improvement"] == 1
    assert groups["Ravi"].measures["reqol10"].changes["deterioration"] == 1


def test_nobody_counted_gives_no_percentages() -> None:
    result = outcomes([], {}, START, END, THRESHOLDS, 28)
    assert result.share_paired() is None and result.measures["gbo"].share("improvement") is None


@pytest.mark.parametrize("threshold", [0, -1])
def test_a_threshold_must_be_positive(threshold: int) -> None:
    series = {"gbo": {1: [[(ago(90), 2), (ago(1), 5)]]}}
    with pytest.raises(ValueError, match="above 0"):
        outcomes([1], series, START, END, {**THRESHOLDS, "gbo": threshold}, 28)


@pytest.mark.parametrize(("born", "band"), [
    ((2008, 12, 2), "under_18"),  # 17 on the day before their 18th birthday
    ((2008, 12, 1), "18_25"),  # 18 on the day
    ((2000, 12, 2), "18_25"),  # 25
    ((2000, 12, 1), "26_35"),  # 26
    ((1990, 12, 1), "36_45"),
    ((1981, 12, 2), "36_45"),  # 44, nearly 45
    ((1980, 12, 1), "46_55"),
    ((1970, 12, 1), "56_65"),
    ((1960, 12, 2), "56_65"),  # 65
    ((1960, 12, 1), "66_over"),
])
def test_age_bands_on_a_given_day(born: tuple[int, int, int], band: str) -> None:
    assert outcome_rules.age_band(date(*born), date(2026, 12, 1)) == band


def test_a_leap_day_birthday_counts_from_the_first_of_march() -> None:
    assert outcome_rules.age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert outcome_rules.age_on(date(2000, 2, 29), date(2026, 3, 1)) == 26
    assert outcome_rules.age_band(None, date(2026, 12, 1)) == "unknown"


@pytest.mark.parametrize(("code", "group"), [
    ("A", "white"), ("c", "white"), ("D", "mixed"), ("G", "mixed"), ("H", "asian"), ("L", "asian"), ("M", "black"),
    ("P", "black"), ("R", "other"), ("S", "other"), ("Z", "not_stated"), ("99", "unknown"), ("", "unknown"),
    ("Q", "unknown"),
])
def test_ethnic_categories_fall_in_their_broad_group(code: str, group: str) -> None:
    assert outcome_rules.ethnic_group(code) == group


def test_genders_the_record_does_not_give_are_not_known() -> None:
    assert [outcome_rules.gender_group(g) for g in ("female", "male", "other", "unknown", "", "M")] == [
        "female", "male", "other", "unknown", "unknown", "unknown"]


def test_summarising_groups_in_one_pass_counts_each_group_as_summarising_it_alone() -> None:
    import random

    rng = random.Random(18)  # nosec B311 # made-up data
    for _ in range(50):
        people = rng.sample(range(1, 400), rng.randrange(0, 120))
        groups = {person_id: rng.choice(("Kim", "Lee", "Sam", "")) for person_id in people}
        kinds = {instrument_id: {person_id: rng.choice(outcome_rules.CHANGES)
                                 for person_id in rng.sample(range(1, 400), rng.randrange(0, 200))}
                 for instrument_id in rng.sample(outcome_rules.INSTRUMENTS, rng.randrange(0, 4))}
        alone = {group: outcome_rules.summarise_kinds([p for p, g in groups.items() if g == group], kinds)
                 for group in sorted(set(groups.values()))}
        together = outcome_rules.summarise_groups(groups, kinds)
        assert together == alone
        assert list(together) == sorted(alone)
        assert alone == {group: _counted_plainly([p for p, g in groups.items() if g == group], kinds) for group in alone}


def _counted_plainly(people: list[int], kinds: dict[str, dict[int, str]]) -> outcome_rules.Outcomes:
    """The same counts, person by person, with none of the module's shortcuts."""
    measures, paired_any = {}, set()
    for instrument_id in outcome_rules.INSTRUMENTS:
        of_measure = kinds.get(instrument_id, {})
        paired = [person_id for person_id in people if person_id in of_measure]
        paired_any.update(paired)
        changes = {kind: sum(1 for person_id in paired if of_measure[person_id] == kind)
                   for kind in outcome_rules.CHANGES}
        measures[instrument_id] = outcome_rules.MeasureOutcome(instrument_id, len(people), len(paired), changes)
    return outcome_rules.Outcomes(len(people), len(paired_any), measures)
