"""Signing in with the keyboard only."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, expect, focused


def test_sign_in_with_the_keyboard_only(desktop: Page, live_server: str, demo: Demo) -> None:
    page = desktop
    # Given a keyboard user on the sign-in page
    page.goto(f"{live_server}/login")
    # When they press Tab, the skip link is the first thing they reach, and it is visible
    page.keyboard.press("Tab")
    skip_link = page.locator(".nhsuk-skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    # When they press Enter on it, focus moves to the main content
    page.keyboard.press("Enter")
    expect(page.locator("#maincontent")).to_be_focused()
    # When they Tab on, they reach the email address, then the password
    page.keyboard.press("Tab")
    expect(page.locator("input[name=email]")).to_be_focused()
    page.keyboard.type("service.user@example.test")
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type("demo-password-2026")
    # And then the Sign in button (past the password's "Show" button)
    sign_in_button = page.locator("main form").get_by_role("button", name="Sign in")
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if sign_in_button.evaluate("button => button === document.activeElement"):
            break
    assert sign_in_button.evaluate("button => button === document.activeElement"), (
        f"Tab did not reach the Sign in button; focus went to: {stops}"
    )
    # When they press Enter, they are signed in
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/me/")
    expect(page.locator("h1")).to_contain_text("Your care")
