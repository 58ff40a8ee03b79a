"""The key worker reads and writes a service user's safety plan with them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import SAFETY_PLAN_STEPS, AuditEvent, Role
from portal.services import safety_plans
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _text(page: Any) -> str:
    return " ".join(page.get_text(" ").split())


def _all_steps(**steps: str) -> dict[str, str]:
    return {code: steps.get(code, "") for code in SAFETY_PLAN_STEPS}


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_key_worker_makes_a_plan_with_the_person(as_key_worker: PageRequest, service_user: Any,
                                                    key_worker: Any) -> None:
    page = as_key_worker.get("staff.safety_plan", service_user_id=service_user.id)
    assert "Sam does not have a safety plan yet" in _text(page)
    page = as_key_worker.get("staff.edit_safety_plan", service_user_id=service_user.id)
    assert len(page.select("textarea")) == 7
    assert page.select_one("input[name=version]")["value"] == "0"

    as_key_worker.post("staff.edit_safety_plan", service_user_id=service_user.id, _expected_status=303,
                       _data={"version": "0", **_all_steps(warning_signs="Stops sleeping", reasons_for_living="Bess")})

    plan = safety_plans.current(service_user)
    assert plan is not None and plan.warning_signs == "Stops sleeping" and plan.updated_by_id == key_worker.user.id
    page = as_key_worker.get("staff.safety_plan", service_user_id=service_user.id)
    assert "Stops sleeping" in _text(page) and "Bess" in _text(page)
    assert "version 1" in _text(page)


def test_an_empty_new_plan_asks_for_at_least_one_step(as_key_worker: PageRequest, service_user: Any) -> None:
    page = as_key_worker.post("staff.edit_safety_plan", service_user_id=service_user.id,
                              _data={"version": "0", **_all_steps()})
    assert error_messages(page) == ["Write at least one step of the plan"]
    assert safety_plans.current(service_user) is None


def test_a_change_after_the_person_saved_shows_their_words_and_keeps_the_key_worker_s(
    as_key_worker: PageRequest, service_user: Any,
) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "First"}, 0)
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Sam's newer words"}, 1)

    page = as_key_worker.post("staff.edit_safety_plan", service_user_id=service_user.id, _expected_status=409,
                              _data={"version": "1", **_all_steps(warning_signs="Typed in session")})

    assert "The plan changed while you were writing" in _text(page)
    assert _text(page.select_one(".portal-safety-plan__newer")) == "Sam's newer words"
    assert page.select_one("textarea[name=warning_signs]").get_text() == "Typed in session"
    assert page.select_one("input[name=version]")["value"] == "2"
    db.session.expire_all()
    assert safety_plans.current(service_user).warning_signs == "Sam's newer words"  # type: ignore[union-attr]


def test_marking_the_plan_reviewed_moves_the_review_date_on(as_key_worker: PageRequest, service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Words"}, 0)

    as_key_worker.post("staff.review_safety_plan", service_user_id=service_user.id, _expected_status=303)

    plan = safety_plans.current(service_user)
    assert plan is not None and plan.reviewed_on == date.today()
    page = as_key_worker.get("staff.safety_plan", service_user_id=service_user.id)
    due = safety_plans.review_due_on(plan)
    assert f"{due.day} {due:%B %Y}" in _text(page)


def test_a_plan_not_reviewed_for_a_year_is_flagged(as_key_worker: PageRequest, service_user: Any) -> None:
    plan = safety_plans.save(service_user.user, service_user, {"warning_signs": "Words"}, 0)
    plan.reviewed_on = date(date.today().year - 2, 1, 1)
    db.session.commit()
    page = as_key_worker.get("staff.safety_plan", service_user_id=service_user.id)
    assert page.select_one(".nhsuk-tag--red").get_text(strip=True) == "Review due"


def test_viewing_the_plan_is_audited(as_key_worker: PageRequest, service_user: Any, key_worker: Any) -> None:
    as_key_worker.get("staff.safety_plan", service_user_id=service_user.id)
    [event] = _audit("safety_plan_viewed")
    assert (event.actor_user_id, event.record_type, event.record_id) == (key_worker.user.id, "service_user",
                                                                         service_user.id)


def test_earlier_versions_are_shown(as_key_worker: PageRequest, service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Old words"}, 0)
    safety_plans.save(service_user.user, service_user, {"warning_signs": "New words"}, 1)
    page = as_key_worker.get("staff.safety_plan", service_user_id=service_user.id)
    [details] = page.select("details")
    assert "Version 1" in _text(details) and "Old words" in _text(details)
    changed = [row.dt.get_text(" ", strip=True) for row in details.select(".nhsuk-summary-list__row")
               if row.select_one(".nhsuk-tag")]
    assert len(changed) == 1 and changed[0].endswith("Changed since")  # only the warning signs changed


def test_the_team_lead_can_see_a_plan_in_their_team(as_team_lead: PageRequest, service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Words"}, 0)
    assert "Words" in _text(as_team_lead.get("staff.safety_plan", service_user_id=service_user.id))


@pytest.mark.parametrize(("endpoint", "method"), [
    ("staff.safety_plan", "get"), ("staff.edit_safety_plan", "get"), ("staff.print_safety_plan", "get"),
    ("staff.edit_safety_plan", "post"), ("staff.review_safety_plan", "post"),
])
def test_another_key_worker_s_service_user_is_not_found(as_key_worker: PageRequest, key_worker: Any,
                                                        endpoint: str, method: str) -> None:
    other = factories.create_service_user(key_worker=factories.create_staff(key_worker.team),
                                          family_name="Elsewhere")
    safety_plans.save(other.user, other, {"warning_signs": "Private words"}, 0)

    if method == "get":
        page = as_key_worker.get(endpoint, _expected_status=404, service_user_id=other.id)
    else:
        page = as_key_worker.post(endpoint, _expected_status=404, service_user_id=other.id,
                                  _data={"version": "1", **_all_steps(warning_signs="Overwritten")})

    assert "Private words" not in _text(page) and "Elsewhere" not in _text(page)
    db.session.expire_all()
    plan = safety_plans.current(other)
    assert plan is not None and plan.warning_signs == "Private words" and plan.reviewed_on is None
    assert _audit("safety_plan_viewed") == []


def test_another_team_s_lead_gets_not_found(service_user: Any, app: Any) -> None:
    from tests.conftest import sign_in

    lead = factories.create_staff(factories.create_team(), role=Role.TEAM_LEAD)
    client = sign_in(app.test_client(), lead.user)
    assert client.get(f"/staff/service-users/{service_user.id}/safety-plan").status_code == 404


def test_the_print_view_is_the_plan(as_key_worker: PageRequest, service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"reasons_for_living": "Bess"}, 0)
    page = as_key_worker.get("staff.print_safety_plan", service_user_id=service_user.id)
    assert "Bess" in _text(page)
    assert page.select_one("a.nhsuk-back-link")["href"] == f"/staff/service-users/{service_user.id}/safety-plan"


def test_the_service_user_page_links_to_the_plan(as_key_worker: PageRequest, service_user: Any) -> None:
    page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    assert page.select_one(f"a[href='/staff/service-users/{service_user.id}/safety-plan']") is not None
