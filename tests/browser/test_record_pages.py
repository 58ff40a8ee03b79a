"""The clinical-record sync pages on a phone: an admin retries a dead letter with the keyboard only,
and Sam's key worker chooses between two different values of Jo's mobile number."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Carer, CarerDetailConflict, ConflictStatus, OutboxMessage, OutboxStatus
from portal.services import outbox
from tests.browser.conftest import PHONE, Demo, Page, assert_accessible, expect, focused, horizontal_overflow, sign_in


def _fits_320(page: Page) -> bool:
    """No sideways scrolling at 320px (reloaded at that width: the NHS.UK header folds its menu after a resize)."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    overflow = horizontal_overflow(page, 320)
    page.set_viewport_size(PHONE["viewport"])
    return overflow <= 0


def _tab_to(page: Page, description: str, most: int = 40) -> list[str]:
    """Press Tab until the focused element's description starts with ``description``; the stops on the way."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1].startswith(description):
            return stops
    raise AssertionError(f"Tab never reached {description!r}; focus went to: {stops}")


def _dead_letter(app: Flask, demo: Demo) -> int:
    with app.app_context():
        message = outbox.enqueue(demo.sam_id, "questionnaire_response.submitted", {"nhs_number": "9990010005"})
        message.status, message.attempts = OutboxStatus.DEAD, 1
        message.last_error = "no mapping for message kind 'questionnaire_response.submitted'"
        failing = outbox.enqueue(demo.alex_id, "session.summary", {"nhs_number": "9990010013"})
        failing.attempts, failing.last_error = 3, "POST transaction: timed out"
        db.session.commit()
        message_id = message.id
        db.session.remove()
    return message_id


def test_an_admin_retries_a_dead_letter_with_the_keyboard_only(phone: Page, live_server: str, live_app: Flask,
                                                              demo: Demo) -> None:
    # Given a message the record would not take, and one that is failing
    message_id = _dead_letter(live_app, demo)
    sign_in(phone, live_server, "admin@example.test")
    # When the admin opens the sync page on a phone
    phone.goto(f"{live_server}/admin/sync")
    # Then they see the dead letter with its reason, and the page is accessible and fits
    expect(phone.locator("h1")).to_have_text("Sync with the clinical record")
    expect(phone.locator("#sync-dead")).to_have_text("1")
    expect(phone.locator("#sync-failing")).to_have_text("1")
    expect(phone.locator(f"#dead-letter-{message_id}")).to_contain_text("no mapping for message kind")
    expect(phone.locator("main")).not_to_contain_text("9990010005")
    assert_accessible(phone)
    assert _fits_320(phone)
    # When they Tab to the retry button for that message and press Enter
    retry = phone.get_by_role("button", name=f"Retry message {message_id}")
    expect(retry).to_be_visible()
    _tab_to(phone, "button Retry")
    assert retry.evaluate("button => button === document.activeElement")
    phone.keyboard.press("Enter")
    # Then the message is back in the queue, the page says so, and no dead letters are left
    expect(phone.locator(".portal-flash")).to_contain_text(f"Message {message_id} is back in the queue.")
    expect(phone.locator("#sync-dead")).to_have_text("0")
    expect(phone.locator("main")).to_contain_text("No dead letters.")
    assert_accessible(phone)
    with live_app.app_context():
        retried = db.session.get_one(OutboxMessage, message_id)
        assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)
        db.session.remove()


def _mobile_conflict(app: Flask, demo: Demo) -> tuple[int, str]:
    """Jo's mobile was changed in the portal and, differently, in the clinical record."""
    with app.app_context():
        jo = db.session.scalars(select(Carer).where(Carer.name == "Jo Taylor")).one()
        conflict = CarerDetailConflict(service_user_id=demo.sam_id, carer_id=jo.id, field="mobile",
                                       portal_value=jo.mobile, record_value="07700900888")
        db.session.add(conflict)
        db.session.commit()
        found = conflict.id, jo.mobile
        db.session.remove()
    return found


def test_the_key_worker_chooses_the_records_value_for_jos_mobile(phone: Page, live_server: str, live_app: Flask,
                                                                demo: Demo) -> None:
    conflict_id, portal_mobile = _mobile_conflict(live_app, demo)
    # Given Priya on Sam's page, on her phone
    sign_in(phone, live_server, "key.worker@example.test")
    phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
    phone.get_by_role("link", name="Carer details to check against the clinical record").click()
    # Then she sees which detail to check, on an accessible page that fits
    expect(phone.locator("h1")).to_contain_text("Carer details to check")
    assert_accessible(phone)
    assert _fits_320(phone)
    # When she opens it, she sees both values
    phone.get_by_role("link", name="Jo Taylor: Mobile").click()
    expect(phone.locator("h1")).to_have_text("Which mobile is right?")
    expect(phone.get_by_label(f"{portal_mobile} (in this portal)")).to_be_visible()
    assert_accessible(phone)
    assert _fits_320(phone)
    # When she saves without choosing, the error summary takes focus and links to the choice
    phone.get_by_role("button", name="Save").click()
    summary = phone.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert phone.title().startswith("Error: ")
    assert_accessible(phone)
    summary.locator("a").first.click()
    expect(phone.get_by_label(f"{portal_mobile} (in this portal)")).to_be_focused()
    # When she chooses the clinical record's value with the keyboard and saves
    phone.keyboard.press("ArrowDown")
    expect(phone.get_by_label("07700900888 (in the clinical record)")).to_be_checked()
    _tab_to(phone, "button Save", most=3)
    phone.keyboard.press("Enter")
    # Then she is back on the list, told what happens, and there is nothing left to check
    expect(phone.locator("h1")).to_contain_text("Carer details to check")
    expect(phone.locator(".portal-flash")).to_contain_text("Both the portal and the clinical record will show")
    expect(phone.locator("main")).to_contain_text("There is nothing to check.")
    assert_accessible(phone)
    with live_app.app_context():
        conflict = db.session.get_one(CarerDetailConflict, conflict_id)
        jo = db.session.get_one(Carer, conflict.carer_id)
        assert (conflict.status, conflict.chosen, jo.mobile) == (ConflictStatus.RESOLVED, "record", "07700900888")
        db.session.remove()
