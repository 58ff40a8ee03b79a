"""Completing DIALOG and ReQoL-10 as a service user, and what the key worker sees."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    CompletionMode,
    MeasureDeferral,
    MeasureResponse,
    OutboxMessage,
    ResponseStatus,
    SafetyFlag,
)
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages

HTMX = {"HX-Request": "true"}


def _start(as_service_user: PageRequest, instrument: str) -> int:
    response = as_service_user.client.post(f"/me/measures/{instrument}")
    assert response.status_code == 303
    return int(response.headers["Location"].split("/responses/")[1].split("/")[0])


def _answer(client, response_id: int, position: int, answer: str, more_help: str | None = None):  # type: ignore[no-untyped-def]
    data = {"answer": answer}
    if more_help is not None:
        data["more_help"] = more_help
    return client.post(f"/me/measures/responses/{response_id}/questions/{position}", data=data)


def test_dialog_completed_without_javascript_is_scored_and_sent_to_the_record(
    app: Flask, service_user, as_service_user: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    response_id = _start(as_service_user, "dialog")
    page = as_service_user.get("me.answer_measure", response_id=response_id, position=1)
    assert "Question 1 of 11" in page.get_text()
    assert page.h1.get_text(strip=True) == "How satisfied are you with your mental health?"
    ratings = [3, 5, 4, 6, 2, 7, 5, 4, 6, 3, 5]
    for position, rating in enumerate(ratings, start=1):
        result = _answer(as_service_user.client, response_id, position, str(rating),
                         "yes" if position in (1, 5) else "no")
        assert result.status_code == 303
    assert result.headers["Location"].endswith(f"/responses/{response_id}/check")
    check = as_service_user.get("me.check_measure", response_id=response_id)
    assert len(check.select(".nhsuk-summary-list__row")) == 11
    as_service_user.post("me.submit_measure", _expected_status=303, response_id=response_id)

    stored = db.session.get(MeasureResponse, response_id)
    assert stored.status is ResponseStatus.SUBMITTED
    assert stored.scores == {"quality_of_life": 4.5, "treatment_satisfaction": 4.67, "more_help": [1, 5]}
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "questionnaire_response.submitted"))
    assert message.ordering_key == f"service_user:{service_user.id}"
    assert message.payload["answers"]["accommodation"] == 6  # stored by item code, not position
    assert message.payload["more_help"] == ["leisure", "mental_health"]
    results = as_service_user.get("me.measure_results", response_id=response_id)
    assert "Mental health" in results.select_one(".nhsuk-inset-text").get_text()
    assert results.select_one("main svg[role=img]") is not None
    assert results.select_one("table") is not None


def test_an_empty_answer_gets_a_clear_error_and_keeps_the_other_choice(
    as_service_user: PageRequest,
) -> None:
    response_id = _start(as_service_user, "dialog")
    page = as_service_user.post("me.answer_measure", {"more_help": "yes"}, response_id=response_id, position=1)
    assert error_messages(page) == ["Choose an answer"]
    assert page.select_one("input[name=more_help][value=yes]").has_attr("checked")
    assert page.title.get_text().startswith("Error: ")


def test_autosave_with_htmx_and_resume_where_they_left_off(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "reqol10")
    client = as_service_user.client
    saved = client.post(f"/me/measures/responses/{response_id}/questions/1",
                        data={"answer": "2", "autosave": "1"}, headers=HTMX)
    assert saved.status_code == 200
    assert b"Your answer is saved" in saved.data
    assert b"<html" not in saved.data  # just the fragment
    # Leaving and starting again resumes at the first question not answered.
    again = client.post("/me/measures/reqol10")
    assert again.headers["Location"].endswith(f"/responses/{response_id}/questions/2")
    page = as_service_user.get("me.answer_measure", response_id=response_id, position=1)
    assert page.select_one("input[name=answer][value='2']").has_attr("checked")


def test_worrying_reqol_answer_shows_support_at_once_and_flags_the_key_worker(
    app: Flask, service_user, key_worker, as_service_user: PageRequest, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    response_id = _start(as_service_user, "reqol10")
    result = _answer(as_service_user.client, response_id, 6, "3")  # "often": life not worth living
    assert "/support/" in result.headers["Location"]
    support = as_service_user.client.get(result.headers["Location"])
    assert b"116 123" in support.data and b"option 2" in support.data
    flag = db.session.scalar(select(SafetyFlag))
    assert flag.reason == "reqol_item6" and flag.acknowledged_at is None
    # The answer was kept.
    assert db.session.get(MeasureResponse, response_id).answers[0].value == 3

    home = as_key_worker.get("staff.home")
    assert "Sam Taylor" in home.select_one("#safety-flags").get_text()
    # Issue 13: closing a flag records what was done (tests/views/staff/test_risk_pages.py).
    as_key_worker.post("staff.acknowledge_flag", {"outcome": "spoke_with_person"}, _expected_status=303,
                       flag_id=flag.id)
    db.session.refresh(flag)
    assert flag.acknowledged_by_id == key_worker.user_id and flag.tier.value == "urgent"
    assert as_key_worker.get("staff.home").select_one("#safety-flags") is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safety_flag_acknowledged"))


def test_only_occasionally_shows_support_and_raises_a_routine_flag(as_service_user: PageRequest) -> None:
    """Issue 13, fault 1: the support page says someone will see it, so someone must."""
    response_id = _start(as_service_user, "reqol10")
    result = _answer(as_service_user.client, response_id, 6, "1")
    assert "/support/" in result.headers["Location"]
    assert db.session.scalar(select(SafetyFlag)).tier.value == "routine"


def test_low_dialog_safety_rating_flags_the_key_worker(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "dialog")
    result = _answer(as_service_user.client, response_id, 8, "2", "yes")
    assert "/support/" in result.headers["Location"]
    assert db.session.scalar(select(SafetyFlag)).reason == "dialog_personal_safety"


def _complete_reqol(client, response_id: int, value: str = "2") -> None:  # type: ignore[no-untyped-def]
    for position in range(1, 12):
        _answer(client, response_id, position, "0" if position == 6 else value)
    client.post(f"/me/measures/responses/{response_id}/submission")


def test_a_correction_is_a_new_version_and_both_are_kept(app: Flask, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    response_id = _start(as_service_user, "reqol10")
    _complete_reqol(as_service_user.client, response_id)
    first = db.session.get(MeasureResponse, response_id)
    assert first.status is ResponseStatus.SUBMITTED
    original_total = first.scores["total"]
    corrected = as_service_user.client.post(f"/me/measures/responses/{response_id}/correction")
    correction_id = int(corrected.headers["Location"].split("/responses/")[1].split("/")[0])
    assert correction_id != response_id
    _answer(as_service_user.client, correction_id, 5, "4")  # "I felt happy": most or all of the time
    as_service_user.client.post(f"/me/measures/responses/{correction_id}/submission")
    db.session.refresh(first)
    second = db.session.get(MeasureResponse, correction_id)
    assert first.superseded and first.scores["total"] == original_total  # never changed in place
    assert second.version == 2 and second.supersedes_id == response_id
    assert second.scores["total"] == original_total + 2
    assert db.session.scalar(select(MeasureResponse).where(MeasureResponse.id == response_id)).status is ResponseStatus.SUBMITTED
    # A submitted response cannot be answered again.
    assert _answer(as_service_user.client, response_id, 1, "4").headers["Location"].endswith(f"/responses/{response_id}")
    # The record gets the correction as the same questionnaire response, amended
    sent = [m.payload for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "questionnaire_response.submitted").order_by(OutboxMessage.id))]
    assert [(p["response_id"], p["version"], p["first_response_id"]) for p in sent] == [
        (response_id, 1, response_id), (correction_id, 2, response_id)]


def test_someone_else_s_response_is_not_found(app: Flask, as_service_user: PageRequest) -> None:
    other = factories.create_service_user()
    stranger = MeasureResponse(service_user_id=other.id, instrument_id="dialog", instrument_version="1",
                               started_by_id=other.user_id)
    db.session.add(stranger)
    db.session.commit()
    as_service_user.get("me.answer_measure", _expected_status=404, response_id=stranger.id, position=1)
    as_service_user.get("me.check_measure", _expected_status=404, response_id=stranger.id)
    assert as_service_user.client.post(f"/me/measures/responses/{stranger.id}/submission").status_code == 404


def test_reqol_is_not_offered_without_a_licence(app: Flask, as_service_user: PageRequest) -> None:
    app.config["REQOL_LICENSED"] = False
    try:
        page = as_service_user.get("me.measures_list")
        assert "ReQoL" not in page.get_text()
        assert as_service_user.client.post("/me/measures/reqol10").status_code == 404
    finally:
        app.config["REQOL_LICENSED"] = True


def test_reqol_pages_show_the_copyright_notice(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "reqol10")
    page = as_service_user.get("me.answer_measure", response_id=response_id, position=1)
    assert "University of Sheffield" in page.get_text()


def test_question_out_of_range_is_not_found(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "dialog")
    as_service_user.get("me.answer_measure", _expected_status=404, response_id=response_id, position=12)
    as_service_user.get("me.answer_measure", _expected_status=404, response_id=response_id, position=0)


def test_nonsense_answers_are_refused_without_a_500(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "dialog")
    for value in ("99", "abc", "", "-1"):
        page = as_service_user.post("me.answer_measure", {"answer": value, "more_help": "maybe"},
                                    response_id=response_id, position=1)
        assert error_messages(page) == ["Choose an answer", "Choose yes or no"]


def test_key_worker_assigns_and_the_service_user_sees_it_due(
    app: Flask, service_user, as_key_worker: PageRequest, as_service_user: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    due = date.today() + timedelta(days=14)
    as_key_worker.post("staff.assign_measure", {"assign-instrument": "reqol10", "assign-due_on-day": str(due.day),
                       "assign-due_on-month": str(due.month), "assign-due_on-year": str(due.year)},
                       _expected_status=303, service_user_id=service_user.id)
    home = as_service_user.get("me.home")
    assert "Fill in Recovering Quality of Life (ReQoL-10)" in home.get_text()
    response_id = _start(as_service_user, "reqol10")
    _complete_reqol(as_service_user.client, response_id)
    assert "Fill in Recovering Quality of Life (ReQoL-10)" not in as_service_user.get("me.home").get_text()


def test_assign_form_errors_keep_what_was_typed(service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_key_worker.post("staff.assign_measure", {"assign-due_on-day": "31", "assign-due_on-month": "2",
                              "assign-due_on-year": "2030"}, service_user_id=service_user.id)
    assert error_messages(page) == ["Choose a questionnaire", "Enter a real date, like 27 3 2027"]
    assert page.select_one("#assign-due_on-day")["value"] == "31"
    assert page.select_one(".nhsuk-error-summary a[href='#assign-due_on-day']") is not None


def test_deferred_measure_is_not_overdue_until_the_date(
    app: Flask, service_user, key_worker, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    from portal.services import measures

    measures.assign(key_worker.user, service_user, "dialog", date.today() - timedelta(days=3))
    assert measures.due_measures(service_user, date.today())[0].state == "overdue"
    until = date.today() + timedelta(days=30)
    as_key_worker.post("staff.defer_measure", {"defer-instrument": "dialog", "defer-why": "not_now",
                                               "defer-reason": "In crisis", **_until(until)},
                       _expected_status=303, service_user_id=service_user.id)
    item = measures.due_measures(service_user, date.today())[0]
    assert (item.state, item.deferred_until, item.declined) == ("deferred", until, False)
    assert measures.due_measures(service_user, until)[0].state == "overdue"


def _until(day: date) -> dict[str, str]:
    return {"defer-until-day": str(day.day), "defer-until-month": str(day.month), "defer-until-year": str(day.year)}


def test_they_chose_not_to_answer_needs_no_reason_but_not_the_right_time_does(
    app: Flask, service_user, key_worker, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    from portal.services import measures

    measures.assign(key_worker.user, service_user, "reqol10", date.today() + timedelta(days=3))
    until = date.today() + timedelta(days=60)
    page = as_key_worker.post("staff.defer_measure", {"defer-instrument": "reqol10", "defer-why": "not_now",
                                                      "defer-reason": "  ", **_until(until)},
                              service_user_id=service_user.id)
    assert page.select_one(".nhsuk-error-summary a[href='#defer-reason']").text.strip() == "Say why it is not the right time"
    assert page.select_one("#defer-why")["value"] == "not_now" and page.select_one("#defer-why").has_attr("checked")
    assert page.select_one("#defer-until-year")["value"] == str(until.year)
    assert db.session.scalar(select(MeasureDeferral)) is None

    page = as_key_worker.post("staff.defer_measure", {"defer-instrument": "reqol10", **_until(until)},
                              service_user_id=service_user.id)
    assert page.select_one(".nhsuk-error-summary a[href='#defer-why']").text.strip() == "Choose why it is not being done now"

    as_key_worker.post("staff.defer_measure", {"defer-instrument": "reqol10", "defer-why": "declined",
                                               "defer-reason": "", **_until(until)},
                       _expected_status=303, service_user_id=service_user.id)
    deferral = db.session.scalar(select(MeasureDeferral))
    assert (deferral.declined, deferral.reason, deferral.until) == (True, "", until)
    item = measures.due_measures(service_user, date.today())[0]
    assert (item.state, item.declined) == ("deferred", True)
    listed = as_key_worker.get("staff.service_user_measures", service_user_id=service_user.id)
    assert "They chose not to answer" in listed.select_one("main").text


def test_key_worker_does_dialog_in_session_recorded_as_such(
    app: Flask, service_user, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    started = as_key_worker.client.post(f"/staff/service-users/{service_user.id}/measures/dialog/session")
    assert started.status_code == 303
    page = as_key_worker.client.get(started.headers["Location"])
    assert b"In session with Sam" in page.data
    response = db.session.scalar(select(MeasureResponse))
    assert response.mode is CompletionMode.IN_SESSION


def test_staff_cannot_answer_a_self_report_questionnaire(
    app: Flask, service_user, as_key_worker: PageRequest, as_service_user: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    response_id = _start(as_service_user, "reqol10")
    as_key_worker.get("staff.answer_measure", _expected_status=404, service_user_id=service_user.id,
                      response_id=response_id, position=1)
    assert as_key_worker.client.post(
        f"/staff/service-users/{service_user.id}/measures/{response_id}/questions/1", data={"answer": "1"}
    ).status_code == 404


def test_key_worker_sees_results_with_history(app: Flask, service_user, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    for value in ("1", "3"):
        response_id = _start(as_service_user, "reqol10")
        _complete_reqol(as_service_user.client, response_id, value)
    page = as_key_worker.get("staff.service_user_measures", service_user_id=service_user.id)
    assert page.get_text().count("out of 40") == 2
    results = as_key_worker.get("staff.measure_results", service_user_id=service_user.id, response_id=response_id)
    assert "ReQoL-10 answers" in results.h1.get_text()
    assert len(results.select("main svg[role=img]")) == 1


@pytest.mark.parametrize("instrument", ["dialog", "reqol10"])
def test_every_question_page_passes_the_page_checks(as_service_user: PageRequest, instrument: str) -> None:
    response_id = _start(as_service_user, instrument)
    count = 11
    for position in range(1, count + 1):
        as_service_user.get("me.answer_measure", response_id=response_id, position=position)


def test_support_is_shown_for_the_worrying_answer_not_for_every_later_question(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "reqol10")
    assert "/support/" in _answer(as_service_user.client, response_id, 6, "4").headers["Location"]
    later = _answer(as_service_user.client, response_id, 7, "2")
    assert later.headers["Location"].endswith(f"/responses/{response_id}/questions/8")


def test_in_session_dialog_never_takes_over_answers_started_alone(
    app: Flask, service_user, as_service_user: PageRequest, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    own_id = _start(as_service_user, "dialog")
    _answer(as_service_user.client, own_id, 1, "5", "no")
    started = as_key_worker.client.post(f"/staff/service-users/{service_user.id}/measures/dialog/session")
    session_page = as_key_worker.client.get(started.headers["Location"])
    assert session_page.status_code == 200
    in_session = db.session.scalar(select(MeasureResponse).where(MeasureResponse.mode == CompletionMode.IN_SESSION))
    assert in_session.id != own_id
    # And the service user still carries on with their own.
    assert as_service_user.client.post("/me/measures/dialog").headers["Location"].endswith(
        f"/responses/{own_id}/questions/2")


def test_changing_an_answer_from_the_check_page_goes_back_to_it(as_service_user: PageRequest) -> None:
    response_id = _start(as_service_user, "reqol10")
    for position in range(1, 12):
        _answer(as_service_user.client, response_id, position, "0" if position == 6 else "2")
    changed = _answer(as_service_user.client, response_id, 3, "1")
    assert changed.headers["Location"].endswith(f"/responses/{response_id}/check")


def _dialog(as_service_user: PageRequest, ratings: list[int]) -> int:
    response_id = _start(as_service_user, "dialog")
    for position, rating in enumerate(ratings, start=1):
        _answer(as_service_user.client, response_id, position, str(rating), "no")
    as_service_user.post("me.submit_measure", _expected_status=303, response_id=response_id)
    return response_id


def test_dialog_averages_are_shown_to_one_decimal_with_what_they_mean_and_the_numbers_are_not_folded_away(
    service_user, as_service_user: PageRequest, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    response_id = _dialog(as_service_user, [1, 1, 1, 1, 1, 1, 1, 4, 2, 2, 3])  # averages 1.375 and 2.33
    page = as_service_user.get("me.measure_results", response_id=response_id)
    text = " ".join(page.select_one("main").get_text(" ").split())
    assert "1.38" not in text and "2.33" not in text
    assert "Quality of life: 1.4 out of 7 on average, close to “Totally dissatisfied”." in text
    assert "Treatment: 2.3 out of 7 on average, close to “Very dissatisfied”." in text
    assert "4 is in the middle" in text
    table = page.select_one(".portal-chart__table table")
    assert table is not None and table.find_parent("details") is None
    staff_list = as_key_worker.get("staff.service_user_measures", service_user_id=service_user.id)
    assert "quality of life 1.4 out of 7" in " ".join(staff_list.get_text(" ").split())


def test_the_reqol_cut_off_is_said_in_plain_words_with_what_the_persons_score_means(
    service_user, as_service_user: PageRequest, as_key_worker: PageRequest  # type: ignore[no-untyped-def]
) -> None:
    response_id = _start(as_service_user, "reqol10")
    _complete_reqol(as_service_user.client, response_id)  # a total of 22
    page = as_service_user.get("me.measure_results", response_id=response_id)
    text = " ".join(page.select_one("main").get_text(" ").split())
    assert "Clinical cut-off" not in text
    assert ("Scores below 24 are in the range where people often need more support. "
            "Your score of 22 is in that range.") in text
    assert page.select_one(".portal-chart__table table").find_parent("details") is None
    staff = as_key_worker.get("staff.measure_results", service_user_id=service_user.id, response_id=response_id)
    assert f"{service_user.first_name}'s score of 22 is in that range." in " ".join(staff.get_text(" ").split())
