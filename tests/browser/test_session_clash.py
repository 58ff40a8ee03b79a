"""A clash in the live session is shown, and the person's words stay (issue 19, item 1).

HTMX does not swap error answers by default: the layout's htmx config swaps every 4xx answer (a
refused save shows its message), and the session's poll never replaces a form with unsaved words
or a shown clash, even when the other screen changes something else."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in

POLL_WAIT = 8_000  # ms: more than two polls (every 3 s)


def _open_session(desktop: Page, phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/goals/new")
    phone.get_by_label("What is your goal?").fill("Cook a meal for my family")
    phone.get_by_label("2", exact=True).check()
    phone.get_by_role("button", name="Save goal").click()
    sign_in(desktop, live_server, "key.worker@example.test")
    desktop.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
    desktop.get_by_role("button", name="Start session with Sam").click()
    expect(desktop.locator("h1")).to_have_text("Session with Sam")
    phone.goto(f"{live_server}/me/")
    phone.get_by_role("link", name="Open the session on this phone").click()
    expect(phone.locator("h1")).to_have_text("Your session")


def test_a_refused_save_is_shown_and_the_poll_never_takes_the_words_away(
    desktop: Page, phone: Page, live_server: str, demo: Demo
) -> None:
    # Given Priya and Sam in the same session
    _open_session(desktop, phone, live_server, demo)
    # And Sam typing a line in the notes on his phone, not saved yet
    sam_notes = phone.get_by_label("Notes we made together")
    sam_notes.fill("Sam: I want to try pasta first")
    # When Priya saves the notes on her screen first
    desktop.get_by_label("Notes we made together").fill("Priya: talked about cooking")
    desktop.get_by_role("button", name="Save notes").click()
    expect(desktop.locator("#live-region")).to_have_text("Notes saved.")
    # And then Sam presses "Save notes"
    with phone.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/notes")
                               and r.status == 409):
        phone.get_by_role("button", name="Save notes").click()
    # Then he sees that it changed on the other screen, what it says now, and his words are kept
    clash = phone.locator("#session-live .nhsuk-warning-callout")
    expect(clash).to_contain_text("This changed on the other screen")
    expect(clash).to_contain_text("Priya: talked about cooking")
    expect(phone.get_by_label("Notes we made together")).to_have_value("Sam: I want to try pasta first")
    expect(phone.locator("#live-region")).to_contain_text("This changed on the other screen")
    # When Priya changes something else, and the phone polls again and again
    desktop.locator("form", has_text="Cook a meal for my family").get_by_label("6", exact=True).check()
    expect(desktop.locator("#live-region")).to_have_text("Rating saved.")
    phone.wait_for_timeout(POLL_WAIT)
    # Then Sam's words and the clash are still there
    expect(clash).to_contain_text("This changed on the other screen")
    expect(phone.get_by_label("Notes we made together")).to_have_value("Sam: I want to try pasta first")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0
    # When he saves again, his words are used, and both screens catch up
    phone.get_by_role("button", name="Save notes").click()
    expect(phone.locator("#live-region")).to_have_text("Notes saved.")
    expect(phone.locator("#session-live .nhsuk-warning-callout")).to_have_count(0)
    expect(phone.locator("form", has_text="Cook a meal for my family").get_by_label("6", exact=True)).to_be_checked()
    expect(desktop.get_by_label("Notes we made together")).to_have_value(
        "Sam: I want to try pasta first", timeout=POLL_WAIT)


def test_words_typed_while_another_box_saves_are_kept(desktop: Page, phone: Page, live_server: str,
                                                     demo: Demo) -> None:
    # Given Sam in the session on his phone
    _open_session(desktop, phone, live_server, demo)
    # When he writes a note and goes straight on to type an action (leaving the notes saves them,
    # and the answer redraws the session while he types)
    phone.get_by_label("Notes we made together").fill("Pasta first")
    action = phone.locator("#action-general textarea[name=text]")
    action.fill("Buy a pan")
    expect(phone.locator("#live-region")).to_have_text("Notes saved.")
    # Then the action he was typing is still there, and the note is saved
    expect(action).to_have_value("Buy a pan")
    expect(desktop.get_by_label("Notes we made together")).to_have_value("Pasta first", timeout=POLL_WAIT)
    # And a choice he makes while a save is on its way is saved once it settles
    phone.locator("form", has_text="Cook a meal for my family").get_by_label("4", exact=True).check()
    expect(phone.locator("#live-region")).to_have_text("Rating saved.")
    expect(desktop.locator("form", has_text="Cook a meal for my family").get_by_label("4", exact=True)).to_be_checked(
        timeout=POLL_WAIT)
    expect(action).to_have_value("Buy a pan")
