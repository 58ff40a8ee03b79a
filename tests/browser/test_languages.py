"""Choosing a language on a phone (issue 17): Welsh from the link on every page, with the keyboard
and without JavaScript, kept across pages and signing out and in; Arabic right to left.

The words on the pages depend on the translators' catalogs, so these tests find things by what
they are (a form's action, a button's lang), not by their English text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import ServiceUser
from portal.services import measures
from tests.browser.conftest import (
    DEMO_PASSWORD,
    PHONE,
    Demo,
    Page,
    assert_accessible,
    expect,
    horizontal_overflow,
    settle,
)

SAM = "service.user@example.test"


def sign_in(page: Page, base_url: str, email: str = SAM) -> None:
    """The sign-in form, found by its fields, in whatever language the page is in."""
    page.goto(f"{base_url}/login")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button:not([type=button])").first.click()
    expect(page).to_have_url(f"{base_url}/me/")


def sign_out(page: Page) -> None:
    page.locator("header form[action='/logout'] button").click()
    page.wait_for_load_state()


def language_of(page: Page) -> tuple[str | None, str | None]:
    html = page.locator("html")
    return html.get_attribute("lang"), html.get_attribute("dir")


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab from the top of the page until ``selector`` has the focus, as a keyboard user does."""
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_sam_chooses_welsh_with_the_keyboard_and_it_sticks(phone: Page, live_server: str, demo: Demo,
                                                           tmp_path: Path) -> None:
    # Given Sam signed in on his phone, in English
    sign_in(phone, live_server)
    assert language_of(phone) == ("en", "ltr")
    # When he tabs to "Cymraeg" (named in Welsh, marked as Welsh) and presses Enter
    expect(phone.locator("button[lang=cy][dir=ltr]")).to_have_text("Cymraeg")
    tab_to(phone, "button[lang=cy]")
    phone.keyboard.press("Enter")
    # Then the same page comes back in Welsh, and so does the next one
    expect(phone).to_have_url(f"{live_server}/me/")
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    phone.goto(f"{live_server}/me/measures")
    assert language_of(phone) == ("cy", "ltr")
    phone.screenshot(path=str(tmp_path / "welsh-measures-360.png"), full_page=True)
    # And after signing out (the sign-in page too) and in again
    sign_out(phone)
    assert language_of(phone)[0] == "cy"
    sign_in(phone, live_server)
    assert language_of(phone) == ("cy", "ltr")
    # And English is offered, named in English
    expect(phone.locator("button[lang=en]")).to_have_text("English")


def test_choosing_a_language_works_without_javascript(no_js_phone: Page, live_server: str, demo: Demo) -> None:
    page = no_js_phone
    # The language page on its own (for a link from elsewhere) passes axe at 320px
    page.goto(f"{live_server}/language?next=/get-help")
    assert_accessible(page)
    assert horizontal_overflow(page, 320) <= 0
    page.goto(f"{live_server}/get-help")
    page.locator("button[lang=cy]").click()
    expect(page).to_have_url(f"{live_server}/get-help")
    assert language_of(page) == ("cy", "ltr")
    sign_in(page, live_server)  # signed out, it was kept in a cookie; signed in, Sam's account says English
    page.locator("button[lang=cy]").click()
    page.goto(f"{live_server}/me/measures")
    assert language_of(page) == ("cy", "ltr")


def _dialog_pages(app: Flask, sam_id: int) -> tuple[str, str]:
    """Sam's sent DIALOG (its results page) and a new one started (its first question)."""
    with app.app_context():
        sam = db.session.get_one(ServiceUser, sam_id)
        response = measures.start_or_resume(sam.user, sam, "dialog")
        for item in measures.questions(measures.instrument_for("dialog")):
            measures.save_answer(sam.user, response, item, max(item.values), more_help=False)
        sent = measures.submit(sam.user, response, sam)
        started = measures.start_or_resume(sam.user, sam, "dialog")
        pages = (f"/me/measures/responses/{sent.id}", f"/me/measures/responses/{started.id}/questions/1")
        db.session.remove()
    return pages


def _on_the_right(page: Page, selector: str) -> None:
    """The thing starts past the middle of a 360px screen and ends near its right edge."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["x"] > 180 and box["x"] + box["width"] > 360 - 48, f"{selector} is not on the right: {box}"


def _chart_text_inside_the_chart(page: Page) -> None:
    """The chart stays left to right (dir="ltr"): no label is drawn off its edge."""
    outside = page.evaluate("""() => [...document.querySelectorAll('.portal-chart__svg')].flatMap(svg => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()])
            .filter(([, r]) => r.width && (r.left < box.left - 1 || r.right > box.right + 1)).map(([t]) => t);
    })""")
    assert page.locator(".portal-chart__svg").count() >= 1
    assert outside == [], f"chart labels drawn outside the chart: {outside}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_arabic_is_right_to_left_and_not_broken(new_page, live_server: str, live_app: Flask,  # type: ignore[no-untyped-def]
                                                demo: Demo, tmp_path: Path, javascript: bool) -> None:
    results, question = _dialog_pages(live_app, demo.sam_id)
    page: Page = new_page(**PHONE, java_script_enabled=javascript)
    sign_in(page, live_server)
    # When Sam chooses العربية (named in Arabic, marked right to left)
    expect(page.locator("button[lang=ar][dir=rtl]")).to_have_text("العربية")
    page.locator("button[lang=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    for name, path in (("home", "/me/"), ("question", question), ("results", results)):
        page.goto(f"{live_server}{path}")
        # Then every page is Arabic, right to left, with the NHS logo and header on the right
        assert language_of(page) == ("ar", "rtl"), name
        _on_the_right(page, "header .nhsuk-header__logo")
        if name != "home":
            _on_the_right(page, ".nhsuk-back-link")
        if name == "results":
            _chart_text_inside_the_chart(page)
        # English shown on an Arabic page (questions with no checked translation) reads left to right
        assert page.evaluate("""() => [...document.querySelectorAll('main [lang=en]')]
            .every(e => getComputedStyle(e).direction === 'ltr')"""), name
        if name != "home":  # (so the check above is never of nothing)
            assert page.locator("main [lang=en]").count() > 0, f"{name}: the questions are not marked as English"
        if javascript:
            settle(page)
        page.screenshot(path=str(tmp_path / f"arabic-{name}-{'js' if javascript else 'no-js'}-360.png"),
                        full_page=True)
        assert_accessible(page)
        # And nothing scrolls sideways on a 320px phone
        assert horizontal_overflow(page, 320) <= 0, name
        if javascript:
            page.set_viewport_size(PHONE["viewport"])
    print(f"screenshots in {tmp_path}")
