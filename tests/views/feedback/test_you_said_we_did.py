"""'You said, we did': the team lead writes what the team changed; Sam and Jo read it."""

from __future__ import annotations

from typing import Any

from portal.models import Role
from tests import factories
from tests.conftest import PageRequest


def test_the_team_lead_publishes_and_sam_and_jo_read_it(as_team_lead: PageRequest, as_service_user: PageRequest,
                                                        as_carer: PageRequest) -> None:
    as_team_lead.post("staff.team_updates", {"you_said": "Appointments were cancelled at short notice",
                                             "we_did": "We now ring you if we have to move one"},
                      _expected_status=303)
    assert "We now ring you" in as_team_lead.get("staff.team_updates").select_one("#team-updates").text

    for reader, endpoint in ((as_service_user, "me.team_updates"), (as_carer, "carer.team_updates")):
        page = reader.get(endpoint)
        assert "Appointments were cancelled at short notice" in page.select_one("#team-updates").text
        assert "We now ring you if we have to move one" in page.select_one("#team-updates").text
    # linked from the feedback page
    feedback_page = as_service_user.get("me.give_feedback")
    assert feedback_page.find("a", href=as_service_user.url("me.team_updates")) is not None


def test_sending_the_same_update_twice_publishes_it_once(as_team_lead: PageRequest) -> None:
    page = as_team_lead.get("staff.team_updates")
    token = page.select_one("input[name=form_token]")["value"]
    sent = {"you_said": "Long waits", "we_did": "A second duty worker", "form_token": token}
    as_team_lead.post("staff.team_updates", sent, _expected_status=303)
    as_team_lead.post("staff.team_updates", sent, _expected_status=303)
    page = as_team_lead.get("staff.team_updates")
    assert len(page.select("#team-updates li")) == 1
    assert "You published this already." in page.text


def test_both_parts_are_needed(as_team_lead: PageRequest) -> None:
    page = as_team_lead.post("staff.team_updates", {"you_said": "Long waits"})
    assert page.title.text.startswith("Error:")
    assert "Enter what the team did" in page.select_one(".nhsuk-error-summary").text
    assert page.select_one("textarea[name=you_said]").text.strip() == "Long waits"


def test_another_teams_update_is_not_shown(as_service_user: PageRequest, app: Any) -> None:
    from portal.services import feedback

    other_lead = factories.create_staff(factories.create_team("Team Faraway"), Role.TEAM_LEAD)
    feedback.add_team_update(other_lead.user, "Elsewhere said", "Elsewhere did")
    assert "Elsewhere" not in as_service_user.get("me.team_updates").text


def test_only_team_leads_write_them(as_key_worker: PageRequest) -> None:
    as_key_worker.get("staff.team_updates", _expected_status=403)
