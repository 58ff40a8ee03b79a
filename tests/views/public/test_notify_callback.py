"""GOV.UK Notify's delivery receipts: with the trust's bearer token only, they mark a sent
reminder delivered or failed at once (no waiting for the next status check)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import NotificationStatus, ReminderNotification
from portal.models.base import utcnow
from portal.notify.rules import Channel

TOKEN = "a-long-random-callback-token-from-the-trust"
URL = "/notify/delivery-receipts"


@pytest.fixture
def sent(app: Flask, service_user: Any, monkeypatch: pytest.MonkeyPatch) -> ReminderNotification:
    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN", TOKEN)
    row = ReminderNotification(
        service_user_id=service_user.id, task_key="su:1:measure:1", task_kind="measure", task_path="/me/measures",
        reminder_number=1, channel=Channel.SMS, status=NotificationStatus.SENT, send_after=utcnow(),
        next_attempt_at=utcnow(), sent_at=utcnow(), provider="govuk_notify", provider_id="740e5834-3a29-46b4",
    )
    db.session.add(row)
    db.session.commit()
    return row


def receipt(client: Any, status: str, notification_id: str = "740e5834-3a29-46b4", token: str = TOKEN) -> int:
    response = client.post(URL, json={"id": notification_id, "reference": "reminder-1", "status": status,
                                      "notification_type": "sms", "to": "07700900982"},
                           headers={"Authorization": f"Bearer {token}"})
    return int(response.status_code)


@pytest.mark.parametrize(("status", "becomes", "reason"), [
    ("delivered", NotificationStatus.DELIVERED, ""),
    ("permanent-failure", NotificationStatus.FAILED, "not_delivered"),
    ("sending", NotificationStatus.SENT, ""),  # not final yet: still waiting
])
def test_a_receipt_with_the_token_records_what_happened(client: Any, sent: ReminderNotification, status: str,
                                                         becomes: NotificationStatus, reason: str) -> None:
    assert receipt(client, status) == 204
    db.session.refresh(sent)
    assert (sent.status, sent.reason) == (becomes, reason)


def test_a_receipt_without_the_right_token_changes_nothing(client: Any, sent: ReminderNotification) -> None:
    assert receipt(client, "delivered", token="guess") == 401
    assert client.post(URL, json={"id": sent.provider_id, "status": "delivered"}).status_code == 401
    assert client.post(URL, data="not json", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 400
    assert receipt(client, "delivered", notification_id="someone-elses") == 204  # not ours: nothing to do
    db.session.refresh(sent)
    assert sent.status is NotificationStatus.SENT


def test_there_is_no_callback_until_the_trust_sets_a_token(client: Any) -> None:
    assert receipt(client, "delivered", token="") == 404
