"""FHIR R4 resources (UK Core profiles) built from outbox payloads, each validated before it is sent.

Validation uses the ``fhir.resources`` R4B models: R4B (4.3.0) is R4 (4.0.1) plus changes
confined to medication-definition, evidence and subscription resources, so every resource built
here has the same shape in both. Codes and systems: ``/work/shared/DOMAIN.md`` "Records and codes".
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from portal.record import contract
from portal.record.port import PermanentError

Resource = dict[str, Any]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
SNOMED = "http://snomed.info/sct"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
CARER_ROLE_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdditionalPersonRelationshipRole"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"

REQOL_TOTAL = "1091071000000100"
GBO_GOAL_SCORE = "959951000000108"
GBO_GOAL_POSITION_SCORES = {1: "1034351000000101", 2: "1034361000000103", 3: "1034371000000105"}
# DIALOG items 1-11 by item code (store by code, never by screen position).
DIALOG_ITEM_CODES = {
    "mental_health": "1037651000000100", "physical_health": "1037661000000102", "job": "1037671000000109",
    "accommodation": "1037681000000106", "leisure": "1037691000000108", "friendships": "1037701000000108",
    "partner_family": "1037711000000105", "personal_safety": "1037721000000104", "medication": "1037731000000102",
    "practical_help": "1037741000000106", "meetings": "1037751000000109",
}
INSTRUMENT_TITLES = {"dialog": "DIALOG", "reqol10": "ReQoL-10"}
ROLE_NAMES = {"service_user": "Service user", "key_worker": "Key worker", "carer": "Carer",
              "team_lead": "Team lead"}


class Systems:
    """The portal's own identifier systems, under a base URI the trust chooses."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def __call__(self, name: str) -> str:
        return f"{self.base}/{name}"


def validate(resource: Resource) -> Resource:
    """Check a resource against the FHIR R4 model for its type, and its canonicals, identifiers and
    references against what a strict server accepts (``check_wire_format``); PermanentError when it
    is not valid. Text is cleaned first (``clean_text``)."""
    resource = clean_text(resource)
    try:
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)
    except (ValidationError, KeyError, ValueError) as error:
        raise PermanentError(f"{resource.get('resourceType', '?')} is not valid FHIR R4: {error}") from error
    problems = check_wire_format(resource)
    if problems:
        raise PermanentError(f"{resource['resourceType']} is not valid FHIR R4: {'; '.join(problems)}")
    return resource


# Control characters FHIR strings may not hold (all but tab, line feed and carriage return), and the
# byte-order mark, which Python does not count as white space but JavaScript servers (Medplum) do.
_NOT_IN_FHIR_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")


def clean_text(value: Any) -> Any:
    """Text as FHIR takes it: control characters become spaces (text pasted from other software holds
    them), and an element whose text is only white space is left out (then any element left empty), as
    FHIR has no empty strings or elements.
    Nothing a person wrote is lost: only characters no record can hold."""
    if isinstance(value, str):
        return _NOT_IN_FHIR_TEXT.sub(lambda m: "" if m.group() == "\ufeff" else " ", value)
    if isinstance(value, list):
        return [item for item in map(clean_text, value) if not _blank(item)]
    if isinstance(value, dict):
        return {key: item for key, item in ((k, clean_text(v)) for k, v in value.items()) if not _blank(item)}
    return value


def _blank(value: Any) -> bool:
    return (isinstance(value, str) and not value.strip()) or value == {} or value == []


# What fhir.resources lets through but servers refuse (Medplum: "Invalid canonical format").
# A canonical is a URI with an optional "|version"; neither part may hold white space.
_CANONICAL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s|]+(\|[^\s|]+)?$")
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_REFERENCE = re.compile(
    r"^(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # an entry of this Bundle
    r"|[A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64}(/_history/[A-Za-z0-9.-]{1,64})?"  # Type/id
    r"|[A-Z][A-Za-z]+\?\S+)$"  # a conditional reference: Type?search
)
CANONICAL_ELEMENTS = {"questionnaire", "instantiatesCanonical", "profile", "valueCanonical"}


def check_wire_format(resource: Resource) -> list[str]:
    """Problems with canonicals, identifiers and references anywhere in the resource, by FHIRPath-like location."""
    problems: list[str] = []

    def walk(value: Any, path: str, key: str) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item, path, key)
            return
        if key in CANONICAL_ELEMENTS and isinstance(value, str) and not _CANONICAL.match(value):
            problems.append(f"{path}: not a valid canonical URL")
        if not isinstance(value, dict):
            return
        if key == "identifier" or key == "valueIdentifier":
            system, ident = value.get("system"), value.get("value")
            if system is not None and not _ABSOLUTE_URI.match(str(system)):
                problems.append(f"{path}.system: not an absolute URI")
            if not isinstance(ident, str) or not ident or ident != ident.strip():
                problems.append(f"{path}.value: empty or with spaces at either end")
        reference = value.get("reference")
        if isinstance(reference, str) and not _REFERENCE.match(reference):
            problems.append(f"{path}.reference: not a reference a server can resolve")
        for name, child in value.items():
            walk(child, f"{path}.{name}", name)

    walk({k: v for k, v in resource.items()}, str(resource.get("resourceType", "?")), "")
    return problems


def identifier(system: str, value: object) -> Resource:
    return {"system": system, "value": str(value)}


def patient_reference(nhs_number: str) -> Resource:
    """A conditional reference, resolved by the server inside a transaction, plus the identifier itself."""
    return {"reference": search_url("Patient", NHS_NUMBER_SYSTEM, nhs_number),
            "identifier": identifier(NHS_NUMBER_SYSTEM, nhs_number)}


def identifier_query(system: str, value: object) -> str:
    """``identifier=system|value`` as a URL query: percent-encoded, so a "+" in a time stays a "+"."""
    return "identifier=" + quote(f"{system}|{value}", safe=":/|")


def search_url(resource_type: str, system: str, value: object) -> str:
    return f"{resource_type}?{identifier_query(system, value)}"


def profile(name: str) -> Resource:
    return {"profile": [f"{UK_CORE}{name}"]}


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


# Questionnaire responses and their scores ---------------------------------------------------

def questionnaire_response(payload: contract.QuestionnaireResponseSubmitted, systems: Systems) -> Resource:
    instrument = payload["instrument"]
    more_help = set(payload["more_help"])
    items: list[Resource] = []
    for code, value in payload["answers"].items():
        items.append({"linkId": code, "answer": [{"valueInteger": int(value)}]})
        if instrument == "dialog":
            items.append({"linkId": f"{code}.more_help", "answer": [{"valueBoolean": code in more_help}]})
    for name, score in sorted(payload["scores"].items()):
        answer = _score_answer(score)
        if answer is not None:
            items.append({"linkId": f"score.{name}", "text": name.replace("_", " "), "answer": [answer]})
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "meta": profile("QuestionnaireResponse"),
        "identifier": identifier(systems("questionnaire-response"), first_response_id(payload)),
        "questionnaire": questionnaire_canonical(instrument, payload["instrument_version"], systems),
        "status": "completed" if payload["version"] == 1 else "amended",
        "subject": patient_reference(payload["nhs_number"]),
        "item": items,
    }
    if payload["submitted_at"]:
        resource["authored"] = payload["submitted_at"]
    if payload["mode"] == "self":
        resource["author"] = patient_reference(payload["nhs_number"])
        resource["source"] = patient_reference(payload["nhs_number"])
    return validate(resource)


def version_token(version: str) -> str:
    """A content file's version ("ReQoL-10 English (UK)") as a canonical's version: no spaces or brackets."""
    token = re.sub(r"[^A-Za-z0-9.]+", "-", version.strip()).strip("-").lower()
    return token or "1"


def questionnaire_url(instrument: str, systems: Systems) -> str:
    return f"{systems('Questionnaire')}/{instrument}"


def questionnaire_canonical(instrument: str, version: str, systems: Systems) -> str:
    return f"{questionnaire_url(instrument, systems)}|{version_token(version)}"


def questionnaire(instrument_id: str, version: str, systems: Systems) -> Resource:
    """The Questionnaire a QuestionnaireResponse names, published to the record (conditional create on
    ``url`` + ``version``) so its canonical resolves there. Items: one per question by item code, with
    the stored values as its answer options; DIALOG's "more help" as a yes/no item; the scores the
    portal works out as read-only items (see ``questionnaire_response``). Built from the portal's
    built-in definition: a trust's own content file must keep the same codes and values (checked at
    start-up), so only wording could differ."""
    from portal.instruments.definition import load_instrument

    definition = load_instrument(instrument_id)
    items: list[Resource] = []
    for item in (*definition.items, *definition.extra_items):
        items.append({"linkId": item.code, "text": item.text, "type": "choice",
                      "answerOption": [{"valueInteger": value} for value in item.values]})
        if instrument_id == "dialog" and item in definition.items:
            items.append({"linkId": f"{item.code}.more_help", "text": "Would you like more help with this?",
                          "type": "boolean"})
    return validate({
        "resourceType": "Questionnaire",
        "url": questionnaire_url(instrument_id, systems),
        "version": version_token(version),
        "name": re.sub(r"[^A-Za-z0-9]", "", INSTRUMENT_TITLES.get(instrument_id, instrument_id)) or "Questionnaire",
        "title": INSTRUMENT_TITLES.get(instrument_id, instrument_id),
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{definition.title} as the coproduction portal asks it (content version {version}).",
        "item": items,
    })


def first_response_id(payload: contract.QuestionnaireResponseSubmitted) -> int:
    """The business identifier of a questionnaire response: its first version's, so that a
    correction amends the resource in the record rather than adding a second one."""
    return payload.get("first_response_id", payload["response_id"])


def _score_answer(value: object) -> Resource | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return None


def score_observations(payload: contract.QuestionnaireResponseSubmitted, systems: Systems,
                       response_reference: str) -> list[Resource]:
    """Observations for the scores that have SNOMED CT codes: ReQoL-10 total, DIALOG items 1-11."""
    coded: list[tuple[str, str, str, int]] = []  # (key, code, display, value)
    if payload["instrument"] == "reqol10":
        total = payload["scores"].get("total")
        if isinstance(total, int) and not isinstance(total, bool):
            coded.append(("total", REQOL_TOTAL, "ReQoL-10 total score", total))
    elif payload["instrument"] == "dialog":
        for code, value in payload["answers"].items():
            if code in DIALOG_ITEM_CODES:
                coded.append((code, DIALOG_ITEM_CODES[code], f"DIALOG {code.replace('_', ' ')} score", int(value)))
    status = "final" if payload["version"] == 1 else "amended"
    when = {"effectiveDateTime": payload["submitted_at"]} if payload["submitted_at"] else {}
    prefix = f"questionnaire-response-{first_response_id(payload)}"
    return [
        _survey_observation(identifier(systems("observation"), f"{prefix}-{key}"),
                            status, code, display, payload["nhs_number"], value,
                            derivedFrom=[{"reference": response_reference}], **when)
        for key, code, display, value in coded
    ]


def _survey_observation(ident: Resource, status: str, code: str, display: str, nhs_number: str, value: int,
                        **more: Any) -> Resource:
    """A scored answer as a UK Core Observation: a SNOMED CT code and a whole-number value."""
    return validate({
        "resourceType": "Observation",
        "meta": profile("Observation"),
        "identifier": [ident],
        "status": status,
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": display},
        "subject": patient_reference(nhs_number),
        "valueInteger": value,
        **more,
    })


# Flags ----------------------------------------------------------------------------------------

FLAG_REASONS = {
    "reqol_item6": "Worrying answer to ReQoL-10 item 6 (life not worth living): follow up",
    "dialog_personal_safety": "Low DIALOG personal safety rating: follow up",
    "carer_worry": "A carer told the team they are worried: follow up",
}
FLAG_TIERS = {"urgent": "Urgent: to be seen the same working day",
              "routine": "Routine: to be seen before the next contact"}
FLAG_OUTCOMES = {
    "spoke_with_person": "Spoke with the person",
    "discussed_in_session": "Discussed in a session",
    "passed_to_crisis_team": "Passed to the crisis team",
    "no_action_needed": "Reviewed, no action needed",
}


def flag(payload: contract.FlagRaised, systems: Systems, raised_at: str | None = None) -> Resource:
    reason = payload["reason"]
    resource: Resource = {
        "resourceType": "Flag",
        "meta": profile("Flag"),
        "identifier": [identifier(systems("flag"), payload["flag_id"])],
        "status": "active",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/flag-category",
                                  "code": "safety", "display": "Safety"}]}],
        "code": {"coding": [{"system": systems("CodeSystem/flag-reason"), "code": reason}],
                 "text": FLAG_REASONS.get(reason, f"Portal safety flag: {reason}")},
        "subject": patient_reference(payload["nhs_number"]),
    }
    tier = payload.get("tier", "urgent")
    resource["extension"] = [{"url": systems("StructureDefinition/flag-tier"), "valueCode": tier}]
    resource["code"]["text"] += f" ({FLAG_TIERS.get(tier, tier)})"
    start = payload.get("raised_at") or raised_at
    if start:
        resource["period"] = {"start": start}
    return validate(resource)


def cleared_flag(current: Resource, payload: contract.FlagAcknowledged, systems: Systems, cleared_at: str) -> Resource:
    """The Flag closed with what was done: inactive, its period ended, the outcome (and the reason
    given, who closed it) as an extension the record keeps with the Flag."""
    resource = {key: value for key, value in current.items() if key not in {"meta", "text"}}
    resource["meta"] = profile("Flag")
    resource["status"] = "inactive"
    resource["period"] = {**current.get("period", {}), "end": payload.get("closed_at") or cleared_at}
    outcome = payload.get("outcome")
    if outcome:
        parts: list[Resource] = [{"url": "outcome", "valueCoding": {
            "system": systems("CodeSystem/flag-outcome"), "code": outcome,
            "display": FLAG_OUTCOMES.get(outcome, outcome)}}]
        if payload.get("outcome_note"):
            parts.append({"url": "note", "valueString": str(payload["outcome_note"])})
        if payload.get("closed_by_name"):
            parts.append({"url": "closedBy", "valueString": str(payload["closed_by_name"])})
        url = systems("StructureDefinition/flag-outcome")
        others = [e for e in resource.get("extension", []) if e.get("url") != url]
        resource["extension"] = [*others, {"url": url, "extension": parts}]
    return validate(resource)


# Goals (base R4 Goal: there is no UK Core Goal profile) -------------------------------------

GOAL_STATUS = {"active": ("active", "in-progress"), "achieved": ("completed", "achieved"),
               "stopped": ("cancelled", "not-achieved")}


def goal(payload: contract.GoalChanged, systems: Systems) -> Resource:
    lifecycle, achievement = GOAL_STATUS[payload["status"]]
    notes = [{"text": "Agreed together" if payload["agreement"] == "together"
              else "Written on the person's behalf"}]
    if payload.get("next_review_on"):
        notes.append({"text": f"Next review on {payload['next_review_on']}"})
    resource: Resource = {
        "resourceType": "Goal",
        "identifier": [identifier(systems("goal"), payload["goal_id"])],
        "lifecycleStatus": lifecycle,
        "achievementStatus": {"coding": [{"system": GOAL_ACHIEVEMENT, "code": achievement}]},
        "description": {"text": payload["text"]},
        "subject": patient_reference(payload["nhs_number"]),
        "startDate": _date(payload["created_at"]),
        "expressedBy": _role_reference(payload["owner"], payload["nhs_number"]),
        "note": notes,
    }
    if payload["status"] == "stopped" and payload.get("stop_reason"):
        resource["statusReason"] = payload["stop_reason"]
    return validate(resource)


def _role_reference(role: str, nhs_number: str) -> Resource:
    if role == "service_user":
        return patient_reference(nhs_number)
    return {"display": ROLE_NAMES.get(role, role)}


def goal_ratings(payload: contract.GoalChanged, systems: Systems, goal_reference: str) -> list[Resource]:
    """One GBO Observation per rating (0-10), identified by goal and time, so resending adds none.
    Coded as the person's goal 1, 2 or 3 where the portal knows which it is, as MHSDS asks."""
    position = payload.get("position")
    code, display = (GBO_GOAL_POSITION_SCORES[position], f"Goal based outcome goal {position} score") \
        if position in GBO_GOAL_POSITION_SCORES else (GBO_GOAL_SCORE, "Goal based outcome score")
    return [
        _survey_observation(identifier(systems("goal-rating"), f"{payload['goal_id']}-{rating['rated_at']}"),
                            "final", code, display, payload["nhs_number"],
                            int(rating["rating"]), focus=[{"reference": goal_reference}],
                            effectiveDateTime=rating["rated_at"],
                            performer=[_role_reference(rating["rated_by"], payload["nhs_number"])])
        for rating in payload["ratings"]
    ]


# Care plans, session summaries, consent ----------------------------------------------------

def care_plan(payload: contract.CarePlanAgreed, systems: Systems) -> Resource:
    notes = [
        {"authorString": ROLE_NAMES.get(entry["author_role"], entry["author_role"]),
         "text": f"{section.replace('_', ' ').capitalize()}: {entry['text']}"}
        for section, entries in payload["sections"].items() for entry in entries
    ]
    resource: Resource = {
        "resourceType": "CarePlan",
        "meta": profile("CarePlan"),
        "identifier": [identifier(systems("care-plan-version"), payload["care_plan_version_id"])],
        "status": "active",
        "intent": "plan",
        "title": f"Care plan, version {payload['version_number']}",
        "subject": patient_reference(payload["nhs_number"]),
        "created": payload["agreed_at"],
        "period": {"start": payload["agreed_at"]},
        # Logical references: a goal set before the record was connected may not be there.
        "goal": [{"type": "Goal", "identifier": identifier(systems("goal"), n)} for n in payload["goal_ids"]],
    }
    if notes:
        resource["note"] = notes
    if payload.get("next_review_on"):
        resource["description"] = f"Agreed by the {ROLE_NAMES.get(payload['agreed_by_role'], 'team').lower()}; " \
                                  f"next review on {payload['next_review_on']}"
    if not resource["goal"]:
        del resource["goal"]
    return validate(resource)


def session_summary(payload: contract.SessionSummary, systems: Systems) -> Resource:
    period = {"start": payload["started_at"], **({"end": payload["ended_at"]} if payload.get("ended_at") else {})}
    return validate({
        "resourceType": "DocumentReference",
        "identifier": [identifier(systems("session-summary"), payload["session_id"])],
        "status": "current",
        "type": {"text": "Key worker session summary"},
        "subject": patient_reference(payload["nhs_number"]),
        "date": payload.get("ended_at") or payload["started_at"],
        "author": [{"display": payload["key_worker_name"]}],
        "description": "Summary of a key worker session, written in the coproduction portal",
        "content": [{"attachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(payload["summary_text"].encode("utf-8")).decode("ascii"),
            "title": "Session summary",
        }}],
        "context": {"period": period},
    })


def carer_link_value(carer_id: int, nhs_number: str) -> str:
    return f"{carer_id}-{nhs_number}"


def consent(payload: contract.ConsentChanged, systems: Systems) -> Resource:
    scopes = sorted(set(payload["scopes"]))
    link = carer_link_value(payload["carer_id"], payload["nhs_number"])
    carer = {"type": "RelatedPerson", "identifier": identifier(systems("carer-link"), link)}
    provision: Resource = {"type": "permit" if scopes else "deny",
                           "actor": [{"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                                           "code": "CAREGIVER", "display": "caregiver"}]},
                                      "reference": carer}]}
    if scopes:
        provision["provision"] = [
            {"type": "permit", "code": [{"coding": [{"system": systems("CodeSystem/carer-sharing"), "code": scope}]}]}
            for scope in scopes
        ]
    return validate({
        "resourceType": "Consent",
        "meta": profile("Consent"),
        "identifier": [identifier(systems("carer-consent"), link)],
        "status": "active" if scopes else "inactive",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [{"text": "Sharing information with a carer"}],
        "patient": patient_reference(payload["nhs_number"]),
        "dateTime": payload["changed_at"],
        "performer": [patient_reference(payload["nhs_number"])],
        "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
        "provision": provision,
        "extension": [{"url": systems("StructureDefinition/recorded-in-person"),
                       "valueBoolean": bool(payload["in_person"])}],
    })


# Key worker (UK Core CareTeam) --------------------------------------------------------------

LOINC = "http://loinc.org"
CARE_TEAM_CATEGORY = ("LA28865-6", "Longitudinal care-coordination focused care team")


def key_worker_care_team(payload: contract.KeyWorkerChanged, systems: Systems) -> Resource:
    """The named key worker as the one participant of the patient's key-worker CareTeam.

    One CareTeam per patient (identified by the NHS number under the portal's ``key-worker-team``
    system), replaced at each change: the server's version history is the history of key workers,
    and the current version always names exactly one. The Practitioner is a logical reference by
    professional registration (the portal does not know the record's Practitioner ids).
    """
    member: Resource = {"type": "Practitioner", "display": payload["key_worker_name"]}
    if payload.get("key_worker_professional_registration"):
        member["identifier"] = identifier(systems("professional-registration"),
                                          payload["key_worker_professional_registration"])
    return validate({
        "resourceType": "CareTeam",
        "meta": profile("CareTeam"),
        "identifier": [identifier(systems("key-worker-team"), payload["nhs_number"])],
        "status": "active",
        "category": [{"coding": [{"system": LOINC, "code": CARE_TEAM_CATEGORY[0],
                                  "display": CARE_TEAM_CATEGORY[1]}]}],
        "name": f"Key worker, {payload['team_name']}" if payload.get("team_name") else "Key worker",
        "subject": patient_reference(payload["nhs_number"]),
        "period": {"start": payload["changed_at"]},
        "participant": [{
            "role": [{"coding": [{"system": systems("CodeSystem/care-team-role"), "code": "key-worker",
                                  "display": "Key worker"}], "text": "Key worker"}],
            "member": member,
            "period": {"start": payload["changed_at"]},
        }],
    })


def key_worker_changed_at(resource: Resource) -> datetime | None:
    """When the CareTeam's key worker took over (its ``period.start``), to tell an older message from a newer."""
    return instant(resource.get("period", {}).get("start"))


KEY_WORKER_TEAM_PREFIX = "Key worker, "


def is_key_worker(participant: Resource) -> bool:
    """A CareTeam participant whose role is key worker: the portal's own code, or a role named so."""
    for role in participant.get("role", []):
        if any(coding.get("code") == "key-worker" for coding in role.get("coding", [])):
            return True
        texts = [role.get("text", ""), *(coding.get("display", "") for coding in role.get("coding", []))]
        if any(str(text).strip().lower() == "key worker" for text in texts):
            return True
    return False


def is_current(period: Resource | None, now: datetime) -> bool:
    end = instant((period or {}).get("end"))
    return end is None or end > now


def care_team_team_name(resource: Resource) -> str:
    """The team a key-worker CareTeam names: its managing organisation, else the name the portal writes
    (``Key worker, <team>``, see ``key_worker_care_team``)."""
    for organisation in resource.get("managingOrganization", []):
        if organisation.get("display"):
            return str(organisation["display"]).strip()
    name = str(resource.get("name", ""))
    return name[len(KEY_WORKER_TEAM_PREFIX):].strip() if name.startswith(KEY_WORKER_TEAM_PREFIX) else ""


def under_care(episodes: list[Resource]) -> tuple[bool | None, date | None]:
    """What a patient's EpisodeOfCare resources say: under the team while one is active (or
    waiting, planned, on hold); discharged once they have all finished, on the last one's end
    date; nothing to say when there are none (or only ones entered in error or cancelled)."""
    statuses = {str(episode.get("status", "")) for episode in episodes}
    if statuses & {"active", "waitlist", "planned", "onhold"}:
        return True, None
    if "finished" not in statuses:
        return None, None
    ends = [instant(episode.get("period", {}).get("end")) for episode in episodes
            if episode.get("status") == "finished"]
    return False, max((end.date() for end in ends if end is not None), default=None)


def episode_pathway_name(resource: Resource) -> str:
    """The pathway an EpisodeOfCare is for: its first type's text or display."""
    for concept in resource.get("type", []):
        if concept.get("text"):
            return str(concept["text"]).strip()
        for coding in concept.get("coding", []):
            if coding.get("display"):
                return str(coding["display"]).strip()
    return ""


def practitioner_name(resource: Resource) -> str:
    name = (resource.get("name") or [{}])[0]
    if name.get("text"):
        return str(name["text"])
    return " ".join([*name.get("prefix", []), *name.get("given", []), name.get("family", "")]).strip()


# "Only write if my message is newer": Goal, session summary (DocumentReference) and Consent carry the
# id of the outbox message that last wrote them. Outbox ids only go up, and one patient's messages are
# delivered in id order, so a lower id is an older message: one sent twice, or processed late.

# A message that changes nothing (a goal's new rating, say) leaves the resource, and so its stamp, as it
# is: every later message until the next change carried the same content, so a late one writes nothing
# new either. The content digest, taken before the server resolves references, tells the two apart.

def stamped(resource: Resource, systems: Systems, message_id: int) -> Resource:
    urls = {systems("StructureDefinition/outbox-message"), systems("StructureDefinition/content-digest")}
    content = {**resource, "extension": [e for e in resource.get("extension", []) if e.get("url") not in urls]}
    if not content["extension"]:
        del content["extension"]
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()
    return validate({**content, "extension": [
        *content.get("extension", []),
        {"url": systems("StructureDefinition/outbox-message"), "valueInteger": int(message_id)},
        {"url": systems("StructureDefinition/content-digest"), "valueString": digest},
    ]})


def with_stamp(resource: Resource, systems: Systems, message_id: int) -> Resource:
    """The resource marked as written by this outbox message (no digest: for resources merged with
    the record's own changes, where content alone cannot tell which message is newer)."""
    url = systems("StructureDefinition/outbox-message")
    others = [e for e in resource.get("extension", []) if e.get("url") != url]
    return validate({**resource, "extension": [*others, {"url": url, "valueInteger": int(message_id)}]})


def same_content(current: Resource, resource: Resource, systems: Systems) -> bool:
    url = systems("StructureDefinition/content-digest")
    digest = _extension_value(current, url, "valueString")
    return digest is not None and digest == _extension_value(resource, url, "valueString")


def stamp_of(resource: Resource, systems: Systems) -> int:
    """The outbox message id that last wrote this resource; 0 if none did (written before stamps, or elsewhere)."""
    value = _extension_value(resource, systems("StructureDefinition/outbox-message"), "valueInteger")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _extension_value(resource: Resource, url: str, value_key: str) -> object:
    """The value of the resource's first extension with this URL; None if it has none."""
    return next((e.get(value_key) for e in resource.get("extension", []) if e.get("url") == url), None)


def instant(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Safety plan (UK Core CarePlan) -------------------------------------------------------------

# Stanley-Brown steps, in order; English, like everything the record is sent.
SAFETY_PLAN_STEP_NAMES = {
    "warning_signs": "Warning signs",
    "cope_on_my_own": "Things I can do to cope on my own",
    "people_and_places": "People and places that take my mind off things",
    "people_to_ask": "People I can ask for help",
    "professionals": "Professionals and services to contact, including crisis lines",
    "safer_surroundings": "Making my surroundings safer",
    "reasons_for_living": "My reasons for living",
}


def safety_plan(payload: contract.SafetyPlanUpdated, systems: Systems) -> Resource:
    """The safety plan as one CarePlan per patient, replaced on every change; each written step an activity.

    A CarePlan rather than a DocumentReference: the record can show and search each step, the plan
    has a status, and one resource per patient means there is only ever one current plan (the
    server's history keeps the earlier ones). The portal's version and review date travel as
    extensions so a late, older message can be told apart and never replaces a newer plan.
    """
    steps = payload["steps"]
    unknown = set(steps) - set(SAFETY_PLAN_STEP_NAMES)
    if unknown:
        raise PermanentError(f"safety plan steps the record does not know: {sorted(unknown)}")
    activities = [
        {"detail": {
            "code": {"coding": [{"system": systems("CodeSystem/safety-plan-step"), "code": step,
                                 "display": name}], "text": name},
            "status": "in-progress",
            "description": steps[step].strip(),
        }}
        for step, name in SAFETY_PLAN_STEP_NAMES.items() if (steps.get(step) or "").strip()
    ]
    reviewed = payload.get("reviewed_on")
    extensions: list[Resource] = [{"url": systems("StructureDefinition/safety-plan-version"),
                                   "valueInteger": int(payload["version"])}]
    if reviewed:
        extensions.append({"url": systems("StructureDefinition/safety-plan-reviewed-on"), "valueDate": reviewed})
    resource: Resource = {
        "resourceType": "CarePlan",
        "meta": profile("CarePlan"),
        "extension": extensions,
        "identifier": [identifier(systems("safety-plan"), payload["nhs_number"])],
        # A plan with every step cleared is withdrawn, not an empty active plan.
        "status": "active" if activities else "revoked",
        "intent": "plan",
        "category": [{"coding": [{"system": systems("CodeSystem/care-plan-category"), "code": "safety-plan",
                                  "display": "Safety plan"}], "text": "Safety plan"}],
        "title": f"Safety plan, version {payload['version']}",
        "description": "The service user's safety plan, in their own words, written in the coproduction portal. "
                       + (f"Last reviewed together on {reviewed}." if reviewed else "Not reviewed together yet."),
        "subject": patient_reference(payload["nhs_number"]),
        "period": {"start": payload["updated_at"]},
    }
    if activities:
        resource["activity"] = activities
    return validate(resource)


def safety_plan_position(resource: Resource, systems: Systems) -> tuple[int, str]:
    """(portal version, reviewed on) of a safety plan CarePlan, to order two of them; (0, "") if unknown."""
    version = _extension_value(resource, systems("StructureDefinition/safety-plan-version"), "valueInteger")
    reviewed = _extension_value(resource, systems("StructureDefinition/safety-plan-reviewed-on"), "valueDate")
    return (int(version) if isinstance(version, int) else 0, str(reviewed or ""))


# Carers (RelatedPerson) ---------------------------------------------------------------------

def carer_relationship(text: str) -> Resource:
    return {"coding": [{"system": CARER_ROLE_SYSTEM, "code": "Carer", "display": "Carer"}], "text": text or "Carer"}


def related_person(payload: Mapping[str, Any], systems: Systems, base: Resource | None,
                   values: Mapping[str, str]) -> Resource:
    """The RelatedPerson to write: what the record has (``base``) with ``values`` written over it."""
    from portal.record.carers import write_record_values

    resource: Resource = {k: v for k, v in (base or {}).items() if k not in {"meta", "text"}}
    resource["resourceType"] = "RelatedPerson"
    resource["meta"] = profile("RelatedPerson")
    link = identifier(systems("carer-link"), carer_link_value(payload["carer_id"], payload["nhs_number"]))
    others = [i for i in resource.get("identifier", []) if i.get("system") != link["system"]]
    resource["identifier"] = [*others, link]
    resource["active"] = True
    resource["patient"] = patient_reference(payload["nhs_number"])
    resource.setdefault("relationship", [carer_relationship("")])
    write_record_values(resource, values)
    return validate(resource)


ETHNIC_CATEGORY_EXTENSION = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
ETHNIC_CATEGORY_SYSTEMS = ("https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategory",
                           "https://fhir.nhs.uk/CodeSystem/UKCore-EthnicCategory")
GENDERS = ("male", "female", "other", "unknown")


def ethnic_category(resource: Resource) -> str:
    """The NHS Data Dictionary ethnic category code in a Patient's UK Core extension, or ""."""
    for extension in resource.get("extension", []):
        if extension.get("url") != ETHNIC_CATEGORY_EXTENSION:
            continue
        for coding in (extension.get("valueCodeableConcept") or {}).get("coding", []):
            code = str(coding.get("code", "")).strip().upper()
            if coding.get("system") in ETHNIC_CATEGORY_SYSTEMS and 0 < len(code) <= 4:
                return code
    return ""


def patient_details(resource: Resource) -> dict[str, str]:
    """Demographics from a Patient: official name, birth date, home phone, email, home address,
    gender and ethnic category."""
    name = next((n for n in resource.get("name", []) if n.get("use") == "official"),
                (resource.get("name") or [{}])[0])
    address = next((a for a in resource.get("address", []) if a.get("use") == "home"),
                   (resource.get("address") or [{}])[0])
    telecom = resource.get("telecom", [])
    return {
        "given_name": " ".join(name.get("given", [])),
        "family_name": name.get("family", ""),
        "birth_date": resource.get("birthDate", ""),
        "phone": next((t["value"] for t in telecom if t.get("system") == "phone"), ""),
        "email": next((t["value"] for t in telecom if t.get("system") == "email"), ""),
        "address": ", ".join(address.get("line", [])),
        "postcode": address.get("postalCode", ""),
        "gender": resource.get("gender", "") if resource.get("gender") in GENDERS else "",
        "ethnic_category": ethnic_category(resource),
    }
