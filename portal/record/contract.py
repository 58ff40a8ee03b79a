"""What the outbox carries to the clinical record: one TypedDict per message kind.

Producers import these so a payload and its mapping cannot drift apart. Every payload has the
service user's ``nhs_number``; dates and times are ISO 8601 strings (times with an offset).
Add a kind here, map it in ``portal/record/fhir_resources.py``, give it a port method and a row in
``port.HANDLERS``, and implement it in both adapters.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class QuestionnaireResponseSubmitted(TypedDict):
    response_id: int
    nhs_number: str
    instrument: Literal["dialog", "reqol10"]
    instrument_version: str
    version: int
    supersedes_response_id: int | None
    # The first version's id: corrections are the same questionnaire response in the record,
    # amended (messages queued before this field existed: ``response_id``).
    first_response_id: NotRequired[int]
    mode: str  # "self" | "in_session"
    submitted_at: str | None
    answers: dict[str, int]  # item code -> stored value
    more_help: list[str]  # item codes
    scores: dict[str, object]


class FlagRaised(TypedDict):
    flag_id: int
    nhs_number: str
    reason: str  # reqol_item6, dialog_personal_safety, carer_worry, or a trust's own signal
    # "urgent" (seen the same working day) or "routine" (before the next contact); messages queued
    # before tiers existed have none and are treated as urgent.
    tier: NotRequired[Literal["urgent", "routine"]]
    raised_at: NotRequired[str]


FlagOutcome = Literal["spoke_with_person", "discussed_in_session", "passed_to_crisis_team", "no_action_needed"]


class FlagAcknowledged(TypedDict):
    """A flag closed by a member of staff with what was done. The Flag in the record stays active
    until this arrives. (Messages queued before outcomes existed have none.)"""

    flag_id: int
    nhs_number: str
    outcome: NotRequired[FlagOutcome]
    outcome_note: NotRequired[str]  # required in the portal for "no_action_needed": the reason
    closed_by_name: NotRequired[str]
    closed_at: NotRequired[str]


class GoalRating(TypedDict):
    rating: int  # 0-10
    rated_at: str
    rated_by: Literal["service_user", "key_worker", "carer"]


class GoalChanged(TypedDict):
    goal_id: int
    nhs_number: str
    text: str
    status: Literal["active", "achieved", "stopped"]
    stop_reason: str | None
    agreement: Literal["together", "on_behalf"]
    owner: Literal["service_user", "key_worker", "carer"]
    created_at: str
    next_review_on: str | None
    position: NotRequired[int | None]  # GBO goal 1, 2 or 3
    ratings: list[GoalRating]


class CarePlanEntry(TypedDict):
    text: str
    author_role: str


class CarePlanAgreed(TypedDict):
    care_plan_version_id: int
    version_number: int
    nhs_number: str
    agreed_at: str
    agreed_by_role: str
    next_review_on: str | None
    goal_ids: list[int]
    sections: dict[str, list[CarePlanEntry]]


class SessionSummary(TypedDict):
    session_id: int
    nhs_number: str
    key_worker_name: str
    started_at: str
    ended_at: str | None
    summary_text: str


class RelatedPersonUpdated(TypedDict, total=False):
    carer_id: int  # required
    nhs_number: str  # required
    name: str
    relationship: str
    phone: str
    mobile: str
    email: str
    address: str
    postcode: str
    preferred_contact: str
    language: str
    interpreter_needed: bool
    young_carer: bool
    confirmed_on: str | None


ConsentScope = Literal["involvement", "goals", "care_plan", "safety_plan", "questionnaire_results"]


class ConsentChanged(TypedDict):
    carer_id: int
    nhs_number: str
    scopes: list[ConsentScope]  # what is shared now; empty = nothing
    recorded_by_role: str
    in_person: bool
    changed_at: str


class KeyWorkerChanged(TypedDict):
    """A new named key worker (``portal/services/handover.py``). The handover note stays in the portal."""

    nhs_number: str
    key_worker_name: str
    key_worker_professional_registration: str  # may be empty
    team_name: str
    changed_at: str


class SafetyPlanUpdated(TypedDict):
    """The whole safety plan as it is now (``portal/services/safety_plans.py``): sent on every change and review."""

    nhs_number: str
    version: int  # goes up when the text changes; a review keeps it
    updated_at: str
    reviewed_on: str | None
    steps: dict[str, str]  # step code (``SAFETY_PLAN_STEPS``) -> the person's own words, "" if not written


class CareTeamParticipant(TypedDict):
    staff_member_id: int  # the portal's own id: the record's identifier for staff without a registration
    name: str
    professional_registration: str  # may be empty (peer support workers, care navigators)
    role: str  # a care-team role code (portal/care_team_roles.py), or "key_worker"
    role_name: str
    since: str


class CareTeamChanged(TypedDict):
    """The whole care team as it is now (``portal/services/care_team_record.py``): sent when a member is
    added or removed and when the key worker changes; the newest message wins."""

    nhs_number: str
    changed_at: str
    team_name: str
    participants: list[CareTeamParticipant]  # the key worker first (if any), then each current member


class StatementOfCareAgreed(TypedDict):
    """An agreed version of a statement of care (``portal/services/statement_of_care.py``), written by a
    registered member of the care team for a session or clinic letter; each version replaces the last."""

    statement_id: int
    version_id: int
    version_number: int
    nhs_number: str
    purpose: str  # "session" | "clinic_letter"
    author_name: str
    author_role: str  # a care-team role code, "key_worker" or "team_lead"
    author_registration: str
    agreed_at: str
    text: str  # the whole statement in plain text: what the template pulled in, then the writer's words


QUESTIONNAIRE_RESPONSE_SUBMITTED = "questionnaire_response.submitted"
FLAG_RAISED = "flag.raised"
FLAG_ACKNOWLEDGED = "flag.acknowledged"
GOAL_CHANGED = "goal.changed"
CARE_PLAN_AGREED = "care_plan.agreed"
SESSION_SUMMARY = "session.summary"
RELATED_PERSON_UPDATED = "related_person.updated"
CONSENT_CHANGED = "consent.changed"
KEY_WORKER_CHANGED = "key_worker.changed"
SAFETY_PLAN_UPDATED = "safety_plan.updated"
STATEMENT_OF_CARE_AGREED = "statement_of_care.agreed"
CARE_TEAM_CHANGED = "care_team.changed"

# Every kind the record knows. ``tests/unit/record/test_contract.py`` fails when the portal
# enqueues a kind that is not here, or a kind here has no port method.
KINDS = (
    QUESTIONNAIRE_RESPONSE_SUBMITTED, FLAG_RAISED, FLAG_ACKNOWLEDGED, GOAL_CHANGED, CARE_PLAN_AGREED,
    SESSION_SUMMARY, RELATED_PERSON_UPDATED, CONSENT_CHANGED, KEY_WORKER_CHANGED, SAFETY_PLAN_UPDATED,
    STATEMENT_OF_CARE_AGREED,
    CARE_TEAM_CHANGED,
)
