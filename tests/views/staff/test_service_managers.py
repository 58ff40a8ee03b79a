"""Service managers across teams (issue 16): an administrator gives a team lead other teams to lead;
the lead's dashboard then offers each team and all of them together, and nothing else. Their
caseload stays their own team's."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Role, TeamLeadership
from portal.services import team_leadership
from portal.services.dashboard import team_dashboard
from tests import factories
from tests.conftest import PageRequest


@pytest.fixture
def three_teams(team: Any, team_lead: Any) -> dict[str, Any]:
    east, west = factories.create_team("East CMHT"), factories.create_team("West CMHT")
    for place, count in ((team, 2), (east, 3), (west, 4)):
        for _ in range(count):
            factories.create_service_user(team=place)
    db.session.commit()
    return {"own": team, "east": east, "west": west, "lead": team_lead}


def _admin() -> Any:
    return factories.create_user(Role.ADMIN, email="admin.person@example.test")


def test_a_lead_leads_their_own_team_until_given_more(three_teams: dict[str, Any]) -> None:
    lead = three_teams["lead"]
    assert team_leadership.teams_led(lead.user) == [three_teams["own"]]

    added, removed = team_leadership.set_teams(_admin(), lead, {three_teams["west"].id, three_teams["east"].id,
                                                                three_teams["own"].id})  # own team: ignored
    assert (added, removed) == (2, 0)
    assert team_leadership.teams_led(lead.user) == [three_teams["own"], three_teams["east"], three_teams["west"]]
    assert team_leadership.set_teams(_admin_again(), lead, {three_teams["east"].id}) == (0, 1)
    assert [t.name for t in team_leadership.teams_led(lead.user)] == [three_teams["own"].name, "East CMHT"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("team_leadership_%"))).all()
    assert sorted(actions) == ["team_leadership_added", "team_leadership_added", "team_leadership_removed"]


def _admin_again() -> Any:
    return factories.create_user(Role.ADMIN, email="another.admin@example.test")


def test_only_team_leads_lead_teams(three_teams: dict[str, Any], key_worker: Any) -> None:
    from portal.services.errors import NotAllowed

    with pytest.raises(NotAllowed):
        team_leadership.set_teams(_admin(), key_worker, {three_teams["east"].id})
    assert db.session.scalars(select(TeamLeadership)).all() == []


def test_the_dashboard_for_each_team_and_all_together(three_teams: dict[str, Any]) -> None:
    lead, today = three_teams["lead"], date.today()
    team_leadership.set_teams(_admin(), lead, {three_teams["east"].id, three_teams["west"].id})
    start = today.replace(year=today.year - 1)

    def people(choice: str | None) -> int:
        return team_dashboard(lead.user, start, today, today, team_leadership.chosen_teams(lead.user, choice)).people

    assert people(None) == 2  # their own team
    assert people(str(three_teams["east"].id)) == 3
    assert people("all") == 9
    board = team_dashboard(lead.user, start, today, today, team_leadership.chosen_teams(lead.user, "all"))
    assert board.team_name == f"{three_teams['own'].name}, East CMHT, West CMHT"


def test_a_team_not_led_is_not_found_on_the_page_or_the_csv(
        three_teams: dict[str, Any], as_team_lead: PageRequest) -> None:
    other = factories.create_team("North CMHT")
    db.session.commit()
    as_team_lead.get("staff.team_dashboard", team=str(other.id), _expected_status=404)
    assert as_team_lead.client.get(f"/staff/dashboard.csv?team={other.id}").status_code == 404
    assert as_team_lead.client.get("/staff/dashboard?team=nonsense").status_code == 404
    page = as_team_lead.get("staff.team_dashboard")
    assert page.select_one("select#team") is None  # one team: no choice to make


def test_a_lead_of_several_teams_chooses_one_or_all(three_teams: dict[str, Any], as_team_lead: PageRequest) -> None:
    team_leadership.set_teams(_admin(), three_teams["lead"], {three_teams["west"].id})
    page = as_team_lead.get("staff.team_dashboard")
    options = [option.text.strip() for option in page.select("select#team option")]
    assert options == [three_teams["own"].name, "West CMHT", "All 2 teams you lead"]
    west = as_team_lead.get("staff.team_dashboard", team=str(three_teams["west"].id))
    assert "4 people" in west.text and west.select_one("select#team option[selected]").text.strip() == "West CMHT"
    both = as_team_lead.get("staff.team_dashboard", team="all")
    assert "6 people" in both.text
    csv_link = both.select_one("a[download]")["href"]
    assert "team=all" in csv_link


def test_an_administrator_chooses_the_other_teams(three_teams: dict[str, Any], admin_client: FlaskClient) -> None:
    lead = three_teams["lead"]
    listing = admin_client.get("/admin/team-leads").get_data(as_text=True)
    assert lead.name in listing
    form = admin_client.get(f"/admin/team-leads/{lead.id}").get_data(as_text=True)
    assert "East CMHT" in form and "West CMHT" in form
    saved = admin_client.post(f"/admin/team-leads/{lead.id}", data={"teams": [str(three_teams["east"].id)]})
    assert saved.status_code == 303
    assert [t.name for t in team_leadership.teams_led(lead.user)] == [three_teams["own"].name, "East CMHT"]
    again = admin_client.get(f"/admin/team-leads/{lead.id}").get_data(as_text=True)
    assert f'value="{three_teams["east"].id}" checked' in again


def test_only_administrators_choose_and_only_for_team_leads(
        three_teams: dict[str, Any], key_worker: Any, admin_client: FlaskClient, team_lead_client: FlaskClient) -> None:
    assert admin_client.get(f"/admin/team-leads/{key_worker.id}").status_code == 404  # not a team lead
    assert team_lead_client.get("/admin/team-leads").status_code == 403
    lead = three_teams["lead"]
    assert team_lead_client.post(f"/admin/team-leads/{lead.id}",
                                 data={"teams": [str(three_teams["east"].id)]}).status_code == 403
    assert db.session.scalars(select(TeamLeadership)).all() == []
