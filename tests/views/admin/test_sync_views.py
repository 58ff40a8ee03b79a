"""The admin sync page: health figures, dead letters with their reason, and retry."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus
from portal.models.base import utcnow
from tests import factories


def _message(status: OutboxStatus, **values: object) -> OutboxMessage:
    person = factories.create_service_user()
    message = OutboxMessage(ordering_key=f"service_user:{person.id}", kind="goal.changed",
                            payload={"nhs_number": person.nhs_number}, status=status, **values)
    db.session.add(message)
    db.session.commit()
    return message


def test_the_sync_page_shows_the_queue_and_dead_letters_without_personal_data(as_admin) -> None:
    _message(OutboxStatus.PENDING, created_at=utcnow() - timedelta(hours=2), attempts=3,
             last_error="transaction: HTTP 503")
    dead = _message(OutboxStatus.DEAD, attempts=1, last_error="POST transaction: HTTP 400 (invalid)")
    _message(OutboxStatus.DELIVERED, delivered_at=utcnow())

    page = as_admin.get("admin.sync_health")

    assert page.select_one("#sync-waiting").get_text(strip=True).startswith("1")
    assert page.select_one("#sync-failing").get_text(strip=True) == "1"
    assert page.select_one("#sync-dead").get_text(strip=True) == "1"
    text = page.get_text(" ")
    assert "HTTP 400 (invalid)" in text and "HTTP 503" in text
    assert dead.payload["nhs_number"] not in text
    assert page.select_one(f"form[action$='/sync/dead-letters/{dead.id}/retry']") is not None


def test_retrying_a_dead_letter_puts_it_back_in_the_queue(as_admin) -> None:
    dead = _message(OutboxStatus.DEAD, attempts=20, last_error="gave up")

    as_admin.post("admin.retry_dead_letter", message_id=dead.id, _expected_status=303)

    db.session.expire_all()
    retried = db.session.get_one(OutboxMessage, dead.id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)
    page = as_admin.get("admin.sync_health")
    assert f"Message {dead.id} is back in the queue." in page.get_text(" ")


def test_the_admin_home_links_to_the_sync_page(as_admin) -> None:
    page = as_admin.get("admin.home")
    assert page.select_one("a[href='/admin/sync']") is not None


def test_only_admins_see_the_sync_page(as_key_worker) -> None:
    as_key_worker.get("admin.sync_health", _expected_status=403)
