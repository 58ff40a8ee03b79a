"""The service user's own pages."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints import questionnaire
from portal.blueprints.me import bp
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import care_sessions, care_team, measures, people, settings

FLOW = questionnaire.Flow("me")


@bp.get("/")
@roles(Role.SERVICE_USER)
def home() -> str:
    person = people.own_service_user(current_user)
    return render_template("me/home.html", person=person, due=measures.due_measures(person, date.today()),
                           open_session=care_sessions.open_session(person),
                           care_team=[(m, care_team.role_of(m)) for m in care_team.current_members(person)])


@bp.get("/measures")
@roles(Role.SERVICE_USER)
def measures_list() -> str:
    person = people.own_service_user(current_user)
    instruments = [settings.instrument(i) for i in measures.available_instruments()]
    past = {i.id: list(reversed(measures.history(person, i.id))) for i in instruments}
    return render_template("me/measures_list.html", person=person, instruments=instruments, past=past,
                           due=measures.due_measures(person, date.today()))


@bp.post("/measures/<instrument_id>")
@roles(Role.SERVICE_USER)
def start_measure(instrument_id: str) -> Response:
    person = people.own_service_user(current_user)
    response = measures.start_or_resume(current_user, person, instrument_id)
    position = measures.first_unanswered(response)
    if position is None:
        return redirect_after_post(FLOW.url("check_measure", response_id=response.id))
    return redirect_after_post(FLOW.url("answer_measure", response_id=response.id, position=position))


def _own(response_id: int):  # type: ignore[no-untyped-def]
    person = people.own_service_user(current_user)
    return person, measures.own_response(person, response_id)


@bp.route("/measures/responses/<int:response_id>/questions/<int:position>", methods=["GET", "POST"])
@roles(Role.SERVICE_USER)
def answer_measure(response_id: int, position: int) -> str | Response:
    person, response = _own(response_id)
    return questionnaire.answer_question(FLOW, current_user, person, response, position)


@bp.get("/measures/responses/<int:response_id>/support/<int:position>")
@roles(Role.SERVICE_USER)
def measure_support(response_id: int, position: int) -> str:
    _, response = _own(response_id)
    return questionnaire.support(FLOW, response, position)


@bp.get("/measures/responses/<int:response_id>/check")
@roles(Role.SERVICE_USER)
def check_measure(response_id: int) -> str | Response:
    person, response = _own(response_id)
    return questionnaire.check_answers(FLOW, person, response)


@bp.post("/measures/responses/<int:response_id>/submission")
@roles(Role.SERVICE_USER)
def submit_measure(response_id: int) -> Response:
    person, response = _own(response_id)
    return questionnaire.submit(FLOW, current_user, person, response)


@bp.get("/measures/responses/<int:response_id>")
@roles(Role.SERVICE_USER)
def measure_results(response_id: int) -> str | Response:
    person, response = _own(response_id)
    return questionnaire.results(FLOW, person, response)


@bp.post("/measures/responses/<int:response_id>/correction")
@roles(Role.SERVICE_USER)
def correct_measure(response_id: int) -> Response:
    _, response = _own(response_id)
    correction = measures.start_correction(current_user, response)
    return redirect_after_post(FLOW.url("check_measure", response_id=correction.id))
