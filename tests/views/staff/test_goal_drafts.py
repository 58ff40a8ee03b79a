"""When Sam drafts a goal he is told "Your key worker will talk it through with you": the key worker
must see it, on the caseload and on Sam's page (issue 19 item 18)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import PageRequest
from tests.views.staff.test_caseload import tags_of, up_to_date


def _draft(as_service_user: PageRequest, text: str) -> None:
    page = as_service_user.post("me.new_goal", _data={"text": text, "first_rating": "2"}, _expected_status=303)
    del page


def test_a_goal_sam_drafts_shows_on_his_key_worker_s_caseload_and_his_page(
        app: Flask, service_user: Any, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:
    up_to_date(service_user)
    assert tags_of(as_key_worker.get("staff.home"), service_user) == []
    # When Sam drafts two goals on his phone
    _draft(as_service_user, "Go swimming once a week")
    _draft(as_service_user, "Cook a meal for my family")
    # Then Priya's caseload says so, and counts him under "Needs attention" and "Goals"
    caseload = as_key_worker.get("staff.home")
    assert "2 goals drafted, to talk through" in tags_of(caseload, service_user)
    for show in ("attention", "goals"):
        assert f"person-{service_user.id}" in str(as_key_worker.get("staff.home", show=show).select_one("#caseload-results"))
    # And his page tells her, with a link to the goals
    page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    notice = page.select_one("#draft-goals")
    assert notice is not None
    assert "Sam has 2 draft goals to talk through and agree together." in notice.get_text(" ", strip=True)
    assert notice.select_one("a")["href"] == f"/staff/service-users/{service_user.id}/goals"


def test_no_notice_without_drafts(app: Flask, service_user: Any, as_key_worker: PageRequest) -> None:
    up_to_date(service_user)
    page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    assert page.select_one("#draft-goals") is None
