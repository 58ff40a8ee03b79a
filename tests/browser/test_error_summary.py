"""The NHS.UK error summary: title, focus on the summary, links that move focus to the field."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, sign_in


def _check_error_summary(page: Page, first_field_name: str, first_message: str) -> None:
    summary = page.locator(".nhsuk-error-summary")
    # The title says there is an error, for screen reader users who hear the title first
    assert page.title().startswith("Error: "), page.title()
    # The summary has focus, so it is read out and seen first
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    first_link = summary.locator("a").first
    expect(first_link).to_have_text(first_message)
    # The field shows its own error message next to it
    expect(page.locator(".nhsuk-error-message").first).to_contain_text(first_message)
    # Following the first link takes focus to the field to correct
    first_link.click()
    expect(page.locator(f"input[name={first_field_name}]")).to_be_focused()
    # And the page in its error state is still accessible
    assert_accessible(page)


def test_empty_sign_in_shows_the_error_summary(phone: Page, live_server: str) -> None:
    # Given someone on the sign-in page on a phone
    phone.goto(f"{live_server}/login")
    # When they press "Sign in" without filling anything in
    phone.locator("main form").get_by_role("button", name="Sign in").click()
    # Then they stay on the sign-in page and the error summary helps them fix it
    expect(phone).to_have_url(f"{live_server}/login")
    expect(phone.locator(".nhsuk-error-summary a")).to_have_count(2)
    _check_error_summary(phone, "email", "Enter your email address")


def test_wrong_current_password_shows_the_error_summary(
    phone: Page, live_server: str, demo: Demo
) -> None:
    # Given a service user signed in on a phone, changing their password
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/account/password")
    form = phone.locator("main form")
    # When they type a wrong current password
    form.locator("input[name=current_password]").fill("not-my-password")
    form.locator("input[name=new_password]").fill("a brand new password")
    form.locator("input[name=confirm_password]").fill("a brand new password")
    form.get_by_role("button", name="Change password").click()
    # Then the page stays, with the error on the current password
    expect(phone).to_have_url(f"{live_server}/account/password")
    expect(phone.locator("h1")).to_have_text("Change your password")
    _check_error_summary(phone, "current_password", "Your current password is not right")
