"""Someone else's data is never visible by changing an id in a URL."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Role
from tests import factories
from tests.conftest import PageRequest


def test_key_worker_sees_their_caseload_only(app: Flask, key_worker, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    colleague = factories.create_staff(key_worker.team)
    factories.create_service_user(key_worker=colleague, given_name="Other", family_name="Person")
    page = as_key_worker.get("staff.home")
    names = [a.get_text(strip=True) for a in page.select("table a")]
    assert names == ["Sam Taylor"]


def test_key_worker_gets_404_for_someone_not_on_their_caseload(app: Flask, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_service_user(key_worker=factories.create_staff(key_worker.team))
    page = as_key_worker.get("staff.service_user", _expected_status=404, service_user_id=other.id)
    assert other.family_name not in page.get_text()
    as_key_worker.get("staff.service_user", _expected_status=404, service_user_id=999999)


def test_viewing_a_service_user_is_audited(app: Flask, service_user, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    assert page.h1.get_text(strip=True) == "Sam Taylor"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service_user_viewed"))
    assert (event.actor_user_id, event.record_type, event.record_id) == (key_worker.user_id, "service_user", service_user.id)


def test_team_lead_sees_the_whole_team_with_no_key_worker_first(app: Flask, team, key_worker, service_user, as_team_lead: PageRequest) -> None:  # type: ignore[no-untyped-def]
    factories.create_service_user(team, given_name="Alex", family_name="Morgan")
    factories.create_service_user(factories.create_team(), given_name="Not", family_name="OurTeam")
    page = as_team_lead.get("staff.home")
    rows = page.select("tbody tr")
    assert [r.select_one("a").get_text(strip=True) for r in rows] == ["Alex Morgan", "Sam Taylor"]
    assert "No key worker" in rows[0].get_text()
    assert page.select_one("#no-key-worker-count").get_text(strip=True) == "1"


def test_team_lead_cannot_see_another_team(app: Flask, as_team_lead: PageRequest) -> None:
    outsider = factories.create_service_user(factories.create_team())
    as_team_lead.get("staff.service_user", _expected_status=404, service_user_id=outsider.id)


def test_roles_cannot_use_each_others_pages(app: Flask, service_user, as_service_user: PageRequest, as_carer: PageRequest, as_admin: PageRequest) -> None:  # type: ignore[no-untyped-def]
    as_service_user.get("staff.service_user", _expected_status=403, service_user_id=service_user.id)
    as_service_user.get("carer.home", _expected_status=403)
    as_service_user.get("admin.home", _expected_status=403)
    as_carer.get("me.home", _expected_status=403)
    as_carer.get("staff.home", _expected_status=403)
    # The admin manages accounts; they see no clinical record.
    as_admin.get("staff.service_user", _expected_status=403, service_user_id=service_user.id)
    as_admin.get("me.home", _expected_status=403)


def test_service_user_home_shows_their_key_worker_or_that_there_is_none(app: Flask, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    assert "Kim Keyworker" in as_service_user.get("me.home").get_text()
    service_user.key_worker_id = None
    db.session.commit()
    assert "You do not have a key worker yet" in as_service_user.get("me.home").get_text()


def test_carer_home_lists_only_the_people_they_care_for(app: Flask, carer, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    factories.create_service_user(given_name="Stranger")
    text = as_carer.get("carer.home").get_text()
    assert "Sam Taylor" in text
    assert "Stranger" not in text


def test_admin_sees_account_counts_and_the_audit_trail_without_names(app: Flask, service_user, as_admin: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_admin.get("admin.home")
    assert "signed_in" in page.get_text()
    assert "Taylor" not in page.get_text()


def test_audit_events_cannot_be_changed(app: Flask) -> None:
    import pytest

    from portal.models.audit import AuditIsAppendOnly
    from portal.services import audit

    user = factories.create_user(Role.ADMIN)
    audit.record_now(user.id, "test_event")
    event = db.session.scalar(select(AuditEvent))
    event.action = "rewritten"
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
