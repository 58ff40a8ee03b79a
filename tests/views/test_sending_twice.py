"""Sending the same form twice makes one thing (issue 19, item 2): every form that creates
something carries a one-time token made when it is shown; a second send with it (a double tap,
or Back and send again, with or without JavaScript) goes where the first went and makes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import CarePlanEntry, CarerContribution, CareSession, Goal, MeasureAssignment, MeasureDeferral
from tests.conftest import PageRequest


def soon() -> date:
    """Worked out when each test runs, never at import (a run may cross midnight)."""
    return date.today() + timedelta(days=14)


@dataclass(frozen=True)
class CreateForm:
    who: str  # the PageRequest fixture
    page: str  # the endpoint showing the form
    action: str  # the endpoint it posts to
    data: dict[str, str]
    made: type
    form: str = "main form[method=post]"  # which form on the page
    token: str = "form_token"
    values: tuple[tuple[str, str], ...] = ()


def _date(prefix: str) -> dict[str, str]:
    return {f"{prefix}-day": str(soon().day), f"{prefix}-month": str(soon().month), f"{prefix}-year": str(soon().year)}


CREATE_FORMS = {
    "carer's views": CreateForm("as_carer", "carer.contribute", "carer.contribute",
                                {"how_things_have_been": "Better this week"}, CarerContribution),
    "service user's goal": CreateForm("as_service_user", "me.new_goal", "me.new_goal",
                                      {"text": "Cook a meal", "first_rating": "3"}, Goal),
    "key worker's goal": CreateForm("as_key_worker", "staff.new_goal", "staff.new_goal",
                                    {"text": "Cook a meal", "first_rating": "3", "agreement": "together"}, Goal),
    "care plan entry": CreateForm("as_service_user", "me.add_care_plan_entry", "me.add_care_plan_entry",
                                  {"text": "Walk every morning"}, CarePlanEntry, values=(("section", "i_will_do"),)),
    "questionnaire asked for": CreateForm("as_key_worker", "staff.service_user_measures", "staff.assign_measure",
                                          {"assign-instrument": "reqol10", **_date("assign-due_on")},
                                          MeasureAssignment, form="form[action$='/assignments']",
                                          token="assign-form_token"),
    "not the right time": CreateForm("as_key_worker", "staff.service_user_measures", "staff.defer_measure",
                                     {"defer-instrument": "dialog", "defer-why": "not_now", "defer-reason": "In crisis", **_date("defer-until")},
                                     MeasureDeferral, form="form[action$='/deferrals']", token="defer-form_token"),
}


def _token(page: BeautifulSoup, form: str, name: str) -> str:
    shown = page.select_one(form)
    assert shown is not None, f"no {form} on the page"
    field = shown.select_one(f"input[name='{name}']")
    assert field is not None, f"the form has no one-time token ({name})"
    return str(field["value"])


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_sending_a_create_form_twice_makes_one(name: str, request: pytest.FixtureRequest, service_user: Any,
                                               carer: Any) -> None:
    case = CREATE_FORMS[name]
    client: PageRequest = request.getfixturevalue(case.who)
    values: dict[str, Any] = dict(case.values)
    if case.who == "as_key_worker" or case.page.startswith("carer."):
        values["service_user_id"] = service_user.id
    # Given the form as shown (its token made then)
    page = client.get(case.page, **values)
    data = {**case.data, case.token: _token(page, case.form, case.token)}
    before = _count(case.made)
    # When it is sent, and then sent again (a double tap, or Back and send)
    first = client.client.post(client.url(case.action, **values), data=data)
    again = client.client.post(client.url(case.action, **values), data=data)
    # Then one thing is made, and the second send goes on to a page as the first did
    assert first.status_code == 303, first.status_code
    assert again.status_code == 303, again.status_code
    assert _count(case.made) == before + 1
    # And a new showing of the form has a new token, so the person can send another on purpose
    assert _token(client.get(case.page, **values), case.form, case.token) != data[case.token]


def test_an_action_added_in_session_twice_is_added_once(service_user: Any, as_key_worker: PageRequest) -> None:
    as_key_worker.post("staff.start_session", _expected_status=303, service_user_id=service_user.id)
    session = db.session.scalar(select(CareSession))
    assert session is not None
    values = {"service_user_id": service_user.id, "session_id": session.id}
    page = as_key_worker.get("staff.care_session", **values)
    data = {"who": "team", "text": "Phone the housing officer", "item_code": "",
            "form_token": _token(page, "form#action-general", "form_token")}
    url = as_key_worker.url("staff.add_session_action", **values)
    # With JavaScript (HTMX) and without
    assert as_key_worker.client.post(url, data=data, headers={"HX-Request": "true"}).status_code == 200
    assert as_key_worker.client.post(url, data=data).status_code == 303
    texts = db.session.scalars(select(CarePlanEntry.text)).all()
    assert texts == ["Phone the housing officer"]


def test_a_made_up_or_missing_token_still_makes_one_each_time(carer: Any, service_user: Any,
                                                               as_carer: PageRequest) -> None:
    for token in ("", "<script>", "short"):
        as_carer.post("carer.contribute", {"how_things_have_been": f"Fine {token}", "form_token": token},
                      _expected_status=303, service_user_id=service_user.id)
    assert _count(CarerContribution) == 3


def test_back_to_a_form_loaded_again_and_sent_again_makes_nothing_new(carer: Any, service_user: Any,
                                                                      as_carer: PageRequest) -> None:
    # Personal pages are never cached: Back loads the form again (a new token) and the browser
    # puts back what was typed. The same words to the same place a moment later are the same send.
    words = {"how_things_have_been": "Sam slept badly"}
    for _ in range(2):
        page = as_carer.get("carer.contribute", service_user_id=service_user.id)
        as_carer.post("carer.contribute", {**words, "form_token": _token(page, "main form[method=post]", "form_token")},
                      _expected_status=303, service_user_id=service_user.id)
    assert _count(CarerContribution) == 1
    # Other words are another message
    as_carer.post("carer.contribute", {"how_things_have_been": "And now he is sleeping well"},
                  _expected_status=303, service_user_id=service_user.id)
    assert _count(CarerContribution) == 2


def test_the_same_words_much_later_are_a_new_message(carer: Any, service_user: Any, as_carer: PageRequest) -> None:
    from portal.models import UsedFormToken
    from portal.services import once

    words = {"how_things_have_been": "A hard week"}
    as_carer.post("carer.contribute", words, _expected_status=303, service_user_id=service_user.id)
    for row in db.session.scalars(select(UsedFormToken)):
        row.used_at -= once.REPEAT_WINDOW
    db.session.commit()
    as_carer.post("carer.contribute", words, _expected_status=303, service_user_id=service_user.id)
    assert _count(CarerContribution) == 2
