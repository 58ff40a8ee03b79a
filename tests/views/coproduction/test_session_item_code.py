"""The DIALOG+ area an action is for comes from the form: only the session's own areas are taken,
and nothing typed into it is echoed into a response header."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import CarePlanEntry, CareSession
from portal.services import care_sessions, settings
from tests.conftest import PageRequest


def _start(as_key_worker: PageRequest, person: Any) -> CareSession:
    as_key_worker.post("staff.start_session", _expected_status=303, service_user_id=person.id)
    session = db.session.scalar(select(CareSession))
    assert session is not None
    return session


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("item_code", ["x" * 100_000, "y" * 41, "not-a-dialog-code", "NOT_PICKED"])
def test_an_action_for_an_area_not_in_the_session_is_not_found(service_user: Any, key_worker: Any,
                                                               as_key_worker: PageRequest, item_code: str,
                                                               htmx: bool) -> None:
    session = _start(as_key_worker, service_user)
    codes = [item.code for item in settings.instrument("dialog").items]
    care_sessions.pick_area(key_worker.user, session, codes[0])
    if item_code == "NOT_PICKED":  # a real DIALOG code, but not an area of this session
        item_code = codes[1]
    response = as_key_worker.client.post(
        as_key_worker.url("staff.add_session_action", service_user_id=service_user.id, session_id=session.id),
        data={"who": "me", "text": "Ring the job centre", "item_code": item_code},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == 404
    assert all(item_code not in value for _, value in response.headers.items())
    assert db.session.scalar(select(func.count()).select_from(CarePlanEntry)) == 0


def test_an_action_for_a_picked_area_or_for_the_session_is_taken(service_user: Any, key_worker: Any,
                                                                 as_key_worker: PageRequest) -> None:
    session = _start(as_key_worker, service_user)
    area = care_sessions.pick_area(key_worker.user, session, settings.instrument("dialog").items[0].code)
    assert care_sessions.action_item_code(session, area.item_code) == area.item_code
    assert care_sessions.action_item_code(session, "") == care_sessions.action_item_code(session, None) == ""
