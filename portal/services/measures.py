"""Outcome measures: starting, answering, submitting, correcting; assignments and deferrals.

Answers are stored by item code, never by screen position. Submitted responses are never
changed: a correction is a new version. Every submission is written to the record outbox in
the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Integer, Update, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.extensions import db
from portal.instruments import dialog, reqol10, safety
from portal.instruments.definition import Instrument, Item
from portal.models import (
    CareSession,
    CompletionMode,
    MeasureAnswer,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    ResponseStatus,
    SafetyFlag,
    ServiceUser,
    User,
)
from portal.models.base import utcnow
from portal.services import audit, once, outbox, risk, settings
from portal.services.errors import NotAllowed, NotFound

INSTRUMENT_IDS = ("dialog", "reqol10")
SAFETY_ITEM_CODES = frozenset({safety.REQOL_ITEM_CODE, safety.DIALOG_ITEM_CODE})


def available_instruments() -> tuple[str, ...]:
    """ReQoL-10 is offered only where the trust holds a licence."""
    return tuple(i for i in INSTRUMENT_IDS if i != "reqol10" or settings.reqol_licensed())


def instrument_for(instrument_id: str) -> Instrument:
    if instrument_id not in available_instruments():
        raise NotFound
    return settings.instrument(instrument_id)


def questions(instrument: Instrument) -> tuple[Item, ...]:
    """Every screen, in display order: the scored items, then any extra (e.g. physical health)."""
    return instrument.items + instrument.extra_items


def question_at(instrument: Instrument, position: int) -> Item:
    items = questions(instrument)
    if not 1 <= position <= len(items):
        raise NotFound
    return items[position - 1]


def asks_more_help(instrument: Instrument) -> bool:
    return instrument.follow_up is not None


# Loading, scoped to who is asking -------------------------------------------------------

# With its answers, in the same query: every question page reads them. Built once (as
# auth_session's user query is): each question page and autosave runs it.
_RESPONSE_WITH_ANSWERS = select(MeasureResponse).options(joinedload(MeasureResponse.answers)).where(
    MeasureResponse.id == bindparam("response_id"))


def own_response(person: ServiceUser, response_id: int) -> MeasureResponse:
    response = db.session.execute(_RESPONSE_WITH_ANSWERS, {"response_id": response_id}).unique().scalar_one_or_none()
    if response is None or response.service_user_id != person.id:
        raise NotFound
    instrument_for(response.instrument_id)
    return response


def in_progress(person: ServiceUser, instrument_id: str,
                mode: CompletionMode = CompletionMode.SELF) -> MeasureResponse | None:
    """The unfinished response of this kind: one done alone and one done in session are kept apart,
    so a key worker never takes over answers the person started on their own."""
    return db.session.scalar(
        select(MeasureResponse).where(
            MeasureResponse.service_user_id == person.id,
            MeasureResponse.instrument_id == instrument_id,
            MeasureResponse.status == ResponseStatus.IN_PROGRESS,
            MeasureResponse.mode == mode,
        ).order_by(MeasureResponse.id.desc())
    )


def history(person: ServiceUser, instrument_id: str) -> list[MeasureResponse]:
    """Submitted responses (latest version of each), oldest first."""
    return list(
        db.session.scalars(
            select(MeasureResponse).where(
                MeasureResponse.service_user_id == person.id,
                MeasureResponse.instrument_id == instrument_id,
                MeasureResponse.status == ResponseStatus.SUBMITTED,
                MeasureResponse.superseded.is_(False),
            ).order_by(MeasureResponse.submitted_at, MeasureResponse.id)
        )
    )


# Answering ---------------------------------------------------------------------------------

def start_or_resume(user: User, person: ServiceUser, instrument_id: str,
                    mode: CompletionMode = CompletionMode.SELF) -> MeasureResponse:
    instrument = instrument_for(instrument_id)
    existing = in_progress(person, instrument_id, mode)
    if existing is not None:
        return existing
    response = MeasureResponse(
        service_user_id=person.id, instrument_id=instrument.id, instrument_version=instrument.version,
        started_by_id=user.id, mode=mode, assignment_id=_open_assignment_id(person, instrument_id),
    )
    db.session.add(response)
    db.session.flush()
    audit.record(user.id, "measure_started", "measure_response", response.id)
    db.session.commit()
    return response


def _open_assignment_id(person: ServiceUser, instrument_id: str) -> int | None:
    return db.session.scalar(
        select(MeasureAssignment.id).where(
            MeasureAssignment.service_user_id == person.id,
            MeasureAssignment.instrument_id == instrument_id,
            MeasureAssignment.completed_at.is_(None),
        ).order_by(MeasureAssignment.due_on)
    )


def answers_by_number(response: MeasureResponse) -> dict[int, MeasureAnswer]:
    instrument = settings.instrument(response.instrument_id)
    numbers = {item.code: item.number for item in questions(instrument)}
    return {numbers[a.item_code]: a for a in response.answers if a.item_code in numbers}


def save_answer(user: User, response: MeasureResponse, item: Item, value: int | None,
                more_help: bool | None = None) -> safety.SafetyResponse:
    """Save one answer (or part of it) at once; raise a safety flag when an answer calls for one.

    Two saves of the same answer can race (the autosave of a choice and Continue pressed at once):
    both read "no answer yet" and insert. The loser's insert breaks the unique key; it then reads
    again and saves over the winner's row, so both land and neither is an error."""
    try:
        return _save_answer(user, response, item, value, more_help)
    except IntegrityError:
        db.session.rollback()
        db.session.refresh(response)
        return _save_answer(user, response, item, value, more_help)


def _save_answer(user: User, response: MeasureResponse, item: Item, value: int | None,
                 more_help: bool | None) -> safety.SafetyResponse:
    if response.status is not ResponseStatus.IN_PROGRESS:
        raise NotAllowed("A submitted response is never changed; start a correction instead")
    if value is not None and value not in item.values:
        raise ValueError(f"{value} is not an answer to item {item.number}")
    answer = next((a for a in response.answers if a.item_code == item.code), None)
    now = utcnow()
    if answer is None:
        if value is None:
            return safety.NO_CONCERN
        response.answers.append(MeasureAnswer(item_code=item.code, item_number=item.number, value=value,
                                              more_help=more_help, answered_at=now))
    else:
        _write_now(answer, _CHANGE_ANSWER, answered_at=now, value=value, more_help=more_help)
    _write_now(response, _RESPONSE_CHANGED, updated_at=now)
    # Only the answer just given can call for support: once shown, the next questions carry on.
    concern = _safety_check(response) if item.code in SAFETY_ITEM_CODES else safety.NO_CONCERN
    if concern.tier is not None:  # every answer that shows support reaches staff (config.check_risk_settings)
        for reason in concern.reasons:
            risk.raise_answer_flag(user, response, reason, concern.tier)
    audit.record(user.id, "measure_answered", "measure_response", response.id)
    _tell_open_session(response)
    db.session.commit()
    return concern


def _safety_check(response: MeasureResponse) -> safety.SafetyResponse:
    values = {number: a.value for number, a in answers_by_number(response).items()}
    thresholds, tiers = settings.safety_thresholds(), settings.risk_tiers()
    instrument = settings.instrument(response.instrument_id)
    if response.instrument_id == "reqol10":
        return safety.check_reqol(values, thresholds, instrument, tiers)
    return safety.check_dialog(values, thresholds, instrument, tiers)


def unanswered_positions(response: MeasureResponse) -> list[int]:
    instrument = settings.instrument(response.instrument_id)
    answered = answers_by_number(response)
    return [
        position
        for position, item in enumerate(questions(instrument), start=1)
        if (answer := answered.get(item.number)) is None
        or (asks_more_help(instrument) and answer.more_help is None)
    ]


def first_unanswered(response: MeasureResponse) -> int | None:
    """The position of the first question still to answer, or None when all are answered."""
    return next(iter(unanswered_positions(response)), None)


def next_unanswered(response: MeasureResponse, after: int) -> int | None:
    """The next question to answer after this one (wrapping round), or None when all are answered:
    then the person goes to check their answers, which is also where a "Change" link returns."""
    remaining = unanswered_positions(response)
    return next((p for p in remaining if p > after), next(iter(remaining), None))


def safety_concern(response: MeasureResponse) -> safety.SafetyResponse:
    """What the answers saved so far call for: the support page reads it (saving acts on it)."""
    return _safety_check(response)


# Submitting and correcting -------------------------------------------------------------------

def compute_scores(response: MeasureResponse) -> dict[str, Any]:
    instrument = settings.instrument(response.instrument_id)
    answered = answers_by_number(response)
    if response.instrument_id == "dialog":
        result = dialog.score(
            {n: a.value for n, a in answered.items()},
            more_help=[n for n, a in answered.items() if a.more_help],
            instrument=instrument,
        )
        return {"quality_of_life": round(result.quality_of_life, 2),
                "treatment_satisfaction": round(result.treatment_satisfaction, 2),
                "more_help": list(result.more_help)}
    physical = instrument.item_by_code(reqol10.PHYSICAL_HEALTH_CODE)
    scored = {n: a.value for n, a in answered.items() if n != physical.number}
    physical_answer = answered.get(physical.number)
    reqol = reqol10.score(scored, physical_answer.value if physical_answer else None, instrument=instrument)
    return {"total": reqol.total, "clinical_range": reqol.clinical_range,
            "physical_health": reqol.physical_health}


class Incomplete(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


def submit(user: User, response: MeasureResponse, person: ServiceUser) -> MeasureResponse:
    if response.status is ResponseStatus.SUBMITTED:
        return response
    missing = first_unanswered(response)
    if missing is not None:
        raise Incomplete(missing)
    response.scores = compute_scores(response)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = response.updated_at = utcnow()
    if response.supersedes_id:
        previous = db.session.get(MeasureResponse, response.supersedes_id)
        if previous is not None:
            previous.superseded = True
    if response.assignment_id:
        assignment = db.session.get(MeasureAssignment, response.assignment_id)
        if assignment is not None and assignment.completed_at is None:
            assignment.completed_at = response.submitted_at
    outbox.enqueue(person.id, "questionnaire_response.submitted", _response_message(response, person))
    audit.record(user.id, "measure_submitted", "measure_response", response.id)
    _tell_open_session(response)
    db.session.commit()
    return response


def _tell_open_session(response: MeasureResponse) -> None:
    """A DIALOG being done while a session is open shows in the session view: its screens (the
    key worker's and the person's phone) see the new revision and refresh."""
    if response.instrument_id == "dialog":
        db.session.connection().execute(_NEXT_SESSION_REVISION, {"person_id": response.service_user_id})
        audit.note_unsaved_write()


def _write_now(loaded: MeasureResponse | MeasureAnswer, statement: Update, **values: Any) -> None:
    """Run one of the UPDATEs below for a loaded row at once on the session's connection (a plain
    UPDATE, not the ORM's), and set the object to match (None is left as it was), as if it had been
    loaded so. Saving an answer changes nothing a caseload shows (caseload_tokens), and the ORM's
    unit of work was a fifth of an autosave."""
    db.session.connection().execute(statement, {"row_id": loaded.id, **values})
    audit.note_unsaved_write()
    for name, value in values.items():
        if value is not None:
            set_committed_value(loaded, name, value)


# Built once, with bind parameters named as their columns: an UPDATE built on each call had its
# cache key worked out again each time, which took five times as long as running it. A value or
# "more help" not given (None) keeps what was saved.
_CHANGE_ANSWER = update(MeasureAnswer).where(MeasureAnswer.id == bindparam("row_id")).values(
    answered_at=bindparam("answered_at"),
    value=func.coalesce(bindparam("value", type_=Integer), MeasureAnswer.value),
    more_help=func.coalesce(bindparam("more_help", type_=Boolean), MeasureAnswer.more_help),
)
_RESPONSE_CHANGED = update(MeasureResponse).where(MeasureResponse.id == bindparam("row_id")).values(
    updated_at=bindparam("updated_at"),
)

# On the session's connection too: an ORM update flushed everything first and worked out which
# loaded sessions to change, a third of an autosave. No CareSession is loaded on these paths; the
# session view's own changes add one in the database too (care_sessions._touch), so none is lost.
_NEXT_SESSION_REVISION = update(CareSession).where(
    CareSession.service_user_id == bindparam("person_id"), CareSession.ended_at.is_(None),
).values(revision=CareSession.revision + 1)


def _response_message(response: MeasureResponse, person: ServiceUser) -> dict[str, Any]:
    return {
        "response_id": response.id,
        "nhs_number": person.nhs_number,
        "instrument": response.instrument_id,
        "instrument_version": response.instrument_version,
        "version": response.version,
        "supersedes_response_id": response.supersedes_id,
        "first_response_id": _first_version(response).id,
        "mode": response.mode.value,
        "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
        "answers": {a.item_code: a.value for a in response.answers},
        "more_help": sorted(a.item_code for a in response.answers if a.more_help),
        "scores": response.scores,
    }


def _first_version(response: MeasureResponse) -> MeasureResponse:
    """The response as first submitted: corrections follow ``supersedes_id`` back to it."""
    while response.supersedes_id is not None:
        response = db.session.get_one(MeasureResponse, response.supersedes_id)
    return response


def start_correction(user: User, response: MeasureResponse) -> MeasureResponse:
    """A new version with the same answers, to change before submitting again."""
    if response.status is not ResponseStatus.SUBMITTED or response.superseded:
        raise NotAllowed("Only the latest submitted response can be corrected")
    existing = db.session.scalar(
        select(MeasureResponse).where(MeasureResponse.supersedes_id == response.id,
                                      MeasureResponse.status == ResponseStatus.IN_PROGRESS)
    )
    if existing is not None:
        return existing
    correction = MeasureResponse(
        service_user_id=response.service_user_id, instrument_id=response.instrument_id,
        instrument_version=response.instrument_version, started_by_id=user.id, mode=response.mode,
        version=response.version + 1, supersedes_id=response.id,
        answers=[MeasureAnswer(item_code=a.item_code, item_number=a.item_number, value=a.value,
                               more_help=a.more_help) for a in response.answers],
    )
    db.session.add(correction)
    db.session.flush()
    audit.record(user.id, "measure_correction_started", "measure_response", correction.id)
    db.session.commit()
    return correction


# What is due --------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueMeasure:
    instrument_id: str
    title: str
    state: str  # "in_progress", "overdue", "due", "deferred"
    due_on: date | None = None
    deferred_until: date | None = None
    deferral_reason: str | None = None
    response_id: int | None = None
    declined: bool = False  # deferred because they chose not to answer


def due_measures(person: ServiceUser, today: date) -> list[DueMeasure]:
    """What this person has to do, with deferrals applied (not overdue until the date). Nothing
    once they are discharged."""
    due: list[DueMeasure] = []
    if person.discharged:
        return due
    for instrument_id in available_instruments():
        current = in_progress(person, instrument_id)
        assignment = db.session.scalar(
            select(MeasureAssignment).where(
                MeasureAssignment.service_user_id == person.id,
                MeasureAssignment.instrument_id == instrument_id,
                MeasureAssignment.completed_at.is_(None),
            ).order_by(MeasureAssignment.due_on)
        )
        deferral = active_deferral(person, instrument_id, today)
        due_on = assignment.due_on if assignment else None
        state = due_state(assignment_due_on=due_on, in_progress=current is not None, deferred=deferral is not None,
                          today=today)
        if state is None:
            continue
        title = settings.instrument(instrument_id).title
        if state == "deferred" and deferral is not None:
            due.append(DueMeasure(instrument_id, title, state, due_on, deferral.until, deferral.reason,
                                  declined=deferral.declined))
        else:
            due.append(DueMeasure(instrument_id, title, state, due_on,
                                  response_id=current.id if state == "in_progress" and current else None))
    return due


def due_state(*, assignment_due_on: date | None, in_progress: bool, deferred: bool, today: date) -> str | None:
    """The one rule for what is due, shared with the set-based caseload (services/caseload.py).

    An open assignment with an active deferral is "deferred" (not overdue until the date); an
    unfinished response is "in_progress"; an open assignment is "overdue" after its date, else
    "due". None: nothing to do.
    """
    if deferred and assignment_due_on is not None:
        return "deferred"
    if in_progress:
        return "in_progress"
    if assignment_due_on is not None:
        return "overdue" if assignment_due_on < today else "due"
    return None


def active_deferral(person: ServiceUser, instrument_id: str, today: date) -> MeasureDeferral | None:
    return db.session.scalar(
        select(MeasureDeferral).where(
            MeasureDeferral.service_user_id == person.id,
            MeasureDeferral.instrument_id == instrument_id,
            MeasureDeferral.until > today,
        ).order_by(MeasureDeferral.recorded_at.desc())
    )


def assign(user: User, person: ServiceUser, instrument_id: str, due_on: date, *,
           sent: once.Sent | None = None) -> MeasureAssignment:
    if person.discharged:
        raise NotAllowed("Nothing is asked of someone who is discharged")
    instrument_for(instrument_id)
    once.claim(user, sent)
    assignment = MeasureAssignment(service_user_id=person.id, instrument_id=instrument_id, due_on=due_on,
                                   assigned_by_id=user.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record(user.id, "measure_assigned", "measure_assignment", assignment.id)
    db.session.commit()
    return assignment


def defer(user: User, person: ServiceUser, instrument_id: str, reason: str, until: date, *,
          declined: bool = False, sent: once.Sent | None = None) -> MeasureDeferral:
    """Not now: not the right time (``reason`` says why), or ``declined``: they chose not to answer."""
    instrument_for(instrument_id)
    once.claim(user, sent)
    deferral = MeasureDeferral(service_user_id=person.id, instrument_id=instrument_id, reason=reason.strip(),
                               until=until, declined=declined, recorded_by_id=user.id)
    db.session.add(deferral)
    db.session.flush()
    audit.record(user.id, "measure_deferred", "measure_deferral", deferral.id)
    db.session.commit()
    return deferral


# Safety flags for staff (portal/services/risk.py holds the risk pathway) ----------------------

def open_flags(service_user_ids: list[int]) -> list[SafetyFlag]:
    return risk.open_flags(service_user_ids)
