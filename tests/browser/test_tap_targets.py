"""Links a thumb must hit: tap-to-call numbers in the safety plan, crisis links and the main links
on a person's pages are at least 44 px tall (issue 19 item 17; NHS.UK and WCAG 2.5.5)."""

from __future__ import annotations

from tests.browser.conftest import Demo, Page, expect, sign_in

SMALLEST_TARGET = 44


def _short_links(page: Page, selector: str) -> list[str]:
    """Each link matched that is shown and less than 44 px tall, with its height."""
    return page.eval_on_selector_all(selector, f"""links => links
        .filter((link) => link.getClientRects().length)
        .filter((link) => link.getBoundingClientRect().height < {SMALLEST_TARGET})
        .map((link) => `${{link.textContent.trim()}} (${{link.getBoundingClientRect().height}}px)`)""")


def test_phone_numbers_in_sams_safety_plan_are_tap_to_call(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Sam's safety plan, with numbers he wrote himself
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/safety-plan")
    # Then each number is a link that calls it
    step = phone.locator("#step-4")
    expect(step.locator("a[href='tel:07700900123']")).to_have_text("07700 900123")
    expect(step.locator("a[href='tel:07700900456']")).to_have_text("07700 900456")
    expect(phone.locator("#step-5 a[href='tel:01134960000']")).to_have_text("0113 496 0000")
    expect(phone.locator("#step-5 a[href='tel:111']")).to_have_text("111")
    # And every call, text and step link is big enough to tap
    assert _short_links(phone, "main a[href^='tel:'], main a[href^='sms:'], .portal-safety-plan a") == []


def test_important_links_are_at_least_44px_tall(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "service.user@example.test")
    for path in ("/me/", "/me/safety-plan", "/get-help"):
        phone.goto(f"{live_server}{path}")
        short = _short_links(phone, "a[href^='tel:'], a[href^='sms:'], .nhsuk-footer a, main .portal-link-list a, "
                                    "main a.portal-tap-target")
        assert short == [], f"{path}: {short}"
    phone.goto(f"{live_server}/me/")
    # the home page's own links are in lists made for tapping
    assert phone.locator("main .portal-link-list a").count() >= 5
    phone.goto(f"{live_server}/me/safety-plan")
    assert _short_links(phone, "main a[href$='/print']") == []
