"""A service user's overview for staff: one timeline of measures, goals and ratings, care plan
versions, carers and consent, safety flags, the safety plan and key worker changes.

One query per kind of event (a fixed number, however long the history). The caller has already
checked, through ``people.service_user_for_staff``, that this member of staff may see the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (
    CarePlan,
    CarePlanVersion,
    Carer,
    CarerConsent,
    CarerContribution,
    CarerLink,
    CareTeamNote,
    Goal,
    GoalRating,
    MeasureResponse,
    ResponseStatus,
    SafetyFlag,
    SafetyPlan,
    ServiceUser,
    User,
)
from portal.services import handover


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # what happened, e.g. "measure", "goal_rated"; the template words each kind
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> date:
        return self.at.date()


def timeline(person: ServiceUser) -> list[Event]:
    """Everything that happened, newest first."""
    events: list[Event] = []
    session = db.session

    for response in session.scalars(
        select(MeasureResponse).where(MeasureResponse.service_user_id == person.id,
                                      MeasureResponse.status == ResponseStatus.SUBMITTED,
                                      MeasureResponse.superseded.is_(False))
    ):
        if response.submitted_at is not None:
            events.append(Event(response.submitted_at, "measure", {
                "instrument_id": response.instrument_id, "response_id": response.id,
                "scores": response.scores or {}, "mode": response.mode.value, "version": response.version,
            }))

    goals = list(session.scalars(select(Goal).where(Goal.service_user_id == person.id)))
    by_goal = {goal.id: goal for goal in goals}
    for goal in goals:
        events.append(Event(goal.created_at, "goal_written", {"text": goal.text, "owner": goal.owner.value}))
        if goal.agreed_at:
            events.append(Event(goal.agreed_at, "goal_agreed", {
                "text": goal.text, "on_behalf": goal.agreement is not None and goal.agreement.value == "on_behalf"}))
        if goal.closed_at:
            events.append(Event(goal.closed_at, "goal_closed", {"text": goal.text, "status": goal.status.value}))
    if by_goal:
        for rating in session.scalars(select(GoalRating).where(GoalRating.goal_id.in_(by_goal))):
            events.append(Event(rating.rated_at, "goal_rated", {
                "text": by_goal[rating.goal_id].text, "rating": rating.rating, "by": rating.rated_by_role.value}))

    for version in session.scalars(
        select(CarePlanVersion).join(CarePlan, CarePlan.id == CarePlanVersion.care_plan_id)
        .where(CarePlan.service_user_id == person.id)
    ):
        events.append(Event(version.agreed_at, "care_plan_agreed", {
            "number": version.number, "next_review_on": version.next_review_on, "by": version.agreed_by_role.value}))

    for consent in session.scalars(
        select(CarerConsent).join(CarerLink, CarerLink.id == CarerConsent.carer_link_id)
        .where(CarerLink.service_user_id == person.id)
        .options(joinedload(CarerConsent.link).joinedload(CarerLink.carer))
    ):
        shared = [scope for scope in ("involvement", "goals", "care_plan", "safety_plan", "questionnaire_results")
                  if getattr(consent, scope)]
        events.append(Event(consent.changed_at, "consent_changed", {
            "carer": consent.link.carer.name, "shared": shared, "in_person": consent.in_person}))

    for contribution, carer_name in session.execute(
        select(CarerContribution, Carer.name).join(Carer, Carer.id == CarerContribution.carer_id)
        .where(CarerContribution.service_user_id == person.id)
    ):
        events.append(Event(contribution.submitted_at, "carer_contribution", {
            "carer": carer_name, "acknowledged": contribution.acknowledged_at is not None,
            "wants_assessment": contribution.wants_carers_assessment}))

    for flag in session.scalars(select(SafetyFlag).where(SafetyFlag.service_user_id == person.id)):
        events.append(Event(flag.raised_at, "flag_raised", {"reason": flag.reason, "tier": flag.tier.value,
                                                             "flag_id": flag.id}))
        if flag.acknowledged_at:
            events.append(Event(flag.acknowledged_at, "flag_acknowledged", {
                "reason": flag.reason, "flag_id": flag.id, "outcome": flag.outcome.value if flag.outcome else ""}))

    plan = session.scalar(select(SafetyPlan).where(SafetyPlan.service_user_id == person.id))
    if plan is not None:
        events.append(Event(plan.updated_at, "safety_plan_updated", {"version": plan.version}))

    for assignment in handover.history(person):
        events.append(Event(assignment.recorded_at, "key_worker_changed", {
            "key_worker": assignment.key_worker.name,
            "previous": assignment.previous_key_worker.name if assignment.previous_key_worker else "",
            "handover_on": assignment.handover_on, "note": assignment.handover_note,
            "recorded_by": _name(assignment.recorded_by),
        }))

    for note in session.scalars(select(CareTeamNote).where(CareTeamNote.service_user_id == person.id)
                                .options(joinedload(CareTeamNote.staff_member))):
        events.append(Event(note.written_at, "care_team_note", {"by": note.staff_member.name, "text": note.text}))

    if person.discharged_on is not None:  # earlier discharges and returns are in the audit trail
        events.append(Event(datetime.combine(person.discharged_on, time.min, UTC), "discharged", {}))

    events.sort(key=lambda event: event.at, reverse=True)
    return events


def latest_handover(events: list[Event]) -> Event | None:
    """The newest change of key worker in a timeline (its data has ``handover_on`` and ``note``)."""
    return next((event for event in events if event.kind == "key_worker_changed"), None)


def _name(user: User | None) -> str:
    return user.staff_member.name if user and user.staff_member else ""
