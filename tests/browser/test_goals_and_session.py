"""Goals, the care plan and a session on two screens at once (key worker desktop, service user phone)."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def test_service_user_drafts_and_rates_a_goal_on_a_phone(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam signed in on his phone
    sign_in(phone, live_server, "service.user@example.test")
    # When he adds a goal in his own words from the navigation
    phone.goto(f"{live_server}/me/goals")
    assert_accessible(phone)
    phone.get_by_role("link", name="Add a goal").click()
    # (forgetting the words first: the error summary, and his rating is kept)
    phone.get_by_label("3", exact=True).check()
    phone.get_by_role("button", name="Save goal").click()
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Write your goal in your own words")
    expect(phone.get_by_label("3", exact=True)).to_be_checked()
    assert_accessible(phone)
    phone.get_by_label("What is your goal?").fill("Go swimming once a week")
    phone.get_by_role("button", name="Save goal").click()
    # Then he sees it as a draft, rated 3
    expect(phone.locator("h1")).to_contain_text("Go swimming once a week")
    expect(phone.locator("main")).to_contain_text("Draft: not agreed yet")
    # When he rates it again
    phone.get_by_label("7", exact=True).check()
    phone.get_by_role("button", name="Save rating").click()
    # Then progress shows as a sentence and a chart
    expect(phone.locator("main")).to_contain_text("Up 4 points since you started.")
    expect(phone.locator("main svg[role=img]")).to_have_count(1)
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0


def test_a_session_on_two_screens_shows_each_others_changes(desktop: Page, phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam has a goal, and Priya starts a session with him on her computer
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/goals/new")
    phone.get_by_label("What is your goal?").fill("Cook a meal for my family")
    phone.get_by_label("2", exact=True).check()
    phone.get_by_role("button", name="Save goal").click()
    sign_in(desktop, live_server, "key.worker@example.test")
    desktop.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
    desktop.get_by_role("button", name="Start session with Sam").click()
    expect(desktop.locator("h1")).to_have_text("Session with Sam")
    assert_accessible(desktop)
    # And Sam opens the same session on his phone
    phone.goto(f"{live_server}/me/")
    phone.get_by_role("link", name="Open the session on this phone").click()
    expect(phone.locator("h1")).to_have_text("Your session")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0
    # When Priya changes the rating on her screen (saved as it changes, no reload)
    goal_form = desktop.locator("form", has_text="Cook a meal for my family")
    goal_form.get_by_label("5", exact=True).check()
    expect(desktop.locator("#live-region")).to_have_text("Rating saved.")
    # Then Sam's phone shows it within a few seconds
    expect(phone.locator("form", has_text="Cook a meal for my family").get_by_label("5", exact=True)).to_be_checked(timeout=8_000)
    # When Sam writes a note on his phone
    phone.get_by_label("Notes we made together").fill("I want to try pasta first")
    phone.get_by_role("button", name="Save notes").click()
    # Then Priya sees it
    expect(desktop.get_by_label("Notes we made together")).to_have_value("I want to try pasta first", timeout=8_000)
    # When Priya ends the session, the summary is drafted for her to check
    desktop.get_by_role("link", name="End session").click()
    expect(desktop.locator("textarea[name=summary]")).to_contain_text("rated 5 out of 10 (was 2)")
    assert_accessible(desktop)
    desktop.get_by_role("button", name="End session and send summary").click()
    expect(desktop.locator("h1")).to_have_text("Session summary")


def test_care_plan_agreed_twice_compared_and_printed_without_javascript(no_js_phone: Page, live_server: str, demo: Demo) -> None:
    page = no_js_phone
    sign_in(page, live_server, "service.user@example.test")
    page.goto(f"{live_server}/me/care-plan")
    assert_accessible(page)
    page.get_by_role("link", name="Add to “What matters to me”").click()
    page.get_by_label("What do you want to add?").fill("My dog, Biscuit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("My dog, Biscuit")
    for _ in range(2):
        page.get_by_role("link", name="Agree the care plan").click()
        assert_accessible(page)
        page.get_by_role("button", name="We agree this plan").click()
        expect(page.locator("h1")).to_contain_text("Care plan, version")
        page.goto(f"{live_server}/me/care-plan")
        page.get_by_role("link", name="Add to “What I will do”").click()
        page.get_by_label("What do you want to add?").fill("Walk Biscuit every day")
        page.get_by_role("button", name="Save").click()
    page.goto(f"{live_server}/me/care-plan/versions")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".portal-diff--added")).to_contain_text("Walk Biscuit every day")
    assert_accessible(page)
    page.locator("main ul.nhsuk-list a").first.click()  # the current version
    expect(page.locator("h1")).to_contain_text("Care plan, version")
    page.emulate_media(media="print")
    expect(page.locator(".nhsuk-header")).to_be_hidden()
    expect(page.locator(".portal-print-page")).to_contain_text("Walk Biscuit every day")
