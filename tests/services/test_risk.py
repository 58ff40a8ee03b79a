"""The risk pathway's services (portal/services/risk.py): flags raised with a tier, routed, staff
told once (even when the scheduler runs twice), escalated, and closed with what was done.

Times are a fixed "now" worked out when each test runs (a weekday to come), moved forward by
passing a later "now": nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    FlagTier,
    LocalMessage,
    NotificationStatus,
    OutboxMessage,
    Role,
    SafetyFlag,
    StaffNotification,
)
from portal.notify.local import LocalNotifier
from portal.notify.rules import Channel
from portal.services import carers, measures, risk
from portal.services.errors import NotFound
from tests import factories

LONDON = ZoneInfo("Europe/London")
MONDAY, TUESDAY, FRIDAY, SATURDAY = 0, 1, 4, 5


def next_weekday(weekday: int, at: time = time(10, 0)) -> datetime:
    """That day of next week (Monday to Sunday), worked out when the test runs: Monday always comes
    before Tuesday, whatever day today is (run on a Monday, "the next Tuesday" came before "the next Monday")."""
    today = date.today()
    day = today + timedelta(days=7 - today.weekday() + weekday)
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.fixture
def team_lead(team: Any) -> Any:
    return factories.create_staff(team, Role.TEAM_LEAD, name="Helen Lead")


@pytest.fixture
def duty_worker(team: Any) -> Any:
    return factories.create_staff(team, Role.KEY_WORKER, name="Dee Duty")


def reqol_flag(person: Any, value: int, now: datetime) -> SafetyFlag:
    """Sam answers ReQoL question 6 (the service decides the tier from the trust's settings)."""
    response = measures.start_or_resume(person.user, person, "reqol10")
    concern = measures.save_answer(person.user, response, measures.question_at(response_instrument(), 6), value)
    flag = db.session.scalar(select(SafetyFlag).where(SafetyFlag.response_id == response.id))
    assert flag is not None and concern.tier == flag.tier.value
    # The answer was saved "now" in the test's terms: move the flag to that moment.
    flag.raised_at = now
    db.session.commit()
    return flag


def response_instrument() -> Any:
    return measures.instrument_for("reqol10")


def urgent_flag(person: Any, now: datetime) -> SafetyFlag:
    response = measures.start_or_resume(person.user, person, "reqol10")
    flag = risk.raise_answer_flag(person.user, response, "reqol_item6", "urgent", now=now)
    db.session.commit()
    return flag


def notifications(kind: str | None = None) -> list[StaffNotification]:
    query = select(StaffNotification).order_by(StaffNotification.id)
    if kind:
        query = query.where(StaffNotification.kind == kind)
    return list(db.session.scalars(query))


def told(kind: str | None = None) -> list[str]:
    return sorted(n.staff_member.name for n in notifications(kind))


# Raising and routing --------------------------------------------------------------------------------

def test_every_answer_that_shows_support_raises_a_flag_with_its_tier(app: Flask, service_user: Any) -> None:
    """Fault 1: "only occasionally" and "sometimes" said the key worker would see it; now they do."""
    for value, tier in ((1, "routine"), (2, "routine"), (3, "urgent"), (4, "urgent")):
        person = factories.create_service_user(key_worker=service_user.key_worker)
        flag = reqol_flag(person, value, next_weekday(TUESDAY))
        assert (flag.tier.value, flag.assignee_id, flag.routed_via) == (tier, service_user.key_worker_id, "key_worker")
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "flag.raised")).all()[-1]
    assert message.payload["tier"] == "urgent" and "raised_at" in message.payload


def test_none_of_the_time_raises_nothing(app: Flask, service_user: Any) -> None:
    response = measures.start_or_resume(service_user.user, service_user, "reqol10")
    measures.save_answer(service_user.user, response, measures.question_at(response_instrument(), 6), 0)

    assert db.session.scalar(select(SafetyFlag)) is None


def test_an_urgent_flag_tells_the_key_worker_once_and_a_routine_one_waits_for_the_digest(
        app: Flask, service_user: Any, key_worker: Any) -> None:
    reqol_flag(service_user, 3, next_weekday(TUESDAY))
    other = factories.create_service_user(key_worker=key_worker)
    reqol_flag(other, 1, next_weekday(TUESDAY))

    assert told("flag_urgent") == ["Kim Keyworker"]
    assert notifications("routine_digest") == []


def test_a_changed_answer_makes_the_flag_urgent_but_never_less_urgent(app: Flask, service_user: Any) -> None:
    response = measures.start_or_resume(service_user.user, service_user, "reqol10")
    item = measures.question_at(response_instrument(), 6)
    measures.save_answer(service_user.user, response, item, 2)
    measures.save_answer(service_user.user, response, item, 4)
    measures.save_answer(service_user.user, response, item, 1)

    [flag] = db.session.scalars(select(SafetyFlag)).all()
    assert flag.tier is FlagTier.URGENT
    assert told("flag_urgent") == ["Kim Keyworker"]


def test_with_the_key_worker_away_the_duty_worker_gets_it(app: Flask, service_user: Any, key_worker: Any,
                                                         team_lead: Any, duty_worker: Any) -> None:
    now = next_weekday(TUESDAY)
    today = now.astimezone(LONDON).date()
    risk.set_away(key_worker.user, key_worker.id, today - timedelta(days=2), today + timedelta(days=2))
    risk.set_rota(team_lead.user, {today: duty_worker.id})

    flag = urgent_flag(service_user, now)

    assert (flag.assignee_id, flag.routed_via) == (duty_worker.id, "duty_worker")
    assert told("flag_urgent") == ["Dee Duty"]


def test_with_no_key_worker_and_nobody_on_duty_the_team_lead_gets_it(app: Flask, team: Any, team_lead: Any) -> None:
    person = factories.create_service_user(team=team)

    flag = urgent_flag(person, next_weekday(TUESDAY))

    assert (flag.assignee_id, flag.routed_via) == (team_lead.id, "team_lead")


def test_out_of_hours_the_message_waits_for_the_team_to_open(app: Flask, service_user: Any) -> None:
    friday_night = next_weekday(FRIDAY, time(21, 0))

    urgent_flag(service_user, friday_night)

    [message] = notifications()
    assert message.send_after.astimezone(LONDON).weekday() == MONDAY
    assert message.send_after.astimezone(LONDON).time() == time(9, 0)
    assert risk.send_due(LocalNotifier(db.session), now=friday_night + timedelta(hours=1)).sent == 0


# Telling staff ----------------------------------------------------------------------------------------

def test_the_message_has_no_clinical_content_only_a_sign_in_link(app: Flask, service_user: Any,
                                                                 key_worker: Any) -> None:
    now = next_weekday(TUESDAY)
    flag = urgent_flag(service_user, now)

    result = risk.send_due(LocalNotifier(db.session), now=now)

    assert result.sent == 1
    [sent] = db.session.scalars(select(LocalMessage)).all()
    assert sent.to == key_worker.user.email
    assert sent.body.startswith("Something needs your attention in the portal")
    for clinical in ("Sam", "Taylor", service_user.nhs_number, "ReQoL", "life", "safety", "urgent"):
        assert clinical.lower() not in sent.body.lower()
    assert f"/login?next=%2Fstaff%2Fflags%2F{flag.id}" in sent.body
    db.session.refresh(flag)
    assert flag.notified_at == now


def test_staff_who_chose_texts_get_a_text(app: Flask, service_user: Any, key_worker: Any) -> None:
    risk.save_notification_choice(key_worker.user, Channel.SMS, "07700 900 982")
    now = next_weekday(TUESDAY)
    urgent_flag(service_user, now)

    risk.send_due(LocalNotifier(db.session), now=now)

    [sent] = db.session.scalars(select(LocalMessage)).all()
    assert (sent.channel, sent.to) == ("sms", "07700900982")


def test_sending_twice_sends_once(app: Flask, service_user: Any) -> None:
    now = next_weekday(TUESDAY)
    urgent_flag(service_user, now)

    assert risk.send_due(LocalNotifier(db.session), now=now).sent == 1
    assert risk.send_due(LocalNotifier(db.session), now=now).sent == 0
    assert len(db.session.scalars(select(LocalMessage)).all()) == 1


def test_a_routine_flag_comes_in_one_daily_digest(app: Flask, service_user: Any, key_worker: Any) -> None:
    monday_evening = next_weekday(MONDAY, time(18, 0))
    for _ in range(2):
        person = factories.create_service_user(key_worker=key_worker)
        reqol_flag(person, 2, monday_evening)
    tuesday_morning = next_weekday(TUESDAY, time(9, 5))

    assert risk.queue_digests(monday_evening) == 0  # the team is closed
    assert risk.queue_digests(tuesday_morning) == 1
    assert risk.queue_digests(tuesday_morning + timedelta(hours=1)) == 0
    assert risk.send_due(LocalNotifier(db.session), now=tuesday_morning).sent == 1
    assert all(flag.notified_at is not None for flag in db.session.scalars(select(SafetyFlag)))
    assert risk.queue_digests(tuesday_morning + timedelta(days=1)) == 0  # told already


# Escalation -------------------------------------------------------------------------------------------

def test_unacknowledged_after_four_working_hours_the_duty_worker_and_team_lead_are_told(
        app: Flask, service_user: Any, team_lead: Any, duty_worker: Any) -> None:
    raised = next_weekday(MONDAY, time(10, 0))
    risk.set_rota(team_lead.user, {raised.astimezone(LONDON).date(): duty_worker.id})
    flag = urgent_flag(service_user, raised)

    assert risk.escalate(raised + timedelta(hours=3, minutes=59)).escalated == 0
    result = risk.escalate(raised + timedelta(hours=4))

    assert (result.escalated, result.queued) == (1, 2)
    assert told("flag_escalated") == ["Dee Duty", "Helen Lead"]
    db.session.refresh(flag)
    assert flag.escalation_stage == 1 and flag.escalated_at == raised + timedelta(hours=4)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safety_flag_escalated"))


def test_still_open_at_the_end_of_the_next_working_day_the_team_lead_is_told_again(
        app: Flask, service_user: Any, team_lead: Any) -> None:
    raised = next_weekday(MONDAY, time(10, 0))
    flag = urgent_flag(service_user, raised)
    tuesday_close = next_weekday(TUESDAY, time(17, 0))

    result = risk.escalate(tuesday_close)  # the scheduler was down: both stages at once

    assert (result.escalated, result.overdue) == (1, 1)
    assert told("flag_overdue") == ["Helen Lead"]
    db.session.refresh(flag)
    assert flag.escalation_stage == 2 and flag.overdue_at == tuesday_close


def test_escalating_twice_or_after_a_restart_tells_each_person_once(app: Flask, service_user: Any,
                                                                   team_lead: Any) -> None:
    raised = next_weekday(MONDAY, time(10, 0))
    urgent_flag(service_user, raised)
    later = raised + timedelta(hours=5)

    first, second = risk.escalate(later), risk.escalate(later)

    assert (first.escalated, second.escalated, second.queued) == (1, 0, 0)
    assert len(notifications("flag_escalated")) == 1


def test_two_schedulers_escalating_the_same_flag_at_once_tell_each_person_once(
        app: Flask, service_user: Any, team_lead: Any) -> None:
    """Both read stage 0 before either wrote: the compare-and-set lets only one move it on."""
    raised = next_weekday(MONDAY, time(10, 0))
    flag = urgent_flag(service_user, raised)
    later = raised + timedelta(hours=5)
    winner, loser = risk.EscalationResult(), risk.EscalationResult()

    assert risk._advance(flag.id, 1, later, winner) is True
    assert risk._advance(flag.id, 1, later, loser) is False
    assert (winner.queued, loser.queued) == (1, 0)
    assert risk._queue(team_lead.id, f"flag:{flag.id}:stage1", notifications()[-1].kind, later, flag.id) == 0


def test_a_routine_flag_open_for_five_working_days_goes_to_the_duty_worker_and_team_lead(
        app: Flask, service_user: Any, team_lead: Any) -> None:
    raised = next_weekday(MONDAY, time(10, 0))
    flag = reqol_flag(service_user, 2, raised)

    assert risk.escalate(raised + timedelta(days=6)).escalated == 0
    assert risk.escalate(raised + timedelta(days=7)).escalated == 1
    assert risk.escalate(raised + timedelta(days=30)).overdue == 0  # routine flags stop at stage 1
    assert told("flag_escalated") == ["Helen Lead"]
    db.session.refresh(flag)
    assert flag.escalation_stage == 1


def test_an_acknowledged_flag_is_not_escalated_and_its_queued_messages_are_cancelled(
        app: Flask, service_user: Any, key_worker: Any, team_lead: Any) -> None:
    raised = next_weekday(MONDAY, time(10, 0))
    flag = urgent_flag(service_user, raised)

    risk.acknowledge(key_worker.user, flag, "spoke_with_person", now=raised + timedelta(hours=1))

    assert risk.escalate(raised + timedelta(days=3)).escalated == 0
    assert [n.status for n in notifications()] == [NotificationStatus.CANCELLED]


# Acknowledging -----------------------------------------------------------------------------------------

def test_acknowledging_records_who_when_and_what_and_tells_the_record(app: Flask, service_user: Any,
                                                                      key_worker: Any) -> None:
    raised = next_weekday(MONDAY, time(10, 0))
    flag = urgent_flag(service_user, raised)
    closed_at = raised + timedelta(hours=2)

    risk.acknowledge(key_worker.user, flag, "no_action_needed", "Spoke last week; plan in place", now=closed_at)

    db.session.refresh(flag)
    assert (flag.acknowledged_by_id, flag.acknowledged_at, flag.outcome.value, flag.outcome_note) == (
        key_worker.user_id, closed_at, "no_action_needed", "Spoke last week; plan in place")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "flag.acknowledged"))
    assert message.payload == {"flag_id": flag.id, "nhs_number": service_user.nhs_number,
                               "outcome": "no_action_needed", "outcome_note": "Spoke last week; plan in place",
                               "closed_by_name": "Kim Keyworker", "closed_at": closed_at.isoformat()}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safety_flag_acknowledged",
                                                      AuditEvent.record_id == flag.id))


def test_no_action_needed_needs_a_reason(app: Flask, service_user: Any, key_worker: Any) -> None:
    flag = urgent_flag(service_user, next_weekday(MONDAY))

    with pytest.raises(risk.OutcomeNoteNeeded):
        risk.acknowledge(key_worker.user, flag, "no_action_needed", "   ")

    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "flag.acknowledged")) is None


def test_only_staff_of_the_persons_team_may_see_or_close_a_flag(app: Flask, service_user: Any,
                                                                duty_worker: Any) -> None:
    flag = urgent_flag(service_user, next_weekday(MONDAY))
    elsewhere = factories.create_staff(factories.create_team(), Role.TEAM_LEAD)

    assert risk.flag_for_staff(duty_worker.user, flag.id).id == flag.id  # in the team, not the key worker
    with pytest.raises(NotFound):
        risk.flag_for_staff(elsewhere.user, flag.id)
    with pytest.raises(NotFound):
        risk.acknowledge(elsewhere.user, flag, "spoke_with_person")


# Carers' worries ----------------------------------------------------------------------------------------

def test_a_carers_urgent_worry_is_a_flag_routed_and_told_like_an_answer(app: Flask, service_user: Any, carer: Any,
                                                                        key_worker: Any) -> None:
    contribution = carers.add_contribution(carer.user, carer, service_user.id, {"worries": "He said goodbye"},
                                           worry_tier="urgent")

    flag = db.session.scalar(select(SafetyFlag))
    assert (flag.source.value, flag.reason, flag.tier.value, flag.response_id, flag.carer_contribution_id,
            flag.assignee_id) == ("carer", "carer_worry", "urgent", None, contribution.id, key_worker.id)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "flag.raised"))
    assert (message.payload["reason"], message.payload["tier"]) == ("carer_worry", "urgent")
    assert told("flag_urgent") == ["Kim Keyworker"]


def test_a_carers_worry_reaches_staff_whatever_the_person_shares_with_the_carer(app: Flask, service_user: Any,
                                                                               carer: Any) -> None:
    factories.create_consent(carer, service_user, scopes=())  # the carer may see nothing

    carers.add_contribution(carer.user, carer, service_user.id, {"worries": "Not eating"},
                            worry_tier="routine")

    assert db.session.scalar(select(SafetyFlag)).tier is FlagTier.ROUTINE


def test_no_worry_written_raises_no_flag(app: Flask, service_user: Any, carer: Any) -> None:
    carers.add_contribution(carer.user, carer, service_user.id, {"how_things_have_been": "Better"})

    assert db.session.scalar(select(SafetyFlag)) is None


# Through GOV.UK Notify ----------------------------------------------------------------------------------

@pytest.fixture
def notify() -> Iterator[Any]:
    from tests import fake_notify

    yield from fake_notify.serve()


def test_staff_messages_go_through_notify_with_their_own_template_and_only_a_link(
        app: Flask, service_user: Any, key_worker: Any, notify: Any) -> None:
    from portal.notify.govuk import GovukNotifyNotifier
    from tests import fake_notify

    adapter = GovukNotifyNotifier(fake_notify.API_KEY, fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID,
                                  base_url=notify.base_url, timeout=5,
                                  staff_sms_template_id=fake_notify.STAFF_SMS_TEMPLATE_ID,
                                  staff_email_template_id=fake_notify.STAFF_EMAIL_TEMPLATE_ID)
    now = next_weekday(TUESDAY)
    flag = urgent_flag(service_user, now)

    assert risk.send_due(adapter, now=now).sent == 1

    [request] = notify.sent
    assert request["template_id"] == fake_notify.STAFF_EMAIL_TEMPLATE_ID
    assert request["email_address"] == key_worker.user.email
    assert request["personalisation"] == {"link": f"http://127.0.0.1:5000/login?next=%2Fstaff%2Fflags%2F{flag.id}"}
    assert "one_click_unsubscribe_url" not in request
