"""What a caseload worked out is kept between requests only while nothing it shows has changed
(portal/services/caseload_cache.py, portal/caseload_tokens.py).

Each change below is one a caseload row shows. After it, the caseload the team lead is given must
equal one worked out afresh, and must differ from the one before it: a change the cache missed
would leave the kept caseload behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal import caseload_tokens
from portal.extensions import db
from portal.models import (
    AuthorRole,
    CarePlanEntry,
    CarePlanVersion,
    GoalRating,
    GoalStatus,
    OutboxMessage,
    OutboxStatus,
    ResponseStatus,
    Role,
    SafetyFlag,
    Section,
    ServiceUser,
)
from portal.record import worker
from portal.services import caseload, caseload_cache, measures, risk, team_report
from tests import factories
from tests import workspace_factories as make
from tests.conftest import sign_in
from tests.pages import without_tokens


def today() -> date:
    return date.today()


def ago(days: int) -> date:
    return today() - timedelta(days=days)


@dataclass
class North:
    """North CMHT: Sam, his key worker, the team lead, and what Sam's caseload row is made of."""

    lead: Any
    key_worker: Any
    person: Any
    pathway: Any
    in_progress: Any
    goal: Any
    plan: Any
    carer: Any
    flag: SafetyFlag
    dead: OutboxMessage
    pending: OutboxMessage


@pytest.fixture
def north(app: Flask) -> North:
    team = factories.create_team("North CMHT")
    lead = factories.create_staff(team, Role.TEAM_LEAD, name="Helen Lead")
    key_worker = factories.create_staff(team, name="Kim Keyworker")
    pathway = factories.create_pathway("Community", months=3)
    person = factories.create_service_user(team, key_worker, given_name="Sam", family_name="Taylor",
                                           care_pathway_id=pathway.id)
    make.create_assignment(person, "reqol10", today() + timedelta(days=3))
    in_progress = make.create_response(person, "reqol10", None)
    goal = make.create_goal(person, agreed_on=ago(200))
    plan = make.create_care_plan(person, agreed_on=ago(400))
    carer = factories.create_carer(person, "Mother", with_account=False, name="Jo Taylor")
    flag = SafetyFlag(service_user_id=person.id, response_id=in_progress.id, reason="reqol_item6",
                      raised_at=datetime.now(UTC) - timedelta(days=20))
    db.session.add(flag)
    dead = make.create_dead_message(person)
    pending = OutboxMessage(ordering_key=f"service_user:{person.id}", kind="goal.changed", payload={},
                            attempts=1)
    db.session.add(pending)
    db.session.commit()
    return North(lead, key_worker, person, pathway, in_progress, goal, plan, carer, flag, dead, pending)


def _now() -> datetime:
    return datetime.now(UTC)


def _send(response: Any) -> None:
    response.status, response.submitted_at = ResponseStatus.SUBMITTED, _now()


CHANGES: dict[str, Callable[[North], object]] = {
    "a questionnaire submitted": lambda t: make.create_response(t.person, "dialog", today()),
    "a questionnaire started": lambda t: make.create_response(t.person, "dialog", None),
    "a questionnaire in progress sent": lambda t: _send(t.in_progress),
    "a questionnaire asked for": lambda t: make.create_assignment(t.person, "dialog", ago(1)),
    "a questionnaire put off": lambda t: make.create_deferral(t.person, "dialog", today() + timedelta(days=30)),
    "a goal written": lambda t: make.create_goal(t.person, status=GoalStatus.DRAFT),
    "a goal rated": lambda t: db.session.add(GoalRating(goal_id=t.goal.id, rating=5, rated_by_id=t.lead.user_id,
                                                        rated_by_role=AuthorRole.KEY_WORKER, rated_at=_now())),
    "a care plan agreed": lambda t: db.session.add(CarePlanVersion(
        care_plan_id=t.plan.id, number=2, agreed_at=_now(), agreed_by_id=t.lead.user_id,
        agreed_by_role=AuthorRole.KEY_WORKER, next_review_on=today() + timedelta(days=200), content={})),
    "a reasonable adjustment changed": lambda t: db.session.add(CarePlanEntry(
        care_plan_id=t.plan.id, section=Section.ADJUSTMENTS, text="Quiet room", author_id=t.lead.user_id,
        author_role=AuthorRole.SERVICE_USER, created_at=_now(), updated_at=_now())),
    "a safety plan written": lambda t: make.create_safety_plan(t.person),
    "a safety flag followed up": lambda t: setattr(t.flag, "acknowledged_at", _now()),
    "a safety flag escalated (not through the ORM)": lambda t: risk.escalate(_now() + timedelta(days=10)),
    "a carer added": lambda t: factories.create_carer(t.person, "Brother", with_account=False),
    "a carer's details confirmed": lambda t: setattr(t.carer, "details_confirmed_on", today()),
    "a carer's views shared": lambda t: make.create_contribution(t.person, t.carer.id),
    "the key worker's name changed": lambda t: setattr(t.key_worker, "name", "Kim Keyworker-Jones"),
    "the pathway's review cadence changed": lambda t: setattr(t.pathway, "goal_review_months", 12),
    "discharged": lambda t: setattr(t.person, "discharged_on", today()),
    "a record-sync message given up on (not through the ORM)": lambda t: worker._finish(
        worker.Claimed(t.pending.id, t.pending.ordering_key, t.pending.kind, {}, 1),
        status=OutboxStatus.DEAD, last_error="rejected"),
    "a dead letter sent again (not through the ORM)": lambda t: worker.retry_dead_letter(t.dead.id),
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_change_the_kept_caseload_is_the_fresh_one(north: North, change: str) -> None:
    lead = north.lead.user
    before = caseload.worked_out(lead, today()).rows
    team_report.team_report(lead, ago(365), today())
    tokens_before = caseload_tokens.tokens(ServiceUser.team_id == north.person.team_id)
    assert caseload.worked_out(lead, today()) is caseload.worked_out(lead, today())  # kept

    CHANGES[change](north)
    db.session.commit()

    kept, fresh = caseload.worked_out(lead, today()).rows, caseload.caseload_rows(lead, today())
    assert kept == fresh
    assert kept != before, "the change should show on the caseload"
    assert caseload_tokens.tokens(ServiceUser.team_id == north.person.team_id) != tokens_before
    assert team_report.team_report(lead, ago(365), today()) == team_report._team_report(
        north.person.team_id, ago(365), today())


def test_moving_someone_to_another_team_changes_both_teams(north: North) -> None:
    south = factories.create_team("South CMHT")
    south_lead = factories.create_staff(south, Role.TEAM_LEAD)
    factories.create_service_user(south, given_name="Alex")
    db.session.commit()
    assert [row.given_name for row in caseload.worked_out(south_lead.user, today()).rows] == ["Alex"]
    assert [row.given_name for row in caseload.worked_out(north.lead.user, today()).rows] == ["Sam"]

    north.person.team_id = south.id
    db.session.commit()

    assert sorted(row.given_name for row in caseload.worked_out(south_lead.user, today()).rows) == ["Alex", "Sam"]
    assert caseload.worked_out(north.lead.user, today()).rows == []


def test_an_autosaved_answer_and_another_teams_change_keep_what_was_worked_out(north: North) -> None:
    kept = caseload.worked_out(north.lead.user, today())
    question = measures.question_at(measures.instrument_for("reqol10"), 1)
    measures.save_answer(north.person.user, north.in_progress, question, 2)
    elsewhere = factories.create_service_user(factories.create_team("South CMHT"))
    make.create_response(elsewhere, "dialog", today())
    db.session.commit()

    assert caseload.worked_out(north.lead.user, today()) is kept


def test_a_key_worker_and_the_team_lead_each_see_their_own(north: North) -> None:
    factories.create_service_user(north.person.team, given_name="Alex")  # no key worker
    db.session.commit()
    mine = caseload.worked_out(north.key_worker.user, today()).rows
    team = caseload.worked_out(north.lead.user, today()).rows
    assert [row.given_name for row in mine] == ["Sam"]
    assert sorted(row.given_name for row in team) == ["Alex", "Sam"]


def test_the_team_report_is_kept_until_the_team_changes(north: North) -> None:
    lead = north.lead.user
    kept = team_report.team_report(lead, ago(365), today())
    assert team_report.team_report(lead, ago(365), today()) is kept
    assert team_report.team_report(lead, ago(100), today()) is not kept  # another period
    north.person.team.name = "North Community Mental Health Team"
    db.session.commit()
    assert team_report.team_report(lead, ago(365), today()).team_name == "North Community Mental Health Team"


def test_a_new_day_works_the_caseload_out_again(north: North) -> None:
    assert caseload.worked_out(north.lead.user, today()) is not caseload.worked_out(
        north.lead.user, today() + timedelta(days=1))


def test_a_trust_changing_its_windows_works_the_caseload_out_again(app: Flask, north: North,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    kept = caseload.worked_out(north.lead.user, today())
    monkeypatch.setitem(app.config, "CASELOAD_WINDOWS", {"measure_not_recent_months": 12})
    assert caseload.worked_out(north.lead.user, today()) is not kept


def test_a_bulk_load_says_everything_changed(north: North) -> None:
    before = caseload_tokens.tokens(ServiceUser.team_id == north.person.team_id)
    caseload_tokens.everything_changed()
    db.session.commit()
    assert caseload_tokens.tokens(ServiceUser.team_id == north.person.team_id) != before


def test_the_team_caseload_page_is_right_after_a_change(app: Flask, north: North) -> None:
    client = sign_in(app.test_client(), north.lead.user)
    row = f'id="person-{north.person.id}"'
    assert row in client.get("/staff/").get_data(as_text=True)
    north.person.discharged_on = today()
    db.session.commit()
    assert row not in client.get("/staff/").get_data(as_text=True)


# What each process keeps ------------------------------------------------------------------------------

class Rows(list[int]):
    pass


def test_the_store_keeps_at_most_its_limit_of_rows_least_recently_used_out_first() -> None:
    store = caseload_cache.Kept(limit=5)
    made: list[str] = []

    def make_rows(name: str, size: int) -> Callable[[], Rows]:
        return lambda: made.append(name) or Rows(range(size))

    store.get("a", make_rows("a", 2))
    store.get("b", make_rows("b", 2))
    store.get("a", make_rows("a", 2))  # kept; now the most recently used
    store.get("c", make_rows("c", 2))  # 6 rows: "b" goes
    store.get("a", make_rows("a", 2))
    store.get("b", make_rows("b", 2))
    assert made == ["a", "b", "c", "b"]
    store.get("big", make_rows("big", 6))  # more than the limit: given, never kept
    store.get("big", make_rows("big", 6))
    assert made[-2:] == ["big", "big"] and len(store) == 2


def test_a_limit_of_nothing_keeps_nothing(app: Flask, north: North, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caseload_cache.kept(), "limit", 0)
    assert caseload.worked_out(north.lead.user, today()) is not caseload.worked_out(north.lead.user, today())


def test_a_pending_message_that_fails_for_now_changes_nothing(north: North) -> None:
    before = caseload_tokens.tokens(ServiceUser.team_id == north.person.team_id)
    claimed = worker.Claimed(north.pending.id, north.pending.ordering_key, north.pending.kind, {}, 1)
    assert worker._finish(claimed, next_attempt_at=_now() + timedelta(minutes=5))
    db.session.commit()
    assert caseload_tokens.tokens(ServiceUser.team_id == north.person.team_id) == before
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == north.pending.id)) \
        is OutboxStatus.PENDING


# The list as HTML, kept with the rows -----------------------------------------------------------------

def _caseload_list(client: Any, url: str, user: Any = None, language: str = "en") -> str:
    if user is not None:  # a signed-in person's pages are in the language saved on their account
        user.locale = language
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    start = html.index('<div id="caseload-results">')
    table_end = html.find("</table>", start)  # none when nobody is shown
    return html[start:html.index("</div>", max(start, table_end))]


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_change_the_kept_caseload_list_is_the_fresh_one(
    app: Flask, north: North, change: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = sign_in(app.test_client(), north.lead.user)
    before = _caseload_list(client, "/staff/?show=all")
    assert _caseload_list(client, "/staff/?show=all") == before  # now kept

    CHANGES[change](north)
    db.session.commit()

    kept = _caseload_list(client, "/staff/?show=all")
    monkeypatch.setattr(caseload_cache.kept(), "limit", 0)
    assert kept == _caseload_list(client, "/staff/?show=all")
    assert kept != before, "the change should show on the caseload"


def test_each_show_sort_page_and_language_of_the_kept_list_is_its_own(
    app: Flask, north: North, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for _ in range(60):  # two pages of people
        factories.create_service_user(north.person.team, north.key_worker)
    db.session.commit()
    views = [("/staff/", "en"), ("/staff/", "cy"), ("/staff/?page=2", "en"), ("/staff/?show=overdue&sort=due", "en"),
             ("/staff/?sort=name&page=2", "pl"), ("/staff/?show=safety", "ar")]
    lead = north.lead.user
    client = sign_in(app.test_client(), lead)
    kept = [_caseload_list(client, url, lead, language) for url, language in views * 2]  # again: the kept HTML
    monkeypatch.setattr(caseload_cache.kept(), "limit", 0)
    fresh = [_caseload_list(client, url, lead, language) for url, language in views]
    assert kept == fresh * 2
    assert len(set(fresh)) == len(views)


def test_a_kept_caseload_counts_who_is_in_scope_as_the_database_does(app) -> None:
    """A kept caseload gives the "in scope" and "no key worker" counts from its rows (a team lead's
    scope is the team); a search, never kept, asks the database. Each must be what it counts."""
    team, elsewhere = factories.create_team(), factories.create_team()
    lead = factories.create_staff(team, Role.TEAM_LEAD)
    kim, lee = factories.create_staff(team), factories.create_staff(team)
    for key_worker, discharged in ((kim, False), (kim, True), (lee, False), (None, False), (None, True)):
        factories.create_service_user(team, key_worker, discharged_on=ago(3) if discharged else None)
    factories.create_service_user(elsewhere, None)

    def count(*conditions: Any) -> int:
        return len(db.session.scalars(select(ServiceUser.id).where(*conditions)).all())

    def expected(user: Any, show: str) -> tuple[int, int]:
        staff = user.staff_member
        scope = ServiceUser.team_id == team.id if user.role is Role.TEAM_LEAD else ServiceUser.key_worker_id == staff.id
        discharged = ServiceUser.discharged_on.is_not(None) if show == "discharged" else ServiceUser.discharged_on.is_(None)
        return (count(scope, discharged),
                count(ServiceUser.team_id == team.id, ServiceUser.key_worker_id.is_(None), ServiceUser.discharged_on.is_(None)))

    for user in (lead.user, kim.user, lee.user):
        for show in ("all", "discharged", "no_key_worker", "attention"):
            for search in ("", "Person"):
                for _ in range(2):  # worked out, then kept
                    page = caseload.caseload(user, caseload.CaseloadQuery(search, show, "name", 1), today())
                    assert (page.in_scope, page.without_key_worker) == expected(user, show), (user.role, show, search)
    assert expected(lead.user, "all") == (3, 1) and expected(kim.user, "discharged") == (1, 1)


# The team report's figures as HTML, kept with the report ---------------------------------------------

def _report_page(client: Any, user: Any, language: str, query: str = "") -> str:
    user.locale = language
    db.session.commit()
    return without_tokens(client.get(f"/staff/team/report{query}").get_data(as_text=True))


def test_the_kept_team_report_is_the_fresh_one_in_each_language_and_after_a_change(
    app: Flask, north: North, monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead = north.lead.user
    client = sign_in(app.test_client(), lead)
    views = [("en", ""), ("cy", ""), ("pl", "?start-day=1&start-month=1&start-year=2020"), ("ar", "")]
    kept = [_report_page(client, lead, language, query) for language, query in views * 2]  # again: kept HTML
    assert team_report.team_report(lead, *team_report.period(None, None, today())).html._html, "nothing kept as HTML"

    CHANGES["a questionnaire submitted"](north)
    db.session.commit()
    changed = _report_page(client, lead, "en")

    monkeypatch.setattr(caseload_cache.kept(), "limit", 0)
    fresh_changed = _report_page(client, lead, "en")
    assert changed == fresh_changed
    assert changed != kept[0], "the new DIALOG should show in the report's figures"
    monkeypatch.undo()
    fresh = [_report_page(client, lead, language, query) for language, query in views]
    monkeypatch.setattr(caseload_cache.kept(), "limit", 0)
    again = [_report_page(client, lead, language, query) for language, query in views]
    assert again == fresh
    assert kept[:4] == kept[4:] and len(set(kept[:4])) == len(views)
