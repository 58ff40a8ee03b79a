"""Each kind of account signs in on a phone and gets an accessible home page that fits 320px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    HOME_FOR,
    Demo,
    Page,
    assert_accessible,
    expect,
    horizontal_overflow,
    sign_in,
)

HEADINGS = {
    "service.user@example.test": "Hello SamYour care",
    "carer@example.test": "Hello Jo TaylorThe people you care for",
    "key.worker@example.test": "My caseload",
    "consultant@example.test": "My caseload",  # Dr Bello: in Sam's care team, no caseload of their own
    "peer.support@example.test": "My caseload",  # Robin: peer support worker in Sam's care team
    "team.lead@example.test": "Team caseload",
    "admin@example.test": "Administration",
}


@pytest.mark.parametrize("email", list(HOME_FOR), ids=lambda email: email.split("@")[0])
def test_home_page_on_a_phone(phone: Page, live_server: str, demo: Demo, email: str) -> None:
    # Given a demo account, on a phone
    # When they sign in
    sign_in(phone, live_server, email)
    # Then their home page has one main heading and passes axe
    expect(phone.locator("h1")).to_have_count(1)
    expect(phone.locator("h1")).to_have_text(HEADINGS[email])
    expect(phone.locator("header")).to_contain_text("Sign out")
    assert_accessible(phone)
    # And on a 320px-wide screen nothing makes the page scroll sideways (WCAG 1.4.10 reflow)
    assert horizontal_overflow(phone, 320) <= 0, "the page scrolls sideways at 320px"
