"""Outcome measures for key workers: results and history, what is due, assigning, deferring,
open safety flags (recording what was done is on the flag's page, ``risk_views``), and DIALOG
completed together in session."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import cast

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import STAFF, roles
from portal.blueprints import questionnaire
from portal.blueprints.staff import bp, risk_presenters
from portal.blueprints.staff.forms import AssignMeasureForm, DeferMeasureForm
from portal.htmx import redirect_after_post
from portal.models import CompletionMode
from portal.services import measures, once, people, settings
from portal.services.errors import NotAllowed, NotFound


def _flow(service_user_id: int) -> questionnaire.Flow:
    return questionnaire.Flow("staff", {"service_user_id": service_user_id}, in_session=True)


def _forms() -> tuple[AssignMeasureForm, DeferMeasureForm]:
    choices = [SelectChoice(i, settings.instrument(i).title) for i in measures.available_instruments()]
    assign, defer = AssignMeasureForm(prefix="assign"), DeferMeasureForm(prefix="defer")
    assign.instrument.choices = defer.instrument.choices = choices
    return assign, defer


def _page(person, assign: AssignMeasureForm, defer: DeferMeasureForm, status: int = 200):  # type: ignore[no-untyped-def]
    instruments = [settings.instrument(i) for i in measures.available_instruments()]
    return render_template(
        "staff/service_user_measures.html", person=person, instruments=instruments,
        history={i.id: list(reversed(measures.history(person, i.id))) for i in instruments},
        due=measures.due_measures(person, date.today()), flags=measures.open_flags([person.id]),
        assign_form=assign, defer_form=defer, local_time=risk_presenters.local_time,
        form=assign if assign.errors else defer if defer.errors else None,
    ), status


@bp.get("/service-users/<int:service_user_id>/measures")
@roles(*STAFF)
def service_user_measures(service_user_id: int):  # type: ignore[no-untyped-def]
    person = people.service_user_for_staff(current_user, service_user_id)
    return _page(person, *_forms())


@bp.post("/service-users/<int:service_user_id>/measures/assignments")
@roles(*STAFF)
def assign_measure(service_user_id: int):  # type: ignore[no-untyped-def]
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    assign, defer = _forms()
    if assign.validate_on_submit():
        with suppress(once.AlreadySent):  # sent twice: asked for once
            measures.assign(current_user, person, str(assign.instrument.data), cast(date, assign.due_on.data),
                            sent=assign.sent())
        flash(_("Questionnaire asked for."), "info")
        return redirect_after_post(_flow(person.id).url("service_user_measures"))
    return _page(person, assign, defer)


@bp.post("/service-users/<int:service_user_id>/measures/deferrals")
@roles(*STAFF)
def defer_measure(service_user_id: int):  # type: ignore[no-untyped-def]
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    assign, defer = _forms()
    if defer.validate_on_submit():
        declined = defer.why.data == "declined"
        with suppress(once.AlreadySent):  # sent twice: marked once
            measures.defer(current_user, person, str(defer.instrument.data), str(defer.reason.data or ""),
                           cast(date, defer.until.data), declined=declined, sent=defer.sent())
        flash(_("Saved: they chose not to answer it.") if declined else _("Marked as not the right time."), "info")
        return redirect_after_post(_flow(person.id).url("service_user_measures"))
    return _page(person, assign, defer)


@bp.post("/service-users/<int:service_user_id>/measures/dialog/session")
@roles(*STAFF)
def start_session_measure(service_user_id: int) -> Response:
    """DIALOG completed *with* the service user, in their words: never on their behalf."""
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    if person.discharged:
        raise NotAllowed("Sessions are for people under the team")
    response = measures.start_or_resume(current_user, person, "dialog", CompletionMode.IN_SESSION)
    position = measures.first_unanswered(response) or 1
    return redirect_after_post(_flow(person.id).url("answer_measure", response_id=response.id, position=position))


def _scoped(service_user_id: int, response_id: int, *, in_session: bool = True):  # type: ignore[no-untyped-def]
    """The response, if it belongs to this key worker's service user. Staff only ever answer
    (or see half-answered) a questionnaire done together in session, never a self-report one."""
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    response = measures.own_response(person, response_id)
    if in_session and response.mode is not CompletionMode.IN_SESSION:
        raise NotFound
    return person, response


@bp.route("/service-users/<int:service_user_id>/measures/<int:response_id>/questions/<int:position>",
          methods=["GET", "POST"])
@roles(*STAFF)
def answer_measure(service_user_id: int, response_id: int, position: int):  # type: ignore[no-untyped-def]
    person, response = _scoped(service_user_id, response_id)
    return questionnaire.answer_question(_flow(person.id), current_user, person, response, position)


@bp.get("/service-users/<int:service_user_id>/measures/<int:response_id>/support/<int:position>")
@roles(*STAFF)
def measure_support(service_user_id: int, response_id: int, position: int) -> str:
    person, response = _scoped(service_user_id, response_id)
    return questionnaire.support(_flow(person.id), response, position)


@bp.get("/service-users/<int:service_user_id>/measures/<int:response_id>/check")
@roles(*STAFF)
def check_measure(service_user_id: int, response_id: int):  # type: ignore[no-untyped-def]
    person, response = _scoped(service_user_id, response_id)
    return questionnaire.check_answers(_flow(person.id), person, response)


@bp.post("/service-users/<int:service_user_id>/measures/<int:response_id>/submission")
@roles(*STAFF)
def submit_measure(service_user_id: int, response_id: int) -> Response:
    person, response = _scoped(service_user_id, response_id)
    return questionnaire.submit(_flow(person.id), current_user, person, response)


@bp.get("/service-users/<int:service_user_id>/measures/<int:response_id>")
@roles(*STAFF)
def measure_results(service_user_id: int, response_id: int):  # type: ignore[no-untyped-def]
    person, response = _scoped(service_user_id, response_id, in_session=False)
    return questionnaire.results(_flow(person.id), person, response)
