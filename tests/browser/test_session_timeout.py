"""The warning before a session ends (issue 20, WCAG 2.2.1): shown two minutes before, keyboard
first, it lets the person stay signed in; if they do not, what they typed stays on the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.browser.conftest import Demo, Page, assert_accessible, expect, focused, sign_in


@pytest.fixture
def idle_minutes(live_app: Flask) -> Iterator[callable]:  # type: ignore[valid-type]
    def set_minutes(minutes: float) -> None:
        live_app.config["IDLE_MINUTES"] = minutes

    yield set_minutes
    live_app.config["IDLE_MINUTES"] = 60


def test_the_warning_comes_two_minutes_before_and_stay_signed_in_keeps_the_session(
        phone: Page, live_server: str, demo: Demo, idle_minutes) -> None:  # type: ignore[no-untyped-def]
    # Given Sam signed in, on a service whose idle time is 2 minutes and 3 seconds
    idle_minutes(2.05)
    sign_in(phone, live_server, "service.user@example.test")
    dialog = phone.locator("dialog#session-warning")
    expect(dialog).to_be_hidden()
    # When he does nothing for 3 seconds, the warning opens, with the keyboard on "Stay signed in"
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("you will be signed out in 2 minutes")
    assert "Stay signed in" in focused(phone)
    assert_accessible(phone)
    # And pressing Enter keeps him signed in
    phone.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    phone.goto(f"{live_server}/me/")
    expect(phone).to_have_url(f"{live_server}/me/")


def test_when_the_session_ends_what_was_typed_stays_on_the_page(
        phone: Page, live_server: str, demo: Demo, idle_minutes) -> None:  # type: ignore[no-untyped-def]
    # Given Sam writing a goal (the page's clock is ours to move on; he has 60 minutes)
    phone.clock.install()
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/goals/new")
    box = phone.get_by_label("What is your goal?")
    box.fill("Walk to the shop on my own")
    # When he looks away for an hour without saving (the server's idle time is made 6 seconds so
    # that its side has really ended when the page asks)
    idle_minutes(0.1)
    phone.wait_for_timeout(7_000)
    phone.clock.fast_forward("59:00")
    dialog = phone.locator("dialog#session-warning")
    expect(dialog).to_contain_text("You have been signed out", timeout=10_000)
    expect(dialog).to_contain_text("has not been saved")
    assert_accessible(phone)
    # Then closing the message shows his words, still there to copy
    dialog.get_by_role("button", name="Close this message").click()
    expect(dialog).to_be_hidden()
    expect(box).to_have_value("Walk to the shop on my own")
    # And the server has ended it too: the next page asks him to sign in, and says why
    phone.goto(f"{live_server}/me/")
    expect(phone.locator("main")).to_contain_text("You were signed out because you had not used the portal")
