"""Notes from anyone in a person's care team (issue 15).

A peer support worker or care navigator reads a person's care but may not change it; they can still
tell the team what they saw ("Met Sam at the allotment group; he enjoyed it"). So can the key worker,
the team lead and any other member. A note is kept as written, never changed or deleted; it shows on
the person's page and timeline for everyone who may open the person. Writing one is audited; sending
the same form twice makes one note (``services/once.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import CareTeamNote, ServiceUser, User
from portal.models.base import utcnow
from portal.services import audit, once, people

NOTE_MAX = 1000


def add_note(user: User, person: ServiceUser, text: str, sent: once.Sent | None = None,
             now: datetime | None = None) -> CareTeamNote:
    """Keep a note about the person from a member of staff who may open them; audited; commits.
    ``AlreadySent`` when the same form comes again; ``ValueError`` for an empty or too long note."""
    people.service_user_for_staff(user, person.id, audit_view=False)  # NotFound for anyone else
    words = text.strip()
    if not words or len(words) > NOTE_MAX:
        raise ValueError(f"A note is 1 to {NOTE_MAX} characters")
    once.claim(user, sent)
    note = CareTeamNote(service_user_id=person.id, staff_member_id=people.staff_member_of(user).id,
                        text=words, written_at=now or utcnow())
    db.session.add(note)
    audit.record(user.id, "care_team_note_added", "service_user", person.id)
    db.session.commit()
    return note


def notes_for(person: ServiceUser, limit: int | None = None) -> list[CareTeamNote]:
    """The person's notes, newest first."""
    query = (select(CareTeamNote).where(CareTeamNote.service_user_id == person.id)
             .options(joinedload(CareTeamNote.staff_member))
             .order_by(CareTeamNote.written_at.desc(), CareTeamNote.id.desc()))
    return list(db.session.scalars(query.limit(limit) if limit else query))
