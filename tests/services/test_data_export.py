"""Download my information: everything the portal holds about one person, and nothing else."""

from __future__ import annotations

import json
from datetime import timedelta

from portal.extensions import db
from portal.models import (
    Agreement,
    AssignmentSource,
    FlagSource,
    KeyWorkerAssignment,
    MeasureDeferral,
    SafetyFlag,
    Section,
)
from portal.models.base import utcnow
from portal.services import care_plans, care_sessions, carers, data_export, goals, safety_plans
from tests import factories

SERVICE_USER_SECTIONS = [
    "format", "version", "produced_at", "about", "person", "account", "key_workers", "questionnaires",
    "questionnaires_asked_for", "questionnaires_put_off", "goals", "care_plan", "safety_plan", "carers",
    "carer_views", "reminders", "sessions", "who_has_seen",
]


def _sam_with_a_record(service_user, key_worker, carer):  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(key_worker.user, service_user, text="Walk the dog", first_rating=3,
                            agreement=Agreement.TOGETHER)
    goals.rate_goal(key_worker.user, service_user, goal, 6, note="Going well")
    care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My dog Bess")
    care_plans.agree(key_worker.user, service_user)
    plan = safety_plans.save(service_user.user, service_user, {"warning_signs": "Not sleeping"}, based_on_version=0)
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Not sleeping for 2 nights"},
                      based_on_version=plan.version)
    factories.create_consent(carer, service_user, ("goals",))
    factories.create_contribution(carer, service_user, private=("worries",),
                                  how_things_have_been="Brighter", worries="Secret worry for the team")
    session = care_sessions.start(key_worker.user, service_user)
    care_sessions.save_notes(key_worker.user, session, "We talked about walks", based_on_version=session.notes_version)
    db.session.commit()
    return goal


def test_everything_about_the_person_in_a_stable_versioned_structure(app, service_user, key_worker, carer) -> None:  # type: ignore[no-untyped-def]
    _sam_with_a_record(service_user, key_worker, carer)
    copy = data_export.for_service_user(service_user)
    json.dumps(copy)  # plain JSON: no dates or models left in it
    assert list(copy) == SERVICE_USER_SECTIONS
    assert (copy["format"], copy["version"], copy["about"]) == ("your-care-portal-information", 1, "service_user")
    assert copy["person"]["nhs_number"] == service_user.nhs_number
    assert copy["person"]["key_worker"] == {"name": "Kim Keyworker", "profession": "Mental health nurse"}
    assert (copy["person"]["gender"], copy["person"]["ethnic_category"]) == (None, None)  # until the record gives them
    [goal] = copy["goals"]
    assert goal["text"] == "Walk the dog" and [r["rating"] for r in goal["ratings"]] == [3, 6]
    assert goal["ratings"][1]["note"] == "Going well"
    assert copy["care_plan"]["draft"][0]["text"] == "My dog Bess"
    assert copy["care_plan"]["versions"][0]["number"] == 1
    assert copy["safety_plan"]["steps"]["warning_signs"] == "Not sleeping for 2 nights"
    assert copy["safety_plan"]["earlier_versions"][0]["steps"]["warning_signs"] == "Not sleeping"
    [their_carer] = copy["carers"]
    assert their_carer["name"] == "Jo Taylor" and their_carer["consent_history"][0]["may_see"] == ["goals"]
    assert copy["sessions"][0]["notes"] == "We talked about walks"
    assert copy["sessions"][0]["key_worker"] == "Kim Keyworker"
    assert any(event["action"] == "goal_rated" for event in copy["who_has_seen"])


def test_what_the_person_is_not_shown_does_not_leak(app, service_user, key_worker, carer) -> None:  # type: ignore[no-untyped-def]
    _sam_with_a_record(service_user, key_worker, carer)
    other = factories.create_service_user(key_worker=key_worker, given_name="Alex")
    goals.draft_goal(other.user, other, text="Alex's own goal")
    db.session.add(KeyWorkerAssignment(service_user_id=service_user.id, key_worker_id=key_worker.id,
                                       handover_on=utcnow().date(), handover_note="Staff-only handover words",
                                       source=AssignmentSource.PORTAL))
    db.session.add(SafetyFlag(service_user_id=service_user.id, reason="reqol_item6", source=FlagSource.ANSWER,
                              outcome_note="Staff-only follow-up words"))
    db.session.add(MeasureDeferral(service_user_id=service_user.id, instrument_id="reqol10",
                                   reason="Staff-only deferral reason", until=utcnow().date() + timedelta(days=7),
                                   recorded_by_id=key_worker.user.id))
    db.session.commit()
    text = json.dumps(data_export.for_service_user(service_user))
    for hidden in ("Secret worry for the team", "Alex's own goal", "Staff-only handover words",
                   "Staff-only follow-up words", "Staff-only deferral reason", "password", carer.user.email):
        assert hidden not in text, hidden
    copy = data_export.for_service_user(service_user)
    assert copy["carer_views"][0]["parts"] == {"how_things_have_been": "Brighter"}
    assert copy["key_workers"][0]["key_worker"] == "Kim Keyworker"
    assert copy["questionnaires_put_off"][0]["instrument"] == "reqol10"


def test_a_carer_gets_their_own_details_and_views(app, service_user, key_worker, carer) -> None:  # type: ignore[no-untyped-def]
    _sam_with_a_record(service_user, key_worker, carer)
    carer.phone, carer.language = "01632 960000", "Welsh"
    told = carers.contributions_by_carer(carer, service_user.id)
    db.session.commit()
    copy = data_export.for_carer(carer)
    json.dumps(copy)
    assert (copy["version"], copy["about"]) == (1, "carer")
    assert copy["carer"]["phone"] == "01632 960000" and copy["carer"]["language"] == "Welsh"
    assert copy["cares_for"] == [{"name": "Sam Taylor", "relationship": "Mother", "shares_with_you": ["goals"]}]
    [views] = copy["views_sent"]
    assert views["parts"]["worries"] == {"text": "Secret worry for the team", "only_for_the_team": True}
    assert views["read_by_team"] is None and len(told) == 1  # not theirs to know without "involvement"
    text = json.dumps(copy)
    for hidden in ("Walk the dog", "Not sleeping", "We talked about walks", service_user.nhs_number):
        assert hidden not in text, hidden
