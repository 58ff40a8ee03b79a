"""Sam's care team in a real browser (issue 15): Dr Bello, a consultant in it, opens Sam's goals;
Helen adds Tom and removes Dr Bello, who then gets "Page not found" for Sam; Robin, a peer support
worker in it, cannot be made key worker; Sam sees who is in his care team on his phone."""

from __future__ import annotations

import re

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def test_helen_changes_sams_care_team_and_a_removed_member_loses_sam(phone: Page, desktop: Page, live_server: str,
                                                                    demo: Demo) -> None:
    # Given Dr Bello, in Sam's care team, on a desktop
    sign_in(desktop, live_server, "consultant@example.test")
    # Then his home page lists the care teams he is in, and Sam's goals open from there
    expect(desktop.locator("#care-teams-i-am-in + ul")).to_contain_text("Sam Taylor")
    desktop.locator("#care-teams-i-am-in + ul").get_by_role("link", name="Sam Taylor").click()
    expect(desktop.locator("#care-team-member-note")).to_contain_text("You are in Sam's care team")
    desktop.get_by_role("link", name="Goals", exact=True).click()
    expect(desktop.locator("h1")).to_contain_text("goals")
    goals_url = desktop.url

    # Given Helen, the team lead, on a phone, on Sam's care team page
    sign_in(phone, live_server, "team.lead@example.test")
    phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
    phone.get_by_role("link", name="Care team").click()
    expect(phone.locator("#care-team-members")).to_contain_text("Dr Ade Bello")
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
    # When she adds Tom as occupational therapist, first forgetting the reason
    phone.get_by_role("link", name="Add someone to the care team").click()
    phone.get_by_label("Find a member of staff").fill("okafor")
    phone.get_by_role("button", name="Search").click()
    phone.get_by_role("radio", name=re.compile("Tom Okafor")).check()
    phone.get_by_role("radio", name="Occupational therapist", exact=True).check()
    phone.get_by_role("button", name="Add to the care team").click()
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Write why they are joining the care team")
    assert_accessible(phone)
    phone.get_by_label("Why are they joining?").fill("Help getting back to work.")
    phone.get_by_role("button", name="Add to the care team").click()
    # Then Tom is in the care team
    expect(phone.locator(".portal-flash")).to_contain_text("Tom Okafor is in Sam Taylor's care team now.")
    expect(phone.locator("#care-team-members")).to_contain_text("Tom Okafor")
    # When she removes Dr Bello with a reason
    phone.get_by_role("link", name="Remove Dr Ade Bello from the care team").click()
    assert_accessible(phone)
    phone.get_by_label("Why are they leaving the care team?").fill("Medication review finished.")
    phone.get_by_role("button", name="Remove from the care team").click()
    expect(phone.locator("#care-team-former")).to_contain_text("Medication review finished.")

    # Then Dr Bello can no longer open Sam's goals
    desktop.goto(goals_url)
    expect(desktop.locator("h1")).to_contain_text("Page not found")


def test_a_peer_support_worker_cannot_be_made_key_worker_and_sam_sees_his_care_team(
        phone: Page, desktop: Page, live_server: str, demo: Demo) -> None:
    # Given Helen choosing a new key worker for Sam
    sign_in(desktop, live_server, "team.lead@example.test")
    desktop.goto(f"{live_server}/staff/service-users/{demo.sam_id}/key-worker")
    # When she chooses Robin, a peer support worker with no registration
    robin = desktop.get_by_role("radio", name=re.compile("Robin Clarke"))
    expect(desktop.locator("main")).to_contain_text("no professional registration, so cannot be a key worker")
    robin.check()
    desktop.get_by_label("What does the new key worker need to know?").fill("Robin knows Sam well.")
    desktop.get_by_role("button", name="Save key worker").click()
    # Then she is told why not, and Priya stays Sam's key worker
    expect(desktop.locator(".nhsuk-error-summary")).to_contain_text(
        "Robin Clarke has no professional registration recorded")
    assert_accessible(desktop)

    # Given Sam on his phone
    sign_in(phone, live_server, "service.user@example.test")
    # Then he sees his care team and what each person does, in plain words
    care_team = phone.locator("#your-care-team")
    expect(care_team).to_contain_text("Dr Ade Bello")
    expect(care_team).to_contain_text("A senior doctor who specialises in mental health")
    expect(care_team).to_contain_text("Robin Clarke")
    expect(care_team).to_contain_text("Has lived through mental health problems themselves")
    expect(phone.locator("main")).to_contain_text("Your key worker is Priya Shah")
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
