"""Carers on phones: Jo keeps her details right, tells the team how things are with a private
part, and sees exactly what Sam shares, and no more once Sam withdraws it from his phone."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerContribution
from tests.browser.conftest import PHONE, Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in


def _fits_320(page: Page) -> bool:
    """No sideways scrolling at 320px. The page is reloaded at that width, because the NHS.UK
    header only folds its menu into "More" a moment after a resize."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    fits = horizontal_overflow(page, 320) <= 0
    page.set_viewport_size(PHONE["viewport"])
    return fits


def test_jo_updates_her_details_and_a_bad_phone_number_keeps_what_she_typed(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Jo signed in on a phone, asked to check details that are over a year old
    sign_in(phone, live_server, "carer@example.test")
    expect(phone.locator("#confirm-details")).to_contain_text("more than 12 months ago")
    assert_accessible(phone)
    assert _fits_320(phone)
    # When she changes her mobile number to one that is not right
    phone.goto(f"{live_server}/carer/details")
    assert_accessible(phone)
    phone.get_by_label("Mobile number (optional)").fill("0770 090 09")
    phone.get_by_label("When is a good time to contact you? (optional)").fill("After 6pm")
    phone.get_by_role("button", name="Save my details").click()
    # Then she gets a clear error, focus on the summary, and what she typed is still there
    summary = phone.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_text(["Enter a UK mobile number, like 07700 900 982"])
    assert phone.title().startswith("Error: ")
    expect(phone.get_by_label("Mobile number (optional)")).to_have_value("0770 090 09")
    expect(phone.get_by_label("When is a good time to contact you? (optional)")).to_have_value("After 6pm")
    assert_accessible(phone)
    summary.locator("a").first.click()
    expect(phone.get_by_label("Mobile number (optional)")).to_be_focused()
    # When she corrects it and saves
    phone.get_by_label("Mobile number (optional)").fill("07700 900 456")
    phone.get_by_role("button", name="Save my details").click()
    # Then she is back home, thanked, and no longer asked to check
    expect(phone).to_have_url(f"{live_server}/carer/")
    expect(phone.locator(".portal-flash")).to_contain_text("Your details are saved")
    expect(phone.locator("#confirm-details")).to_have_count(0)


def test_jo_tells_the_team_with_a_private_part(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "carer@example.test")
    phone.get_by_role("link", name="Tell the team how things are with Sam").click()
    expect(phone.locator("h1")).to_have_text("Tell the team how things are with Sam")
    assert_accessible(phone)
    assert _fits_320(phone)
    phone.get_by_label("How have things been?").fill("A good week on the whole.")
    phone.get_by_label("Is there anything you are worried about?").fill("I am worried about money.")
    phone.locator("input[name=worries_private]").check()
    phone.get_by_label("It can wait until their next appointment").check()
    phone.get_by_role("button", name="Send to the team").click()
    expect(phone.locator("h1")).to_contain_text("What Sam shares with you")
    # A worry reaches a member of staff, and Jo is told who and when (issue 13)
    expect(phone.locator(".portal-flash")).to_contain_text("will see your worry")


def test_jo_sees_what_sam_shares_and_nothing_once_he_withdraws_it(new_page: Callable[..., Page], live_server: str, demo: Demo) -> None:
    jo, sam = new_page(**PHONE), new_page(**PHONE)
    # Given Sam shares that he is under the team, and his goals (the demo data)
    sign_in(jo, live_server, "carer@example.test")
    jo.goto(f"{live_server}/carer/people/{demo.sam_id}")
    expect(jo.locator("#shared-involvement")).to_contain_text("Priya Shah")
    expect(jo.locator("#shared-goals")).to_be_visible()
    expect(jo.locator("#shared-care-plan")).to_have_count(0)
    expect(jo.locator("#shared-safety-plan")).to_have_count(0)
    assert_accessible(jo)
    assert _fits_320(jo)
    # When Sam, on his phone, chooses Nothing for Jo
    sign_in(sam, live_server, "service.user@example.test")
    sam.goto(f"{live_server}/me/carers")
    assert_accessible(sam)
    sam.get_by_role("link", name="Change what Jo Taylor can see").click()
    expect(sam.get_by_label("Your goals and how they are going")).to_be_checked()
    assert_accessible(sam)
    sam.get_by_label("Nothing", exact=True).check()  # unticks the others
    expect(sam.get_by_label("Your goals and how they are going")).not_to_be_checked()
    sam.get_by_role("button", name="Save").click()
    expect(sam.locator(".portal-flash")).to_contain_text("cannot see anything about your care")
    # Then Jo's next page load shows nothing about his care
    jo.reload()
    expect(jo.locator("#shares-nothing")).to_be_visible()
    expect(jo.locator("#shared-sections section")).to_have_count(0)
    expect(jo.locator("main")).not_to_contain_text("Priya Shah")
    # But she can still tell the team how things are
    expect(jo.get_by_role("link", name="Tell the team")).to_be_visible()


def test_the_key_worker_reads_a_contribution_and_sees_the_private_mark(phone: Page, live_server: str, demo: Demo) -> None:
    sign_in(phone, live_server, "key.worker@example.test")
    phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}/carers")
    expect(phone.locator(".nhsuk-tag--orange")).to_contain_text("Details need checking")
    assert_accessible(phone)
    phone.locator("table a").first.click()
    expect(phone.locator(".portal-private-mark")).to_have_text("Do not share with Sam")
    assert_accessible(phone)
    assert _fits_320(phone)
    phone.get_by_role("button", name="Mark as read").click()
    expect(phone.locator("#acknowledged")).to_be_visible()


def test_the_other_carer_pages_are_accessible_on_a_phone(new_page: Callable[..., Page], live_server: str, demo: Demo) -> None:
    pages = {
        "carer@example.test": ["/carer/people/new"],
        "service.user@example.test": ["/me/carers/invitation"],
        "key.worker@example.test": ["/staff/carer-contributions", f"/staff/service-users/{demo.sam_id}/carers/invitation"],
    }
    for email, paths in pages.items():
        page = new_page(**PHONE)
        sign_in(page, live_server, email)
        for path in paths:
            page.goto(f"{live_server}{path}")
            expect(page.locator("h1")).to_have_count(1)
            assert_accessible(page)
            assert _fits_320(page)
    # The key worker's consent page, with its error state (nothing chosen)
    page.goto(f"{live_server}/staff/service-users/{demo.sam_id}/carers")
    page.get_by_role("link", name="Record consent given in person for Jo Taylor").click()
    expect(page.locator("h1")).to_have_text("What may Jo Taylor see?")
    for box in page.locator("input[name=scopes]").all():
        box.uncheck()
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose what they may see, or choose Nothing")
    assert_accessible(page)


def test_jo_sends_her_views_then_goes_back_and_sends_again_and_the_team_has_them_once(
    phone: Page, live_server: str, demo: Demo, live_app: Flask
) -> None:
    # Given Jo has written how things are with Sam
    sign_in(phone, live_server, "carer@example.test")
    phone.get_by_role("link", name="Tell the team how things are with Sam").click()
    phone.get_by_label("How have things been?").fill("Sam slept badly all week.")
    # When she sends it, goes Back to the filled form and sends it again
    phone.get_by_role("button", name="Send to the team").click()
    expect(phone.locator("h1")).to_contain_text("What Sam shares with you")
    phone.go_back()
    expect(phone.get_by_label("How have things been?")).to_have_value("Sam slept badly all week.")
    phone.get_by_role("button", name="Send to the team").click()
    # Then she lands where the first send took her, told it is there already
    expect(phone.locator("h1")).to_contain_text("What Sam shares with you")
    expect(phone.locator(".portal-flash")).to_contain_text("You sent this already")
    assert_accessible(phone)
    # And the team has one message, not two
    with live_app.app_context():
        sent = db.session.scalars(select(CarerContribution.id).filter_by(
            how_things_have_been="Sam slept badly all week.")).all()
        db.session.remove()
    assert len(sent) == 1
