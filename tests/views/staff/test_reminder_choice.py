"""A key worker records the reminder choice a service user told them in person: the person's own
consent, recorded as told to that member of staff, checked and audited."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ConsentSource, ContactPreference
from portal.notify.rules import Choice
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages

TOLD = {"choice": "text", "quiet": "21:00-08:00", "told_in_person": "y"}


def test_a_key_worker_records_a_choice_told_in_person(app: Flask, service_user: Any, key_worker: Any,
                                                      as_key_worker: PageRequest) -> None:
    service_user.phone = "07700 900982"
    db.session.commit()
    page = as_key_worker.get("staff.service_user_reminders", service_user_id=service_user.id)
    link = page.find("a", string="Record a choice Sam told you in person")
    assert link["href"] == f"/staff/service-users/{service_user.id}/reminders/choice"

    form = as_key_worker.get("staff.record_reminder_choice", service_user_id=service_user.id)
    assert form.select_one("legend").get_text(strip=True) == "How would Sam like us to remind them?"
    # Not confirmed: explained, and the choice made is kept
    page = as_key_worker.post("staff.record_reminder_choice", {**TOLD, "told_in_person": ""},
                              service_user_id=service_user.id)
    assert error_messages(page) == ["Only record a choice the person told you themselves"]
    assert page.select_one("input[name=choice][value=text]").has_attr("checked")
    # Email, with no email address recorded: explained
    page = as_key_worker.post("staff.record_reminder_choice", {**TOLD, "choice": "email"},
                              service_user_id=service_user.id)
    assert len(error_messages(page)) == 1 and db.session.scalar(select(ContactPreference)) is None

    as_key_worker.post("staff.record_reminder_choice", TOLD, _expected_status=303,
                       _expected_redirect=f"/staff/service-users/{service_user.id}/reminders",
                       service_user_id=service_user.id)
    pref = db.session.scalar(select(ContactPreference))
    assert (pref.service_user_id, pref.choice, pref.consent_source, pref.consent_recorded_by_id) == (
        service_user.id, Choice.TEXT, ConsentSource.IN_PERSON, key_worker.user_id)
    assert (pref.quiet_from.hour, pref.quiet_until.hour) == (21, 8)
    page = as_key_worker.get("staff.service_user_reminders", service_user_id=service_user.id)
    assert f"(told in person to {key_worker.name})" in page.get_text()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reminder_preferences_changed"))
    assert (event.actor_user_id, event.record_id) == (key_worker.user_id, pref.id)


def test_only_staff_who_may_see_the_record_can_record_a_choice(app: Flask, service_user: Any, as_key_worker: PageRequest,
                                                               as_service_user: PageRequest) -> None:
    someone_else = factories.create_service_user(key_worker=factories.create_staff())
    db.session.commit()
    as_key_worker.get("staff.record_reminder_choice", _expected_status=404, service_user_id=someone_else.id)
    as_key_worker.post("staff.record_reminder_choice", TOLD, _expected_status=404, service_user_id=someone_else.id)
    as_service_user.get("staff.record_reminder_choice", _expected_status=403, service_user_id=service_user.id)
    assert db.session.scalar(select(ContactPreference)) is None
