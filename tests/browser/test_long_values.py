"""Long real-world values fit a 320 px phone (issue 19 item 16): the administrator's audit table
wraps long action and record codes, and long names and addresses wrap wherever they are shown."""

from __future__ import annotations

from flask import Flask

from tests.browser.conftest import Demo, Page, expect, horizontal_overflow, sign_in
from tests.browser.long_values import LONG_NAME, MANY_ROWS, add_long_values

SMALLEST = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


def test_the_audit_table_wraps_long_codes_at_320px(new_page, live_server: str, demo: Demo, live_app: Flask) -> None:  # type: ignore[no-untyped-def]
    # Given a screen of audit events with the longest codes the portal writes
    with live_app.app_context():
        add_long_values()
    for javascript in (True, False):
        page: Page = new_page(**SMALLEST, java_script_enabled=javascript)
        sign_in(page, live_server, "admin@example.test")
        # When the administrator opens the audit trail on a small phone
        page.goto(f"{live_server}/admin/")
        expect(page.locator("main table tbody tr")).to_have_count(50)
        assert MANY_ROWS > 50
        # Then nothing scrolls sideways
        assert horizontal_overflow(page, 320) <= 0, f"JavaScript {'on' if javascript else 'off'}"


def test_a_long_name_wraps_on_the_caseload_and_the_person_s_page(new_page, live_server: str, demo: Demo,  # type: ignore[no-untyped-def]
                                                                 live_app: Flask) -> None:
    with live_app.app_context():
        add_long_values()
    page: Page = new_page(**SMALLEST)
    sign_in(page, live_server, "key.worker@example.test")
    expect(page.locator("main")).to_contain_text(LONG_NAME[1])
    assert horizontal_overflow(page, 320) <= 0
    page.get_by_role("link", name=f"{LONG_NAME[0]} {LONG_NAME[1]}").first.click()
    expect(page.locator("h1")).to_contain_text(LONG_NAME[1])
    assert horizontal_overflow(page, 320) <= 0
