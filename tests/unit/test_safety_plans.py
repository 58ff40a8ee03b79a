"""The safety plan service: versions, conflicts, revisions, review dates and trusted phones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, SafetyPlan, SafetyPlanDevice, SafetyPlanRevision
from portal.services import accounts, safety_plans
from portal.services.safety_plans import SafetyPlanConflict
from tests import factories


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "safety_plan.updated")
                                   .order_by(OutboxMessage.id)))


# Saving and versions -------------------------------------------------------------------------

def test_the_first_save_makes_version_1_and_sends_the_whole_plan(service_user: Any) -> None:
    plan = safety_plans.save(service_user.user, service_user, {"warning_signs": "  I stop sleeping.  "}, 0)

    assert plan.version == 1
    assert plan.warning_signs == "I stop sleeping."
    assert safety_plans.current(service_user) is plan
    assert "safety_plan_created" in _audit_actions()
    [message] = _messages()
    assert message.payload["nhs_number"] == service_user.nhs_number
    assert message.payload["version"] == 1
    assert message.payload["steps"]["warning_signs"] == "I stop sleeping."
    assert list(message.payload["steps"]) == list(safety_plans.SAFETY_PLAN_STEPS)
    assert datetime.fromisoformat(message.payload["updated_at"]).tzinfo is not None


def test_a_change_keeps_the_old_words_as_a_revision_and_bumps_the_version(service_user: Any,
                                                                          key_worker: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "I stop sleeping.",
                                                        "reasons_for_living": "My dog"}, 0)
    plan = safety_plans.save(key_worker.user, service_user, {"warning_signs": "I stop eating."}, 1)

    assert plan.version == 2
    assert plan.warning_signs == "I stop eating."
    assert plan.reasons_for_living == "My dog"  # steps not sent are left alone
    assert plan.updated_by_id == key_worker.user.id
    [revision] = safety_plans.revisions(plan)
    assert revision.version == 1
    assert revision.content["warning_signs"] == "I stop sleeping."
    assert revision.changed_by_id == key_worker.user.id
    assert [m.payload["version"] for m in _messages()] == [1, 2]
    assert _audit_actions().count("safety_plan_updated") == 1


def test_a_change_based_on_an_older_version_is_refused_and_carries_the_newer_text(service_user: Any,
                                                                                  key_worker: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "First words"}, 0)
    safety_plans.save(key_worker.user, service_user, {"warning_signs": "Key worker's words"}, 1)

    with pytest.raises(SafetyPlanConflict) as caught:
        safety_plans.save(service_user.user, service_user, {"warning_signs": "My words"}, 1)

    assert caught.value.version == 2
    assert caught.value.steps["warning_signs"] == "Key worker's words"
    db.session.expire_all()
    plan = safety_plans.current(service_user)
    assert plan is not None and plan.warning_signs == "Key worker's words" and plan.version == 2
    assert len(safety_plans.revisions(plan)) == 1
    # Saving again on top of the newer version works
    assert safety_plans.save(service_user.user, service_user, {"warning_signs": "My words"}, 2).version == 3


def test_saving_what_is_already_stored_is_not_a_conflict_and_changes_nothing(service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Same"}, 0)
    safety_plans.save(service_user.user, service_user, {"cope_on_my_own": "Walk"}, 1)

    plan = safety_plans.save(service_user.user, service_user, {"warning_signs": "Same"}, 1)

    assert plan.version == 2
    assert len(_messages()) == 2


def test_two_saves_at_the_same_moment_cannot_both_win(service_user: Any, key_worker: Any) -> None:
    plan = safety_plans.save(service_user.user, service_user, {"warning_signs": "First"}, 0)
    assert plan.version == 1
    # Another request saves version 2 after this one loaded version 1 (its copy is now stale).
    with db.engine.begin() as other:
        other.execute(update(SafetyPlan).where(SafetyPlan.id == plan.id)
                      .values(version=2, warning_signs="Other request"))

    with pytest.raises(SafetyPlanConflict) as caught:
        safety_plans.save(key_worker.user, service_user, {"warning_signs": "This request"}, 1)

    assert caught.value.version == 2
    assert caught.value.steps["warning_signs"] == "Other request"
    assert db.session.scalars(select(SafetyPlanRevision)).all() == []


def test_unknown_steps_too_long_text_and_empty_new_plans_are_refused(service_user: Any) -> None:
    user = service_user.user
    with pytest.raises(ValueError):
        safety_plans.save(user, service_user, {"password": "x"}, 0)
    with pytest.raises(ValueError):
        safety_plans.save(user, service_user, {"warning_signs": "x" * (safety_plans.STEP_MAX_LENGTH + 1)}, 0)
    with pytest.raises(ValueError):
        safety_plans.save(user, service_user, {"warning_signs": "   "}, 0)
    assert safety_plans.current(service_user) is None


def test_an_empty_plan_has_no_content() -> None:
    assert not safety_plans.has_content(None)
    assert not safety_plans.has_content(SafetyPlan(warning_signs=" \n"))
    assert safety_plans.has_content(SafetyPlan(reasons_for_living="Bess"))


# Review dates --------------------------------------------------------------------------------

def _plan(created: datetime, reviewed_on: date | None = None) -> SafetyPlan:
    return SafetyPlan(created_at=created, reviewed_on=reviewed_on)


def test_a_plan_never_reviewed_is_due_a_year_after_it_was_made() -> None:
    plan = _plan(datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert safety_plans.review_due_on(plan) == date(2027, 3, 10)
    assert not safety_plans.is_review_due(plan, date(2027, 3, 9))
    assert safety_plans.is_review_due(plan, date(2027, 3, 10))


def test_the_review_date_counts_from_the_last_review() -> None:
    plan = _plan(datetime(2025, 1, 1, tzinfo=UTC), reviewed_on=date(2026, 6, 30))
    assert safety_plans.review_due_on(plan) == date(2027, 6, 30)


def test_a_plan_reviewed_on_29_february_is_due_on_28_february() -> None:
    assert safety_plans.review_due_on(_plan(datetime(2024, 1, 1, tzinfo=UTC), date(2024, 2, 29))) == date(2025, 2, 28)


def test_a_plan_made_late_at_night_in_summer_counts_from_the_uk_date() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London
    assert safety_plans.review_due_on(_plan(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))) == date(2027, 7, 1)


def test_marking_reviewed_keeps_the_version_so_nobody_s_open_edit_conflicts(service_user: Any,
                                                                             key_worker: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Words"}, 0)

    plan = safety_plans.mark_reviewed(key_worker.user, service_user, on=date(2026, 5, 1))

    assert plan.reviewed_on == date(2026, 5, 1)
    assert plan.version == 1
    assert safety_plans.review_due_on(plan) == date(2027, 5, 1)
    assert "safety_plan_reviewed" in _audit_actions()
    assert _messages()[-1].payload["reviewed_on"] == "2026-05-01"
    # The service user's edit from version 1 still saves
    assert safety_plans.save(service_user.user, service_user, {"warning_signs": "New"}, 1).version == 2


def test_only_staff_mark_a_plan_reviewed(service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"warning_signs": "Words"}, 0)
    with pytest.raises(ValueError):
        safety_plans.mark_reviewed(service_user.user, service_user)


# Trusted phones ------------------------------------------------------------------------------

def test_only_a_hash_of_the_phone_token_is_stored(service_user: Any) -> None:
    token = safety_plans.trust_device(service_user.user)

    [device] = db.session.scalars(select(SafetyPlanDevice)).all()
    assert len(token) >= 40
    assert token not in device.token_hash
    assert len(device.token_hash) == 64


def test_a_trusted_phone_shows_the_plan_until_it_is_turned_off(service_user: Any) -> None:
    safety_plans.save(service_user.user, service_user, {"reasons_for_living": "Bess"}, 0)
    token = safety_plans.trust_device(service_user.user)

    shown = safety_plans.view_on_device(token)
    assert shown is not None and shown.plan is not None and shown.plan.reasons_for_living == "Bess"
    assert safety_plans.view_on_device("made-up-token") is None
    assert safety_plans.view_on_device(None) is None

    assert safety_plans.forget_device(service_user.user, token)
    assert safety_plans.view_on_device(token) is None
    assert safety_plans.trusted_devices(service_user.user) == []


def test_someone_else_cannot_turn_off_your_phone_through_their_account(service_user: Any) -> None:
    other = factories.create_service_user()
    token = safety_plans.trust_device(service_user.user)
    assert not safety_plans.forget_device(other.user, token)
    assert safety_plans.view_on_device(token) is not None


def test_changing_the_password_turns_off_every_phone(service_user: Any) -> None:
    first, second = safety_plans.trust_device(service_user.user), safety_plans.trust_device(service_user.user)

    assert accounts.change_password(service_user.user, factories.PASSWORD, "a-brand-new-password")

    assert safety_plans.view_on_device(first) is None
    assert safety_plans.view_on_device(second) is None
    assert _audit_actions().count("safety_plan_device_removed") == 2


def test_a_phone_must_be_set_up_again_after_a_year(service_user: Any) -> None:
    token = safety_plans.trust_device(service_user.user)
    device = db.session.scalars(select(SafetyPlanDevice)).one()
    device.created_at = datetime.now(UTC) - timedelta(days=safety_plans.DEVICE_DAYS, minutes=1)
    db.session.commit()
    assert safety_plans.view_on_device(token) is None


def test_a_closed_account_s_phone_shows_nothing(service_user: Any) -> None:
    token = safety_plans.trust_device(service_user.user)
    service_user.user.active = False
    db.session.commit()
    assert safety_plans.view_on_device(token) is None


def test_only_service_users_trust_a_phone(key_worker: Any) -> None:
    with pytest.raises(ValueError):
        safety_plans.trust_device(key_worker.user)
