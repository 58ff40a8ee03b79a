"""Discharge: a service user leaves the team's care, and may come back (a new referral).

A discharged person is off every caseload and out of the "no key worker" count, nothing is due
for them and no reminders are sent to them or, about them, to their carers. They can still sign
in and read their safety plan, goals and care plan.

Discharge belongs to the clinical record. With the embedded local record the portal is the record,
so a team lead records it here. With a trust's record (FHIR) it comes in with the inbound pull
(``from_clinical_record``) and the portal only follows it, so the two never disagree.
"""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.models import Role, ServiceUser, User
from portal.services import audit, people, settings
from portal.services.errors import NotAllowed, NotFound


class DischargeDateProblem(ValueError):
    """The date is in the future (a discharge is recorded once it has happened)."""


def recorded_in_portal(user: User) -> bool:
    """Whether this person may record discharges here: a team lead, when the portal is the record."""
    return user.role is Role.TEAM_LEAD and settings.record_is_local()


def _team_lead_of(user: User, person: ServiceUser) -> None:
    if not recorded_in_portal(user):
        raise NotAllowed("Only a team lead records a discharge, and only when the portal is the record")
    if person.team_id != people.staff_member_of(user).team_id:
        raise NotFound


def discharge(user: User, person: ServiceUser, on: date, today: date) -> None:
    """The team lead records that the person left the team's care on ``on``; commits."""
    _team_lead_of(user, person)
    if on > today:
        raise DischargeDateProblem(on)
    if person.discharged_on is None:
        person.discharged_on = on
        audit.record(user.id, "service_user_discharged", "service_user", person.id)
    db.session.commit()


def reopen(user: User, person: ServiceUser) -> None:
    """The person is back under the team (a new referral); commits."""
    _team_lead_of(user, person)
    if person.discharged_on is not None:
        person.discharged_on = None
        audit.record(user.id, "service_user_reopened", "service_user", person.id)
    db.session.commit()


def from_clinical_record(person: ServiceUser, discharged_on: date | None) -> bool:
    """The record says the person is discharged (on that day) or under the team (None). Returns
    whether anything changed; the caller commits with the rest of the pull."""
    if (person.discharged_on is None) == (discharged_on is None):
        return False
    person.discharged_on = discharged_on
    audit.record(None, "service_user_discharged_from_record" if discharged_on else "service_user_reopened_from_record",
                 "service_user", person.id)
    return True
