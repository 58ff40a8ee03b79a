"""The clinical-record port: what the portal needs from a trust's record, whatever the record is.

Two adapters implement it: ``LocalRecord`` (the portal's own database is the record) and
``FhirRecord`` (FHIR R4, UK Core, over HTTPS). ``deliver()`` turns one outbox message into the
port call for its kind. Adapters raise ``TransientError`` (try again later) or ``PermanentError``
(trying again will not help); nothing else should escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, cast

from portal.record import contract


class RecordError(Exception):
    """The record did not take a change."""


class TransientError(RecordError):
    """Timeouts, refused or dropped connections, 409, 412, 429 and 5xx: worth trying again."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(RecordError):
    """Other 4xx, or a payload that is not valid: trying again will not help until something changes."""


@dataclass(frozen=True)
class PatientDetails:
    """What the record says about a patient. Empty strings where the record has nothing."""

    nhs_number: str
    given_name: str = ""
    family_name: str = ""
    birth_date: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    gender: str = ""  # FHIR administrative gender: male, female, other, unknown
    ethnic_category: str = ""  # NHS Data Dictionary ethnic category code (A to Z, or 99)
    version: str = ""


@dataclass(frozen=True)
class RelatedPersonDetails:
    """A carer as the record holds them: values by portal field name (see ``carers.CARER_FIELDS``)."""

    resource_id: str
    version: str
    carer_id: int | None  # the portal's carer id, when the portal created this RelatedPerson
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CarerPush:
    """The result of sending a carer's details: what the record now holds and what could not be merged."""

    resource_id: str
    version: str
    record_values: Mapping[str, str]
    conflicts: Mapping[str, tuple[str, str]]  # field -> (portal value, record value)
    # False when the record holds a newer message's change already: nothing was written, and what
    # the portal remembers of the record (its snapshot) must not move back to this older message.
    applied: bool = True


@dataclass(frozen=True)
class PractitionerDetails:
    """A practitioner the record names: their name and every identifier value it holds for them
    (professional registrations among them: NMC, GMC, HCPC, Social Work England)."""

    name: str
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CareTeamParticipantDetails:
    """A care team member the record names (not the key worker), with the role it gives them: a
    portal role code where the record uses one, else the role's words ("" if none)."""

    practitioner: PractitionerDetails
    role_code: str = ""
    role_text: str = ""


@dataclass(frozen=True)
class CareAllocation:
    """Who the record says looks after a patient now: the named key worker (and since when), the team
    and the pathway. ``None`` or "" where the record does not say."""

    key_worker: PractitionerDetails | None = None
    key_worker_since: datetime | None = None
    team_name: str = ""
    pathway_name: str = ""
    # Under the team's care: True (an active episode of care), False (every episode has finished:
    # discharged, on ``discharged_on`` if the record says) or None (the record does not say).
    under_care: bool | None = None
    discharged_on: date | None = None
    # The care team members besides the key worker, from the patient's active CareTeams; None where
    # the record holds no care team the portal can read.
    care_team: tuple[CareTeamParticipantDetails, ...] | None = None


class ClinicalRecord(Protocol):
    """Every method is idempotent: calling it again with the same message changes nothing more."""

    def find_patient(self, nhs_number: str) -> PatientDetails | None: ...

    def care_allocation(self, nhs_number: str) -> CareAllocation: ...

    def related_persons(self, nhs_number: str) -> list[RelatedPersonDetails]: ...

    def update_related_person(self, message_id: int, payload: contract.RelatedPersonUpdated,
                              snapshot: Mapping[str, str]) -> CarerPush: ...

    def send_questionnaire_response(self, message_id: int,
                                    payload: contract.QuestionnaireResponseSubmitted) -> None: ...

    def send_goal(self, message_id: int, payload: contract.GoalChanged) -> None: ...

    def send_care_plan(self, message_id: int, payload: contract.CarePlanAgreed) -> None: ...

    def send_session_summary(self, message_id: int, payload: contract.SessionSummary) -> None: ...

    def send_flag(self, message_id: int, payload: contract.FlagRaised) -> None: ...

    def clear_flag(self, message_id: int, payload: contract.FlagAcknowledged) -> None: ...

    def send_consent(self, message_id: int, payload: contract.ConsentChanged) -> None: ...

    def send_key_worker(self, message_id: int, payload: contract.KeyWorkerChanged) -> None: ...

    def send_safety_plan(self, message_id: int, payload: contract.SafetyPlanUpdated) -> None: ...

    def send_statement_of_care(self, message_id: int, payload: contract.StatementOfCareAgreed) -> None: ...

    def send_care_team(self, message_id: int, payload: contract.CareTeamChanged) -> None: ...

    def close(self) -> None: ...


# Which port method takes each kind. ``related_person.updated`` is the one that also needs the
# carer snapshot and returns what the record now holds (see ``deliver``).
HANDLERS: dict[str, str] = {
    contract.QUESTIONNAIRE_RESPONSE_SUBMITTED: "send_questionnaire_response",
    contract.GOAL_CHANGED: "send_goal",
    contract.CARE_PLAN_AGREED: "send_care_plan",
    contract.SESSION_SUMMARY: "send_session_summary",
    contract.FLAG_RAISED: "send_flag",
    contract.FLAG_ACKNOWLEDGED: "clear_flag",
    contract.CONSENT_CHANGED: "send_consent",
    contract.KEY_WORKER_CHANGED: "send_key_worker",
    contract.SAFETY_PLAN_UPDATED: "send_safety_plan",
    contract.STATEMENT_OF_CARE_AGREED: "send_statement_of_care",
    contract.RELATED_PERSON_UPDATED: "update_related_person",
    contract.CARE_TEAM_CHANGED: "send_care_team",
}


def deliver(record: ClinicalRecord, message_id: int, kind: str, payload: Mapping[str, Any],
            carer_snapshot: Mapping[str, str] | None = None) -> CarerPush | None:
    """Send one outbox message. An unknown kind is permanent: a producer and the contract disagree."""
    data = cast(Any, dict(payload))
    if kind not in HANDLERS:
        raise PermanentError(f"no mapping for message kind {kind!r}")
    if not isinstance(data.get("nhs_number"), str) or not data["nhs_number"]:
        raise PermanentError("payload has no nhs_number")
    send = getattr(record, HANDLERS[kind])
    try:
        if kind == contract.RELATED_PERSON_UPDATED:
            return cast(CarerPush, send(message_id, data, carer_snapshot or {}))
        send(message_id, data)
    except (KeyError, TypeError) as error:  # a payload missing a field the contract requires
        raise PermanentError(f"payload does not match the contract for {kind}: {error!r}") from error
    return None
