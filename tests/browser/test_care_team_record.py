"""The care team and carers in a real browser (issue 15): Sam turns on sharing his questionnaire results
with Jo on his phone; Jo sees his latest results in plain words; Robin, a peer support worker in Sam's
care team with no professional registration, adds a note that Priya and Helen then see."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Demo,
    Page,
    assert_accessible,
    expect,
    horizontal_overflow,
    sign_in,
)

NOTE = "Met Sam at the allotment group; he enjoyed it."


def _sam_answers_questionnaires(live_app: Flask, sam_id: int) -> None:
    """Sam's ReQoL-10 twice and a DIALOG, as he would answer them in the portal."""
    from portal.extensions import db
    from portal.models import ServiceUser
    from portal.services import measures

    with live_app.app_context():
        sam = db.session.get(ServiceUser, sam_id)
        assert sam is not None
        for instrument_id, value in (("reqol10", 2), ("reqol10", 3), ("dialog", 5)):
            response = measures.start_or_resume(sam.user, sam, instrument_id)
            for item in measures.questions(measures.instrument_for(instrument_id)):
                measures.save_answer(sam.user, response, item, value if value in item.values else max(item.values),
                                     more_help=instrument_id == "dialog" and item.number == 4)
            measures.submit(sam.user, response, sam)
        db.session.remove()


def test_sam_shares_his_results_with_jo_and_robin_adds_a_note_the_team_sees(
        phone: Page, desktop: Page, new_page: Callable[..., Page], live_server: str, live_app: Flask,
        demo: Demo) -> None:
    _sam_answers_questionnaires(live_app, demo.sam_id)

    # Given Sam on his phone, on what Jo can see
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/carers")
    phone.get_by_role("link", name="Change what Jo Taylor can see").click()
    results = phone.get_by_role("checkbox", name="Your questionnaire results (DIALOG and ReQoL-10), in plain words")
    # Then sharing his results is off until he turns it on
    expect(results).not_to_be_checked()
    assert_accessible(phone)
    assert horizontal_overflow(phone) <= 0
    # When he turns it on
    results.check()
    phone.get_by_role("button", name="Save").click()

    # Then Jo sees his latest results in plain words
    sign_in(desktop, live_server, "carer@example.test")
    desktop.goto(f"{live_server}/carer/people/{demo.sam_id}")
    desktop.get_by_role("link", name="See Sam's latest results, in plain words").click()
    expect(desktop.locator("#carer-reqol")).to_contain_text("out of 40")
    expect(desktop.locator("#carer-reqol")).to_contain_text("last time")
    expect(desktop.locator("#carer-dialog")).to_contain_text("Quality of life: 5.0 out of 7 on average")
    assert_accessible(desktop)

    # Given Robin, a peer support worker in Sam's care team, on his phone
    phone = new_page(**PHONE)
    sign_in(phone, live_server, "peer.support@example.test")
    phone.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
    # When he adds a note about Sam
    phone.get_by_role("link", name="Add a note about Sam").click()
    assert_accessible(phone)
    phone.get_by_role("button", name="Keep the note").click()
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Write your note")
    phone.get_by_label("Your note").fill(NOTE)
    phone.get_by_role("button", name="Keep the note").click()
    expect(phone.locator(".portal-flash")).to_contain_text("Your note is kept")
    assert horizontal_overflow(phone) <= 0

    # Then Priya, Sam's key worker, and Helen, the team lead, see it on Sam's page and timeline
    for email in ("key.worker@example.test", "team.lead@example.test"):
        desktop = new_page(**DESKTOP)
        sign_in(desktop, live_server, email)
        desktop.goto(f"{live_server}/staff/service-users/{demo.sam_id}")
        expect(desktop.locator("#care-team-notes + ul")).to_contain_text(NOTE)
        expect(desktop.locator("#care-team-notes + ul")).to_contain_text("Robin Clarke")
        desktop.get_by_role("link", name="Timeline and key worker history").click()
        expect(desktop.locator("main")).to_contain_text(NOTE)
    assert_accessible(desktop)
