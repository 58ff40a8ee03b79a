"""The safety plan on a phone: one tap (or a few Tab presses) from every service user page,
accessible, printable without the menu, and (when the trust allows) on a trusted phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete

from portal.extensions import db
from portal.models import SafetyPlan
from tests.browser.conftest import (
    Demo,
    Page,
    assert_accessible,
    expect,
    focused,
    horizontal_overflow,
    sign_in,
)

SAM = "service.user@example.test"
PLAN_URL = "/me/safety-plan"
# Pages in the me blueprint that are not a signed-in service user's page
NOT_SERVICE_USER_PAGES = {"me.safety_plan_on_this_phone"}


def service_user_pages(app: Flask) -> list[str]:
    """Every GET page of the ``me`` blueprint that takes no arguments, from the URL map."""
    with app.test_request_context():
        return sorted(
            rule.rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("me.") and "GET" in (rule.methods or set()) and not rule.arguments
            and rule.endpoint not in NOT_SERVICE_USER_PAGES
        )


@pytest.fixture
def phones_on(live_app: Flask) -> Iterator[None]:
    live_app.config["SAFETY_PLAN_ON_TRUSTED_DEVICE"] = True
    yield
    live_app.config["SAFETY_PLAN_ON_TRUSTED_DEVICE"] = False


def _safety_plan_link(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("header").get_by_role("link", name="My safety plan", exact=True)


def test_the_safety_plan_is_one_tap_and_a_few_tab_presses_from_every_service_user_page(
    phone: Page, live_server: str, live_app: Flask, demo: Demo,
) -> None:
    pages = service_user_pages(live_app)
    assert "/me/" in pages and PLAN_URL in pages and len(pages) >= 4, pages
    # Given Sam, signed in on a phone
    sign_in(phone, live_server, SAM)
    for path in pages:
        phone.goto(f"{live_server}{path}")
        assert phone.locator("h1").count() == 1, f"{path} did not load as a page"
        # Then the link is in the header and visible (not folded away under "More")
        link = _safety_plan_link(phone)
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", PLAN_URL)
        # And pressing Tab from the top of the page reaches it
        phone.locator("body").focus()
        stops = []
        for _ in range(12):
            phone.keyboard.press("Tab")
            stops.append(focused(phone))
            if link.evaluate("el => el === document.activeElement"):
                break
        assert link.evaluate("el => el === document.activeElement"), f"{path}: Tab went to {stops}"
    # And Enter on it opens the plan
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(f"{live_server}{PLAN_URL}")
    expect(phone.locator("h1")).to_have_text("My safety plan")
    expect(phone.locator(".portal-safety-plan__step")).to_have_count(7)


def test_the_safety_plan_pages_pass_axe_and_fit_a_phone(phone: Page, live_server: str, demo: Demo,
                                                        phones_on: None) -> None:
    sign_in(phone, live_server, SAM)
    phone.set_viewport_size({"width": 320, "height": 640})  # the narrowest phone, for axe and reflow alike
    for path in (PLAN_URL, f"{PLAN_URL}/steps/warning_signs", f"{PLAN_URL}/print", f"{PLAN_URL}/this-phone"):
        phone.goto(f"{live_server}{path}")
        assert_accessible(phone)
        assert horizontal_overflow(phone, 320) <= 0, f"{path} scrolls sideways at 320px"


def test_with_no_plan_the_page_gives_crisis_contacts_and_a_way_to_start(
    phone: Page, live_server: str, live_app: Flask, demo: Demo,
) -> None:
    with live_app.app_context():
        db.session.execute(delete(SafetyPlan))
        db.session.commit()
    sign_in(phone, live_server, SAM)
    _safety_plan_link(phone).click()
    expect(phone.get_by_role("link", name="Call 111")).to_be_visible()
    expect(phone.get_by_role("heading", name="Make a plan with your key worker")).to_be_visible()
    assert_accessible(phone)
    # When Sam starts one and writes the first step
    phone.get_by_role("button", name="Start my safety plan").click()
    expect(phone.locator("h1")).to_have_text("Signs that I am starting to struggle")
    phone.get_by_label("Signs that I am starting to struggle").fill("I stop going out")
    phone.get_by_role("button", name="Save and go to the next step").click()
    # Then the next step opens, and the first is in his plan
    expect(phone.locator("h1")).to_have_text("Things I can do to help myself")
    phone.get_by_role("link", name="Leave this step for now").click()
    expect(phone.locator("#step-1")).to_contain_text("I stop going out")


def test_printing_shows_the_plan_without_the_menu_on_a4(desktop: Page, live_server: str, demo: Demo) -> None:
    sign_in(desktop, live_server, SAM)
    desktop.goto(f"{live_server}{PLAN_URL}/print")
    # On screen the menu is there
    expect(_safety_plan_link(desktop)).to_be_visible()
    # When printed
    desktop.emulate_media(media="print")
    # Then the plan shows, without the header, menu, footer or buttons
    steps = desktop.locator(".portal-safety-plan > .portal-safety-plan__step")
    expect(steps).to_have_count(7)
    expect(steps.first).to_be_visible()
    expect(desktop.locator("#step-7")).to_contain_text("Bess")
    expect(desktop.locator(".portal-safety-plan__contacts")).to_contain_text(
        "Samaritans: call 116 123. Free to call.")  # the trust's contacts (PORTAL_CRISIS_CONTACTS)
    box = desktop.locator(".portal-safety-plan__step").first.bounding_box()
    assert box is not None and box["x"] >= 0, "the plan is cut off at the left edge of the paper"
    for hidden in (".nhsuk-header", ".nhsuk-footer", ".nhsuk-back-link", "main .nhsuk-button"):
        expect(desktop.locator(hidden).first).to_be_hidden()
    # And Sam's short plan fits on 2 sides of A4 or fewer
    pdf = desktop.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"{pages} pages"


def test_a_trusted_phone_shows_the_plan_after_signing_out(phone: Page, live_server: str, demo: Demo,
                                                          phones_on: None) -> None:
    # Given Sam lets his phone show his plan
    sign_in(phone, live_server, SAM)
    phone.goto(f"{live_server}{PLAN_URL}")
    phone.get_by_role("link", name="See your safety plan on this phone without signing in").click()
    expect(phone.get_by_text("Anyone who uses this phone will be able to read your safety plan")).to_be_visible()
    phone.get_by_role("button", name="Let this phone show my safety plan without signing in").click()
    expect(phone.get_by_text("This phone shows your safety plan without signing in.")).to_be_visible()
    # When he signs out and opens the page later
    phone.locator("header").get_by_role("button", name="Sign out").click()
    phone.goto(f"{live_server}{PLAN_URL}/on-this-phone")
    # Then he sees his plan, and nothing else of his
    expect(phone.locator("h1")).to_have_text("My safety plan")
    expect(phone.locator("#step-7")).to_contain_text("Bess")
    expect(phone.locator("header")).not_to_contain_text("Sam Taylor")
    assert_accessible(phone)
    # And anyone holding the phone can stop it
    phone.get_by_role("button", name="Stop showing it on this phone").click()
    phone.goto(f"{live_server}{PLAN_URL}/on-this-phone")
    expect(phone.locator("h1")).to_have_text("This phone cannot show a safety plan")


def test_the_key_worker_s_pages_pass_axe_on_a_phone(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "key.worker@example.test")
    phone.set_viewport_size({"width": 320, "height": 640})
    for path in ("", "/edit", "/print"):
        phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}/safety-plan{path}")
        expect(phone.locator("h1")).to_have_count(1)
        assert_accessible(phone)
        assert horizontal_overflow(phone, 320) <= 0, f"{path} scrolls sideways at 320px"
