"""Pages meant for paper: a "Print this page" button that prints, wherever it is offered."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, expect, sign_in

# Instead of opening the print dialog (which would block the headless browser), count the calls.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


def test_print_this_page_on_a_care_plan_version_prints_it(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam reading the care plan he agreed
    phone.add_init_script(COUNT_PRINTS)
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/care-plan/versions/1")
    expect(phone.locator("h1")).to_contain_text("Care plan, version 1")
    # When he presses "Print this page"
    phone.get_by_role("button", name="Print this page").click()
    # Then the browser's print opens, and the page stays where it was (no reload)
    assert phone.evaluate("window.__prints") == 1
    assert phone.url == f"{live_server}/me/care-plan/versions/1"


def test_print_this_page_on_the_safety_plan_prints_it(phone: Page, live_server: str, demo: Demo) -> None:
    phone.add_init_script(COUNT_PRINTS)
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/safety-plan/print")
    phone.get_by_role("button", name="Print this page").click()
    assert phone.evaluate("window.__prints") == 1


def test_without_javascript_the_page_says_how_to_print_and_offers_no_button(no_js_phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(no_js_phone, live_server, "service.user@example.test")
    no_js_phone.goto(f"{live_server}/me/care-plan/versions/1")
    expect(no_js_phone.locator("main")).to_contain_text("use the print option in your browser")
    expect(no_js_phone.get_by_role("button", name="Print this page")).to_have_count(0)
    expect(no_js_phone.get_by_role("link", name="Print this page")).to_have_count(0)
