"""The whole care team as a UK Core CareTeam, and reading one back (issue 15).

One CareTeam per patient, identified by the NHS number under the portal's ``care-team`` system and
replaced at each change (the server's version history is the history of the team). Its participants
are the named key worker (role ``key-worker``, as ``fhir_resources.key_worker_care_team`` writes it)
and each current member with their care-team role, coded in the trust's ``CodeSystem/care-team-role``.
Practitioners are logical references: by professional registration where they hold one, else by the
portal's own staff identifier (peer support workers and care navigators hold no registration).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from portal.record import contract
from portal.record import fhir_resources as fr
from portal.record.port import CareTeamParticipantDetails, PractitionerDetails

Resource = fr.Resource
KEY_WORKER_ROLE = "key_worker"
STAFF_PREFIX = "portal-staff-"  # the identifier value for staff without a registration


def staff_identifier_value(staff_member_id: int) -> str:
    return f"{STAFF_PREFIX}{staff_member_id}"


def staff_member_id_of(value: str) -> int | None:
    """The portal's staff id in a ``portal-staff-N`` identifier value; None for anything else."""
    number = value[len(STAFF_PREFIX):] if value.startswith(STAFF_PREFIX) else ""
    return int(number) if number.isdigit() else None


def _member(participant: contract.CareTeamParticipant, systems: fr.Systems) -> Resource:
    member: Resource = {"type": "Practitioner", "display": participant["name"]}
    if participant["professional_registration"]:
        member["identifier"] = fr.identifier(systems("professional-registration"),
                                             participant["professional_registration"])
    else:
        member["identifier"] = fr.identifier(systems("staff-member"),
                                             staff_identifier_value(participant["staff_member_id"]))
    return member


def _role(participant: contract.CareTeamParticipant, systems: fr.Systems) -> Resource:
    code = "key-worker" if participant["role"] == KEY_WORKER_ROLE else participant["role"]
    return {"coding": [{"system": systems("CodeSystem/care-team-role"), "code": code,
                        "display": participant["role_name"]}], "text": participant["role_name"]}


def care_team(payload: contract.CareTeamChanged, systems: fr.Systems) -> Resource:
    """The care team message as a CareTeam (validated)."""
    return fr.validate({
        "resourceType": "CareTeam",
        "meta": fr.profile("CareTeam"),
        "identifier": [fr.identifier(systems("care-team"), payload["nhs_number"])],
        "status": "active",
        "category": [{"coding": [{"system": fr.LOINC, "code": fr.CARE_TEAM_CATEGORY[0],
                                  "display": fr.CARE_TEAM_CATEGORY[1]}]}],
        "name": f"Care team, {payload['team_name']}" if payload.get("team_name") else "Care team",
        "subject": fr.patient_reference(payload["nhs_number"]),
        "period": {"start": payload["changed_at"]},
        "participant": [{"role": [_role(participant, systems)], "member": _member(participant, systems),
                         "period": {"start": participant["since"]}}
                        for participant in payload["participants"]],
    })


def members_of(teams: list[Resource], now: datetime, systems: fr.Systems,
               practitioner_of: Callable[[Resource], PractitionerDetails]) -> tuple[CareTeamParticipantDetails, ...]:
    """Every current participant of the active CareTeams who is not the key worker, once each (by the
    identifiers the record holds for them, or their name where it holds none). ``practitioner_of``
    reads who a participant's ``member`` names."""
    found: dict[tuple[str, ...], CareTeamParticipantDetails] = {}
    role_system = systems("CodeSystem/care-team-role")
    for team in teams:
        if team.get("status", "active") != "active" or not fr.is_current(team.get("period"), now):
            continue
        for participant in team.get("participant", []):
            member = participant.get("member") or {}
            if fr.is_key_worker(participant) or not member or not fr.is_current(participant.get("period"), now):
                continue
            practitioner = practitioner_of(member)
            code, text = "", ""
            for role in participant.get("role", []):
                for coding in role.get("coding", []):
                    if coding.get("system") == role_system and coding.get("code"):
                        code = str(coding["code"])
                text = text or str(role.get("text") or next(
                    (c.get("display") for c in role.get("coding", []) if c.get("display")), ""))
            key = practitioner.identifiers or (practitioner.name,)
            found.setdefault(key, CareTeamParticipantDetails(practitioner, code, text))
    return tuple(found.values())
