"""How every HTMX form shows a refused save (issue 19, item 1), decided once: the layout's htmx
config swaps 4xx answers and not 5xx; an error page answered to HTMX is a short message for the
page's problem region (the form, and what was typed in it, stay); a refused session save is
marked so the poll never replaces it."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.models import CareSession
from tests.conftest import PageRequest

HX = {"HX-Request": "true"}


def _matches(pattern: str, code: int) -> bool:
    return re.fullmatch(pattern, str(code)) is not None


def test_the_layout_swaps_refusals_and_not_server_errors(as_service_user: PageRequest) -> None:
    page = as_service_user.get("me.home")
    config = json.loads(page.select_one("meta[name=htmx-config]")["content"])
    rules = config["responseHandling"]

    def rule_for(code: int) -> dict[str, object]:
        return next(rule for rule in rules if _matches(rule["code"], code))

    for refused in (400, 404, 409, 422):
        assert rule_for(refused)["swap"] is True, refused
    assert rule_for(204)["swap"] is False
    for server_error in (500, 503):
        assert rule_for(server_error) == {"code": "...", "swap": False, "error": True}
    region = page.select_one("#htmx-problem")
    assert region is not None and not region.get_text(strip=True)
    assert "Nothing was saved" in region["data-server-error"]
    assert "could not be reached" in region["data-send-error"]


def test_an_error_page_answered_to_htmx_goes_to_the_problem_region(as_service_user: PageRequest) -> None:
    response = as_service_user.client.get("/me/goals/999999", headers=HX)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#htmx-problem"
    assert response.headers["HX-Reswap"] == "innerHTML"
    fragment = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert fragment.find("html") is None and fragment.find("h1") is None
    summary = fragment.select_one(".nhsuk-error-summary[role=alert]")
    assert summary.h2.get_text(strip=True) == "Page not found"
    assert "What you wrote is still on this page" in summary.get_text()
    # Without HTMX, the whole error page as before
    page = as_service_user.client.get("/me/goals/999999")
    assert page.status_code == 404 and "HX-Retarget" not in page.headers
    assert BeautifulSoup(page.get_data(as_text=True), "html.parser").h1.get_text(strip=True) == "Page not found"


def test_a_refused_session_save_is_marked_so_the_poll_leaves_it(service_user, as_key_worker: PageRequest,  # type: ignore[no-untyped-def]
                                                                 as_service_user: PageRequest) -> None:
    as_key_worker.post("staff.start_session", _expected_status=303, service_user_id=service_user.id)
    session = db.session.scalar(select(CareSession))
    assert session is not None
    as_key_worker.post("staff.save_session_notes", _data={"notes": "Talked about sleep", "version": "1"},
                       _expected_status=303, service_user_id=service_user.id, session_id=session.id)
    response = as_service_user.client.post(f"/me/sessions/{session.id}/notes",
                                           data={"notes": "Talked about work", "version": "1"}, headers=HX)
    assert response.status_code == 409
    live = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("#session-live")
    assert live.has_attr("data-poll")
    notes = live.select_one("#notes-form")
    assert notes.has_attr("data-unsaved") and notes.textarea.get_text() == "Talked about work"
    assert [form["id"] for form in live.select("form[data-unsaved]")] == ["notes-form"]
    # Every form that saves as it changes waits for the settled choice
    assert {form["hx-trigger"] for form in live.select("form[data-autosave]")} == {"settled, submit"}
