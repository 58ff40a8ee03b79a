"""Autosave saves the settled choice (issue 19, item 14): arrowing through a radio group checks
each radio in turn, and only the one the person stops on is saved and announced."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Demo, Page, assert_accessible, expect, sign_in
from tests.browser.test_safety_questions import _focus_first_radio, _start

SETTLED = 2_000  # ms: well past the autosave's pause


def test_three_arrow_presses_save_once_with_the_last_choice(phone: Page, live_server: str, demo: Demo) -> None:
    page = phone
    # Given Sam on the first ReQoL-10 question, with JavaScript on, using a keyboard
    sign_in(page, live_server, "service.user@example.test")
    response_id = _start(page, live_server, "Start Recovering Quality of Life (ReQoL-10)")
    question = f"/me/measures/responses/{response_id}/questions/1"
    page.goto(f"{live_server}{question}")
    _focus_first_radio(page, "answer")
    saves: list[Any] = []
    page.on("request", lambda r: saves.append(r) if r.method == "POST" and r.url.endswith(question) else None)
    announced = page.evaluate_handle("""() => {
        const seen = [];
        new MutationObserver(() => seen.push(document.getElementById("live-region").textContent))
            .observe(document.getElementById("live-region"), {childList: true, characterData: true, subtree: true});
        return seen;
    }""")
    # When he presses Space and then the down arrow three times in quick succession
    for key in ["Space", "ArrowDown", "ArrowDown", "ArrowDown"]:
        page.keyboard.press(key)
    chosen = page.locator("input[name=answer]:checked")
    final = chosen.get_attribute("value")
    expect(page.locator("#save-status")).to_contain_text("Your answer is saved")
    page.wait_for_timeout(SETTLED)
    # Then one save was sent, with the answer he stopped on, and it was announced once
    assert len(saves) == 1, [r.post_data for r in saves]
    assert f"answer={final}" in (saves[0].post_data or "")
    assert announced.json_value() == ["Your answer is saved"]
    assert_accessible(page)
    # And that answer is the one kept
    page.reload()
    expect(page.locator("input[name=answer]:checked")).to_have_attribute("value", str(final))
