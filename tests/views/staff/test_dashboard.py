"""The team dashboard for the demo team, against numbers worked out by hand from
portal/services/demo.py, after Sam and Jo each give feedback.

By hand, for the 12 months to today:
- people: Sam and Alex (Chris was discharged 40 days ago) = 2;
- no key worker: Alex (1 of 2, 50%), linked to allocating one;
- care plan: Sam's agreed 30 days ago, review in 12 months: none overdue; Alex has none (1);
- safety plan: Sam's made today: none overdue; Alex has none (1);
- questionnaires: none completed, deferred or declined;
- GBO: Sam's goal rated 2 (85 days ago) then 5 (30 days ago): 55 days apart, paired; +3 reaches
  the threshold of 3: reliable improvement. GBO paired 1 of 2 (50%), improvement 1 of 1 (100%);
  paired on any measure 1 of 2 (50%); DIALOG and ReQoL-10 paired 0;
- feedback: Sam "very good", Jo "good": 2 answers, fewer than 5, so no count is shown; their words
  are, without their names;
- no activity in 6 months: Alex (nothing recorded); Sam was rated and agreed a plan 30 days ago.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal import outcome_rules
from portal.extensions import db
from portal.models import Carer, CareSession, Feedback, Role, ServiceUser, StaffMember, User
from portal.services import dashboard, demo, feedback, measures
from portal.services.dashboard import team_dashboard
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest, password_and_code


def sign_in(client: Any, user: User) -> Any:
    db.session.commit()
    assert password_and_code(client, user.email, demo.DEMO_PASSWORD).status_code == 303
    return client


@pytest.fixture
def demo_team(app: Flask) -> dict[str, Any]:
    demo.load_demo_data()
    sam = db.session.scalars(select(ServiceUser).where(ServiceUser.preferred_name == "Sam")).one()
    jo = db.session.scalars(select(Carer).where(Carer.name == "Jo Taylor")).one()
    helen = db.session.scalars(select(StaffMember).where(StaffMember.name == "Helen Brooks")).one()
    alex = db.session.scalars(select(ServiceUser).where(ServiceUser.given_name == "Alex")).one()
    today = date.today()
    feedback.give(sam.user, sam.team_id, "very_good", "Priya listened to me", "", False, today)
    feedback.give(jo.user, sam.team_id, "good", "", "A call back sooner", False, today)
    return {"sam": sam, "jo": jo, "helen": helen, "alex": alex}


def test_the_demo_teams_figures(demo_team: dict[str, Any]) -> None:
    today = date.today()
    start = today.replace(year=today.year - 1)
    board = team_dashboard(demo_team["helen"].user, start, today, today)

    assert board.people == 2
    assert [person.name for person in board.no_key_worker] == ["Alex Morgan"]
    assert (board.care_plan_overdue, board.no_care_plan) == (0, 1)
    assert (board.safety_plan_overdue, board.no_safety_plan) == (0, 1)
    assert board.completed == {"dialog": 0, "reqol10": 0} and board.deferred == {"dialog": 0, "reqol10": 0}
    assert board.declined == {"dialog": 0, "reqol10": 0}
    assert (board.outcomes.paired_any, board.outcomes.share_paired()) == (1, 50)
    gbo = board.outcomes.measures["gbo"]
    assert (gbo.paired, gbo.share_paired(), gbo.changes["improvement"], gbo.share("improvement")) == (1, 50, 1, 100)
    assert board.outcomes.measures["dialog"].paired == board.outcomes.measures["reqol10"].paired == 0
    assert list(board.outcomes_by_key_worker) == ["Priya Shah"]
    # pathway: both on "Community mental health"; Sam's goal is the one paired, and it improved
    pathway = board.outcomes_by_pathway["Community mental health"]
    assert list(board.outcomes_by_pathway) == ["Community mental health"]
    assert (pathway.people, pathway.paired_any, pathway.measures["gbo"].changes["improvement"]) == (2, 1, 1)
    # age band on the last day of the period: Sam born 14 May 1990, Alex 2 November 1985
    bands = Counter([outcome_rules.age_band(date(1990, 5, 14), today), outcome_rules.age_band(date(1985, 11, 2), today)])
    assert {band: result.people for band, result in board.outcomes_by_age_band.items()} == dict(bands)
    assert board.feedback.summary.total == 2 and board.feedback.summary.positive == 2
    assert board.feedback.went_well == ["Priya listened to me"]
    assert board.feedback.could_be_better == ["A call back sooner"]
    assert board.feedback.contact_requests == []
    assert [person.name for person in board.no_activity] == ["Alex Morgan"]


def test_not_the_right_time_and_chose_not_to_answer_are_counted_apart(demo_team: dict[str, Any]) -> None:
    today = date.today()
    helen: User = demo_team["helen"].user
    measures.defer(helen, demo_team["sam"], "dialog", "In crisis", today + timedelta(days=30))
    measures.defer(helen, demo_team["alex"], "reqol10", "", today + timedelta(days=90), declined=True)
    measures.defer(helen, demo_team["sam"], "reqol10", "", today + timedelta(days=90), declined=True)
    board = team_dashboard(helen, today.replace(year=today.year - 1), today, today)
    assert board.deferred == {"dialog": 1, "reqol10": 0}
    assert board.declined == {"dialog": 0, "reqol10": 2}


def test_helen_sees_the_dashboard_without_names_and_small_counts(client: Any, demo_team: dict[str, Any]) -> None:
    helen: User = demo_team["helen"].user
    page = PageRequest(sign_in(client, helen)).get("staff.team_dashboard")

    allocate = page.select_one("#no-key-worker-list a")
    assert allocate.text == "Allocate a key worker for Alex Morgan"
    assert allocate["href"] == f"/staff/service-users/{demo_team['alex'].id}/key-worker"
    assert page.select_one("#figure-no-key-worker td").text == "1"
    assert [td.text for td in page.select("#figure-gbo-improvement td")] == ["1", "1", "100%"]
    # feedback: the words, never the names; 2 answers is fewer than 5, so no count
    assert page.select_one("#feedback-went-well").text.strip() == "Priya listened to me"
    feedback_part = page.select_one("#dashboard-feedback-figures").text
    assert "Fewer than 5" in feedback_part
    assert page.select_one("#feedback-too-few") is not None
    text = page.text
    for name in ("Samuel", "Taylor", "Jo "):
        assert name not in text.split("Feedback from service users and carers")[1].split("No activity")[0]
    assert page.select_one("#feedback-contact-requests") is None
    # breakdowns: the pathway's counts are shown; age bands under 5 people are not
    pathway_row = [td.text.strip() for td in page.select("#dashboard-by-pathway tbody td")]
    assert pathway_row[:2] == ["People 2", "Paired 1"] and pathway_row[-1].endswith("1 of 1")
    for row in page.select("#dashboard-by-age-band tbody tr"):
        assert all(td.text.strip().endswith("Fewer than 5") or td.text.strip().endswith(" 0")
                   for td in row.select("td")), row.text
    svg = page.select("svg")
    assert len(svg) >= 4  # paired, three kinds of change (each with its table)


def test_the_csv_leaves_out_counts_under_5(client: Any, demo_team: dict[str, Any]) -> None:
    response = sign_in(client, demo_team["helen"].user).get("/staff/dashboard.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert "No key worker,,2" in lines  # 1 of 2: left out
    assert "Friends and Family Test answers,," in lines
    assert "Pathway: Community mental health: Paired,," in lines  # 1 of 2: both left out
    assert "Pathway: Community mental health: GBO: improved of paired,," in lines
    assert "Pathway: Community mental health: DIALOG: improved of paired,0,0" in lines
    assert not any("Alex" in line or "Sam" in line for line in lines)


def test_someone_who_asks_to_be_contacted_is_named(client: Any, demo_team: dict[str, Any]) -> None:
    sam = demo_team["sam"]
    kept = db.session.scalars(select(Feedback).where(Feedback.fft_answer == "very_good")).one()
    kept.contact_user_id = sam.user_id
    db.session.commit()
    page = PageRequest(sign_in(client, demo_team["helen"].user)).get("staff.team_dashboard")
    assert "Sam Taylor" in page.select_one("#feedback-contact-requests").text


def test_only_team_leads_open_the_dashboard(as_key_worker: PageRequest) -> None:
    as_key_worker.get("staff.team_dashboard", _expected_status=403)


def test_gender_and_ethnic_group_from_the_record_are_counted_and_small_groups_hidden(
        client: Any, demo_team: dict[str, Any]) -> None:
    sam = demo_team["sam"]
    sam.gender, sam.ethnic_category = "male", "H"  # as a pull from the record would set them; Alex has none
    db.session.commit()
    today = date.today()
    board = team_dashboard(demo_team["helen"].user, today.replace(year=today.year - 1), today, today)

    assert {code: result.people for code, result in board.outcomes_by_gender.items()} == {"male": 1, "unknown": 1}
    assert {code: (result.people, result.paired_any) for code, result in board.outcomes_by_ethnic_group.items()} == {
        "asian": (1, 1), "unknown": (1, 0)}
    page = PageRequest(sign_in(client, demo_team["helen"].user)).get("staff.team_dashboard")
    rows = {tr.select_one("th").text: [td.text.strip() for td in tr.select("td")]
            for tr in page.select("#dashboard-by-ethnic-group tbody tr")}
    assert list(rows) == ["Asian or Asian British", "Not known"]
    assert rows["Asian or Asian British"][:2] == ["People Fewer than 5", "Paired Fewer than 5"]


@pytest.mark.parametrize("listed", [1000, 0])  # the quiet looked up by id, or as the whole team
def test_no_activity_lists_those_with_nothing_recent_and_their_last_date(
    app: Flask, listed: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Six months before the end of the period: one kind of recent activity is enough to be left off;
    the others are listed with the latest of all their kinds, oldest first."""
    monkeypatch.setattr(dashboard, "QUIET_LISTED", listed)
    today = date.today()
    lead = factories.create_staff(role=Role.TEAM_LEAD)
    team = lead.team

    def person(name: str) -> ServiceUser:
        return factories.create_service_user(team, given_name=name, family_name="Test")

    old, older = today - timedelta(days=250), today - timedelta(days=400)
    recent_session, recent_plan, recent_rating = person("Session"), person("Plan"), person("Rating")
    db.session.add(CareSession(service_user_id=recent_session.id, key_worker_id=lead.user_id,
                               started_at=make.at(today - timedelta(days=10))))
    make.create_response(recent_session, "reqol10", older, {"total": 20})
    make.create_care_plan(recent_plan, agreed_on=today - timedelta(days=20))
    make.create_goal(recent_rating, agreed_on=older, ratings=((older, 2), (today - timedelta(days=5), 4)))
    quiet_mixed, in_progress_only = person("Mixed"), person("Started")
    person("Nothing")
    make.create_response(quiet_mixed, "dialog", older, {"quality_of_life": 4})
    make.create_goal(quiet_mixed, agreed_on=older, ratings=((old, 5),))
    make.create_care_plan(quiet_mixed, agreed_on=older)
    make.create_response(in_progress_only, "reqol10", None)
    db.session.commit()

    board = team_dashboard(lead.user, today.replace(year=today.year - 1), today, today)
    assert [(p.name, p.last_activity_on) for p in board.no_activity] == [
        ("Nothing Test", None), ("Started Test", None), ("Mixed Test", old)]
