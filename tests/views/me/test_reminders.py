"""Reminder choices: the service user's and the carer's pages, the stop link, the key worker's
panel and the admin page of recorded messages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ConsentSource, LocalMessage, NotificationStatus, ReminderNotification
from portal.notify.local import LocalNotifier
from portal.notify.rules import Choice, QuietHours
from portal.services import measures, reminders
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _checked(page: Any, name: str) -> list[str]:
    return [box["value"] for box in page.select(f"input[name={name}]") if box.has_attr("checked")]


def test_the_page_offers_the_number_we_hold_and_defaults_to_8pm_to_8am(service_user: Any,
                                                                       as_service_user: PageRequest) -> None:
    service_user.phone = "07700900982"
    db.session.commit()
    page = as_service_user.get("me.reminders")
    assert page.h1.get_text(strip=True) == "Reminders"
    labels = [label.get_text(" ", strip=True) for label in page.select("label[for^=choice]")]
    assert labels == ["Text message", "Email", "Text message and email", "No reminders, thank you"]
    details = page.select_one(".nhsuk-summary-list").get_text(" ", strip=True)
    assert "07700 900 982" in details and "We do not have one" in details
    assert _checked(page, "choice") == []
    assert _checked(page, "quiet") == ["20:00-08:00"]
    assert "never says what it is about" in page.get_text()


def test_choosing_texts_is_saved_audited_and_shown_next_time(service_user: Any, as_service_user: PageRequest) -> None:
    service_user.phone = "07700900982"
    db.session.commit()
    as_service_user.post("me.reminders", {"choice": "text", "quiet": "22:00-07:00"}, _expected_status=303)
    pref = reminders.preference(service_user)
    assert pref is not None and pref.choice is Choice.TEXT and pref.consent_source is ConsentSource.SELF
    assert (pref.quiet_from.hour, pref.quiet_until.hour) == (22, 7)
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "reminder_preferences_changed"
    page = as_service_user.get("me.reminders")
    assert _checked(page, "choice") == ["text"] and _checked(page, "quiet") == ["22:00-07:00"]
    assert "You chose reminders on" in page.get_text()


def test_texts_without_a_mobile_number_is_an_error_that_keeps_the_choice(service_user: Any,
                                                                         as_service_user: PageRequest) -> None:
    service_user.phone = "0113 496 0000"
    db.session.commit()
    page = as_service_user.post("me.reminders", {"choice": "text", "quiet": "20:00-08:00"})
    assert error_messages(page) == ["We do not have a UK mobile number for you. Choose email, or ask your team to add "
                                    "your mobile number."]
    assert page.title.get_text().startswith("Error: ")
    assert _checked(page, "choice") == ["text"]
    assert reminders.preference(service_user) is None


def test_nothing_chosen_is_an_error(as_service_user: PageRequest) -> None:
    page = as_service_user.post("me.reminders", {"quiet": "20:00-08:00"})
    assert error_messages(page) == ["Choose how you would like to get reminders"]


@pytest.mark.parametrize("quiet", ["03:00-04:00", "nonsense", "25:99-xx:yy", "20:00-08:00x", "-", "x" * 5000])
def test_quiet_hours_nobody_offered_are_refused_and_nothing_is_stored(service_user: Any, as_service_user: PageRequest,
                                                                      quiet: str) -> None:
    service_user.email = "sam@example.test"
    db.session.commit()
    page = as_service_user.post("me.reminders", {"choice": "email", "quiet": quiet})
    assert error_messages(page) == ["Choose when we should not send messages"]
    assert "Choose when we should not send messages" in page.select_one(".nhsuk-error-message").get_text()
    assert _checked(page, "choice") == ["email"]  # what they chose is kept
    assert quiet not in [box["value"] for box in page.select("input[name=quiet]")]
    assert reminders.preference(service_user) is None


def test_quiet_hours_already_held_stay_on_offer_though_not_a_preset(service_user: Any,
                                                                    as_service_user: PageRequest) -> None:
    service_user.email = "sam@example.test"
    reminders.save_preference(service_user.user, service_user, Choice.EMAIL, QuietHours(time(19, 30), time(7)))
    db.session.commit()
    page = as_service_user.get("me.reminders")
    assert _checked(page, "quiet") == ["19:30-07:00"]
    as_service_user.post("me.reminders", {"choice": "email", "quiet": "19:30-07:00"}, _expected_status=303)


def test_other_roles_cannot_use_the_service_users_page(as_carer: PageRequest, as_key_worker: PageRequest) -> None:
    as_carer.get("me.reminders", _expected_status=403)
    as_key_worker.get("me.reminders", _expected_status=403)


def test_a_carer_chooses_email(carer: Any, as_carer: PageRequest) -> None:
    carer.email = "jo@example.test"
    db.session.commit()
    page = as_carer.get("carer.reminders")
    assert "jo@example.test" in page.select_one(".nhsuk-summary-list").get_text()
    as_carer.post("carer.reminders", {"choice": "email", "quiet": "any"}, _expected_status=303)
    pref = reminders.preference(carer)
    assert pref is not None and pref.choice is Choice.EMAIL and pref.quiet_from == pref.quiet_until


# The stop link -------------------------------------------------------------------------------------------

def test_the_stop_link_asks_first_then_stops_without_signing_in(app: Flask, service_user: Any,
                                                                page_request: PageRequest) -> None:
    reminders.save_preference(service_user.user, service_user, Choice.EMAIL)
    db.session.commit()
    token = reminders.stop_link(reminders.Person.of(service_user)).rsplit("/", 1)[1]
    page = page_request.get("public.stop_reminders", token=token)
    assert page.h1.get_text(strip=True) == "Stop reminders"
    assert "Sam" not in page.get_text() and "Taylor" not in page.get_text()  # nothing about who it is for
    pref = reminders.preference(service_user)
    assert pref is not None and pref.choice is Choice.EMAIL  # opening the link changed nothing
    page_request.post("public.confirm_stop_reminders", _expected_status=303,
                      _expected_redirect="/reminders/stopped", token=token)
    db.session.refresh(pref)
    assert pref.choice is Choice.NONE and pref.consent_source is ConsentSource.STOP_LINK
    assert page_request.get("public.reminders_stopped").h1.get_text(strip=True) == "Reminders stopped"


def test_email_one_click_unsubscribe_works_without_a_csrf_token(app: Flask, service_user: Any, client: Any,
                                                                monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    reminders.save_preference(service_user.user, service_user, Choice.EMAIL)
    db.session.commit()
    url = reminders.stop_link(reminders.Person.of(service_user)).removeprefix(app.config["PUBLIC_BASE_URL"])
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 303
    pref = reminders.preference(service_user)
    assert pref is not None and pref.choice is Choice.NONE


def test_a_broken_stop_link_says_what_to_do(page_request: PageRequest) -> None:
    page = page_request.get("public.stop_reminders", token="tampered", _expected_status=404)
    assert page.h1.get_text(strip=True) == "This link does not work"
    page_request.post("public.confirm_stop_reminders", token="tampered", _expected_status=404)


# The key worker's panel ------------------------------------------------------------------------------

def _sent_reminder(service_user: Any, key_worker: Any) -> None:
    service_user.phone = "07700900982"
    reminders.save_preference(service_user.user, service_user, Choice.TEXT)
    assignment = measures.assign(key_worker.user, service_user, "dialog", date(2026, 1, 16))
    assignment.assigned_at = datetime(2026, 1, 12, 9, tzinfo=UTC)
    db.session.commit()
    reminders.schedule(datetime(2026, 1, 13, 9, tzinfo=UTC))
    reminders.send_due(LocalNotifier(db.session), datetime(2026, 1, 13, 9, tzinfo=UTC))


def test_the_key_worker_sees_what_was_sent_when_and_how(service_user: Any, key_worker: Any,
                                                        as_key_worker: PageRequest) -> None:
    _sent_reminder(service_user, key_worker)
    page = as_key_worker.get("staff.service_user_reminders", service_user_id=service_user.id)
    row = page.select("tbody tr")[0]
    headings = [span.extract().get_text(strip=True) for span in row.select(".nhsuk-table-responsive__heading")]
    assert headings == [th.get_text(strip=True) for th in page.select("thead th")]  # labels on a phone
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells == ["13 Jan 2026, 09:00", "Questionnaire (reminder 1)", "Text message ending 982", "Delivered"]
    assert "Text message" in page.select_one(".nhsuk-summary-list").get_text()
    assert page.select_one(".nhsuk-warning-callout") is None
    link = as_key_worker.get("staff.service_user", service_user_id=service_user.id).find(
        "a", href=f"/staff/service-users/{service_user.id}/reminders")
    assert link is not None


def test_a_failed_delivery_prompts_a_check_of_contact_details(service_user: Any, key_worker: Any,
                                                              as_key_worker: PageRequest) -> None:
    _sent_reminder(service_user, key_worker)
    row = db.session.scalars(select(ReminderNotification)).one()
    row.status, row.reason, row.status_at = NotificationStatus.FAILED, "not_delivered", datetime.now(UTC)
    db.session.commit()
    page = as_key_worker.get("staff.service_user_reminders", service_user_id=service_user.id)
    assert "Check their contact details" in page.select_one(".nhsuk-warning-callout").get_text()
    assert "Not delivered" in page.select_one("tbody").get_text()


def test_another_key_workers_service_user_is_not_found(as_key_worker: PageRequest) -> None:
    other = factories.create_service_user()
    db.session.commit()
    as_key_worker.get("staff.service_user_reminders", service_user_id=other.id, _expected_status=404)


# The admin page --------------------------------------------------------------------------------------------

def test_admin_sees_the_recorded_messages_with_shortened_numbers(service_user: Any, key_worker: Any,
                                                                 as_admin: PageRequest) -> None:
    _sent_reminder(service_user, key_worker)
    page = as_admin.get("admin.notifications")
    row = page.select_one("tbody tr").get_text(" ", strip=True)
    assert "…982" in row and "07700900982" not in row
    assert "You have something to do in your care portal" in row
    stop_link = next(word for word in db.session.scalars(select(LocalMessage.body)).one().split() if "/stop/" in word)
    assert stop_link not in row and "/reminders/stop/…" in row  # the token would stop Sam's reminders
    queue = {row.dt.get_text(strip=True): row.dd.get_text(strip=True)
             for row in page.select_one(".nhsuk-summary-list").select(".nhsuk-summary-list__row")}
    assert queue["Delivered"] == "1" and queue["Could not send"] == "0"  # in words, not status codes
    assert as_admin.get("admin.home").find("a", href="/admin/notifications") is not None


def test_only_admins_see_the_recorded_messages(as_key_worker: PageRequest, as_service_user: PageRequest) -> None:
    as_key_worker.get("admin.notifications", _expected_status=403)
    as_service_user.get("admin.notifications", _expected_status=403)


# Invitations sent by message, on the invitation pages -------------------------------------------------

def _invitation_rows() -> list[ReminderNotification]:
    return list(db.session.scalars(select(ReminderNotification).where(ReminderNotification.task_kind == "invitation")))


def test_a_service_user_can_also_text_the_invitation_to_a_new_carer(service_user: Any,
                                                                     as_service_user: PageRequest) -> None:
    form = as_service_user.get("me.invite_carer")
    assert [r["value"] for r in form.select("input[name=send_by]")] == ["no", "sms", "email"]
    assert _checked(form, "send_by") == ["no"]
    assert "does not have the code in it" in form.get_text()

    page = as_service_user.post("me.invite_carer", {"name": "Ali Khan", "relationship": "Friend",
                                                    "email": "ali@example.test", "send_by": "sms"})
    assert error_messages(page) == ["Enter their UK mobile number to send a text message, like 07700 900 982"]
    assert _invitation_rows() == []

    page = as_service_user.post("me.invite_carer", {"name": "Ali Khan", "relationship": "Friend",
                                                    "email": "ali@example.test", "send_by": "sms",
                                                    "mobile": "07700 900456"})
    code = page.select_one("#invitation-code").get_text(strip=True)
    assert code.count("-") == 2  # still shown once, to give them
    assert "We will also send them a text message" in page.select_one("#invitation-message").get_text()
    [row] = _invitation_rows()
    assert row.channel.value == "sms" and row.carer_id is not None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invitation_queued_sms")).one()
    assert event.actor_user_id == service_user.user_id


def test_without_a_choice_nothing_is_sent(service_user: Any, as_service_user: PageRequest) -> None:
    page = as_service_user.post("me.invite_carer", {"name": "Ali Khan", "relationship": "Friend",
                                                    "email": "ali@example.test"})
    assert page.select_one("#invitation-message") is None
    assert _invitation_rows() == []


def test_a_key_worker_can_email_the_invitation_but_not_text_without_a_mobile(
        key_worker: Any, as_key_worker: PageRequest) -> None:
    alex = factories.create_service_user(key_worker=key_worker, with_account=False, phone="01632 960001")
    db.session.commit()
    data = {"invitee": "service_user", "email": "alex@example.test", "send_by": "sms"}
    page = as_key_worker.post("staff.invite", data, service_user_id=alex.id)
    assert error_messages(page) == ["There is no UK mobile number on their record. "
                                    "Choose email, or give them the code yourself."]
    assert page.select_one("#invitation-code") is None  # no invitation was made

    page = as_key_worker.post("staff.invite", {**data, "send_by": "email"}, service_user_id=alex.id)
    assert page.select_one("#invitation-code") is not None
    assert "send them an email" in page.select_one("#invitation-message").get_text()
    [row] = _invitation_rows()
    assert (row.service_user_id, row.channel.value) == (alex.id, "email")


def test_a_key_worker_texts_an_invitation_to_a_carer_on_record(service_user: Any, key_worker: Any,
                                                                as_key_worker: PageRequest) -> None:
    ali = factories.create_carer(service_user, with_account=False, name="Ali Khan")
    ali.mobile = "07700900456"
    db.session.commit()
    page = as_key_worker.post("staff.invite", {"invitee": f"carer-{ali.id}", "email": "ali@example.test",
                                               "send_by": "sms"}, service_user_id=service_user.id)
    assert page.select_one("#invitation-message") is not None
    [row] = _invitation_rows()
    assert row.carer_id == ali.id


def test_invitations_are_not_offered_by_message_when_notify_has_no_template_for_them(
        app: Flask, service_user: Any, as_key_worker: PageRequest) -> None:
    app.config.update(NOTIFIER="govuk_notify", NOTIFY_INVITATION_EMAIL_TEMPLATE_ID="an-id")
    try:
        page = as_key_worker.get("staff.invite_carer", service_user_id=service_user.id)
        assert [r["value"] for r in page.select("input[name=send_by]")] == ["no", "email"]
        app.config.update(NOTIFY_INVITATION_EMAIL_TEMPLATE_ID="")
        page = as_key_worker.get("staff.invite_carer", service_user_id=service_user.id)
        assert page.select("input[name=send_by]") == []
    finally:
        app.config.update(NOTIFIER="local", NOTIFY_INVITATION_EMAIL_TEMPLATE_ID="")


def test_the_number_shown_says_how_to_change_it(service_user: Any, key_worker: Any,
                                                 as_service_user: PageRequest) -> None:
    """Sam's mobile number comes from his health record (a record pull overwrites the portal's copy,
    services/record_sync.py): changing it in the portal alone would be undone, so the page says how
    it is changed, on the row itself, with his key worker's name (issue 19 item 20)."""
    service_user.phone, service_user.email = "07700900982", "sam@example.test"
    db.session.commit()
    page = as_service_user.get("me.reminders")
    mobile_row = next(row for row in page.select(".nhsuk-summary-list__row") if "Mobile number" in row.dt.get_text())
    change = mobile_row.select_one(".nhsuk-summary-list__actions a")
    assert change is not None and change["href"] == "#change-contact-details"
    assert change.get_text(" ", strip=True) == "Change mobile number for texts"
    how = page.select_one("#change-contact-details").get_text(" ", strip=True)
    assert "come from your health record" in how
    assert f"ask your key worker, {key_worker.name}, or the team" in how
