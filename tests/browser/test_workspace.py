"""The key worker and team workspace in a real browser: caseload, handover, team report, timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def test_key_worker_sees_what_is_due_for_sam(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Priya, Sam's key worker, on a phone
    sign_in(phone, live_server, "key.worker@example.test")
    # Then her caseload shows Sam with the DIALOG she asked for
    sam = phone.locator(f"#person-{demo.sam_id}")
    due = (date.today() + timedelta(days=7)).strftime("%-d %b %Y")
    expect(sam).to_contain_text("Sam Taylor")
    expect(sam.locator(".nhsuk-tag", has_text=f"DIALOG due by {due}")).to_have_count(1)
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
    # And Sam's timeline opens from his page, and passes axe too
    sam.get_by_role("link", name="Sam Taylor").click()
    phone.get_by_role("link", name="Timeline and key worker history").click()
    expect(phone.locator("h1")).to_contain_text("Timeline")
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0


def test_the_caseload_filters_in_place_and_without_javascript(desktop: Page, no_js_phone: Page,
                                                             live_server: str, demo: Demo) -> None:
    # Given the team lead on a desktop
    sign_in(desktop, live_server, "team.lead@example.test")
    assert_accessible(desktop)
    desktop.evaluate("window.notReloaded = true")
    # When she types a name in the search box
    desktop.get_by_label("Search by name or NHS number").fill("alex")
    # Then the list shows only Alex, without the page reloading, and the address says so
    expect(desktop.locator("#caseload-results tbody tr")).to_have_count(1)
    expect(desktop.locator("#caseload-results tbody")).to_contain_text("Alex Morgan")
    expect(desktop).to_have_url(re.compile(r"/staff/\?q=alex"))
    assert desktop.evaluate("window.notReloaded") is True
    expect(desktop.locator("#live-region")).to_have_text("Showing 1 of 2 people")

    # Given the same page with JavaScript off
    sign_in(no_js_phone, live_server, "team.lead@example.test")
    # When she chooses what to show and presses the button
    no_js_phone.get_by_label("Show").select_option("no_key_worker")
    no_js_phone.get_by_role("button", name="Show people").click()
    # Then the page reloads with the filter in the address
    expect(no_js_phone).to_have_url(re.compile(r"show=no_key_worker"))
    expect(no_js_phone.locator("#caseload-results tbody tr")).to_have_count(1)
    assert_accessible(no_js_phone)


def test_team_lead_allocates_alex_with_a_handover_note(phone: Page, live_server: str, demo: Demo) -> None:
    # Given the team lead, on a phone
    sign_in(phone, live_server, "team.lead@example.test")
    # Then she sees Alex Morgan flagged with no key worker, and a count of 1
    expect(phone.locator("#no-key-worker-count")).to_have_text("1")
    alex = phone.locator(f"#person-{demo.alex_id}")
    expect(alex).to_contain_text("No key worker")
    expect(alex).to_have_class(re.compile(r"\bportal-row-highlight\b"))
    # When she goes to allocate key workers and picks Alex
    phone.get_by_role("link", name="Allocate or change key workers").click()
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
    phone.get_by_role("link", name="Allocate a key worker for Alex Morgan").click()
    expect(phone.locator("h1")).to_contain_text("Allocate a key worker")
    assert_accessible(phone)
    # And saves without choosing anyone, she is told what to fix
    phone.get_by_role("button", name="Save key worker").click()
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Choose the new key worker")
    assert_accessible(phone)
    # When she chooses Tom Okafor and writes the handover note
    phone.get_by_role("radio", name=re.compile("Tom Okafor")).check()
    phone.get_by_label("What does the new key worker need to know?").fill(
        "Alex prefers a text before a visit. Handed over in the team meeting.")
    phone.get_by_role("button", name="Save key worker").click()
    # Then she is back on the team view, told it is done, and the count has dropped to 0
    expect(phone.locator(".portal-flash")).to_contain_text("Alex Morgan's key worker is now Tom Okafor.")
    expect(phone.locator("#no-key-worker-count")).to_have_text("0")
    expect(phone.locator(f"#team-person-{demo.alex_id}")).to_contain_text("Tom Okafor")
    # And Alex's timeline shows the handover
    phone.goto(f"{live_server}/staff/service-users/{demo.alex_id}/timeline")
    expect(phone.locator("main")).to_contain_text("Alex prefers a text before a visit.")
    assert_accessible(phone)


def test_team_report_passes_axe_on_a_phone_and_a_desktop(phone: Page, desktop: Page, live_server: str,
                                                        demo: Demo) -> None:
    for page in (phone, desktop):
        sign_in(page, live_server, "team.lead@example.test")
        page.goto(f"{live_server}/staff/team/report")
        expect(page.locator("h1")).to_contain_text("Team report")
        expect(page.locator("#figure-key_worker")).to_contain_text("50%")
        assert_accessible(page)
    assert horizontal_overflow(phone) <= 0
    # The CSV downloads
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename.startswith("team-report-")


def test_kept_caseload_menu_and_language_form_on_a_phone(phone: Page, live_server: str, demo: Demo) -> None:
    """Issue 18 keeps the caseload list's HTML, the header's menu and the language form between
    requests. On a 320px phone with JavaScript: each filter in place, then back to everyone (the
    kept list), each passes axe without sideways scrolling; Welsh chosen on a filtered page comes
    back to that page, filter and all; each page's own menu item is the current one."""
    sign_in(phone, live_server, "team.lead@example.test")
    rows = phone.locator("#caseload-results tbody tr")
    expect(rows).to_have_count(2)
    for show, people in (("no_key_worker", 1), ("all", 2), ("no_key_worker", 1), ("all", 2)):  # twice: kept
        phone.get_by_label("Show").select_option(show)
        phone.get_by_role("button", name="Show people").click()
        expect(phone).to_have_url(re.compile(rf"show={show}"))
        expect(rows).to_have_count(people)
        assert_accessible(phone)
        assert horizontal_overflow(phone) <= 0
    expect(phone.locator("[aria-current=page]", has_text="Team")).to_have_count(1)

    phone.goto(f"{live_server}/staff/?show=no_key_worker")
    phone.locator("button[lang=cy]").click()
    expect(phone).to_have_url(f"{live_server}/staff/?show=no_key_worker")
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(rows).to_have_count(1)
    expect(phone.locator("[aria-current=page]", has_text="Tîm")).to_have_count(1)
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0

    phone.get_by_role("link", name="Dyletswydd").first.click()
    expect(phone.locator("[aria-current=page]", has_text="Dyletswydd")).to_have_count(1)
    expect(phone.locator("[aria-current=page]", has_text="Tîm")).to_have_count(0)
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
