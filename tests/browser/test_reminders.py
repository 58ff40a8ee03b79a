"""Reminder choices on a phone: accessible, and working with JavaScript on."""

from __future__ import annotations

from flask import Flask

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in

SAM = "service.user@example.test"
PRIYA = "key.worker@example.test"


def test_sam_changes_his_reminders_on_a_phone(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam, who chose text messages, signed in on his phone
    sign_in(phone, live_server, SAM)
    # When he opens Reminders from his home page
    phone.get_by_role("link", name="Reminders by text message or email").click()
    expect(phone).to_have_url(f"{live_server}/me/reminders")
    # Then the page is accessible and fits the screen, with his choice ticked
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
    expect(phone.get_by_label("Text message", exact=True)).to_be_checked()
    expect(phone.locator(".nhsuk-summary-list")).to_contain_text("07700 900 982")
    # And when he stops reminders
    phone.get_by_label("No reminders, thank you").check()
    phone.get_by_role("button", name="Save my choices").click()
    # Then he is told, and the choice is kept
    expect(phone.locator(".portal-flash")).to_contain_text("You will not get reminders")
    expect(phone.get_by_label("No reminders, thank you")).to_be_checked()


def test_saving_again_without_javascript_keeps_the_choice(no_js_phone: Page, live_server: str, demo: Demo) -> None:
    phone = no_js_phone
    sign_in(phone, live_server, SAM)
    phone.goto(f"{live_server}/me/reminders")
    phone.get_by_role("button", name="Save my choices").click()  # Sam's choice is kept: saved again
    expect(phone.locator(".portal-flash")).to_contain_text("Your reminder choices are saved")
    assert_accessible(phone)


def test_priya_checks_sams_reminders_on_a_phone(phone: Page, live_server: str, live_app: Flask, demo: Demo) -> None:
    from portal.extensions import db
    from portal.notify.local import LocalNotifier
    from portal.services import reminders

    # Given the reminders for Sam's questionnaire and goal review were queued (and sent, if it is daytime)
    with live_app.app_context():
        queued = reminders.schedule().queued
        assert queued >= 1
        reminders.send_due(LocalNotifier(db.session))
        db.session.remove()
    # When his key worker opens his reminders on her phone
    sign_in(phone, live_server, PRIYA)
    phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}/reminders")
    # Then each reminder is listed, labelled, and the page fits a 320px screen
    rows = phone.locator("tbody tr")
    expect(rows).to_have_count(queued)
    expect(rows.first).to_contain_text("What happened")
    assert horizontal_overflow(phone) <= 0
    assert_accessible(phone)
