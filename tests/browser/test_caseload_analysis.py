"""Caseload analysis in a real browser (issue 15): Helen, the team lead, on a 360 px phone, opens
the analysis from the team page, filters by care pathway, and moves Sam and Alex to Tom with one
handover note — first forgetting the note (the people she ticked stay ticked)."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def test_helen_filters_by_pathway_and_moves_two_people_to_tom(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Helen on her team page, on a 360 px phone (tests/browser/conftest.py PHONE)
    sign_in(phone, live_server, "team.lead@example.test")
    phone.goto(f"{live_server}/staff/team")
    # When she opens the caseload analysis
    phone.get_by_role("link", name="Caseload analysis", exact=False).click()
    expect(phone.locator("h1")).to_have_text("Caseload analysis")
    # Then Alex, with no key worker, is listed as needing one
    expect(phone.locator("#need-key-worker-list")).to_contain_text("Alex Morgan")
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0

    # When she shows the Community mental health pathway and goes to move people
    phone.get_by_label("Care pathway").select_option(label="Community mental health")
    phone.get_by_role("button", name="Show people").click()
    expect(phone.locator("#people-list")).to_contain_text("Sam Taylor")
    expect(phone.locator("#people-list")).to_contain_text("Alex Morgan")
    phone.get_by_role("link", name="Move people to a new key worker").click()
    expect(phone.locator("h1")).to_have_text("Move people to a new key worker")
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0

    # And ticks Sam and Alex, chooses Tom, but forgets the handover note
    phone.get_by_role("checkbox", name="Sam Taylor").check()
    phone.get_by_role("checkbox", name="Alex Morgan").check()
    phone.get_by_role("radio", name="Tom Okafor", exact=False).check()
    phone.get_by_role("button", name="Move to the new key worker").click()
    # Then she is told, and her choices are still there
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Write what the new key worker needs to know")
    expect(phone.get_by_role("checkbox", name="Sam Taylor")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Alex Morgan")).to_be_checked()
    assert_accessible(phone)

    # When she writes one note and sends it
    phone.get_by_label("What does the new key worker need to know?").fill(
        "Both are on the community pathway. Sam likes texts before visits; Alex needs an interpreter.")
    phone.get_by_role("button", name="Move to the new key worker").click()
    # Then both have Tom as key worker, and nobody is left without one
    expect(phone.locator(".portal-flash")).to_contain_text("2 people have a new key worker: Tom Okafor.")
    expect(phone.locator("#need-key-worker-list")).to_contain_text("Everyone has a key worker who can carry on.")
    phone.goto(f"{live_server}/staff/team")
    expect(phone.locator(f"#team-person-{demo.sam_id}")).to_contain_text("Tom Okafor")
    expect(phone.locator(f"#team-person-{demo.alex_id}")).to_contain_text("Tom Okafor")


def test_the_new_staff_pages_fit_320_px_without_javascript(new_page, live_server: str, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    """The analysis, bulk allocation, registration and care-team search pages at 320 px, JavaScript off."""
    page: Page = new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True,
                          java_script_enabled=False)
    sign_in(page, live_server, "team.lead@example.test")
    for path in ("/staff/team/caseload-analysis", "/staff/team/caseload-analysis/allocation?show=key_worker_left",
                 f"/staff/service-users/{demo.sam_id}/care-team/members?q=a"):
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
        assert horizontal_overflow(page) <= 0, path
    page.goto(f"{live_server}/staff/team")
    page.get_by_role("link", name="Change profession or registration for Tom Okafor").click()
    page.get_by_label("Professional registration").fill("HCPC 123")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a registration in the right format")
    expect(page.get_by_label("Professional registration")).to_have_value("HCPC 123")
    assert_accessible(page)
    assert horizontal_overflow(page) <= 0
