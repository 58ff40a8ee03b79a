"""The rules behind the caseload's attention list and the team report, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.models import Carer, GoalStatus
from portal.services import carers, caseload, team_report
from portal.services.caseload import (
    DUE,
    INFO,
    OVERDUE,
    URGENT,
    Attention,
    CaseloadQuery,
    CaseloadRow,
    GoalFacts,
    Windows,
    care_plan_items,
    measure_items,
)

TODAY = date(2026, 6, 15)


def codes(items: list[Attention]) -> list[tuple[str, date | None]]:
    return [(item.code, item.on) for item in items]


# Measures ----------------------------------------------------------------------------------------

def measure(**facts: object) -> list[Attention]:
    values: dict[str, object] = {"assignment_due_on": None, "in_progress": False, "deferred_until": None,
                                 "last_done": date(2026, 5, 1), "today": TODAY}
    values.update(facts)
    return caseload.measure_items("dialog", **values)  # type: ignore[arg-type]


def test_an_assignment_is_due_until_its_date_then_overdue() -> None:
    assert codes(measure(assignment_due_on=TODAY)) == [("measure_due", TODAY)]
    assert codes(measure(assignment_due_on=date(2026, 6, 14))) == [("measure_overdue", date(2026, 6, 14))]
    assert measure(assignment_due_on=date(2026, 6, 14))[0].severity == OVERDUE


def test_a_deferral_stops_an_assignment_being_overdue_and_shows_its_date() -> None:
    items = measure(assignment_due_on=date(2026, 6, 1), deferred_until=date(2026, 7, 1))
    assert codes(items) == [("measure_deferred", date(2026, 7, 1))]
    assert items[0].severity == INFO


def test_a_started_questionnaire_is_shown_as_started_not_as_due() -> None:
    assert codes(measure(assignment_due_on=date(2026, 6, 1), in_progress=True)) == [
        ("measure_in_progress", date(2026, 6, 1))]


def test_with_nothing_asked_a_measure_not_done_for_6_months_needs_attention() -> None:
    assert measure(last_done=date(2025, 12, 16)) == []
    assert codes(measure(last_done=date(2025, 12, 14))) == [("measure_not_recent", date(2025, 12, 14))]
    assert codes(measure(last_done=None)) == [("measure_not_recent", None)]


def test_the_caseload_and_the_service_users_home_share_one_rule() -> None:
    from portal.services import measures

    assert measures.due_state(assignment_due_on=date(2026, 6, 1), in_progress=False, deferred=False,
                              today=TODAY) == "overdue"
    assert measures.due_state(assignment_due_on=None, in_progress=False, deferred=True, today=TODAY) is None
    # Whatever the facts, the caseload says what the service user's home says.
    for due_on in (None, date(2026, 6, 1), TODAY):
        for in_progress in (False, True):
            for deferred_until in (None, date(2026, 7, 1)):
                state = measures.due_state(assignment_due_on=due_on, in_progress=in_progress,
                                           deferred=deferred_until is not None, today=TODAY)
                items = measure(assignment_due_on=due_on, in_progress=in_progress, deferred_until=deferred_until)
                if state is not None:
                    assert [item.code for item in items] == [f"measure_{state}"], (due_on, in_progress, deferred_until)


# Goals -------------------------------------------------------------------------------------------

def goal(status: GoalStatus = GoalStatus.ACTIVE, next_review_on: date | None = None,
         agreed_on: date | None = date(2026, 1, 10), last_rated_on: date | None = None) -> GoalFacts:
    return GoalFacts(status, next_review_on, agreed_on, last_rated_on)


def test_no_active_goal_means_goals_to_agree() -> None:
    assert codes(caseload.goal_items([], 3, TODAY)) == [("no_goals", None)]
    assert codes(caseload.goal_items([goal(GoalStatus.DRAFT)], 3, TODAY)) == [("goal_drafts", None), ("no_goals", None)]


def test_drafted_goals_are_for_the_key_worker_to_talk_through() -> None:
    """Sam is told "Your key worker will talk it through with you": the caseload says so too."""
    not_due = goal(next_review_on=date(2026, 9, 1))
    drafts = caseload.goal_items([goal(GoalStatus.DRAFT), goal(GoalStatus.DRAFT), not_due], 3, TODAY)
    assert [(item.code, item.count, item.category) for item in drafts] == [("goal_drafts", 2, "goals")]
    assert caseload.goal_items([not_due], 3, TODAY) == []


def test_goal_review_is_overdue_after_its_date_and_due_within_two_weeks() -> None:
    assert codes(caseload.goal_items([goal(next_review_on=date(2026, 6, 14))], 3, TODAY)) == [
        ("gbo_overdue", date(2026, 6, 14))]
    assert codes(caseload.goal_items([goal(next_review_on=date(2026, 6, 29))], 3, TODAY)) == [
        ("gbo_due", date(2026, 6, 29))]
    assert caseload.goal_items([goal(next_review_on=date(2026, 6, 30))], 3, TODAY) == []


def test_the_earliest_goal_review_counts() -> None:
    goals = [goal(next_review_on=date(2026, 9, 1)), goal(next_review_on=date(2026, 6, 1))]
    assert codes(caseload.goal_items(goals, 3, TODAY)) == [("gbo_overdue", date(2026, 6, 1))]


def test_without_a_review_date_the_pathway_cadence_runs_from_the_last_rating() -> None:
    rated = goal(last_rated_on=date(2026, 3, 20))
    assert codes(caseload.goal_items([rated], 3, TODAY)) == [("gbo_due", date(2026, 6, 20))]
    # A yearly pathway (e.g. a lithium clinic): nothing due yet.
    assert caseload.goal_items([rated], 12, TODAY) == []


# Care plan, adjustments, carers ------------------------------------------------------------------

def test_no_agreed_care_plan_needs_attention() -> None:
    assert codes(caseload.care_plan_items(None, TODAY)) == [("no_care_plan", None)]


def test_care_plan_review_is_at_least_yearly_whatever_date_was_set() -> None:
    assert caseload.care_plan_review_due_on(date(2027, 12, 1), date(2025, 7, 1)) == date(2026, 7, 1)
    assert codes(caseload.care_plan_items((None, date(2025, 6, 14)), TODAY)) == [
        ("care_plan_overdue", date(2026, 6, 14))]
    assert codes(caseload.care_plan_items((date(2026, 7, 10), date(2026, 1, 10)), TODAY)) == [
        ("care_plan_due", date(2026, 7, 10))]
    assert caseload.care_plan_items((date(2026, 12, 1), date(2026, 1, 10)), TODAY) == []


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_reasonable_adjustments_need_review_when_changed_since_agreed_or_after_a_year() -> None:
    agreed = at(date(2026, 3, 1))
    assert not caseload.adjustments_need_review([], agreed, TODAY)
    assert not caseload.adjustments_need_review([(at(date(2026, 2, 1)), None)], agreed, TODAY)
    assert caseload.adjustments_need_review([(at(date(2026, 4, 1)), None)], agreed, TODAY)
    assert caseload.adjustments_need_review([(at(date(2026, 4, 1)), None)], None, TODAY)
    assert not caseload.adjustments_need_review([(at(date(2026, 4, 1)), at(date(2026, 4, 2)))], agreed, TODAY)
    assert caseload.adjustments_need_review([(at(date(2025, 1, 1)), None)], at(date(2025, 6, 1)), TODAY)


def test_carer_details_are_stale_after_12_months_or_when_never_confirmed() -> None:
    # The caseload's query counts carers by this same rule (carers.STALE_AFTER_MONTHS).
    def carer_details_stale(confirmed_on: date | None, today: date) -> bool:
        return carers.details_stale(Carer(name="Jo", details_confirmed_on=confirmed_on), today)

    assert carer_details_stale(None, TODAY)
    assert carer_details_stale(date(2025, 6, 14), TODAY)
    assert not carer_details_stale(date(2025, 6, 15), TODAY)


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert caseload.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert caseload.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


# Filter and sort ---------------------------------------------------------------------------------

def row(name: str, *items: Attention, key_worker_id: int | None = 1) -> CaseloadRow:
    given, family = name.split()
    return CaseloadRow(hash(name) % 1000, given, family, "", "9990000000", key_worker_id, "Kim", tuple(items))


CALM = row("Ann Able")
DUE_SOON = row("Ben Boyd", Attention("gbo_due", "goals", DUE, date(2026, 6, 20)))
LATE = row("Cal Cole", Attention("measure_overdue", "measures", OVERDUE, date(2026, 6, 1), "dialog"))
UNALLOCATED = row("Dee Dunn", Attention("no_key_worker", "key_worker", URGENT), key_worker_id=None)


def test_most_urgent_first_then_by_date_then_name() -> None:
    rows = [CALM, DUE_SOON, LATE, UNALLOCATED]
    assert [r.family_name for r in caseload.sort_rows(rows, "attention")] == ["Dunn", "Cole", "Boyd", "Able"]
    assert [r.family_name for r in caseload.sort_rows(rows, "name")] == ["Able", "Boyd", "Cole", "Dunn"]
    assert [r.family_name for r in caseload.sort_rows(rows, "due")] == ["Cole", "Boyd", "Able", "Dunn"]


def test_filters() -> None:
    rows = [CALM, DUE_SOON, LATE, UNALLOCATED]

    def shown(show: str) -> list[str]:
        return [r.family_name for r in rows if caseload.matches(r, show)]

    assert shown("attention") == ["Boyd", "Cole", "Dunn"]
    assert shown("overdue") == ["Cole", "Dunn"]
    assert shown("no_key_worker") == ["Dunn"]
    assert shown("goals") == ["Boyd"]
    assert shown("measures") == ["Cole"]


def test_the_query_string_is_read_safely() -> None:
    query = CaseloadQuery.from_args({"q": "  sam   taylor ", "show": "nonsense", "sort": "due", "page": "x"})
    assert query == CaseloadQuery(search="sam taylor", show="all", sort="due", page=1)
    assert query.args(page=2) == {"q": "sam taylor", "sort": "due", "page": 2}


# Team report figures -----------------------------------------------------------------------------

def test_percentages_round_halves_up_and_nobody_is_none() -> None:
    assert team_report.percent(1, 8) == 13  # 12.5
    assert team_report.percent(2, 3) == 67
    assert team_report.percent(0, 0) is None


def test_completed_within_counts_the_last_months_up_to_the_end() -> None:
    end = date(2026, 3, 31)
    assert team_report.completed_within(date(2025, 10, 1), end, 6)
    assert not team_report.completed_within(date(2025, 9, 30), end, 6)
    assert not team_report.completed_within(date(2026, 4, 1), end, 6)
    assert not team_report.completed_within(None, end, 6)


def test_gbo_reviews_on_time_and_late() -> None:
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    on_time = team_report.GoalHistory(3, date(2026, 1, 1), None, (date(2026, 1, 1), date(2026, 3, 30)))
    late = team_report.GoalHistory(3, date(2026, 1, 1), None, (date(2026, 4, 15),))
    # Due 1 Apr (done 30 Mar: on time), 30 Jun (not done: late), 30 Sep, 30 Dec: not done.
    assert team_report.gbo_reviews([on_time], start, end) == (1, 4)
    # Due 1 Apr, done 15 Apr: late; next due 15 Jul, 15 Oct: not done.
    assert team_report.gbo_reviews([late], start, end) == (0, 3)
    closed = team_report.GoalHistory(3, date(2026, 1, 1), date(2026, 2, 1), ())
    assert team_report.gbo_reviews([closed], start, end) == (0, 0)
    yearly = team_report.GoalHistory(12, date(2026, 1, 1), None, ())
    assert team_report.gbo_reviews([yearly], start, end) == (0, 0)  # due 1 Jan 2027


def test_reqol_changes_compare_first_with_latest_in_the_period() -> None:
    totals = {
        1: [(date(2025, 6, 1), 15), (date(2026, 2, 1), 22)],  # +7: improvement
        2: [(date(2025, 6, 1), 30), (date(2026, 2, 1), 24)],  # -6: deterioration
        3: [(date(2025, 6, 1), 20), (date(2026, 2, 1), 24)],  # +4: no reliable change
        4: [(date(2026, 2, 1), 20)],  # only one: not counted
        5: [(date(2024, 1, 1), 10), (date(2024, 6, 1), 30)],  # latest before the period
    }
    assert team_report.reqol_changes(totals, date(2026, 1, 1), date(2026, 6, 30), 5) == {
        "improvement": 1, "no reliable change": 1, "deterioration": 1}


def test_csv_cells_cannot_run_as_formulas() -> None:
    report = team_report.TeamReport("=HYPERLINK(\"x\")", date(2026, 1, 1), date(2026, 6, 30),
                                     [team_report.Figure("key_worker", 1, 2)], [])
    labels = {key: key for key in ("team", "from", "to", "measure", "count", "out_of", "percent", "key_worker")}
    lines = team_report.to_csv(report, labels).splitlines()
    assert lines[0] == 'team,"\'=HYPERLINK(""x"")"'
    assert lines[-1] == "key_worker,1,2,50"


@pytest.mark.parametrize(("start", "end", "expected"), [
    (None, None, (date(2025, 6, 16), TODAY)),
    (None, date(2030, 1, 1), (date(2025, 6, 16), TODAY)),
    (date(2026, 7, 1), date(2026, 6, 1), (date(2026, 6, 1), date(2026, 6, 1))),
])
def test_the_report_period(start: date | None, end: date | None, expected: tuple[date, date]) -> None:
    assert team_report.period(start, end, TODAY) == expected


def test_the_trusts_windows_decide_what_is_due() -> None:
    today = date(2026, 11, 23)
    done = date(2026, 3, 1)  # almost 9 months ago
    default = measure_items("dialog", assignment_due_on=None, in_progress=False, deferred_until=None,
                            last_done=done, today=today)
    yearly = measure_items("dialog", assignment_due_on=None, in_progress=False, deferred_until=None,
                           last_done=done, today=today, windows=Windows(measure_not_recent_months=12))
    assert [item.code for item in default] == ["measure_not_recent"] and yearly == []
    plan = (date(2027, 1, 2), date(2026, 2, 1))  # review due in 40 days
    assert care_plan_items(plan, today) == []  # not within the default 28 days
    assert [i.code for i in care_plan_items(plan, today, Windows(care_plan_review_soon_days=45))] == ["care_plan_due"]
