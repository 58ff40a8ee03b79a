"""The statement of care in a real browser (issue 15, "Done when"): Dr Bello, a consultant already in
Sam's care team in the demo, opens Sam's goals, writes a statement of care that shows Sam's live goal
and latest questionnaire scores, rates the goal inside it (the goal's own review) and agrees it; it
prints on A4; Robin, a peer support worker in the care team, reads it but is offered no way to write;
Sam reads it on his phone; the record (the project's test FHIR server, drained by the outbox worker)
receives it as a DocumentReference.

The rest of #15's "Done when" is in tests/browser/test_care_team.py: Helen adds and removes members
(a removed member gets "Page not found" for Sam), and Robin cannot be made key worker."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import GoalRating, ServiceUser
from portal.record import worker
from portal.record.fhir_record import FhirRecord
from tests import workspace_factories as make
from tests.browser.conftest import PHONE, Demo, Page, assert_accessible, expect, horizontal_overflow, sign_in
from tests.fhir_server import FhirTestServer

SAM_NHS_NUMBER = "9990010005"
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


@pytest.fixture
def fhir() -> Iterator[FhirTestServer]:
    with FhirTestServer() as server:
        server.add_patient(SAM_NHS_NUMBER, name=[{"family": "Taylor", "given": ["Samuel"]}])
        yield server


def sams_questionnaires(app: Flask) -> None:
    """Two ReQoL-10s (the second 7 points better) and a DIALOG, as Sam would have sent them."""
    today = date.today()
    with app.app_context():
        sam = db.session.scalars(select(ServiceUser).filter_by(nhs_number=SAM_NHS_NUMBER)).one()
        make.create_response(sam, "reqol10", today - timedelta(days=60), {"total": 17})
        make.create_response(sam, "reqol10", today - timedelta(days=2), {"total": 24})
        make.create_response(sam, "dialog", today - timedelta(days=2),
                             {"quality_of_life": 4.5, "treatment_satisfaction": 5.0, "more_help": []})
        db.session.commit()
        db.session.remove()


def drain_outbox(app: Flask, fhir: FhirTestServer) -> None:
    with app.app_context():
        record = FhirRecord(fhir.base_url, app.config["RECORD_IDENTIFIER_BASE"], timeout=5, connect_timeout=5)
        try:
            worker.run(record, worker.SyncSettings.from_config(app.config), once=True)
        finally:
            record.close()
            db.session.remove()


def football_ratings(app: Flask) -> list[int]:
    with app.app_context():
        ratings = list(db.session.scalars(select(GoalRating.rating).order_by(GoalRating.id)))
        db.session.remove()
    return ratings


def test_dr_bello_writes_a_statement_of_care_that_sam_reads_and_the_record_receives(
        phone: Page, desktop: Page, new_page: Callable[..., Page], live_server: str, live_app: Flask, demo: Demo,
        fhir: FhirTestServer) -> None:
    sams_questionnaires(live_app)
    ratings_before = football_ratings(live_app)

    # Given Dr Bello, in Sam's care team, on Sam's goals
    desktop.add_init_script(COUNT_PRINTS)
    sign_in(desktop, live_server, "consultant@example.test")
    desktop.locator("#care-teams-i-am-in + ul").get_by_role("link", name="Sam Taylor").click()
    desktop.get_by_role("link", name="Goals", exact=True).click()
    # When he writes a statement of care for a clinic letter
    desktop.get_by_role("link", name="Statements of care: review these goals in one").click()
    desktop.get_by_role("link", name="Write a statement of care").click()
    desktop.get_by_role("button", name="Start writing").click()
    expect(desktop.locator(".nhsuk-error-summary")).to_contain_text("Choose what the statement of care is for")
    desktop.get_by_role("radio", name="A clinic letter").check()
    desktop.get_by_role("button", name="Start writing").click()
    # Then it shows Sam's live goal and his latest scores, with the change since last time
    expect(desktop.locator("h1")).to_contain_text("Statement of care")
    expect(desktop.locator("main")).to_contain_text("Get back to football on Saturdays")
    expect(desktop.locator("main")).to_contain_text("Total (0 to 40, higher is better): 24. Up 7 since")
    expect(desktop.locator("main")).to_contain_text("Quality of life (1 to 7): 4.5")
    assert_accessible(desktop)
    # When he writes his words and leaves the box, they are saved as he goes
    desktop.get_by_label("Your own words").fill("Sam is sleeping better on the lower dose.\n\nWe keep it.")
    desktop.get_by_label("Your own words").blur()
    expect(desktop.locator("#save-status")).to_contain_text("Your words are saved")
    # And he reviews the goal inside the statement
    desktop.get_by_role("link", name=re.compile("Review this goal")).click()
    desktop.get_by_role("radio", name="7", exact=True).check()
    desktop.get_by_role("radio", name="Yes").check()
    assert_accessible(desktop)
    desktop.get_by_role("button", name="Save the review").click()
    expect(desktop.locator(".portal-flash")).to_contain_text("This counts as the goal's review")
    expect(desktop.locator("main")).to_contain_text("Reviewed here")
    # His words are still there, and the rating is the goal's own (nobody types it twice)
    expect(desktop.get_by_label("Your own words")).to_have_value("Sam is sleeping better on the lower dose.\n\nWe keep it.")
    assert football_ratings(live_app) == [*ratings_before, 7]
    # When he agrees it
    desktop.get_by_role("button", name="Agree this statement").click()
    expect(desktop.locator("h1")).to_contain_text("Statement of care, version 1")
    expect(desktop.locator("#statement-author")).to_contain_text("Dr Ade Bello, Consultant psychiatrist")
    assert_accessible(desktop)
    # And it prints on A4
    desktop.get_by_role("link", name="Print this statement of care").click()
    expect(desktop.locator("h1")).to_contain_text("Statement of care for Sam Taylor")
    desktop.get_by_role("button", name="Print this page").click()
    assert desktop.evaluate("window.__prints") == 1
    assert_accessible(desktop)
    version_url = desktop.url.removesuffix("/print")

    # Given Robin, a peer support worker in Sam's care team
    robin = new_page(**PHONE)
    sign_in(robin, live_server, "peer.support@example.test")
    robin.goto(version_url)
    # Then he reads it, and is offered no way to change it or write one
    expect(robin.locator("#statement-text")).to_contain_text("Sam is sleeping better on the lower dose.")
    expect(robin.locator("main")).not_to_contain_text("Change it")
    robin.get_by_role("link", name="Back to statements of care").click()
    expect(robin.locator("main")).not_to_contain_text("Write a statement of care")

    # Given Sam on his phone
    sign_in(phone, live_server, "service.user@example.test")
    phone.get_by_role("link", name="What your care team wrote").click()
    # Then he reads it in plain words, with who wrote it and what they do
    statement = phone.locator("main section").first
    expect(statement).to_contain_text("Dr Ade Bello wrote this.")
    expect(statement).to_contain_text("They are your consultant psychiatrist.")
    expect(statement).to_contain_text("Get back to football on Saturdays: 7 out of 10")
    expect(statement).to_contain_text("We keep it.")
    assert_accessible(phone)
    assert horizontal_overflow(phone, width=360) <= 0

    # And the record receives it: a DocumentReference with his words, by Dr Bello, about Sam
    drain_outbox(live_app, fhir)
    system = f"{live_app.config['RECORD_IDENTIFIER_BASE'].rstrip('/')}/statement-of-care"
    [document] = [d for d in fhir.resources("DocumentReference")
                  if any(i.get("system") == system for i in d.get("identifier", []))]
    assert document["author"][0]["display"] == "Dr Ade Bello"
    assert document["subject"]["identifier"]["value"] == SAM_NHS_NUMBER
    assert document["masterIdentifier"]["value"].endswith("-v1")
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode("utf-8")
    assert "Get back to football on Saturdays" in text and text.endswith("We keep it.")
