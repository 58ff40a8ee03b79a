"""Status messages a screen reader hears, and a Back link a landmark holds (issue 19 item 15)."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, expect, sign_in


def test_signing_out_moves_focus_to_the_message_saying_so(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam signed in on his phone
    sign_in(phone, live_server, "service.user@example.test")
    # When he signs out
    phone.get_by_role("button", name="Sign out").first.click()
    # Then the sign-in page opens with focus on the status message
    message = phone.get_by_role("status").filter(has_text="You have signed out.")
    expect(message).to_be_focused()


def test_rating_a_goal_moves_focus_to_rating_saved(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/goals")
    phone.locator("main a[href*='/me/goals/']").filter(has_not_text="Add a goal").first.click()
    phone.get_by_label("6", exact=True).check()
    phone.get_by_role("button", name="Save rating").click()
    expect(phone.get_by_role("status").filter(has_text="Rating saved.")).to_be_focused()


def test_the_back_link_is_in_a_navigation_landmark(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/reminders")
    expect(phone.get_by_role("navigation", name="Back").get_by_role("link", name="Back to your care")).to_be_visible()
