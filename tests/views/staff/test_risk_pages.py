"""The risk pathway's staff pages: the duty page, a flag and what was done, the duty rota, how staff
are told and when they are away. Access: staff of the person's team only; other ids 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, DutyShift, OutboxMessage, Role, SafetyFlag
from portal.notify.rules import Channel
from portal.services import measures, risk, settings
from tests import factories
from tests.conftest import PageRequest, sign_in
from tests.pages import error_messages


def raise_flag(person: Any, tier: str, hours_ago: float = 1, stage: int = 0) -> SafetyFlag:
    response = measures.start_or_resume(person.user, person, "reqol10")
    flag = risk.raise_answer_flag(person.user, response, "reqol_item6", tier,
                                  now=datetime.now(UTC) - timedelta(hours=hours_ago))
    flag.escalation_stage = stage
    db.session.commit()
    return flag


def as_staff(app: Flask, staff: Any) -> PageRequest:
    return PageRequest(sign_in(app.test_client(), staff.user))


# The duty page --------------------------------------------------------------------------------------

def test_the_duty_page_lists_the_teams_open_flags_escalated_then_urgent_then_oldest(
        app: Flask, team: Any, key_worker: Any, service_user: Any) -> None:
    colleague = factories.create_staff(team, Role.KEY_WORKER, name="Dee Duty")
    ann = factories.create_service_user(key_worker=key_worker, given_name="Ann", family_name="Old")
    bob = factories.create_service_user(key_worker=key_worker, given_name="Bob", family_name="New")
    cat = factories.create_service_user(key_worker=key_worker, given_name="Cat", family_name="Late")
    raise_flag(ann, "routine", hours_ago=50)
    raise_flag(bob, "urgent", hours_ago=1)
    raise_flag(service_user, "urgent", hours_ago=3)
    raise_flag(cat, "urgent", hours_ago=2, stage=2)
    closed = raise_flag(factories.create_service_user(key_worker=key_worker, given_name="Dan"), "urgent")
    risk.acknowledge(key_worker.user, closed, "spoke_with_person")

    page = as_staff(app, colleague).get("staff.duty")  # on duty, but not their key worker

    names = [row.select_one("a").get_text() for row in page.select("#open-flags tbody tr")]
    assert names == ["Cat Late", "Sam Taylor", "Bob New", "Ann Old"]
    first = page.select_one("#open-flags tbody tr").get_text(" ")
    assert "Urgent" in first and "Still open after the next working day" in first


def test_the_duty_page_shows_nothing_from_another_team(app: Flask, key_worker: Any,
                                                       as_key_worker: PageRequest) -> None:
    elsewhere = factories.create_service_user(team=factories.create_team(), given_name="Zed")
    raise_flag(elsewhere, "urgent")

    assert "Zed" not in as_key_worker.get("staff.duty").get_text()


def test_service_users_and_carers_may_not_see_the_duty_page(app: Flask, as_service_user: PageRequest,
                                                           as_carer: PageRequest) -> None:
    as_service_user.get("staff.duty", _expected_status=403)
    as_carer.get("staff.duty", _expected_status=403)


# One flag and what was done ----------------------------------------------------------------------------

def test_anyone_in_the_team_opens_a_flag_and_it_is_audited(app: Flask, team: Any, service_user: Any) -> None:
    flag = raise_flag(service_user, "urgent")
    colleague = factories.create_staff(team, Role.KEY_WORKER, name="Dee Duty")

    page = as_staff(app, colleague).get("staff.flag", flag_id=flag.id)

    assert "Sam Taylor" in page.select_one("h1").get_text()
    assert page.select("input[name=outcome]")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safety_flag_viewed",
                                                      AuditEvent.record_id == flag.id))


def test_someone_elses_flag_is_not_found(app: Flask, service_user: Any) -> None:
    elsewhere = factories.create_service_user(team=factories.create_team())
    flag = raise_flag(elsewhere, "urgent")
    other_team_staff = as_staff(app, factories.create_staff(factories.create_team(), Role.TEAM_LEAD))

    other_team_staff.get("staff.flag", flag_id=raise_flag(service_user, "urgent").id, _expected_status=404)
    other_team_staff.get("staff.flag", flag_id=999999, _expected_status=404)
    other_team_staff.post("staff.acknowledge_flag", {"outcome": "spoke_with_person"}, _expected_status=404,
                          flag_id=flag.id)


def test_recording_what_was_done_closes_the_flag_and_tells_the_record(app: Flask, service_user: Any,
                                                                      key_worker: Any,
                                                                      as_key_worker: PageRequest) -> None:
    flag = raise_flag(service_user, "urgent")

    as_key_worker.post("staff.acknowledge_flag", {"outcome": "passed_to_crisis_team", "outcome_note": "Crisis team 14:10"},
                       _expected_status=303, flag_id=flag.id)

    db.session.refresh(flag)
    assert (flag.outcome.value, flag.outcome_note, flag.acknowledged_by_id) == (
        "passed_to_crisis_team", "Crisis team 14:10", key_worker.user_id)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "flag.acknowledged"))
    assert message.payload["outcome"] == "passed_to_crisis_team" and message.payload["closed_by_name"] == "Kim Keyworker"
    page = as_key_worker.get("staff.flag", flag_id=flag.id)
    assert "I passed it to the crisis team" in page.get_text() and not page.select("input[name=outcome]")


def test_the_outcome_form_errors_keep_what_was_typed(app: Flask, service_user: Any,
                                                     as_key_worker: PageRequest) -> None:
    flag = raise_flag(service_user, "urgent")

    nothing = as_key_worker.post("staff.acknowledge_flag", {"outcome_note": "Called twice"}, flag_id=flag.id)
    no_reason = as_key_worker.post("staff.acknowledge_flag", {"outcome": "no_action_needed"}, flag_id=flag.id)

    assert error_messages(nothing) == ["Choose what was done"]
    assert nothing.select_one("textarea[name=outcome_note]").get_text().strip() == "Called twice"
    assert error_messages(no_reason) == ["Say why no action was needed"]
    assert no_reason.select_one("input[name=outcome][value=no_action_needed]").has_attr("checked")
    assert no_reason.select_one("title").get_text().startswith("Error: ")
    db.session.refresh(flag)
    assert flag.acknowledged_at is None


def test_the_one_click_mark_as_seen_is_gone(app: Flask, service_user: Any, as_key_worker: PageRequest) -> None:
    raise_flag(service_user, "urgent")

    page = as_key_worker.get("staff.service_user_measures", service_user_id=service_user.id)

    assert "I have seen this and will follow it up" not in page.get_text()
    assert page.select_one("a[href^='/staff/flags/']").get_text().startswith("Record what was done")


# The caseload ---------------------------------------------------------------------------------------

def test_the_caseload_shows_urgent_routine_and_escalated_flags_with_escalated_first(
        app: Flask, key_worker: Any, service_user: Any, as_key_worker: PageRequest) -> None:
    calm = factories.create_service_user(key_worker=key_worker, given_name="Ann", family_name="Able")
    routine = factories.create_service_user(key_worker=key_worker, given_name="Bea", family_name="Brown")
    raise_flag(routine, "routine")
    raise_flag(service_user, "urgent", stage=2)
    del calm

    page = as_key_worker.get("staff.home")

    rows = page.select("table.portal-caseload tbody tr")
    assert rows[0]["id"] == f"person-{service_user.id}"
    assert "1 urgent flag still open after the next working day" in rows[0].get_text()
    assert "1 routine flag to follow up" in page.select_one(f"#person-{routine.id}").get_text()


# The duty rota ----------------------------------------------------------------------------------------

def test_the_team_lead_keeps_the_rota_without_javascript(app: Flask, team: Any, key_worker: Any,
                                                         as_team_lead: PageRequest, team_lead: Any) -> None:
    page = as_team_lead.get("staff.duty_rota")
    first = page.select_one("select")["name"]
    day = date.fromisoformat(first.removeprefix("day-"))

    as_team_lead.post("staff.duty_rota", {first: str(key_worker.id)}, _expected_status=303)

    shift = db.session.scalar(select(DutyShift))
    assert (shift.duty_date, shift.staff_member_id, shift.recorded_by_id) == (day, key_worker.id, team_lead.user_id)
    again = as_team_lead.get("staff.duty_rota")
    assert again.select_one(f"select[name={first}] option[value='{key_worker.id}']").has_attr("selected")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "duty_rota_changed"))


def test_someone_from_another_team_cannot_be_put_on_the_rota(app: Flask, as_team_lead: PageRequest) -> None:
    stranger = factories.create_staff(factories.create_team(), Role.KEY_WORKER)
    first = as_team_lead.get("staff.duty_rota").select_one("select")["name"]

    page = as_team_lead.post("staff.duty_rota", {first: str(stranger.id)})

    assert error_messages(page) == ["Choose someone from the team, or nobody"]
    assert page.select_one("title").get_text().startswith("Error: ")
    assert db.session.scalar(select(DutyShift)) is None


@pytest.mark.parametrize("chosen", ["9" * 5000, "²", "1_0", str(2**63)])
def test_a_rota_choice_nobody_offered_is_explained_not_a_server_error(app: Flask, as_team_lead: PageRequest,
                                                                     chosen: str) -> None:
    first = as_team_lead.get("staff.duty_rota").select_one("select")["name"]
    page = as_team_lead.post("staff.duty_rota", {first: chosen})
    assert error_messages(page) == ["Choose someone from the team, or nobody"]
    assert db.session.scalar(select(DutyShift)) is None


def test_only_team_leads_keep_the_rota(app: Flask, as_key_worker: PageRequest) -> None:
    as_key_worker.get("staff.duty_rota", _expected_status=403)


# How staff are told, and away dates -----------------------------------------------------------------

def test_a_member_of_staff_chooses_texts_and_says_when_they_are_away(app: Flask, key_worker: Any,
                                                                    as_key_worker: PageRequest) -> None:
    start = date.today() + timedelta(days=3)
    as_key_worker.post("staff.notification_choice", {
        "notify_by": "sms", "mobile": "07700 900 982",
        "away_from-day": start.day, "away_from-month": start.month, "away_from-year": start.year,
    }, _expected_status=303)

    db.session.refresh(key_worker)
    assert (key_worker.notify_by, key_worker.mobile, key_worker.away_from, key_worker.away_until) == (
        Channel.SMS, "07700900982", start, None)


def test_texts_need_a_mobile_and_the_errors_keep_what_was_typed(app: Flask, as_key_worker: PageRequest) -> None:
    page = as_key_worker.post("staff.notification_choice", {
        "notify_by": "sms", "mobile": "",
        "away_from-day": "10", "away_from-month": "5", "away_from-year": "2031",
        "away_until-day": "1", "away_until-month": "5", "away_until-year": "2031",
    })

    assert error_messages(page) == ["Enter your UK mobile number to be told by text message, like 07700 900 982",
                                    "The last day away must be on or after the first day away"]
    assert page.select_one("input[name=notify_by][value=sms]").has_attr("checked")
    assert page.select_one("input[name=away_from-day]")["value"] == "10"


def test_a_team_lead_sets_when_someone_in_their_team_is_away(app: Flask, key_worker: Any,
                                                            as_team_lead: PageRequest) -> None:
    start = date.today() + timedelta(days=1)
    end = start + timedelta(days=7)
    as_team_lead.post("staff.staff_away", {
        "away_from-day": start.day, "away_from-month": start.month, "away_from-year": start.year,
        "away_until-day": end.day, "away_until-month": end.month, "away_until-year": end.year,
    }, _expected_status=303, staff_member_id=key_worker.id)

    db.session.refresh(key_worker)
    assert (key_worker.away_from, key_worker.away_until) == (start, end)


def test_nobody_sets_away_dates_for_another_team_and_key_workers_only_their_own(
        app: Flask, team: Any, as_team_lead: PageRequest, as_key_worker: PageRequest) -> None:
    stranger = factories.create_staff(factories.create_team(), Role.KEY_WORKER)
    colleague = factories.create_staff(team, Role.KEY_WORKER)

    as_team_lead.get("staff.staff_away", _expected_status=404, staff_member_id=stranger.id)
    as_key_worker.get("staff.staff_away", _expected_status=403, staff_member_id=colleague.id)


def test_flags_go_to_the_duty_worker_while_the_key_worker_is_away(app: Flask, team: Any, key_worker: Any,
                                                                 service_user: Any, team_lead: Any,
                                                                 as_key_worker: PageRequest) -> None:
    hours = settings.working_hours()
    seen = hours.local_date(hours.next_opening(datetime.now(UTC)))  # the day the team will see it
    duty = factories.create_staff(team, Role.KEY_WORKER, name="Dee Duty")
    as_team_lead = as_staff(app, team_lead)
    as_team_lead.post("staff.duty_rota", {f"day-{seen.isoformat()}": str(duty.id)}, _expected_status=303,
                      start=seen.isoformat())
    as_key_worker.post("staff.notification_choice", {
        "notify_by": "email", "away_from-day": seen.day, "away_from-month": seen.month, "away_from-year": seen.year,
    }, _expected_status=303)

    flag = raise_flag(service_user, "urgent", hours_ago=0)

    assert (flag.assignee_id, flag.routed_via) == (duty.id, "duty_worker")
