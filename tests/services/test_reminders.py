"""Reminders end to end in the service layer, with a controllable clock.

The issue's "done when": with the local notifier, assigning a ReQoL to a service user who chose
text messages queues exactly one message, at the right time (not in quiet hours); none once it
is completed, and none after opting out; running the scheduler twice queues it once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    ConsentSource,
    LocalMessage,
    MeasureAssignment,
    NotificationStatus,
    ReminderNotification,
    Role,
    Section,
)
from portal.notify.govuk import GovukNotifyNotifier
from portal.notify.local import LocalNotifier
from portal.notify.port import Accepted, Message, PermanentFailure, TemporaryFailure
from portal.notify.rules import Channel, Choice, QuietHours, Send
from portal.services import accounts, care_plans, carers, measures, reminders
from tests import factories, fake_notify
from tests import workspace_factories as make

# Monday 12 January 2026, winter: UK time is UTC.
ASSIGNED = datetime(2026, 1, 12, 20, 30, tzinfo=UTC)  # 20:30, already in the default quiet hours


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def sam(service_user: Any) -> Any:
    service_user.phone = "07700 900982"
    service_user.email = "sam@example.test"
    reminders.save_preference(service_user.user, service_user, Choice.TEXT, source=ConsentSource.SELF)
    db.session.commit()
    return service_user


def assign_reqol(key_worker: Any, person: Any, due_on: date = date(2026, 1, 16)) -> MeasureAssignment:
    assignment = measures.assign(key_worker.user, person, "reqol10", due_on)
    assignment.assigned_at = ASSIGNED
    db.session.commit()
    return assignment


def queued() -> list[ReminderNotification]:
    return list(db.session.scalars(select(ReminderNotification).order_by(ReminderNotification.id)))


def complete(person: Any) -> None:
    """Sam fills in and submits the ReQoL, as he would on his phone."""
    response = measures.start_or_resume(person.user, person, "reqol10")
    for item in measures.questions(measures.instrument_for("reqol10")):
        measures.save_answer(person.user, response, item, max(item.values))
    measures.submit(person.user, response, person)


def local() -> LocalNotifier:
    return LocalNotifier(db.session)


# The "done when" ----------------------------------------------------------------------------

def test_assigning_a_reqol_queues_one_text_for_when_the_quiet_hours_end(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    result = reminders.schedule(ASSIGNED + timedelta(minutes=5))

    assert result.queued == 1
    [reminder] = queued()
    assert (reminder.channel.value, reminder.status, reminder.reminder_number) == ("sms", NotificationStatus.QUEUED, 1)
    assert reminder.send_after == utc(2026, 1, 13, 8, 0)  # 8am UK time, not 20:35
    assert reminder.task_kind == "measure"

    assert reminders.send_due(local(), utc(2026, 1, 12, 23, 0)).sent == 0  # still quiet hours
    assert reminders.send_due(local(), utc(2026, 1, 13, 8, 1)).sent == 1
    [message] = db.session.scalars(select(LocalMessage)).all()
    assert message.channel == "sms" and message.to == "07700900982"
    db.session.refresh(reminder)
    assert reminder.status is NotificationStatus.DELIVERED and reminder.destination_hint == "ending 982"


def test_the_message_says_only_there_is_something_to_do_with_a_sign_in_link_to_the_task(
        sam: Any, key_worker: Any, app: Flask) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 9))
    reminders.send_due(local(), utc(2026, 1, 13, 9))
    body = db.session.scalars(select(LocalMessage)).one().body
    assert "something to do in your care portal" in body
    for word in ("mental health", "ReQoL", "questionnaire", "score", "Sam", "Taylor"):
        assert word.lower() not in body.lower()
    sign_in = next(w for w in body.split() if "/login" in w)
    assert sign_in.startswith(app.config["PUBLIC_BASE_URL"] + "/login?")
    assert parse_qs(urlsplit(sign_in).query) == {"next": ["/me/measures"]}  # and nothing that signs anyone in


def test_no_reminder_once_the_measure_is_completed(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    complete(sam)
    assert reminders.schedule(utc(2026, 1, 13, 9)).queued == 0
    assert queued() == []


def test_a_queued_reminder_is_not_sent_if_the_measure_is_completed_before_it_goes(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(ASSIGNED + timedelta(minutes=5))
    complete(sam)  # that evening, before 8am
    result = reminders.send_due(local(), utc(2026, 1, 13, 8, 1))
    assert (result.sent, result.cancelled) == (0, 1)
    assert queued()[0].status is NotificationStatus.CANCELLED and queued()[0].reason == "done"
    assert db.session.scalar(select(func.count()).select_from(LocalMessage)) == 0


def test_no_reminder_after_opting_out_and_the_queued_one_is_cancelled(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(ASSIGNED + timedelta(minutes=5))
    reminders.change_preference(sam.user, sam, Choice.NONE, QuietHours())
    assert queued()[0].status is NotificationStatus.CANCELLED
    assert reminders.schedule(utc(2026, 1, 20, 9)).queued == 0
    assert reminders.send_due(local(), utc(2026, 1, 20, 9)).sent == 0
    assert len(queued()) == 1


def test_running_the_scheduler_twice_queues_once(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    now = utc(2026, 1, 13, 9)
    assert reminders.schedule(now).queued == 1
    assert reminders.schedule(now).queued == 0
    assert len(queued()) == 1


def test_two_schedulers_deciding_at_the_same_moment_still_queue_once(sam: Any, key_worker: Any, app: Flask) -> None:
    """Both read "no reminder yet" before either wrote: the unique key lets only one row in."""
    assign_reqol(key_worker, sam)
    now = utc(2026, 1, 13, 9)
    [task] = reminders.open_tasks(now, reminders.current_settings())
    decision = Send(1, (reminders.Channel.SMS,), now)
    assert reminders._enqueue(task, decision, reminders.Channel.SMS) == 1
    assert reminders._enqueue(task, decision, reminders.Channel.SMS) == 0
    db.session.commit()
    assert len(queued()) == 1


def test_later_reminders_are_spaced_and_limited(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam, due_on=date(2026, 1, 14))
    days = [utc(2026, 1, 13, 9) + timedelta(days=d) for d in range(0, 12)]
    queued_on = [day.date() for day in days if reminders.schedule(day).queued]
    assert queued_on == [date(2026, 1, 13), date(2026, 1, 16), date(2026, 1, 19)]  # every 3 days, 3 at most


def test_a_measure_due_in_a_month_is_reminded_a_week_before(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam, due_on=date(2026, 2, 20))
    assert reminders.schedule(utc(2026, 2, 12, 9)).queued == 0
    assert reminders.schedule(utc(2026, 2, 13, 9)).queued == 1


def test_no_reminder_while_the_key_worker_has_deferred_the_measure(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    measures.defer(key_worker.user, sam, "reqol10", "In crisis: not the right time", date(2026, 2, 1))
    assert reminders.schedule(utc(2026, 1, 13, 9)).queued == 0
    assert reminders.schedule(utc(2026, 2, 2, 9)).queued == 1


def test_no_reminder_when_the_account_is_closed(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    sam.user.active = False
    db.session.commit()
    assert reminders.schedule(utc(2026, 1, 13, 9)).skipped["record_closed"] == 1
    assert queued() == []


def test_both_channels_give_one_message_each(sam: Any, key_worker: Any) -> None:
    reminders.change_preference(sam.user, sam, Choice.BOTH, QuietHours())
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 9))
    assert sorted(r.channel.value for r in queued()) == ["email", "sms"]


def test_no_reminders_until_the_person_chooses(service_user: Any, key_worker: Any) -> None:
    service_user.phone = "07700900982"
    assign_reqol(key_worker, service_user)
    assert reminders.schedule(utc(2026, 1, 13, 9)).queued == 0


def test_a_landline_gets_no_texts(sam: Any, key_worker: Any) -> None:
    sam.phone = "0113 496 0000"
    assign_reqol(key_worker, sam)
    result = reminders.schedule(utc(2026, 1, 13, 9))
    assert result.queued == 0 and result.skipped["no_contact"] == 1


# Preferences and consent ----------------------------------------------------------------------------

def test_preference_changes_are_audited_without_personal_data(sam: Any) -> None:
    reminders.change_preference(sam.user, sam, Choice.NONE, QuietHours())
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["reminder_preferences_changed", "reminders_stopped"]
    pref = reminders.preference(sam)
    assert pref is not None and pref.consent_recorded_by_id == sam.user.id


def test_only_the_person_changes_their_own_choice(sam: Any, key_worker: Any) -> None:
    with pytest.raises(PermissionError):
        reminders.change_preference(key_worker.user, sam, Choice.NONE, QuietHours())


def test_the_stop_link_stops_reminders_without_signing_in(sam: Any, key_worker: Any, app: Flask) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(ASSIGNED + timedelta(minutes=5))
    link = reminders.stop_link(reminders.Person.of(sam))
    token = link.rsplit("/", 1)[1]
    person = reminders.person_for_stop_token(token)
    assert person is not None and person.id == sam.id
    reminders.stop_by_link(person)
    pref = reminders.preference(sam)
    assert pref is not None and pref.choice is Choice.NONE and pref.consent_source is ConsentSource.STOP_LINK
    assert queued()[0].status is NotificationStatus.CANCELLED
    assert reminders.person_for_stop_token(token + "x") is None
    assert reminders.person_for_stop_token("not-a-token") is None


def test_a_stop_token_is_no_good_for_anything_else(sam: Any, app: Flask) -> None:
    from itsdangerous import URLSafeTimedSerializer

    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(["service_user", sam.id])
    assert reminders.person_for_stop_token(other) is None


# Carers --------------------------------------------------------------------------------------------------

def test_a_carer_whose_details_are_over_a_year_old_is_asked_to_check_them(carer: Any) -> None:
    carer.mobile, carer.details_confirmed_on = "07700900123", date(2024, 12, 1)
    reminders.save_preference(carer.user, carer, Choice.TEXT)
    db.session.commit()
    reminders.schedule(utc(2026, 1, 13, 9))
    [reminder] = queued()
    assert (reminder.carer_id, reminder.task_kind, reminder.task_path) == (carer.id, "carer_details", "/carer/details")
    carer.details_confirmed_on = date(2026, 1, 13)
    db.session.commit()
    assert reminders.send_due(local(), utc(2026, 1, 13, 10)).cancelled == 1


# The worker: retries and dead letters -----------------------------------------------------------------

class Failing:
    name = "failing"

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def send(self, message: Message) -> Accepted:
        self.calls += 1
        raise self.error

    def delivery_status(self, provider_id: str) -> Any:
        raise AssertionError


def test_a_temporary_failure_is_retried_later_and_never_in_quiet_hours(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 19, 59))
    notifier = Failing(TemporaryFailure("rate_limited", "429 RateLimitError", retry_after=120))
    result = reminders.send_due(notifier, utc(2026, 1, 13, 19, 59))
    assert result.retried == 1
    [reminder] = queued()
    assert reminder.status is NotificationStatus.QUEUED and reminder.attempts == 1
    assert reminder.next_attempt_at == utc(2026, 1, 14, 8, 0)  # not at 20:01
    assert reminder.reason.startswith("rate_limited")


def test_after_too_many_temporary_failures_the_reminder_is_dead(sam: Any, key_worker: Any, app: Flask,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "REMINDER_SEND_MAX_ATTEMPTS", 2)
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 9))
    notifier = Failing(TemporaryFailure("provider_unavailable", "500 Exception"))
    reminders.send_due(notifier, utc(2026, 1, 13, 9))
    reminders.send_due(notifier, utc(2026, 1, 13, 12))
    [reminder] = queued()
    assert notifier.calls == 2
    assert reminder.status is NotificationStatus.DEAD and reminder.reason.startswith("gave_up")


def test_an_invalid_number_is_a_dead_letter_at_once_and_the_key_worker_is_told(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 9))
    result = reminders.send_due(Failing(PermanentFailure("invalid_number", "400 ValidationError")),
                                utc(2026, 1, 13, 9))
    assert result.dead == 1
    assert queued()[0].reason == "invalid_number (400 ValidationError)"
    assert reminders.history_for(sam, now=utc(2026, 1, 14)).contact_problem


def test_a_claimed_reminder_is_not_sent_by_a_second_worker(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 9))
    first = reminders._claim(utc(2026, 1, 13, 9), 10)
    second = reminders._claim(utc(2026, 1, 13, 9), 10)
    assert len(first) == 1 and second == []


# Through GOV.UK Notify (a fake one on 127.0.0.1) --------------------------------------------------------

@pytest.fixture
def notify() -> Iterator[fake_notify.FakeNotify]:
    yield from fake_notify.serve()


def test_sent_through_notify_with_the_right_template_and_links_then_delivered(
        sam: Any, key_worker: Any, notify: fake_notify.FakeNotify, app: Flask) -> None:
    adapter = GovukNotifyNotifier(fake_notify.API_KEY, fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID,
                                  base_url=notify.base_url, timeout=5)
    assign_reqol(key_worker, sam)
    reminders.schedule(utc(2026, 1, 13, 9))
    sent_at = utc(2026, 1, 13, 9)
    assert reminders.send_due(adapter, sent_at).sent == 1
    [request] = notify.sent
    assert request["phone_number"] == "07700900982"
    assert request["template_id"] == fake_notify.SMS_TEMPLATE_ID
    assert set(request["personalisation"]) == {"link", "stop_link"}
    assert request["personalisation"]["link"].endswith("/login?next=%2Fme%2Fmeasures")
    [reminder] = queued()
    assert reminder.status is NotificationStatus.SENT and reminder.provider == "govuk_notify"
    assert request["reference"] == f"reminder-{reminder.id}"

    notify.statuses[reminder.provider_id] = "permanent-failure"
    assert reminders.refresh_statuses(adapter, sent_at + timedelta(minutes=5)) == 1
    db.session.refresh(reminder)
    assert reminder.status is NotificationStatus.FAILED and reminder.reason == "not_delivered"
    assert reminders.history_for(sam, now=sent_at).contact_problem


# Invitations by message -----------------------------------------------------------------------------

@pytest.fixture
def alex(key_worker: Any) -> Any:
    """A service user without an account yet, with a mobile and an email on their record."""
    return factories.create_service_user(key_worker=key_worker, with_account=False, given_name="Alex",
                                         family_name="Morgan", phone="07700 900123", email="old@example.test")


def invite(key_worker: Any, person: Any, email: str = "alex@example.test") -> accounts.NewInvitation:
    return accounts.create_invitation(key_worker.user, email, Role.SERVICE_USER, service_user_id=person.id,
                                      now=ASSIGNED)


def test_an_invitation_by_text_waits_for_the_morning_and_does_not_carry_the_code(
        alex: Any, key_worker: Any, app: Flask) -> None:
    created = invite(key_worker, alex)
    reminders.send_invitation(key_worker.user, created.invitation, Channel.SMS, now=ASSIGNED)  # 20:30

    [row] = queued()
    assert (row.service_user_id, row.task_kind, row.channel) == (alex.id, "invitation", Channel.SMS)
    assert row.send_after == utc(2026, 1, 13, 8, 0)  # default quiet hours: they have chosen nothing yet
    assert reminders.send_due(local(), utc(2026, 1, 12, 23, 0)).sent == 0
    assert reminders.send_due(local(), utc(2026, 1, 13, 8, 1)).sent == 1

    message = db.session.scalars(select(LocalMessage)).one()
    assert message.to == "07700900123"
    assert "invited to use your care portal" in message.body
    assert f"{app.config['PUBLIC_BASE_URL']}/invitation " in message.body
    code = created.code
    for secret in (code, code.replace("-", ""), "alex@example.test", "Alex", "Morgan", "mental health"):
        assert secret.lower() not in message.body.lower()
    audit_actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "invitation")).all()
    assert "invitation_queued_sms" in audit_actions


def test_an_invitation_by_email_goes_only_to_the_address_it_is_tied_to(alex: Any, key_worker: Any) -> None:
    created = invite(key_worker, alex, email="Alex.New@Example.test")
    reminders.send_invitation(key_worker.user, created.invitation, Channel.EMAIL, now=utc(2026, 1, 13, 9))
    reminders.send_due(local(), utc(2026, 1, 13, 9))
    assert db.session.scalars(select(LocalMessage.to)).one() == "alex.new@example.test"  # not old@ on the record


def test_an_invitation_used_before_the_message_goes_is_not_sent(alex: Any, key_worker: Any) -> None:
    created = invite(key_worker, alex)
    reminders.send_invitation(key_worker.user, created.invitation, Channel.SMS, now=ASSIGNED)
    accounts.accept_invitation("alex@example.test", created.code, "a long enough password", now=ASSIGNED)
    result = reminders.send_due(local(), utc(2026, 1, 13, 8, 1))
    assert (result.sent, result.cancelled) == (0, 1)
    assert db.session.scalars(select(LocalMessage)).all() == []


def test_an_invitation_stopped_from_the_link_is_not_sent(alex: Any, key_worker: Any) -> None:
    created = invite(key_worker, alex)
    reminders.send_invitation(key_worker.user, created.invitation, Channel.SMS, now=ASSIGNED)
    reminders.stop_by_link(alex)
    assert reminders.send_due(local(), utc(2026, 1, 13, 8, 1)).sent == 0
    assert queued()[0].status is NotificationStatus.CANCELLED


def test_no_text_without_a_mobile_and_only_the_inviter_sends_it(alex: Any, key_worker: Any) -> None:
    created = invite(key_worker, alex)
    other = factories.create_staff(key_worker.team)
    with pytest.raises(PermissionError):
        reminders.send_invitation(other.user, created.invitation, Channel.EMAIL)
    alex.phone = "01632 960001"  # a landline
    with pytest.raises(reminders.InvitationNotSent):
        reminders.send_invitation(key_worker.user, created.invitation, Channel.SMS)
    assert queued() == []


def test_a_new_carer_s_mobile_typed_by_the_inviter_is_used_for_the_text(service_user: Any) -> None:
    invitation = carers.invite_carer(service_user.user, service_user, name="Ali Khan", relationship="Friend",
                                     email="ali@example.test", days=7)
    reminders.send_invitation(service_user.user, invitation.created.invitation, Channel.SMS,
                              mobile="+44 7700 900456", now=utc(2026, 1, 13, 9))
    [row] = queued()
    assert row.carer_id == invitation.created.invitation.carer_id
    reminders.send_due(local(), utc(2026, 1, 13, 9))
    assert db.session.scalars(select(LocalMessage.to)).one() == "07700900456"


def test_an_invitation_through_notify_uses_the_invitation_template(
        alex: Any, key_worker: Any, notify: fake_notify.FakeNotify) -> None:
    adapter = GovukNotifyNotifier(fake_notify.API_KEY, fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID,
                                  base_url=notify.base_url, timeout=5,
                                  invitation_sms_template_id=fake_notify.INVITATION_SMS_TEMPLATE_ID)
    created = invite(key_worker, alex)
    reminders.send_invitation(key_worker.user, created.invitation, Channel.SMS, now=utc(2026, 1, 13, 9))
    assert reminders.send_due(adapter, utc(2026, 1, 13, 9)).sent == 1
    [request] = notify.sent
    assert request["template_id"] == fake_notify.INVITATION_SMS_TEMPLATE_ID
    assert request["personalisation"]["link"].endswith("/invitation")
    assert created.code.replace("-", "") not in str(request).replace("-", "")


# Carers: a request for their views before a care plan review -------------------------------------------

REVIEW_ON = date(2026, 3, 2)  # asked from 21 days before: 9 February


@pytest.fixture
def jo(carer: Any, service_user: Any, key_worker: Any) -> Any:
    """Jo chose reminders by email; Sam's care plan was agreed with a review on 2 March."""
    carer.email = "jo@example.test"
    reminders.save_preference(carer.user, carer, Choice.EMAIL)
    care_plans.add_entry(key_worker.user, service_user, Section.WHAT_MATTERS, "Getting back to work")
    care_plans.agree(key_worker.user, service_user, next_review_on=REVIEW_ON, today=date(2026, 1, 12))
    carer.details_confirmed_on = date(2026, 1, 1)  # so the only task is the review
    db.session.commit()
    return carer


def views_requests() -> list[ReminderNotification]:
    return [row for row in queued() if row.task_kind == "carer_views"]


def test_a_carer_who_may_know_is_asked_for_their_views_before_the_review(
        jo: Any, service_user: Any, app: Flask) -> None:
    factories.create_consent(jo, service_user, ("involvement",))
    db.session.commit()
    assert reminders.schedule(utc(2026, 2, 8, 10)).queued == 0  # too early
    assert reminders.schedule(utc(2026, 2, 9, 10)).queued == 1
    [row] = views_requests()
    assert (row.carer_id, row.channel, row.task_path) == (jo.id, Channel.EMAIL, f"/carer/people/{service_user.id}/views")
    assert reminders.send_due(local(), utc(2026, 2, 9, 10)).sent == 1
    body = db.session.scalars(select(LocalMessage.body)).one()
    for word in ("mental health", "review", "Sam", "Taylor", "care plan"):
        assert word.lower() not in body.lower()


@pytest.mark.parametrize("scopes", [None, (), ("care_plan", "goals")], ids=["no consent", "nothing", "no involvement"])
def test_no_request_unless_the_consent_lets_the_carer_know(
        jo: Any, service_user: Any, scopes: tuple[str, ...] | None) -> None:
    if scopes is not None:
        factories.create_consent(jo, service_user, scopes)
        db.session.commit()
    assert reminders.schedule(utc(2026, 2, 9, 10)).queued == 0
    assert views_requests() == []


def test_withdrawn_consent_stops_the_request_even_once_queued(jo: Any, service_user: Any) -> None:
    factories.create_consent(jo, service_user, ("involvement", "goals"))
    db.session.commit()
    reminders.schedule(utc(2026, 2, 9, 21))  # queued for the morning
    assert len(views_requests()) == 1
    factories.create_consent(jo, service_user, ())  # Sam withdraws it that evening
    db.session.commit()
    result = reminders.send_due(local(), utc(2026, 2, 10, 8, 1))
    assert (result.sent, result.cancelled) == (0, 1)
    assert db.session.scalars(select(LocalMessage)).all() == []
    assert reminders.schedule(utc(2026, 2, 14, 10)).queued == 0


def test_no_request_once_the_carer_has_given_views_or_the_review_date_has_passed(
        jo: Any, service_user: Any) -> None:
    factories.create_consent(jo, service_user, ("involvement",))
    earlier = factories.create_contribution(jo, service_user)
    earlier.submitted_at = utc(2026, 1, 20, 12)  # type: ignore[attr-defined]  # before this review's requests
    db.session.commit()
    assert reminders.schedule(utc(2026, 2, 9, 10)).queued == 1
    views = factories.create_contribution(jo, service_user)
    views.submitted_at = utc(2026, 2, 10, 12)  # type: ignore[attr-defined]
    db.session.commit()
    assert reminders.schedule(utc(2026, 2, 13, 10)).skipped["done"] == 1
    assert len(views_requests()) == 1
    db.session.delete(views)
    db.session.commit()
    assert reminders.schedule(utc(2026, 3, 3, 10)).queued == 0  # the review date has passed


def _carer_asked_for_views(key_worker: Any, number: int) -> None:
    """Another person with an agreed care plan, and a carer who may know and chose email reminders."""
    person = factories.create_service_user(key_worker=key_worker, family_name=f"Views{number}", with_account=False)
    carer = factories.create_carer(person)
    carer.email, carer.details_confirmed_on = f"carer{number}@example.test", date(2026, 1, 1)
    reminders.save_preference(carer.user, carer, Choice.EMAIL)
    care_plans.add_entry(key_worker.user, person, Section.WHAT_MATTERS, "Getting back to work")
    care_plans.agree(key_worker.user, person, next_review_on=REVIEW_ON, today=date(2026, 1, 12))
    factories.create_consent(carer, person, ("involvement",), recorded_by=key_worker.user)
    if number % 2:
        factories.create_contribution(carer, person).submitted_at = utc(2026, 2, 1, 12)  # type: ignore[attr-defined]


def test_the_scheduler_s_queries_do_not_grow_with_the_number_of_carers(key_worker: Any) -> None:
    for number in range(3):
        _carer_asked_for_views(key_worker, number)
    db.session.commit()
    with make.count_queries() as small:
        assert reminders.schedule(utc(2026, 2, 9, 10)).queued == 3
    for number in range(3, 30):
        _carer_asked_for_views(key_worker, number)
    db.session.commit()
    with make.count_queries() as large:
        assert reminders.schedule(utc(2026, 2, 10, 10)).queued == 27  # the first three were queued yesterday
    # Each reminder queued costs two statements (its row and its audit event); finding them, a fixed few.
    finding_small, finding_large = small() - 3 * 2, large() - 27 * 2
    assert finding_large == finding_small, f"{finding_small} queries to find 3 carers' tasks, {finding_large} for 30"
    assert finding_small < 15


# Discharge: the record is closed -------------------------------------------------------------------

def test_no_reminder_once_discharged_and_a_queued_one_is_cancelled(sam: Any, key_worker: Any) -> None:
    assign_reqol(key_worker, sam)
    reminders.schedule(ASSIGNED + timedelta(minutes=5))  # queued for 8am
    sam.discharged_on = date(2026, 1, 12)  # discharged that evening
    db.session.commit()
    result = reminders.send_due(local(), utc(2026, 1, 13, 8, 1))
    assert (result.sent, result.cancelled) == (0, 1)
    assert queued()[0].reason == "record_closed"
    assert reminders.schedule(utc(2026, 1, 20, 9)).queued == 0


def test_a_carer_is_not_asked_for_views_about_someone_discharged(jo: Any, service_user: Any) -> None:
    factories.create_consent(jo, service_user, ("involvement",))
    service_user.discharged_on = date(2026, 2, 1)
    jo.details_confirmed_on = None  # and not asked to confirm details for someone no longer under the team
    db.session.commit()
    assert reminders.schedule(utc(2026, 2, 9, 10)).queued == 0
    service_user.discharged_on = None  # back under the team: both tasks come back
    db.session.commit()
    assert reminders.schedule(utc(2026, 2, 9, 10)).queued == 2
    assert {row.task_kind for row in queued()} == {"carer_views", "carer_details"}
