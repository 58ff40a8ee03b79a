"""The safety questions with a keyboard only, with and without JavaScript: choosing an answer
never changes the page (WCAG 3.2.2 On Input, level A); Continue leads to the support page, which
links to the person's safety plan; crisis links are big enough to tap (issue 13)."""

from __future__ import annotations

import re

from tests.browser.conftest import (
    Demo,
    Page,
    assert_accessible,
    expect,
    horizontal_overflow,
    settle,
    sign_in,
)

MIN_TARGET = 44  # CSS pixels, each way


def _start(page: Page, live_server: str, button: str) -> int:
    page.goto(f"{live_server}/me/measures")
    start = page.get_by_role("button", name=button)
    start.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/questions/\d+$"))
    return int(re.search(r"/responses/(\d+)/", page.url).group(1))  # type: ignore[union-attr]


def _press_and_stay(page: Page, key: str, position: int) -> None:
    """Press a key on a radio: with JavaScript, wait for the autosave it sends; the page stays."""
    url, heading = page.url, page.locator("h1").inner_text()
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/questions/{position}")) as saved:
        page.keyboard.press(key)
    response = saved.value
    assert response.status == 200, response.status
    assert not {"hx-redirect", "hx-location", "hx-refresh"} & set(response.headers), response.headers
    expect(page.locator("#save-status")).to_contain_text("Your answer is saved")
    page.wait_for_timeout(150)  # anything a redirect would have done has happened by now
    assert page.url == url
    assert page.locator("h1").inner_text() == heading


def _focus_first_radio(page: Page, name: str) -> None:
    """Tab from the top of the form to the first radio of ``name``, as a keyboard user would."""
    radio = page.locator(f"input[name={name}]").first
    for _ in range(40):
        if radio.evaluate("input => input === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the {name} radios")


def test_arrow_keys_through_reqol_question_6_never_change_the_page(phone: Page, live_server: str, demo: Demo) -> None:
    page = phone
    # Given Sam on ReQoL-10 question 6, with JavaScript on, using a keyboard
    sign_in(page, live_server, "service.user@example.test")
    response_id = _start(page, live_server, "Start Recovering Quality of Life (ReQoL-10)")
    page.goto(f"{live_server}/me/measures/responses/{response_id}/questions/6")
    expect(page.locator("h1")).to_have_text("I thought my life was not worth living")
    _focus_first_radio(page, "answer")
    # When he selects an answer and arrows through every one, down and back up
    _press_and_stay(page, "Space", 6)
    for key in ["ArrowDown"] * 4 + ["ArrowUp"] * 2:
        _press_and_stay(page, key, 6)
    # Then he is still on question 6, with "Sometimes" chosen and saved
    expect(page.get_by_label("Sometimes", exact=True)).to_be_checked()
    # When he moves on to Continue and presses Enter, the support page comes
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    expect(page.locator("#who-will-see")).to_be_visible()
    expect(page.get_by_role("link", name="Look at your safety plan")).to_have_attribute("href", "/me/safety-plan")
    assert_accessible(page)
    assert horizontal_overflow(page, 320) <= 0
    # And carrying on goes to the next question, 7
    page.get_by_role("link", name="Carry on with the questions").click()
    expect(page).to_have_url(f"{live_server}/me/measures/responses/{response_id}/questions/7")


def test_arrow_keys_through_dialog_personal_safety_never_change_the_page(phone: Page, live_server: str, demo: Demo) -> None:
    page = phone
    sign_in(page, live_server, "service.user@example.test")
    response_id = _start(page, live_server, "Start DIALOG")
    page.goto(f"{live_server}/me/measures/responses/{response_id}/questions/8")
    expect(page.locator("h1")).to_have_text("How satisfied are you with your personal safety?")
    # When he arrows through the ratings, down to "Totally dissatisfied" and back
    _focus_first_radio(page, "answer")
    _press_and_stay(page, "Space", 8)  # totally dissatisfied: a worrying answer
    for key in ["ArrowDown", "ArrowDown", "ArrowUp", "ArrowUp"]:
        _press_and_stay(page, key, 8)
    expect(page.get_by_label("Totally dissatisfied", exact=True)).to_be_checked()
    # Then Tab takes him on to "Do you want more help in this area?", on the same screen
    page.keyboard.press("Tab")
    expect(page.locator("input[name=more_help]").first).to_be_focused()
    _press_and_stay(page, "Space", 8)
    _press_and_stay(page, "ArrowRight", 8)
    expect(page.get_by_label("No", exact=True)).to_be_checked()
    _press_and_stay(page, "ArrowLeft", 8)
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    # And only Continue takes him to the support page
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    assert_accessible(page)
    page.get_by_role("link", name="Carry on with the questions").click()
    expect(page).to_have_url(f"{live_server}/me/measures/responses/{response_id}/questions/9")


def test_without_javascript_choosing_a_safety_answer_never_changes_the_page(
    no_js_phone: Page, live_server: str, demo: Demo
) -> None:
    page = no_js_phone
    sign_in(page, live_server, "service.user@example.test")
    for button, position, answer in (("Start Recovering Quality of Life (ReQoL-10)", 6, "Only occasionally"),
                                     ("Start DIALOG", 8, "Very dissatisfied")):
        response_id = _start(page, live_server, button)
        url = f"{live_server}/me/measures/responses/{response_id}/questions/{position}"
        page.goto(url)
        _focus_first_radio(page, "answer")
        page.keyboard.press("Space")
        for key in ["ArrowDown", "ArrowDown", "ArrowUp"]:
            page.keyboard.press(key)
            assert page.url == url
        expect(page.get_by_label(answer, exact=True)).to_be_checked()
        if position == 8:
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            assert page.url == url
        page.get_by_role("button", name="Continue").focus()
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Thank you for telling us")
        assert_accessible(page)
        page.get_by_role("link", name="Carry on with the questions").click()
        expect(page).to_have_url(re.compile(rf"/responses/{response_id}/questions/{position + 1}$"))


def _small_targets(page: Page) -> list[str]:
    settle(page)
    boxes = page.eval_on_selector_all(
        "a[href^='tel:'], a[href^='sms:']",
        """links => links.map(link => {
            const box = link.getBoundingClientRect();
            return {href: link.getAttribute('href'), text: link.innerText.trim(), width: box.width, height: box.height};
        })""",
    )
    assert boxes, f"no tap-to-call or tap-to-text links on {page.url}"
    return [f"{b['text']} ({b['href']}): {b['width']:.0f}x{b['height']:.0f}px" for b in boxes
            if b["height"] < MIN_TARGET or b["width"] < MIN_TARGET]


def test_tap_to_call_and_tap_to_text_links_are_at_least_44px(phone: Page, live_server: str, demo: Demo) -> None:
    page = phone
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server}/get-help")
    assert _small_targets(page) == []
    assert_accessible(page)
    sign_in(page, live_server, "service.user@example.test")
    page.goto(f"{live_server}/me/safety-plan")
    assert _small_targets(page) == []
    response_id = _start(page, live_server, "Start Recovering Quality of Life (ReQoL-10)")
    page.goto(f"{live_server}/me/measures/responses/{response_id}/questions/6")
    page.get_by_label("Most or all of the time", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    assert _small_targets(page) == []
