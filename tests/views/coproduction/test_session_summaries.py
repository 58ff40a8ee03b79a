"""Sam can find the summary of a session after it ends (issue 19 item 19): a list of ended
sessions, newest first, linked from his home page; the same list on his page for staff."""

from __future__ import annotations

from typing import Any

from portal.services import care_sessions
from tests.conftest import PageRequest


def _ended_session(service_user: Any, key_worker: Any, summary: str) -> Any:
    session = care_sessions.start(key_worker.user, service_user)
    care_sessions.end(key_worker.user, service_user, session, summary)
    return session


def test_sam_finds_his_session_summaries_from_his_home_page(
        app: Any, service_user: Any, key_worker: Any, as_service_user: PageRequest) -> None:
    first = _ended_session(service_user, key_worker, "We talked about sleep.")
    second = _ended_session(service_user, key_worker, "We talked about work.")
    care_sessions.start(key_worker.user, service_user)  # one still going is not a summary yet

    home = as_service_user.get("me.home")
    link = home.select_one("main a[href='/me/session-summaries']")
    assert link is not None and link.get_text(strip=True) == "Summaries of your sessions"

    page = as_service_user.get("me.session_summaries")
    assert page.h1.get_text(strip=True) == "Summaries of your sessions"
    links = [(a.get_text(" ", strip=True), a["href"]) for a in page.select("main ul.portal-link-list a")]
    assert [href for _text, href in links] == [f"/me/sessions/{second.id}", f"/me/sessions/{first.id}"]
    assert all("with Kim Keyworker" in text for text, _href in links)

    summary = as_service_user.get("me.care_session", session_id=first.id)
    assert "We talked about sleep." in summary.get_text()
    assert summary.select_one(".nhsuk-back-link")["href"] == "/me/session-summaries"


def test_with_no_ended_session_the_page_says_so(app: Any, service_user: Any, as_service_user: PageRequest) -> None:
    page = as_service_user.get("me.session_summaries")
    assert "There are no session summaries yet." in page.get_text()


def test_staff_see_the_same_list_from_the_person_s_page(
        app: Any, service_user: Any, key_worker: Any, as_key_worker: PageRequest) -> None:
    session = _ended_session(service_user, key_worker, "We talked about sleep.")
    person_page = as_key_worker.get("staff.service_user", service_user_id=service_user.id)
    url = f"/staff/service-users/{service_user.id}/session-summaries"
    assert person_page.select_one(f"main a[href='{url}']") is not None
    page = as_key_worker.get("staff.session_summaries", service_user_id=service_user.id)
    assert page.select_one(f"main a[href='/staff/service-users/{service_user.id}/sessions/{session.id}']")
