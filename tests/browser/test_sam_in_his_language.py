"""Issue 17's "Done when", in a real browser: Sam switches to Cymraeg on his phone and completes DIALOG,
its questions in English (no checked Welsh translation is configured) with a note in Welsh saying why,
everything else in Welsh, and his results dated in Welsh; then, in Arabic, every page he can reach
is right to left, passes axe and fits a 320px phone, with JavaScript on and off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel import Locale
from flask import Flask
from flask_babel import force_locale, gettext

from portal.dates import format_when
from tests.browser.conftest import Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in
from tests.browser.test_every_page import SMALL_PHONE, _check_without_javascript, _crawl

SAM = "service.user@example.test"


def _welsh(app: Flask, text: str) -> str:
    with app.test_request_context(), force_locale("cy"):
        return gettext(text)


def test_sam_completes_dialog_in_welsh_with_the_questions_in_english(phone: Page, live_server: str, demo: Demo,
                                                                     live_app: Flask) -> None:
    continue_in_welsh, send_in_welsh = _welsh(live_app, "Continue"), _welsh(live_app, "Send my answers")
    assert continue_in_welsh != "Continue" and send_in_welsh != "Send my answers", "the Welsh catalog is compiled"
    # Given Sam on his phone, who chooses Cymraeg
    sign_in(phone, live_server, SAM)
    phone.locator("button[lang=cy]").click()
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    # When he starts DIALOG
    phone.goto(f"{live_server}/me/measures")
    phone.locator("form[action$='/measures/dialog'] button").click()
    # Then the question is in English, marked as English, with the note in Welsh; the rest is Welsh
    expect(phone.locator("#questions-in-english")).to_contain_text(_welsh(
        live_app, "These questions are in English because there is no checked translation in your language yet."))
    expect(phone.locator("main [lang=en]", has_text="How satisfied are you with your mental health?").first).to_be_visible()
    expect(phone.locator("form button[type=submit]")).to_have_text(continue_in_welsh)
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0
    # When he answers all 11 questions
    for _ in range(11):
        phone.locator("input[name=answer]").nth(3).check()
        if phone.locator("input[name=more_help]").count():
            phone.locator("input[name=more_help][value=no]").check()
        phone.locator("form button[type=submit]").click()
    # Then he checks and sends them in Welsh
    phone.get_by_role("button", name=send_in_welsh).click()
    # And his results say when in Welsh
    with live_app.test_request_context():
        today_in_welsh = format_when(date.today(), "day", locale=Locale.parse("cy"))
    assert today_in_welsh != format_when(date.today(), "day", locale=Locale.parse("en_GB"))
    expect(phone.locator("main")).to_contain_text(today_in_welsh)
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    assert_accessible(phone)
    assert horizontal_overflow(phone, 320) <= 0


def test_every_page_sam_can_reach_in_arabic(new_page: Callable[..., Page], live_server: str, demo: Demo) -> None:
    # Given Sam signed in on a small phone, with JavaScript and without, who chooses العربية
    phone = new_page(**SMALL_PHONE)
    no_js = new_page(**SMALL_PHONE, java_script_enabled=False)
    sign_in(phone, live_server, SAM)
    phone.locator("button[lang=ar]").click()
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    sign_in(no_js, live_server, SAM)  # his choice is kept on his account
    expect(no_js.locator("html")).to_have_attribute("dir", "rtl")
    # When every page he can reach by links is opened, each is checked (axe, 320px, Back link)
    visited, problems = _crawl(phone, live_server, "/me/")
    problems += _check_without_javascript(no_js, live_server, visited)
    # And every one of them is right to left
    for path in visited:
        phone.goto(live_server + path)
        if phone.locator("html").get_attribute("dir") != "rtl":
            problems.append(f"{path}: not right to left")

    assert len(visited) >= 10, f"only {visited} found: the crawl is not following links"
    assert not problems, f"{len(problems)} problem(s) on {len(visited)} pages:\n" + "\n".join(problems)
