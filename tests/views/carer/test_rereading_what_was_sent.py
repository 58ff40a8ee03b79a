"""Jo can reread what she sent the team (issue 19 item 22): each message on the person's page
links to what she wrote, part by part, with the parts she kept from Sam marked."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerContribution
from tests import factories
from tests.conftest import PageRequest


def _send(as_carer: PageRequest, service_user: Any) -> CarerContribution:
    as_carer.post("carer.contribute", {"how_things_have_been": "Better since the new tablets",
                                       "worries": "He is not sleeping", "worry_urgency": "next_appointment",
                                       "worries_private": "y"},
                  _expected_status=303, service_user_id=service_user.id)
    contribution = db.session.scalar(select(CarerContribution).order_by(CarerContribution.id.desc()))
    assert contribution is not None
    return contribution


def test_jo_rereads_what_she_sent(app: Flask, carer: Any, service_user: Any, as_carer: PageRequest) -> None:
    contribution = _send(as_carer, service_user)
    person_page = as_carer.get("carer.cared_for_person", service_user_id=service_user.id)
    link = person_page.select_one(f"main a[href='/carer/people/{service_user.id}/views/{contribution.id}']")
    assert link is not None and link.get_text(" ", strip=True).startswith("Sent on")

    page = as_carer.get("carer.sent_contribution", service_user_id=service_user.id, contribution_id=contribution.id)
    assert page.h1.get_text(" ", strip=True) == "Sam Taylor What you told the team"
    rows = {row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
            for row in page.select("#contribution-parts .nhsuk-summary-list__row")}
    assert rows["How have things been?"] == "Better since the new tablets"
    assert "He is not sleeping" in rows["Is there anything you are worried about?"]
    assert "Not shared with Sam" in rows["Is there anything you are worried about?"]
    assert page.select_one(".nhsuk-back-link")["href"] == f"/carer/people/{service_user.id}"


def test_nobody_else_s_message_can_be_read(app: Flask, carer: Any, service_user: Any, as_carer: PageRequest) -> None:
    other_carer = factories.create_carer(service_user, relationship="Brother", name="Dan Taylor")
    theirs = CarerContribution(carer_id=other_carer.id, service_user_id=service_user.id, worries="Private to Dan")
    db.session.add(theirs)
    db.session.commit()
    as_carer.get("carer.sent_contribution", _expected_status=404, service_user_id=service_user.id,
                 contribution_id=theirs.id)
    stranger = factories.create_service_user(factories.create_team(), given_name="Not", family_name="Hers")
    mine = _send(as_carer, service_user)
    as_carer.get("carer.sent_contribution", _expected_status=404, service_user_id=stranger.id, contribution_id=mine.id)
