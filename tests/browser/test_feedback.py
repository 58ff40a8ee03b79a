"""Feedback on phones (issue 16): Sam and Jo each tell the team what they think, in a minute, on
one page; Helen sees it on the team dashboard without their names."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, sign_in


def _give_feedback(page: Page, live_server: str, email: str, answer: str, went_well: str) -> None:
    sign_in(page, live_server, email)
    page.locator("#feedback-offer").get_by_role("link", name="Tell us what you think").click()
    expect(page.locator("h1")).to_have_text("Tell us what you think")
    assert_accessible(page)
    page.get_by_label(answer, exact=True).check()
    page.get_by_label("What went well? (optional)").fill(went_well)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("body")).to_contain_text("Thank you. The team will read what you said, without your name.")
    expect(page.locator("div#feedback-offer")).to_have_count(0)  # given: no longer pressed


def test_sam_and_jo_give_feedback_and_helen_sees_it_without_names(phone: Page, new_page, live_server: str,
                                                                   demo: Demo) -> None:  # type: ignore[no-untyped-def]
    # Given Sam on his phone, when he forgets to choose an answer, he is told and keeps his words
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/feedback")
    phone.get_by_label("What went well? (optional)").fill("Priya listened to me")
    phone.get_by_role("button", name="Send").click()
    summary = phone.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert phone.title().startswith("Error: ")
    expect(phone.get_by_label("What went well? (optional)")).to_have_value("Priya listened to me")
    assert_accessible(phone)
    # When Sam and Jo each give feedback from their home pages
    phone.get_by_label("Very good", exact=True).check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("body")).to_contain_text("without your name")
    jo = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    _give_feedback(jo, live_server, "carer@example.test", "Good", "They rang me back the same day")
    # Then Helen, on the team dashboard, sees their words and no names, and no count under 5
    helen = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    sign_in(helen, live_server, "team.lead@example.test")
    helen.goto(f"{live_server}/staff/dashboard")
    expect(helen.locator("#feedback-went-well")).to_contain_text("Priya listened to me")
    expect(helen.locator("#feedback-went-well")).to_contain_text("They rang me back the same day")
    expect(helen.locator("#feedback-too-few")).to_be_visible()
    part = helen.locator("#feedback-went-well").inner_text()
    assert "Sam" not in part and "Jo" not in part and "Taylor" not in part
    expect(helen.locator("#no-key-worker-list")).to_contain_text("Allocate a key worker for Alex Morgan")
    assert_accessible(helen)
