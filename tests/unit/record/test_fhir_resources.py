"""Every resource the FHIR adapter sends is valid FHIR R4 and carries the right codes and identifiers."""

from __future__ import annotations

import base64

import pytest
from fhir.resources.R4B import get_fhir_model_class

from portal.record import fhir_resources as fr
from portal.record.port import PermanentError
from tests.unit.record.conftest import (
    IDENTIFIER_BASE,
    care_plan_payload,
    carer_payload,
    consent_payload,
    dialog_payload,
    goal_payload,
    key_worker_payload,
    reqol_payload,
    safety_plan_payload,
    session_payload,
)

SYSTEMS = fr.Systems(IDENTIFIER_BASE)
URN1, URN2, URN3 = (f"urn:uuid:00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
NHS = "9990010005"


def assert_valid_r4(resource: dict) -> None:
    model = get_fhir_model_class(resource["resourceType"])
    parsed = model.model_validate(resource)
    assert parsed.model_dump(mode="json", exclude_none=True)["resourceType"] == resource["resourceType"]


def every_resource() -> list[dict]:
    qr = reqol_payload(1, NHS)
    dialog = dialog_payload(2, NHS)
    goal = goal_payload(3, NHS, ratings=3)
    built = [
        fr.questionnaire_response(qr, SYSTEMS), *fr.score_observations(qr, SYSTEMS, URN1),
        fr.questionnaire_response(dialog, SYSTEMS), *fr.score_observations(dialog, SYSTEMS, URN2),
        fr.goal(goal, SYSTEMS), *fr.goal_ratings(goal, SYSTEMS, URN3),
        fr.goal(goal_payload(4, NHS, status="stopped"), SYSTEMS),
        fr.goal(goal_payload(5, NHS, status="achieved"), SYSTEMS),
        fr.care_plan(care_plan_payload(6, NHS, [3, 4]), SYSTEMS),
        fr.session_summary(session_payload(7, NHS), SYSTEMS),
        fr.flag({"flag_id": 8, "nhs_number": NHS, "reason": "reqol_item6", "tier": "routine"}, SYSTEMS),
        fr.consent(consent_payload(9, NHS, ["goals", "involvement"]), SYSTEMS),
        fr.consent(consent_payload(9, NHS, []), SYSTEMS),
        fr.related_person(carer_payload(9, NHS), SYSTEMS, None, {"name": "Jo Taylor", "phone": "01632960001",
                                                                  "postcode": "LS1 4AP", "relationship": "Mother"}),
        fr.key_worker_care_team(key_worker_payload(NHS), SYSTEMS),
        fr.key_worker_care_team(key_worker_payload(NHS, registration=""), SYSTEMS),
        fr.safety_plan(safety_plan_payload(NHS, version=3, reviewed_on="2026-11-05"), SYSTEMS),
        fr.safety_plan(safety_plan_payload(NHS, **dict.fromkeys(fr.SAFETY_PLAN_STEP_NAMES, "")), SYSTEMS),
    ]
    return built


@pytest.mark.parametrize("resource", every_resource(), ids=lambda r: r["resourceType"])
def test_every_resource_validates_as_fhir_r4(resource: dict) -> None:
    assert_valid_r4(resource)


def test_uk_core_profiles_are_claimed_except_for_goal_which_has_none() -> None:
    for resource in every_resource():
        profiles = resource.get("meta", {}).get("profile", [])
        if resource["resourceType"] in ("Goal", "DocumentReference"):
            assert profiles == []
        else:
            assert profiles == [f"https://fhir.hl7.org.uk/StructureDefinition/UKCore-{resource['resourceType']}"]


def test_every_resource_names_the_patient_by_nhs_number() -> None:
    for resource in every_resource():
        subject = resource.get("subject") or resource.get("patient")
        assert subject["identifier"] == {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": NHS}


def test_reqol_total_is_an_observation_with_its_snomed_code() -> None:
    [total] = fr.score_observations(reqol_payload(1, NHS), SYSTEMS, URN1)
    assert total["code"]["coding"][0] == {"system": "http://snomed.info/sct", "code": "1091071000000100",
                                          "display": "ReQoL-10 total score"}
    assert total["valueInteger"] == 29
    assert total["derivedFrom"] == [{"reference": URN1}]


def test_dialog_items_are_coded_by_item_code_not_screen_position() -> None:
    payload = dialog_payload(2, NHS)
    payload["answers"] = dict(reversed(list(payload["answers"].items())))  # shown in another order
    by_code = {o["code"]["coding"][0]["code"]: o["valueInteger"]
               for o in fr.score_observations(payload, SYSTEMS, URN1)}
    assert by_code["1037721000000104"] == payload["answers"]["personal_safety"]  # item 8
    assert by_code["1037701000000108"] == payload["answers"]["friendships"]  # item 6
    assert len(by_code) == 11


def test_dialog_means_and_more_help_travel_as_questionnaire_answers() -> None:
    response = fr.questionnaire_response(dialog_payload(2, NHS), SYSTEMS)
    answers = {item["linkId"]: item["answer"][0] for item in response["item"]}
    assert answers["score.quality_of_life"] == {"valueDecimal": 3.75}
    assert answers["job.more_help"] == {"valueBoolean": True}
    assert answers["meetings.more_help"] == {"valueBoolean": False}


def test_a_correction_is_amended_not_a_second_completed_response() -> None:
    payload = reqol_payload(11, NHS, version=3, supersedes_response_id=7, first_response_id=1)
    response = fr.questionnaire_response(payload, SYSTEMS)
    [total] = fr.score_observations(payload, SYSTEMS, URN2)
    assert (response["status"], response["identifier"]["value"]) == ("amended", "1")  # the first version's
    assert (total["status"], total["identifier"][0]["value"]) == ("amended", "questionnaire-response-1-total")
    # A message queued before first_response_id existed is identified by its own id, as it was
    del payload["first_response_id"]
    assert fr.questionnaire_response(payload, SYSTEMS)["identifier"]["value"] == "11"


def test_goal_ratings_use_the_gbo_code_and_status_maps_to_lifecycle() -> None:
    goal = goal_payload(3, NHS, status="stopped", ratings=2)
    resource = fr.goal(goal, SYSTEMS)
    assert (resource["lifecycleStatus"], resource["statusReason"]) == ("cancelled", "Moved away")
    ratings = fr.goal_ratings(goal, SYSTEMS, URN3)
    assert [r["code"]["coding"][0]["code"] for r in ratings] == ["959951000000108"] * 2
    assert [r["valueInteger"] for r in ratings] == [2, 3]



@pytest.mark.parametrize(("position", "code"), [
    (1, "1034351000000101"), (2, "1034361000000103"), (3, "1034371000000105"), (None, "959951000000108")])
def test_a_goal_rating_is_coded_as_goal_1_2_or_3_where_known(position: int | None, code: str) -> None:
    goal = {**goal_payload(3, NHS), "position": position}
    [rating] = fr.goal_ratings(goal, SYSTEMS, URN3)
    assert rating["code"]["coding"][0]["code"] == code


def test_session_summary_text_is_carried_whole() -> None:
    text = "Talked about sleep. Plan: walk daily – review next week."
    document = fr.session_summary(session_payload(7, NHS, text), SYSTEMS)
    assert base64.b64decode(document["content"][0]["attachment"]["data"]).decode() == text


def test_carer_is_coded_as_uk_core_carer() -> None:
    person = fr.related_person(carer_payload(9, NHS), SYSTEMS, None, {"relationship": "Mother"})
    assert person["relationship"][0]["coding"][0] == {
        "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdditionalPersonRelationshipRole",
        "code": "Carer", "display": "Carer"}


def test_an_invalid_resource_is_a_permanent_error_and_is_not_sent() -> None:
    with pytest.raises(PermanentError, match="not valid FHIR R4"):
        fr.validate({"resourceType": "Observation", "code": {"text": "x"}})  # no status
    with pytest.raises(PermanentError):
        fr.goal(goal_payload(3, NHS) | {"created_at": "yesterday"}, SYSTEMS)


def test_the_key_worker_is_the_one_participant_of_the_patients_uk_core_care_team() -> None:
    team = fr.key_worker_care_team(key_worker_payload(NHS, name="Tom Okafor"), SYSTEMS)
    assert team["identifier"] == [{"system": f"{IDENTIFIER_BASE}/key-worker-team", "value": NHS}]
    [participant] = team["participant"]
    assert participant["role"][0]["text"] == "Key worker"
    assert participant["member"] == {"type": "Practitioner", "display": "Tom Okafor",
                                     "identifier": {"system": f"{IDENTIFIER_BASE}/professional-registration",
                                                    "value": "NMC 12A3456E"}}
    assert team["period"]["start"] == participant["period"]["start"] == "2026-11-04T09:30:00+00:00"
    assert team["category"][0]["coding"][0]["code"] == "LA28865-6"


def test_the_safety_plan_is_a_care_plan_with_each_written_step_as_an_activity_in_order() -> None:
    plan = fr.safety_plan(safety_plan_payload(NHS, version=2, reviewed_on="2026-11-05",
                                              reasons_for_living="My niece – and my dog"), SYSTEMS)
    assert plan["category"][0]["coding"][0]["code"] == "safety-plan"
    assert plan["status"] == "active" and plan["intent"] == "plan"
    steps = [(a["detail"]["code"]["coding"][0]["code"], a["detail"]["description"]) for a in plan["activity"]]
    assert steps == [("warning_signs", "I stop sleeping and stay in my room."), ("cope_on_my_own", "Walk the dog"),
                     ("people_to_ask", "My sister Jo"), ("professionals", "NHS 111, option 2"),
                     ("reasons_for_living", "My niece – and my dog")], "blank steps are left out"
    assert fr.safety_plan_position(plan, SYSTEMS) == (2, "2026-11-05")
    assert "2026-11-05" in plan["description"]


def test_a_safety_plan_with_every_step_cleared_is_revoked() -> None:
    plan = fr.safety_plan(safety_plan_payload(NHS, **dict.fromkeys(fr.SAFETY_PLAN_STEP_NAMES, " ")), SYSTEMS)
    assert plan["status"] == "revoked" and "activity" not in plan


def test_a_safety_plan_step_the_record_does_not_know_is_a_permanent_error() -> None:
    with pytest.raises(PermanentError, match="steps the record does not know"):
        fr.safety_plan(safety_plan_payload(NHS, hobbies="Chess"), SYSTEMS)


def test_the_record_knows_every_safety_plan_step_the_portal_has() -> None:
    from portal.models import SAFETY_PLAN_STEPS

    assert tuple(fr.SAFETY_PLAN_STEP_NAMES) == SAFETY_PLAN_STEPS


@pytest.mark.parametrize(("instrument", "version"), [("reqol10", "ReQoL-10 English (UK)"), ("dialog", "1")])
def test_published_questionnaires_validate_as_fhir_r4(instrument: str, version: str) -> None:
    assert_valid_r4(fr.questionnaire(instrument, version, SYSTEMS))


def test_questionnaire_canonicals_have_a_version_token_and_name_a_published_questionnaire() -> None:
    payload = reqol_payload(1, NHS)
    payload["instrument_version"] = "ReQoL-10 English (UK)"
    response = fr.questionnaire_response(payload, SYSTEMS)
    assert response["questionnaire"] == f"{IDENTIFIER_BASE}/Questionnaire/reqol10|reqol-10-english-uk"
    published = fr.questionnaire("reqol10", "ReQoL-10 English (UK)", SYSTEMS)
    assert f"{published['url']}|{published['version']}" == response["questionnaire"]
    answered = {item["linkId"] for item in response["item"] if not item["linkId"].startswith("score.")}
    assert answered <= {item["linkId"] for item in published["item"]}


@pytest.mark.parametrize(("path", "value", "problem"), [
    ("questionnaire", "https://example.org/Questionnaire/reqol10|ReQoL-10 English (UK)", "not a valid canonical"),
    ("questionnaire", "reqol10", "not a valid canonical"),
    ("identifier", {"system": "portal ids", "value": "1"}, "not an absolute URI"),
    ("identifier", {"system": "https://example.org/id", "value": " 1"}, "spaces at either end"),
    ("subject", {"reference": "Patient/has space"}, "not a reference"),
    ("subject", {"reference": "urn:uuid:1"}, "not a reference"),
])
def test_malformed_canonicals_identifiers_and_references_are_caught_before_sending(
        path: str, value: object, problem: str) -> None:
    response = fr.questionnaire_response(reqol_payload(1, NHS), SYSTEMS)
    response[path] = value
    with pytest.raises(PermanentError, match=problem):
        fr.validate(response)


def test_a_flag_closed_with_an_outcome_keeps_it_in_the_record() -> None:
    raised = fr.flag({"flag_id": 8, "nhs_number": NHS, "reason": "carer_worry", "tier": "urgent",
                      "raised_at": "2026-11-30T10:00:00+00:00"}, SYSTEMS)
    closed = fr.cleared_flag({**raised, "id": "5"}, {
        "flag_id": 8, "nhs_number": NHS, "outcome": "no_action_needed", "outcome_note": "Spoke to carer, fine",
        "closed_by_name": "Priya Shah", "closed_at": "2026-11-30T11:00:00+00:00"}, SYSTEMS, "2026-12-01T00:00:00+00:00")
    assert closed["status"] == "inactive" and closed["period"] == {
        "start": "2026-11-30T10:00:00+00:00", "end": "2026-11-30T11:00:00+00:00"}
    [outcome] = [e for e in closed["extension"] if e["url"].endswith("flag-outcome")]
    assert {part["url"]: part.get("valueCoding", {}).get("code") or part.get("valueString")
            for part in outcome["extension"]} == {
        "outcome": "no_action_needed", "note": "Spoke to carer, fine", "closedBy": "Priya Shah"}
    assert "Urgent" in raised["code"]["text"]


def test_text_is_cleaned_of_what_no_record_can_hold_and_blank_elements_are_left_out() -> None:
    goal = goal_payload(3, NHS, text="Football on Saturdays\vwith Dan\x01", status="stopped")
    goal["stop_reason"] = "\ufeff "
    resource = fr.goal(goal, SYSTEMS)
    assert resource["description"]["text"] == "Football on Saturdays with Dan "
    assert "statusReason" not in resource
    summary = fr.session_summary({**session_payload(7, NHS), "key_worker_name": " "}, SYSTEMS)
    assert "author" not in summary
