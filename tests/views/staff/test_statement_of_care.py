"""The statement of care pages (issue 15): a consultant in the care team writes one from the live
template, reviews a goal inside it (the goal's own review), agrees it, changes it into version 2 and
prints it; a peer support worker reads it but cannot write; Sam reads it in plain words."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import GoalRating, OutboxMessage, StatementOfCare
from portal.services import care_team
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest, sign_in
from tests.pages import error_messages


def _member(person: Any, team_lead: Any, name: str, role: str, registration: str) -> PageRequest:
    staff = factories.create_staff(factories.create_team(f"{name}'s team"), name=name)
    staff.registration = registration
    care_team.add_member(team_lead.user, person, staff.id, role, "Clinic")
    db.session.commit()
    return PageRequest(sign_in(current_app.test_client(), staff.user))


def test_a_consultant_writes_reviews_a_goal_agrees_and_changes_a_statement_of_care(
        app: Flask, service_user: Any, team_lead: Any, as_service_user: PageRequest) -> None:
    today = date.today()
    goal = make.create_goal(service_user, text="Walk Bess before breakfast", agreed_on=today - timedelta(days=90),
                            next_review_on=today - timedelta(days=1), ratings=((today - timedelta(days=90), 3),))
    make.create_response(service_user, "reqol10", today - timedelta(days=80), {"total": 17})
    make.create_response(service_user, "reqol10", today - timedelta(days=2), {"total": 24})
    db.session.commit()
    as_bello = _member(service_user, team_lead, "Ade Bello", "consultant_psychiatrist", "GMC 1234567")

    goals_page = as_bello.get("staff.goals_page", service_user_id=service_user.id)
    assert goals_page.select_one("#statements-of-care-link") is not None
    listing = as_bello.get("staff.statements_of_care", service_user_id=service_user.id)
    assert "Write a statement of care" in listing.get_text()
    refused = as_bello.post("staff.new_statement_of_care", service_user_id=service_user.id, _data={})
    assert error_messages(refused) == ["Choose what the statement of care is for"]
    as_bello.post("staff.new_statement_of_care", service_user_id=service_user.id, _data={"purpose": "clinic_letter"},
                  _expected_status=303)
    statement = db.session.scalar(select(StatementOfCare))
    assert statement is not None

    page = as_bello.get("staff.write_statement_of_care", service_user_id=service_user.id, statement_id=statement.id)
    text = page.get_text(" ", strip=True)
    assert "Walk Bess before breakfast" in text and "Review due" in text
    assert "24" in text and "Up 7 since" in text, "the latest ReQoL-10 and its change"

    # An autosave keeps what was typed, without leaving the page
    saved = as_bello.client.post(as_bello.url("staff.write_statement_of_care", service_user_id=service_user.id,
                                              statement_id=statement.id),
                                 data={"text": "Sam is sleeping better.", "autosave": "1"},
                                 headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "saved" in saved.get_data(as_text=True)
    db.session.refresh(statement)
    assert statement.draft_text == "Sam is sleeping better."

    # Reviewing the goal inside the statement is the goal's review
    review = as_bello.get("staff.review_statement_goal", service_user_id=service_user.id, statement_id=statement.id,
                          goal_id=goal.id)
    version = review.select_one("input[name=version]")["value"]
    as_bello.post("staff.review_statement_goal", service_user_id=service_user.id, statement_id=statement.id,
                  goal_id=goal.id, _data={"rating": "6", "still_right": "yes", "version": version},
                  _expected_status=303)
    rating = db.session.scalars(select(GoalRating).where(GoalRating.goal_id == goal.id).order_by(GoalRating.id)).all()
    assert [r.rating for r in rating] == [3, 6]
    db.session.refresh(goal)
    assert goal.next_review_on is not None and goal.next_review_on > today

    as_bello.post("staff.write_statement_of_care", service_user_id=service_user.id, statement_id=statement.id,
                  _data={"text": "Sam is sleeping better.\n\nWe keep the dose.", "action": "agree"},
                  _expected_status=303)
    first = as_bello.get("staff.statement_of_care_version", service_user_id=service_user.id,
                         statement_id=statement.id, number=1)
    assert "Ade Bello" in first.select_one("#statement-author").get_text()
    assert [p.get_text() for p in first.select("#statement-text p")] == ["Sam is sleeping better.",
                                                                       "We keep the dose."]
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "statement_of_care.agreed"))

    as_bello.post("staff.write_statement_of_care", service_user_id=service_user.id, statement_id=statement.id,
                  _data={"text": "Version two.", "action": "agree"}, _expected_status=303)
    second = as_bello.get("staff.statement_of_care_version", service_user_id=service_user.id,
                          statement_id=statement.id, number=2)
    assert len(second.select("#statement-versions li")) == 2
    printed = as_bello.get("staff.print_statement_of_care", service_user_id=service_user.id,
                           statement_id=statement.id, number=2)
    assert "Version two." in printed.select_one("#statement-text").get_text()

    mine = as_service_user.get("me.statements_of_care")
    text = mine.get_text(" ", strip=True)
    assert "Ade Bello wrote this." in text and "consultant psychiatrist" in text and "Version two." in text
    assert "Walk Bess before breakfast: 6 out of 10" in text


def test_agreeing_nothing_is_refused_with_the_words_kept(app: Flask, service_user: Any, team_lead: Any) -> None:
    as_bello = _member(service_user, team_lead, "Ade Bello", "consultant_psychiatrist", "GMC 1234567")
    as_bello.post("staff.new_statement_of_care", service_user_id=service_user.id, _data={"purpose": "session"},
                  _expected_status=303)
    statement = db.session.scalar(select(StatementOfCare))
    page = as_bello.post("staff.write_statement_of_care", service_user_id=service_user.id,
                         statement_id=statement.id, _data={"text": "  ", "action": "agree"})
    assert error_messages(page) == ["Write the statement of care before you agree it"]


def test_a_peer_support_worker_reads_agreed_statements_but_cannot_write_them(
        app: Flask, service_user: Any, team_lead: Any) -> None:
    as_bello = _member(service_user, team_lead, "Ade Bello", "consultant_psychiatrist", "GMC 1234567")
    as_robin = _member(service_user, team_lead, "Robin Clarke", "peer_support_worker", "")
    as_bello.post("staff.new_statement_of_care", service_user_id=service_user.id, _data={"purpose": "session"},
                  _expected_status=303)
    statement = db.session.scalar(select(StatementOfCare))
    as_bello.post("staff.write_statement_of_care", service_user_id=service_user.id, statement_id=statement.id,
                  _data={"text": "Agreed words.", "action": "agree"}, _expected_status=303)

    listing = as_robin.get("staff.statements_of_care", service_user_id=service_user.id)
    assert "Write a statement of care" not in listing.get_text() and "Carry on writing" not in listing.get_text()
    assert "Agreed words." in as_robin.get("staff.statement_of_care_version", service_user_id=service_user.id,
                                           statement_id=statement.id, number=1).get_text()
    as_robin.get("staff.new_statement_of_care", service_user_id=service_user.id, _expected_status=403)
    as_robin.post("staff.write_statement_of_care", service_user_id=service_user.id, statement_id=statement.id,
                  _data={"text": "Not mine.", "action": "agree"}, _expected_status=403)
    db.session.refresh(statement)
    assert len(statement.versions) == 1 and statement.draft_text == "Agreed words."


def test_nobody_outside_the_care_team_opens_a_statement(app: Flask, service_user: Any, team_lead: Any) -> None:
    as_bello = _member(service_user, team_lead, "Ade Bello", "consultant_psychiatrist", "GMC 1234567")
    as_bello.post("staff.new_statement_of_care", service_user_id=service_user.id, _data={"purpose": "session"},
                  _expected_status=303)
    statement = db.session.scalar(select(StatementOfCare))
    stranger = factories.create_staff(factories.create_team())
    db.session.commit()
    as_stranger = PageRequest(sign_in(app.test_client(), stranger.user))
    as_stranger.get("staff.statements_of_care", service_user_id=service_user.id, _expected_status=404)
    as_stranger.get("staff.write_statement_of_care", service_user_id=service_user.id, statement_id=statement.id,
                    _expected_status=404)


def test_the_start_form_sent_twice_begins_one_statement(app: Flask, service_user: Any, team_lead: Any) -> None:
    as_bello = _member(service_user, team_lead, "Ade Bello", "consultant_psychiatrist", "GMC 1234567")
    form = as_bello.get("staff.new_statement_of_care", service_user_id=service_user.id)
    token = form.select_one("input[name=form_token]")["value"]
    for _ in range(2):
        as_bello.post("staff.new_statement_of_care", service_user_id=service_user.id,
                      _data={"purpose": "session", "form_token": token}, _expected_status=303)
    assert len(db.session.scalars(select(StatementOfCare)).all()) == 1
