"""The safety questions (ReQoL-10 item 6, DIALOG personal safety): choosing an answer never takes
anyone to another page (WCAG 3.2.2 On Input); Continue leads to a truthful support page; and
after it the person goes on to the next question they have not answered (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from portal.presenters import support as support_presenter
from tests.conftest import PageRequest
from tests.pages import check_page

HTMX = {"HX-Request": "true"}
REQOL_ITEM6 = 6
DIALOG_SAFETY = 8
NAVIGATION_HEADERS = ("HX-Redirect", "HX-Location", "HX-Refresh", "HX-Replace-Url", "HX-Push-Url", "Location")


def _start(as_service_user: PageRequest, instrument: str) -> int:
    response = as_service_user.client.post(f"/me/measures/{instrument}")
    return int(response.headers["Location"].split("/responses/")[1].split("/")[0])


def _question_url(response_id: int, position: int) -> str:
    return f"/me/measures/responses/{response_id}/questions/{position}"


def _autosave(as_service_user: PageRequest, response_id: int, position: int, **data: str):  # type: ignore[no-untyped-def]
    return as_service_user.client.post(_question_url(response_id, position), data={**data, "autosave": "1"},
                                       headers=HTMX)


def _continue(as_service_user: PageRequest, response_id: int, position: int, **data: str):  # type: ignore[no-untyped-def]
    return as_service_user.client.post(_question_url(response_id, position), data=data)


def _support_page(as_service_user: PageRequest, url: str) -> BeautifulSoup:
    response = as_service_user.client.get(url)
    assert response.status_code == 200
    return check_page(response.get_data(as_text=True))


def _assert_no_navigation(saved) -> None:  # type: ignore[no-untyped-def]
    assert saved.status_code == 200, saved.status_code
    assert not 300 <= saved.status_code < 400
    present = [header for header in NAVIGATION_HEADERS if header in saved.headers]
    assert present == [], f"choosing an answer navigates: {present}"
    assert b"Your answer is saved" in saved.data
    assert b"<html" not in saved.data  # only the status line, never a page swapped in


# No change of context on input --------------------------------------------------------------

@pytest.mark.parametrize("answer", ["0", "1", "2", "3", "4"])
def test_choosing_any_answer_to_reqol_question_6_only_saves_it(as_service_user: PageRequest, answer: str) -> None:
    response_id = _start(as_service_user, "reqol10")
    _assert_no_navigation(_autosave(as_service_user, response_id, REQOL_ITEM6, answer=answer))


@pytest.mark.parametrize("data", [{"answer": "1"}, {"answer": "2"}, {"more_help": "yes"},
                                  {"answer": "1", "more_help": "no"}])
def test_choosing_dialog_personal_safety_or_more_help_only_saves_it(
    as_service_user: PageRequest, data: dict[str, str]
) -> None:
    response_id = _start(as_service_user, "dialog")
    _assert_no_navigation(_autosave(as_service_user, response_id, DIALOG_SAFETY, **data))


def test_an_autosave_after_the_answers_were_sent_says_so_and_stays_on_the_page(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "reqol10")
    for position in range(1, 12):
        _continue(as_service_user, response_id, position, answer="0")
    as_service_user.client.post(f"/me/measures/responses/{response_id}/submission")
    late = _autosave(as_service_user, response_id, REQOL_ITEM6, answer="4")
    assert late.status_code == 200
    assert [header for header in NAVIGATION_HEADERS if header in late.headers] == []
    assert b"already been sent" in late.data


# Continue, then support, then the next unanswered question -------------------------------------

def test_continue_after_a_worrying_reqol_answer_goes_to_support_then_the_next_question(
    as_service_user: PageRequest,
) -> None:
    response_id = _start(as_service_user, "reqol10")
    _autosave(as_service_user, response_id, REQOL_ITEM6, answer="3")  # chosen: saved, no navigation
    pressed = _continue(as_service_user, response_id, REQOL_ITEM6, answer="3")
    assert pressed.status_code == 303
    assert pressed.headers["Location"].endswith(f"/responses/{response_id}/support/{REQOL_ITEM6}")
    page = _support_page(as_service_user, pressed.headers["Location"])
    carry_on = page.find("a", string="Carry on with the questions")
    assert carry_on["href"].endswith(f"/responses/{response_id}/questions/7")
    # Questions skipped before it come round again once the later ones are answered.
    for position in range(7, 12):
        nxt = _continue(as_service_user, response_id, position, answer="2")
    assert nxt.headers["Location"].endswith(f"/responses/{response_id}/questions/1")


def test_dialog_more_help_is_answered_on_the_same_screen_before_support(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "dialog")
    _autosave(as_service_user, response_id, DIALOG_SAFETY, answer="1")
    # Continue without "more help": the same question again, asking for it; no support page yet.
    missing = _continue(as_service_user, response_id, DIALOG_SAFETY, answer="1")
    assert missing.status_code == 200
    page = check_page(missing.get_data(as_text=True))
    assert "Choose yes or no" in page.select_one(".nhsuk-error-summary").get_text()
    assert page.select_one("input[name=answer][value='1']").has_attr("checked")
    # With it: the support page.
    pressed = _continue(as_service_user, response_id, DIALOG_SAFETY, answer="1", more_help="yes")
    assert pressed.headers["Location"].endswith(f"/responses/{response_id}/support/{DIALOG_SAFETY}")


def test_after_support_dialog_goes_on_to_the_next_unanswered_question_never_back(
    as_service_user: PageRequest,
) -> None:
    response_id = _start(as_service_user, "dialog")
    for position in range(1, 8):
        _continue(as_service_user, response_id, position, answer="5", more_help="no")
    _autosave(as_service_user, response_id, DIALOG_SAFETY, answer="2")  # chosen first, as with a mouse
    _autosave(as_service_user, response_id, DIALOG_SAFETY, more_help="yes")
    support = _continue(as_service_user, response_id, DIALOG_SAFETY, answer="2", more_help="yes")
    page = _support_page(as_service_user, support.headers["Location"])
    assert page.find("a", string="Carry on with the questions")["href"].endswith(
        f"/responses/{response_id}/questions/9")
    for position in (9, 10):
        nxt = _continue(as_service_user, response_id, position, answer="5", more_help="no")
        assert nxt.headers["Location"].endswith(f"/questions/{position + 1}")
    last = _continue(as_service_user, response_id, 11, answer="5", more_help="no")
    assert last.headers["Location"].endswith(f"/responses/{response_id}/check")  # not back to question 8


def test_after_support_for_the_last_unanswered_question_the_person_checks_their_answers(
    as_service_user: PageRequest,
) -> None:
    response_id = _start(as_service_user, "reqol10")
    for position in range(1, 12):
        if position != REQOL_ITEM6:
            _continue(as_service_user, response_id, position, answer="2")
    support = _continue(as_service_user, response_id, REQOL_ITEM6, answer="4")
    page = _support_page(as_service_user, support.headers["Location"])
    assert page.find("a", string="Carry on with the questions")["href"].endswith(f"/responses/{response_id}/check")


def test_support_for_a_question_that_does_not_exist_is_not_found(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "reqol10")
    assert as_service_user.client.get(f"/me/measures/responses/{response_id}/support/0").status_code == 404
    assert as_service_user.client.get(f"/me/measures/responses/{response_id}/support/12").status_code == 404


# The support page tells the truth --------------------------------------------------------------

@dataclass(frozen=True)
class Notice:
    tier: str | None
    who: str
    when: str
    out_of_hours: bool = False


def _support_with(monkeypatch: pytest.MonkeyPatch, as_service_user: PageRequest, notice: Notice) -> BeautifulSoup:
    seen: list[tuple[int, str | None]] = []

    def fake(service_user_id: int, tier: str | None, now: object = None) -> Notice:
        seen.append((service_user_id, tier))
        return notice

    monkeypatch.setattr(support_presenter, "support_notice", fake)
    response_id = _start(as_service_user, "reqol10")
    pressed = _continue(as_service_user, response_id, REQOL_ITEM6, answer="3")
    page = _support_page(as_service_user, pressed.headers["Location"])
    assert seen and seen[0][1] is not None  # the tier of the answer given is what is asked about
    return page


def _text(page: BeautifulSoup) -> str:
    return " ".join(page.select_one("main").get_text(" ").split())


def _order(page: BeautifulSoup, *needles: str) -> list[int]:
    text = _text(page)
    return [text.index(needle) for needle in needles]


def test_support_page_says_who_will_see_the_answer_and_when(
    monkeypatch: pytest.MonkeyPatch, as_service_user: PageRequest
) -> None:
    page = _support_with(monkeypatch, as_service_user, Notice("urgent", "Priya Shah (your key worker)", "today"))
    assert "Priya Shah (your key worker) will see your answer today." in _text(page)
    assert "not watched all the time" in _text(page)
    # In hours: who will see it first, then help now.
    said, contacts = _order(page, "will see your answer", "Talk to someone now")
    assert said < contacts


def test_routine_answers_say_when_they_will_be_seen(monkeypatch: pytest.MonkeyPatch, as_service_user: PageRequest) -> None:
    page = _support_with(monkeypatch, as_service_user,
                         Notice("routine", "Priya Shah (your key worker)", "before your next appointment"))
    assert "will see your answer before your next appointment." in _text(page)


def test_out_of_hours_the_page_says_the_team_is_closed_with_help_now_first(
    monkeypatch: pytest.MonkeyPatch, as_service_user: PageRequest
) -> None:
    page = _support_with(monkeypatch, as_service_user, Notice(
        "urgent", "the duty worker", "when the team opens on Monday at 9am", out_of_hours=True))
    text = _text(page)
    assert "Your care team is closed now." in text
    assert "The duty worker will see your answer when the team opens on Monday at 9am." in text
    closed, emergency, talk, when = _order(page, "closed now", "If your life", "Talk to someone now",
                                           "will see your answer")
    assert closed < emergency < talk < when  # the 24/7 options come before when the team will see it
    assert "today" not in text


def test_when_an_answer_reaches_nobody_the_page_never_says_anyone_will_see_it(
    monkeypatch: pytest.MonkeyPatch, as_service_user: PageRequest
) -> None:
    monkeypatch.setattr(support_presenter, "support_notice",
                        lambda service_user_id, tier, now=None: Notice(None, "", ""))
    response_id = _start(as_service_user, "reqol10")
    pressed = _continue(as_service_user, response_id, REQOL_ITEM6, answer="3")
    text = _text(_support_page(as_service_user, pressed.headers["Location"]))
    assert "will see" not in text and "key worker" not in text
    assert "does not send a message to your care team" in text


def test_support_page_after_the_answer_was_changed_to_none_of_the_time_claims_nothing(
    as_service_user: PageRequest,
) -> None:
    """The real path, no fakes: the page reads the answer as saved now, not as it was."""
    response_id = _start(as_service_user, "reqol10")
    pressed = _continue(as_service_user, response_id, REQOL_ITEM6, answer="4")
    _autosave(as_service_user, response_id, REQOL_ITEM6, answer="0")
    text = _text(_support_page(as_service_user, pressed.headers["Location"]))
    assert "will see your answer" not in text
    assert "does not send a message to your care team" in text


def test_support_page_shows_the_notice_for_the_answer_given(app: Flask, as_service_user: PageRequest) -> None:
    """Wired to the real notice: whatever it says about who and when is what the page says."""
    from portal.extensions import db
    from portal.models import MeasureResponse

    response_id = _start(as_service_user, "reqol10")
    pressed = _continue(as_service_user, response_id, REQOL_ITEM6, answer="4")  # most or all of the time
    text = _text(_support_page(as_service_user, pressed.headers["Location"]))
    with app.test_request_context():
        notice = support_presenter.notice_for(db.session.get_one(MeasureResponse, response_id))
    assert notice.tier == "urgent"
    assert f"will see your answer {notice.when}." in text
    assert str(notice.who)[1:] in text


def test_support_page_links_to_the_person_s_own_safety_plan(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "dialog")
    pressed = _continue(as_service_user, response_id, DIALOG_SAFETY, answer="1", more_help="no")
    page = _support_page(as_service_user, pressed.headers["Location"])
    link = page.find("a", string="Look at your safety plan")
    assert link["href"] == as_service_user.url("me.safety_plan")
    assert page.select("main a[href^='tel:']") and page.select("main a[href^='sms:']")


def test_in_session_dialog_works_the_same_way_on_the_key_worker_s_screen(
    service_user, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    client = as_key_worker.client
    started = client.post(f"/staff/service-users/{service_user.id}/measures/dialog/session")
    response_id = int(started.headers["Location"].split("/measures/")[1].split("/")[0])
    url = f"/staff/service-users/{service_user.id}/measures/{response_id}/questions/{DIALOG_SAFETY}"
    _assert_no_navigation(client.post(url, data={"answer": "1", "autosave": "1"}, headers=HTMX))
    pressed = client.post(url, data={"answer": "1", "more_help": "yes"})
    assert pressed.headers["Location"].endswith(f"/measures/{response_id}/support/{DIALOG_SAFETY}")
    page = check_page(client.get(pressed.headers["Location"]).get_data(as_text=True))
    assert page.find("a", string="Look at your safety plan")["href"] == as_key_worker.url(
        "staff.safety_plan", service_user_id=service_user.id)
    assert page.find("a", string="Carry on with the questions")["href"].endswith(f"/measures/{response_id}/questions/9")
