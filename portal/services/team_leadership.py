"""Which teams a team lead leads: their own, and any more an administrator gave them (a service
manager across teams, issue 16). Only the dashboard reads across teams; the caseload, team page and
report stay with the lead's own team."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, StaffMember, Team, TeamLeadership, User
from portal.services import audit
from portal.services.errors import NotAllowed, NotFound


def teams_led(user: User) -> list[Team]:
    """The lead's own team first, then the others they lead by name; [] for anyone not a team lead."""
    staff = user.staff_member
    if staff is None or user.role is not Role.TEAM_LEAD:
        return []
    own = db.session.get_one(Team, staff.team_id)
    others = db.session.scalars(
        select(Team).join(TeamLeadership, TeamLeadership.team_id == Team.id)
        .where(TeamLeadership.staff_member_id == staff.id, Team.id != own.id).order_by(Team.name)).all()
    return [own, *others]


def chosen_teams(user: User, choice: str | None) -> list[Team]:
    """The teams a dashboard shows: the lead's own team when nothing is chosen, one team they lead by
    id, or every team they lead ("all"). Any other team is NotFound: changing the id shows nothing."""
    led = teams_led(user)
    if not led:
        raise NotFound
    if not choice:
        return led[:1]
    if choice == "all":
        return led
    found = [team for team in led if str(team.id) == choice]
    if not found:
        raise NotFound
    return found


def team_leads() -> list[tuple[StaffMember, list[Team]]]:
    """Every active team lead with the other teams they lead, by name. Two queries."""
    leads = db.session.scalars(
        select(StaffMember).join(User, User.id == StaffMember.user_id)
        .where(User.role == Role.TEAM_LEAD, User.active.is_(True)).order_by(StaffMember.name)).all()
    extra: dict[int, list[Team]] = {}
    for staff_id, team in db.session.execute(
            select(TeamLeadership.staff_member_id, Team).join(Team, Team.id == TeamLeadership.team_id)
            .order_by(Team.name)):
        extra.setdefault(staff_id, []).append(team)
    return [(lead, extra.get(lead.id, [])) for lead in leads]


def team_lead(staff_member_id: int) -> StaffMember:
    staff = db.session.get(StaffMember, staff_member_id)
    if staff is None or staff.user is None or staff.user.role is not Role.TEAM_LEAD or not staff.user.active:
        raise NotFound
    return staff


def set_teams(admin: User, staff: StaffMember, team_ids: set[int]) -> tuple[int, int]:
    """The lead now leads these teams besides their own: adds and removes what differs, each audited.
    Returns (added, removed)."""
    if staff.user is None or staff.user.role is not Role.TEAM_LEAD:
        raise NotAllowed("Only a team lead can lead more teams")
    wanted = set(db.session.scalars(select(Team.id).where(Team.id.in_(team_ids), Team.id != staff.team_id)))
    current = {row.team_id: row for row in db.session.scalars(
        select(TeamLeadership).where(TeamLeadership.staff_member_id == staff.id))}
    for team_id in sorted(current.keys() - wanted):
        audit.record(admin.id, "team_leadership_removed", "team_leadership", current[team_id].id)
        db.session.delete(current[team_id])
    for team_id in sorted(wanted - current.keys()):
        leadership = TeamLeadership(staff_member_id=staff.id, team_id=team_id, added_by_id=admin.id)
        db.session.add(leadership)
        db.session.flush()
        audit.record(admin.id, "team_leadership_added", "team_leadership", leadership.id)
    db.session.commit()
    return len(wanted - current.keys()), len(current.keys() - wanted)
