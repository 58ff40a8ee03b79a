"""The NHS.UK character count on long text boxes: counts down with JavaScript, says the limit without."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, sign_in


def test_the_goal_box_counts_down_as_sam_types(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/goals/new")
    phone.get_by_label("What is your goal?").fill("Go swimming")
    expect(phone.locator(".nhsuk-character-count__status").first).to_have_text("You have 489 characters left")
    phone.get_by_label("What is your goal?").fill("x" * 505)
    expect(phone.locator(".nhsuk-character-count__status").first).to_have_text("You have 5 characters too many")
    assert_accessible(phone)


def test_without_javascript_the_limit_is_said(no_js_phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(no_js_phone, live_server, "service.user@example.test")
    no_js_phone.goto(f"{live_server}/me/goals/new")
    expect(no_js_phone.locator("main")).to_contain_text("You can enter up to 500 characters")
    assert_accessible(no_js_phone)
