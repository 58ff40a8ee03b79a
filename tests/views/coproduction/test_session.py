"""The session view: two screens, the same session, no silent overwrites."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarePlanEntry, CareSession, OutboxMessage, Section
from portal.services import care_sessions, goals, measures, settings
from portal.services.errors import NotAllowed
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages

HX = {"HX-Request": "true"}


def _start(as_key_worker: PageRequest, person) -> CareSession:  # type: ignore[no-untyped-def]
    as_key_worker.post("staff.start_session", _expected_status=303, service_user_id=person.id)
    return db.session.scalar(select(CareSession))


def test_key_worker_starts_a_session_and_the_service_user_joins_it(app, service_user, as_key_worker: PageRequest, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goals.draft_goal(service_user.user, service_user, text="Cook a meal", first_rating=2)
    session = _start(as_key_worker, service_user)
    page = as_key_worker.get("staff.care_session", service_user_id=service_user.id, session_id=session.id)
    assert page.h1.get_text(strip=True) == "Session with Sam"
    assert "Cook a meal" in page.select_one("#session-live").get_text()
    home = as_service_user.get("me.home")
    assert home.find("a", string="Open the session on this phone")["href"].endswith(f"/me/sessions/{session.id}")
    # Starting again carries on with the open session rather than opening a second one.
    _start(as_key_worker, service_user)
    assert len(db.session.scalars(select(CareSession)).all()) == 1


def test_a_rating_on_one_screen_shows_on_the_other(app, service_user, as_key_worker: PageRequest, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Cook a meal", first_rating=2)
    session = _start(as_key_worker, service_user)
    seen = session.revision
    as_service_user.client.post(f"/me/sessions/{session.id}/goals/{goal.id}/rating",
                                data={"rating": "5", "version": str(goal.version)}, headers=HX)
    # The key worker's screen asks whether anything changed since the revision it has.
    response = as_key_worker.client.get(
        f"/staff/service-users/{service_user.id}/sessions/{session.id}/updates?revision={seen}", headers=HX)
    assert response.status_code == 200
    assert f'id="goal-{goal.id}-rating-5" name="rating" type="radio" value="5" checked' in response.get_data(as_text=True)
    db.session.refresh(session)
    unchanged = as_key_worker.client.get(
        f"/staff/service-users/{service_user.id}/sessions/{session.id}/updates?revision={session.revision}", headers=HX)
    assert unchanged.status_code == 204


def test_a_dialog_being_done_on_the_phone_shows_live_in_the_session(app, service_user, as_key_worker: PageRequest, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    session = _start(as_key_worker, service_user)
    seen = session.revision
    # Sam starts a DIALOG on his phone during the session and answers the first question
    response = measures.start_or_resume(service_user.user, service_user, "dialog")
    first = measures.questions(measures.instrument_for("dialog"))[0]
    measures.save_answer(service_user.user, response, first, 6)

    # The key worker's screen is told something changed, and shows the rating as it was saved
    update = as_key_worker.client.get(
        f"/staff/service-users/{service_user.id}/sessions/{session.id}/updates?revision={seen}", headers=HX)
    assert update.status_code == 200
    page = BeautifulSoup(update.get_data(as_text=True), "html.parser")
    assert "A DIALOG is being done now: 1 of 11 answered." in page.select_one("#dialog-being-done").get_text()
    row = next(tr for tr in page.select(".portal-session__dialog tbody tr") if first.topic in tr.get_text())
    assert "6" in row.select("td")[1].get_text()


def test_changing_the_rating_again_in_the_same_session_corrects_it(app, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Cook a meal", first_rating=2)
    session = _start(as_key_worker, service_user)
    for rating in ("4", "6"):
        db.session.refresh(goal)
        as_key_worker.post("staff.rate_session_goal", _data={"rating": rating, "version": str(goal.version)},
                           _expected_status=303, service_user_id=service_user.id, session_id=session.id, goal_id=goal.id)
    db.session.refresh(goal)
    assert [r.rating for r in goal.ratings] == [2, 6]


def test_notes_edited_on_both_screens_from_the_same_version_are_not_overwritten(app, service_user, as_key_worker: PageRequest, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    session = _start(as_key_worker, service_user)
    as_key_worker.post("staff.save_session_notes", _data={"notes": "Talked about sleep", "version": "1"},
                       _expected_status=303, service_user_id=service_user.id, session_id=session.id)
    response = as_service_user.client.post(f"/me/sessions/{session.id}/notes",
                                           data={"notes": "Talked about work", "version": "1"}, headers=HX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This changed on the other screen" in html and "Talked about sleep" in html
    assert ">Talked about work</textarea>" in html
    db.session.refresh(session)
    assert session.notes == "Talked about sleep"


def test_dialog_plus_areas_and_actions_become_part_of_the_care_plan(app, service_user, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    session = _start(as_key_worker, service_user)
    for code in ("dialog_1", "dialog_2", "dialog_3"):
        care_sessions.pick_area(key_worker.user, session, _code(code))
    with pytest.raises(NotAllowed):
        care_sessions.pick_area(key_worker.user, session, _code("dialog_4"))
    area = session.areas[0]
    as_key_worker.post("staff.add_session_action", _data={"who": "me", "text": "Ring the job centre",
                                                          "item_code": area.item_code},
                       _expected_status=303, service_user_id=service_user.id, session_id=session.id)
    page = as_key_worker.post("staff.add_session_action", _data={"who": "", "text": ""},
                              service_user_id=service_user.id, session_id=session.id, _expected_status=400)
    assert error_messages(page) == ["Say who will do this", "Write what will be done"]
    entry = db.session.scalar(select(CarePlanEntry))
    assert (entry.section, entry.author_role.value, entry.dialog_item_code) == (Section.I_WILL_DO, "key_worker", area.item_code)


def test_ending_a_session_sends_the_checked_summary_to_the_record(app, service_user, as_key_worker: PageRequest, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Cook a meal", first_rating=2)
    session = _start(as_key_worker, service_user)
    as_key_worker.post("staff.rate_session_goal", _data={"rating": "5", "version": str(goal.version)},
                       _expected_status=303, service_user_id=service_user.id, session_id=session.id, goal_id=goal.id)
    page = as_key_worker.get("staff.end_session", service_user_id=service_user.id, session_id=session.id)
    draft = page.select_one("textarea[name=summary]").get_text()
    assert "“Cook a meal”: rated 5 out of 10 (was 2)." in draft
    as_key_worker.post("staff.end_session", _data={"summary": draft + "\nChecked with Sam."}, _expected_status=303,
                       service_user_id=service_user.id, session_id=session.id)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "session.summary"))
    assert message.payload["summary_text"].endswith("Checked with Sam.")
    ended = as_service_user.get("me.care_session", session_id=session.id)
    assert ended.h1.get_text(strip=True) == "Session summary"
    assert care_sessions.open_session(service_user) is None


def test_a_session_for_someone_else_is_not_found(app, service_user, key_worker, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_service_user(key_worker=key_worker)
    session = care_sessions.start(key_worker.user, other)
    as_service_user.get("me.care_session", _expected_status=404, session_id=session.id)


def _code(name: str) -> str:
    number = int(name.split("_")[1])
    return settings.instrument("dialog").items[number - 1].code


def test_the_summary_for_the_record_names_the_areas_and_says_who_will_do_each_action(app, service_user, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    session = _start(as_key_worker, service_user)
    friendships = next(item for item in settings.instrument("dialog").items if item.code == "friendships")
    care_sessions.pick_area(key_worker.user, session, friendships.code)
    care_sessions.add_action(key_worker.user, service_user, session, "me", "Ring an old friend", friendships.code)
    care_sessions.add_action(key_worker.user, service_user, session, "team", "Find a walking group")

    with app.test_request_context():
        draft = care_sessions.draft_summary(service_user, session)
    lines = draft.splitlines()
    assert "Areas talked about: Friendships." in lines
    assert f"- {service_user.first_name} will: Ring an old friend" in lines
    assert "- The team will: Find a walking group" in lines
    assert "How satisfied are you" not in draft
    assert not [line for line in lines if line.startswith(("I ", "- I ", "We "))], draft
