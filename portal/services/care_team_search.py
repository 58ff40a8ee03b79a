"""Finding who to add to a person's care team at a trust's scale: a search by name or registration
(``staff_records.find_staff``), never every member of staff at once. Those already in the care team
and the key worker are left out; the person's own team comes first."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import CareTeamMember, ServiceUser, StaffMember, User
from portal.services import care_team, staff_records
from portal.services.errors import NotAllowed


def candidates(user: User, person: ServiceUser, search: str) -> staff_records.StaffSearch:
    """Active staff matching ``search`` who could join the care team: at most 20, and whether more
    matched. Only the key worker or team lead searches (``NotAllowed`` otherwise)."""
    if not care_team.may_manage(user, person):
        raise NotAllowed("Only the key worker or team lead changes the care team")
    current = select(CareTeamMember.staff_member_id).where(CareTeamMember.service_user_id == person.id,
                                                           CareTeamMember.removed_at.is_(None))
    taken = StaffMember.id.in_(current) | (StaffMember.id == (person.key_worker_id or -1))
    return staff_records.find_staff(search, exclude=taken, active_only=True, first_team_id=person.team_id)
