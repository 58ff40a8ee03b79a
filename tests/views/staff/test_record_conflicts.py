"""Key workers resolve carer details that changed both in the portal and in the clinical record."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerDetailConflict, ConflictStatus, OutboxMessage
from tests import factories
from tests.pages import error_messages


def _conflict(service_user, carer) -> CarerDetailConflict:  # type: ignore[no-untyped-def]
    carer.phone = "01632960111"
    conflict = CarerDetailConflict(service_user_id=service_user.id, carer_id=carer.id, field="phone",
                                   portal_value="01632960111", record_value="01632960222")
    db.session.add(conflict)
    db.session.commit()
    return conflict


def test_the_key_worker_sees_both_values_and_keeps_the_records(as_key_worker, service_user, carer) -> None:
    conflict = _conflict(service_user, carer)

    listing = as_key_worker.get("staff.record_conflicts", service_user_id=service_user.id)
    assert "Jo Taylor: Phone" in listing.get_text(" ")
    page = as_key_worker.get("staff.resolve_record_conflict", service_user_id=service_user.id,
                             conflict_id=conflict.id)
    labels = [label.get_text(" ", strip=True) for label in page.select(".nhsuk-radios__label")]
    assert labels == ["01632960111 (in this portal)", "01632960222 (in the clinical record)"]

    as_key_worker.post("staff.resolve_record_conflict", service_user_id=service_user.id, conflict_id=conflict.id,
                       _data={"choice": "record"}, _expected_status=303)

    db.session.expire_all()
    assert carer.phone == "01632960222"
    assert db.session.get_one(CarerDetailConflict, conflict.id).status is ConflictStatus.RESOLVED
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_keeping_the_portals_value_sends_it_to_the_record(as_key_worker, service_user, carer) -> None:
    conflict = _conflict(service_user, carer)

    as_key_worker.post("staff.resolve_record_conflict", service_user_id=service_user.id, conflict_id=conflict.id,
                       _data={"choice": "portal"}, _expected_status=303)

    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.payload["phone"], message.payload["carer_id"]) == (
        "related_person.updated", "01632960111", carer.id)


def test_not_choosing_says_so(as_key_worker, service_user, carer) -> None:
    conflict = _conflict(service_user, carer)
    page = as_key_worker.post("staff.resolve_record_conflict", service_user_id=service_user.id,
                              conflict_id=conflict.id, _data={})
    assert error_messages(page) == ["Choose which one is right"]


def test_someone_elses_service_user_is_not_found(as_key_worker, service_user, carer) -> None:
    other = factories.create_service_user(key_worker=factories.create_staff())
    other_carer = factories.create_carer(other)
    conflict = _conflict(other, other_carer)
    as_key_worker.get("staff.record_conflicts", service_user_id=other.id, _expected_status=404)
    as_key_worker.get("staff.resolve_record_conflict", service_user_id=other.id, conflict_id=conflict.id,
                      _expected_status=404)
    mine = _conflict(service_user, carer)  # and one of mine cannot be reached through theirs
    as_key_worker.get("staff.resolve_record_conflict", service_user_id=other.id, conflict_id=mine.id,
                      _expected_status=404)
