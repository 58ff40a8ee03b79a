"""Everything essential works with JavaScript off (progressive enhancement)."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, sign_in


def test_sign_in_and_out_without_javascript(
    no_js_phone: Page, live_server: str, demo: Demo
) -> None:
    page = no_js_phone
    # Given a service user on a phone with JavaScript turned off
    # When they sign in
    sign_in(page, live_server, "service.user@example.test")
    # Then they see their home page
    expect(page.locator("h1")).to_contain_text("Your care")
    assert_accessible(page)
    # And "Sign out" in the header is a real form that posts, with a CSRF token
    sign_out_form = page.locator("header form").filter(
        has=page.get_by_role("button", name="Sign out")
    )
    expect(sign_out_form).to_have_attribute("method", "post")
    expect(sign_out_form).to_have_attribute("action", "/logout")
    token = sign_out_form.locator("input[type=hidden][name=csrf_token]")
    assert len(token.get_attribute("value") or "") > 20, "the sign-out form has no CSRF token"
    # When they press "Sign out"
    sign_out_form.get_by_role("button", name="Sign out").click()
    # Then they are signed out, back on the sign-in page, and told so
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator("main")).to_contain_text("You have signed out.")
    expect(page.locator("header")).not_to_contain_text("Sign out")
    # And their home page now asks them to sign in
    page.goto(f"{live_server}/me/")
    expect(page).to_have_url(f"{live_server}/login?next=%2Fme%2F")
