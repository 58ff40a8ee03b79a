"""Completing questionnaires on a phone: with HTMX autosave, without JavaScript, results, safety page."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def _choose(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def test_dialog_on_a_phone_autosaves_resumes_and_shows_results(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam signed in on a phone
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/measures")
    assert_accessible(phone)
    # When he starts DIALOG and chooses an answer
    phone.get_by_role("button", name="Start DIALOG").click()
    expect(phone.locator("h1")).to_have_text("How satisfied are you with your mental health?")
    expect(phone.get_by_text("Question 1 of 11")).to_be_visible()
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0
    _choose(phone, "Fairly satisfied")
    # Then it is saved at once, without a page load
    expect(phone.locator("#save-status")).to_contain_text("Your answer is saved")
    # And when he leaves and comes back, it is still chosen
    phone.goto(f"{live_server}/me/")
    phone.goto(f"{live_server}/me/measures")
    phone.get_by_role("button", name="Carry on DIALOG").click()
    # (the more-help question on screen 1 is not answered yet, so he is back on question 1)
    expect(phone.get_by_label("Fairly satisfied", exact=True)).to_be_checked()
    # When he answers every question
    for position in range(1, 12):
        _choose(phone, "Fairly satisfied" if position != 4 else "Very satisfied")
        phone.get_by_label("Yes" if position == 2 else "No", exact=True).check()
        phone.get_by_role("button", name="Continue").click()
    # Then he can check his answers, send them, and see his results as a chart and a table
    expect(phone.locator("h1")).to_have_text("Check your answers")
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.locator("h1")).to_have_text("Your DIALOG answers")
    expect(phone.locator("main svg[role=img]")).to_have_count(1)
    expect(phone.locator(".nhsuk-inset-text")).to_contain_text("Physical health")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0


def test_reqol_without_javascript_with_the_support_page(no_js_phone: Page, live_server: str, demo: Demo) -> None:
    page = no_js_phone
    sign_in(page, live_server, "service.user@example.test")
    page.goto(f"{live_server}/me/measures")
    page.get_by_role("button", name="Start Recovering Quality of Life (ReQoL-10)").click()
    for position in range(1, 12):
        if position == 6:
            _choose(page, "Often")
        else:
            page.locator("input[name=answer]").first.check()
        page.get_by_role("button", name="Continue").click()
        if position == 6:
            # A worrying answer: a calm page with crisis contacts, at once
            expect(page.locator("h1")).to_have_text("Thank you for telling us")
            expect(page.locator("main")).to_contain_text("116 123")
            assert_accessible(page)
            page.get_by_role("link", name="Carry on with the questions").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_have_text("Your ReQoL-10 answers")
    expect(page.locator("main")).to_contain_text("out of 40")
    assert_accessible(page)


def test_key_worker_sees_the_flag_and_the_measures_page(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "key.worker@example.test")
    phone.locator("#caseload-results").get_by_role("link", name="Sam Taylor").click()  # not the handover note
    phone.get_by_role("link", name="Questionnaires and results").click()
    expect(phone.locator("h1")).to_contain_text("Questionnaires")
    assert_accessible(phone)
    # Bad input: the error summary, and what was typed is kept
    phone.locator("#assign-due_on-day").fill("31")
    phone.locator("#assign-due_on-month").fill("2")
    phone.locator("#assign-due_on-year").fill("2030")
    phone.get_by_role("button", name="Ask for it").click()
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Enter a real date")
    expect(phone.locator("#assign-due_on-day")).to_have_value("31")
    assert phone.title().startswith("Error: ")
    assert_accessible(phone)
