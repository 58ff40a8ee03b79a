"""Helen picks a period on the team report and the dashboard on a 320px phone, with JavaScript on
and off. The period's date boxes are rendered once per state and kept (portal/render_cache.py):
a wrong date must come back as she typed it, with its error, and the next wrong date as she typed
that one, never the one kept from before."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import PHONE, Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in

SMALLEST = {**PHONE, "viewport": {"width": 320, "height": 640}}


def _show_period(page: Page, day: str, month: str, year: str) -> None:
    page.fill("#start-day", day)
    page.fill("#start-month", month)
    page.fill("#start-year", year)
    page.get_by_role("button", name="Show this period").click()


@pytest.mark.parametrize("path", ["/staff/team/report", "/staff/dashboard"])
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_wrong_period_comes_back_as_typed_with_its_error_on_a_phone(
        new_page: Callable[..., Page], live_server: str, demo: Demo, path: str, javascript: bool) -> None:
    # Given Helen, the team lead, on a 320px phone
    phone = new_page(**SMALLEST, java_script_enabled=javascript)
    sign_in(phone, live_server, "team.lead@example.test")
    phone.goto(f"{live_server}{path}")
    # When she types a day that is not a date and asks for that period
    _show_period(phone, "31", "13", "2025")
    # Then the error says so, and the boxes keep what she typed
    expect(phone.locator(".nhsuk-error-summary")).to_be_visible()
    assert [phone.input_value(f"#start-{part}") for part in ("day", "month", "year")] == ["31", "13", "2025"]
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0
    # And when she types another wrong date, she sees that one, not the one from before
    _show_period(phone, "30", "14", "2025")
    expect(phone.locator(".nhsuk-error-summary")).to_be_visible()
    assert [phone.input_value(f"#start-{part}") for part in ("day", "month", "year")] == ["30", "14", "2025"]
