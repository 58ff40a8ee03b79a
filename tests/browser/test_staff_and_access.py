"""Caseloads for staff, and nobody sees a record by changing the id in a web address."""

from __future__ import annotations

import re

from tests.browser.conftest import Demo, Page, assert_accessible, expect, sign_in


def test_key_worker_sees_their_caseload(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Priya, Sam's key worker, on a phone
    # When she signs in
    sign_in(phone, live_server, "key.worker@example.test")
    # Then her caseload lists Sam Taylor, and not Alex Morgan who has no key worker
    people = phone.locator("main table tbody")
    expect(people).to_contain_text("Sam Taylor")
    expect(people).not_to_contain_text("Alex Morgan")
    # And she can open Sam's page from it
    people.get_by_role("link", name="Sam Taylor").click()
    expect(phone).to_have_url(f"{live_server}/staff/service-users/{demo.sam_id}")
    expect(phone.locator("h1")).to_contain_text("Sam Taylor")
    assert_accessible(phone)


def test_team_lead_sees_who_has_no_key_worker(phone: Page, live_server: str, demo: Demo) -> None:
    # Given the team lead, on a phone
    # When she signs in
    sign_in(phone, live_server, "team.lead@example.test")
    # Then the count of people without a key worker is 1
    expect(phone.locator("#no-key-worker-count")).to_have_text("1")
    # And Alex Morgan's row stands out, saying "No key worker"
    alex = phone.locator("main tbody tr").filter(has_text="Alex Morgan")
    expect(alex).to_have_count(1)
    expect(alex).to_contain_text("No key worker")
    expect(alex).to_have_class(re.compile(r"\bportal-row-highlight\b"))
    sam = phone.locator("main tbody tr").filter(has_text="Sam Taylor")
    expect(sam).to_contain_text("Priya Shah")
    assert alex.evaluate("row => getComputedStyle(row).backgroundColor") != sam.evaluate(
        "row => getComputedStyle(row).backgroundColor"
    ), "Alex's row does not look different from Sam's"


def test_service_user_cannot_open_a_staff_page(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam, signed in as a service user
    sign_in(phone, live_server, "service.user@example.test")
    # When he changes the web address to the staff page about himself
    response = phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
    # Then he is told he cannot see this page, and sees nothing from it
    assert response is not None and response.status == 403
    expect(phone.locator("h1")).to_have_text("You cannot see this page")
    expect(phone.locator("main")).not_to_contain_text("9990010005")
    assert_accessible(phone)


def test_key_worker_cannot_open_someone_not_on_their_caseload(
    phone: Page, live_server: str, demo: Demo
) -> None:
    # Given Priya, the key worker, who is not Alex Morgan's key worker
    sign_in(phone, live_server, "key.worker@example.test")
    # When she changes the web address to Alex Morgan's page
    response = phone.goto(f"{live_server}/staff/service-users/{demo.alex_id}")
    # Then the page is not found, so she cannot even tell whether Alex exists
    assert response is not None and response.status == 404
    expect(phone.locator("h1")).to_have_text("Page not found")
    expect(phone.locator("main")).not_to_contain_text("Alex")
