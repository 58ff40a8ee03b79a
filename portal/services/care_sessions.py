"""A session the key worker and service user look at together.

One session is open per service user at a time; both can have it open (the key worker's screen
and the person's phone). Every change bumps the session's ``revision`` so the other device knows
to refresh, and every edit says which version it was based on, so two edits to the same thing
never silently overwrite each other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from portal.dates import format_when
from portal.extensions import db
from portal.models import (
    CarePlanEntry,
    CareSession,
    DialogPlusArea,
    MeasureResponse,
    ResponseStatus,
    Section,
    ServiceUser,
    User,
)
from portal.models.base import utcnow
from portal.services import audit, care_plans, goals, once, outbox, settings
from portal.services.errors import EditConflict, NotAllowed, NotFound

MAX_AREAS = 3
AREA_STEPS = ("understanding", "looking_forward", "exploring_options")
ACTION_SECTIONS = {"me": Section.I_WILL_DO, "team": Section.TEAM_WILL_DO}


def open_session(person: ServiceUser) -> CareSession | None:
    return db.session.scalar(
        select(CareSession).where(CareSession.service_user_id == person.id, CareSession.ended_at.is_(None))
    )


def ended_sessions(person: ServiceUser) -> list[tuple[CareSession, str]]:
    """Every session that has ended, newest first, with the name of the key worker who held it:
    where a person finds a summary again once the session is over."""
    rows = db.session.execute(
        select(CareSession, User).join(User, User.id == CareSession.key_worker_id)
        .where(CareSession.service_user_id == person.id, CareSession.ended_at.is_not(None))
        .order_by(CareSession.ended_at.desc(), CareSession.id.desc())
    )
    return [(session, user.display_name) for session, user in rows]


def session_for(person: ServiceUser, session_id: int) -> CareSession:
    session = db.session.get(CareSession, session_id)
    if session is None or session.service_user_id != person.id:
        raise NotFound
    return session


def start(user: User, person: ServiceUser) -> CareSession:
    """Start a session, or carry on with the one already open."""
    if person.discharged:
        raise NotAllowed("Sessions are for people under the team")
    session = open_session(person)
    if session is not None:
        return session
    session = CareSession(service_user_id=person.id, key_worker_id=user.id,
                          dialog_response_id=_todays_dialog(person))
    db.session.add(session)
    db.session.flush()
    audit.record(user.id, "care_session_started", "care_session", session.id)
    db.session.commit()
    return session


def _todays_dialog(person: ServiceUser) -> int | None:
    """The latest submitted DIALOG, if there is one, to work from."""
    return db.session.scalar(
        select(MeasureResponse.id).where(
            MeasureResponse.service_user_id == person.id, MeasureResponse.instrument_id == "dialog",
            MeasureResponse.status == ResponseStatus.SUBMITTED, MeasureResponse.superseded.is_(False),
        ).order_by(MeasureResponse.submitted_at.desc()).limit(1)
    )


def dialog_for(session: CareSession) -> MeasureResponse | None:
    """The DIALOG to show: one being done now (answered since the session began, on either
    screen), else the latest one submitted, which may have been done during the session."""
    being_done = db.session.scalar(
        select(MeasureResponse).where(
            MeasureResponse.service_user_id == session.service_user_id, MeasureResponse.instrument_id == "dialog",
            MeasureResponse.status == ResponseStatus.IN_PROGRESS, MeasureResponse.updated_at >= session.started_at,
        ).order_by(MeasureResponse.updated_at.desc()).limit(1)
    )
    if being_done is not None and session.ended_at is None:
        return being_done
    latest = _todays_dialog(db.session.get_one(ServiceUser, session.service_user_id))
    return db.session.get(MeasureResponse, latest) if latest else None


def _require_open(session: CareSession) -> None:
    if session.ended_at is not None:
        raise NotAllowed("This session has ended")


def _touch(session: CareSession) -> None:
    # Worked out by the database when written, so two changes at once (a note typed on the key
    # worker's screen while the person answers DIALOG, measures._tell_open_session) both count.
    session.revision = CareSession.revision + 1


def save_notes(user: User, session: CareSession, text: str, *, based_on_version: int) -> None:
    _require_open(session)
    if based_on_version != session.notes_version:
        raise EditConflict(session)
    if text.strip() == session.notes:
        return
    session.notes, session.notes_version = text.strip(), session.notes_version + 1
    _touch(session)
    audit.record(user.id, "care_session_notes_saved", "care_session", session.id)
    db.session.commit()


def rate_goal(user: User, person: ServiceUser, session: CareSession, goal_id: int, rating: int, *,
              based_on_version: int) -> None:
    _require_open(session)
    goal = goals.goal_for(person, goal_id)
    _touch(session)
    goals.rate_goal(user, person, goal, rating, care_session_id=session.id, based_on_version=based_on_version)


def pick_area(user: User, session: CareSession, item_code: str) -> DialogPlusArea:
    _require_open(session)
    existing = next((a for a in session.areas if a.item_code == item_code), None)
    if existing is not None:
        return existing
    if len(session.areas) >= MAX_AREAS:
        raise NotAllowed("Pick up to 3 areas")
    instrument = settings.instrument("dialog")
    if item_code not in {item.code for item in instrument.items}:
        raise NotFound
    area = DialogPlusArea(item_code=item_code)
    session.areas.append(area)
    _touch(session)
    db.session.flush()
    audit.record(user.id, "dialog_plus_area_picked", "dialog_plus_area", area.id)
    db.session.commit()
    return area


def area_for(session: CareSession, area_id: int) -> DialogPlusArea:
    area = next((a for a in session.areas if a.id == area_id), None)
    if area is None:
        raise NotFound
    return area


def save_area(user: User, session: CareSession, area: DialogPlusArea, steps: dict[str, str], *,
              based_on_version: int) -> None:
    _require_open(session)
    if based_on_version != area.version:
        raise EditConflict(area)
    cleaned = {step: (steps.get(step) or "").strip() for step in AREA_STEPS}
    if all(getattr(area, step) == value for step, value in cleaned.items()):
        return
    for step, value in cleaned.items():
        setattr(area, step, value)
    area.version, area.updated_at = area.version + 1, utcnow()
    _touch(session)
    audit.record(user.id, "dialog_plus_area_saved", "dialog_plus_area", area.id)
    db.session.commit()


def action_item_code(session: CareSession, item_code: str | None) -> str:
    """The DIALOG+ area an action is for: "" (the session's general actions) or an area picked in
    this session. Anything else is NotFound, so a made-up code never reaches the database (the
    column holds 40 characters) or a response header (the page anchor after saving)."""
    code = item_code or ""
    if code and code not in {area.item_code for area in session.areas}:
        raise NotFound
    return code


def add_action(user: User, person: ServiceUser, session: CareSession, who: str, text: str,
               item_code: str = "", sent: once.Sent | None = None) -> CarePlanEntry:
    """An agreed action becomes part of the care plan, in the words of whoever wrote it."""
    _require_open(session)
    item_code = action_item_code(session, item_code)
    if who not in ACTION_SECTIONS:
        raise ValueError("An action is for the person or their team")
    _touch(session)
    return care_plans.add_entry(user, person, ACTION_SECTIONS[who], text, care_session_id=session.id,
                                dialog_item_code=item_code, source="dialog_plus" if item_code else "session",
                                sent=sent)


def actions(session: CareSession) -> list[CarePlanEntry]:
    return list(db.session.scalars(
        select(CarePlanEntry).where(CarePlanEntry.care_session_id == session.id, CarePlanEntry.removed_at.is_(None))
        .order_by(CarePlanEntry.id)
    ))


def actions_to_review(person: ServiceUser, session: CareSession) -> list[CarePlanEntry]:
    """Actions agreed at earlier sessions, not yet looked at again."""
    return list(db.session.scalars(
        select(CarePlanEntry).join(CareSession, CarePlanEntry.care_session_id == CareSession.id).where(
            CareSession.service_user_id == person.id, CareSession.id != session.id,
            CarePlanEntry.removed_at.is_(None), CarePlanEntry.reviewed_at.is_(None),
        ).order_by(CarePlanEntry.id)
    ))


def review_action(user: User, person: ServiceUser, session: CareSession, entry_id: int, note: str) -> None:
    _require_open(session)
    entry = care_plans.entry_for(person, entry_id)
    _touch(session)
    care_plans.review_action(user, entry, note)


# Ending: a plain-English summary the key worker checks -------------------------------------------

def draft_summary(person: ServiceUser, session: CareSession) -> str:
    lines: list[str] = []
    rated = []
    for goal in goals.open_goals(person):
        in_session = [r for r in goal.ratings if r.care_session_id == session.id]
        if in_session:
            before = [r for r in goal.ratings if r.id < in_session[0].id]
            if before:
                rated.append(_("“%(goal)s”: rated %(rating)s out of 10 (was %(before)s).", goal=goal.text,
                               rating=in_session[0].rating, before=before[-1].rating))
            else:
                rated.append(_("“%(goal)s”: rated %(rating)s out of 10.", goal=goal.text,
                               rating=in_session[0].rating))
    if rated:
        lines.append(ngettext("Goal reviewed:", "Goals reviewed:", len(rated)))
        lines += [f"- {line}" for line in rated]
    # The record is read by others: areas by their names, and who does each action by name, never "I".
    instrument = settings.instrument("dialog")
    names = {item.code: item.topic or item.text for item in instrument.items}
    if session.areas:
        lines.append(_("Areas talked about: %(areas)s.",
                       areas=", ".join(names.get(area.item_code, area.item_code) for area in session.areas)))
    agreed = actions(session)
    if agreed:
        lines.append(_("Actions agreed:"))
        for entry in agreed:
            who = (_("%(name)s will", name=person.first_name) if entry.section is Section.I_WILL_DO
                   else _("The team will"))
            lines.append(f"- {who}: {entry.text}")
    reviews = [g.next_review_on for g in goals.active_goals(person) if g.next_review_on]
    if reviews:
        lines.append(_("Next goal review: %(date)s.", date=format_when(min(reviews))))
    if session.notes:
        lines += ["", session.notes]
    return "\n".join(lines) if lines else _("%(name)s and the key worker met. Nothing was changed in the plan.",
                                             name=person.first_name)


def end(user: User, person: ServiceUser, session: CareSession, summary: str, today: date | None = None) -> None:
    """End the session with the summary the key worker checked; it goes to the record."""
    _require_open(session)
    session.summary, session.ended_at = summary.strip(), utcnow()
    session.summary_sent_at = session.ended_at
    _touch(session)
    key_worker = person.key_worker
    outbox.enqueue(person.id, "session.summary", {
        "session_id": session.id, "nhs_number": person.nhs_number,
        "key_worker_name": key_worker.name if key_worker else "",
        "started_at": session.started_at.isoformat(), "ended_at": session.ended_at.isoformat(),
        "summary_text": session.summary,
    })
    audit.record(user.id, "care_session_ended", "care_session", session.id)
    db.session.commit()


def state(session: CareSession) -> dict[str, Any]:
    return {"revision": session.revision, "ended": session.ended_at is not None}
