"""Answering a questionnaire, one question per screen, shared by the service user's own pages
and the key worker's in-session pages. Each blueprint wraps these with its own access checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request, url_for
from werkzeug.wrappers import Response

from portal.forms.measures import AnswerForm
from portal.htmx import redirect_after_post, wants_fragment
from portal.models import MeasureResponse, ResponseStatus, ServiceUser, User
from portal.presenters import measures as present
from portal.presenters import support as present_support
from portal.services import measures, settings


@dataclass(frozen=True)
class Flow:
    """Where each step lives for one audience."""

    prefix: str  # "me" or "staff"
    values: dict[str, Any] = field(default_factory=dict)
    in_session: bool = False

    def url(self, step: str, **values: Any) -> str:
        return url_for(f"{self.prefix}.{step}", **self.values, **values)


def answer_question(flow: Flow, user: User, person: ServiceUser, response: MeasureResponse,
                    position: int) -> str | Response:
    instrument = settings.instrument(response.instrument_id)
    item = measures.question_at(instrument, position)
    autosave = request.method == "POST" and bool(request.form.get("autosave")) and wants_fragment()
    if response.status is ResponseStatus.SUBMITTED:
        if autosave:  # choosing an answer never takes anyone to another page (WCAG 3.2.2)
            return render_template("measures/_save_status.html", already_sent=True)
        return redirect_after_post(flow.url("measure_results", response_id=response.id))
    saved = measures.answers_by_number(response).get(item.number)
    data: dict[str, Any] = {}
    if saved is not None:
        data["answer"] = str(saved.value)
        if saved.more_help is not None:
            data["more_help"] = "yes" if saved.more_help else "no"
    form = AnswerForm.for_item(item, instrument.follow_up, data=data)

    if autosave:
        return _autosave(user, response, item, form)
    if form.validate_on_submit():
        # Only Continue gets here: the whole answer (with "more help") is given, then support.
        concern = measures.save_answer(user, response, item, form.chosen_value(), form.chosen_more_help())
        if concern.show_support:
            return redirect_after_post(flow.url("measure_support", response_id=response.id, position=position))
        return redirect_after_post(_next_step(flow, response, position))
    return render_template(
        "measures/question.html", flow=flow, form=form, person=person, response=response,
        question=present.question(instrument, item, position), in_english=present.shown_in_english(instrument),
    )


def _next_step(flow: Flow, response: MeasureResponse, after: int) -> str:
    """The next question still to answer, or checking the answers when none is left."""
    next_position = measures.next_unanswered(response, after=after)
    if next_position is None:
        return flow.url("check_measure", response_id=response.id)
    return flow.url("answer_measure", response_id=response.id, position=next_position)


def _autosave(user: User, response: MeasureResponse, item: Any, form: AnswerForm) -> str:
    """Save what was chosen, and only say so: never a redirect, whatever the answer (WCAG 3.2.2
    On Input). The support page for a worrying answer comes when the person presses Continue."""
    form.validate()  # partial answers are saved too: choosing is enough
    value = form.chosen_value() if not form.answer.errors else None
    more_help = form.chosen_more_help() if "more_help" in form and not form.more_help.errors else None
    measures.save_answer(user, response, item, value, more_help)
    return render_template("measures/_save_status.html", saved=value is not None or more_help is not None)


def support(flow: Flow, response: MeasureResponse, position: int) -> str:
    """After the worrying answer at ``position``: who will see it and when, help now, and then
    on to the next question still to answer."""
    measures.question_at(settings.instrument(response.instrument_id), position)  # 404 if out of range
    return render_template(
        "measures/support.html", flow=flow, response=response,
        next_url=_next_step(flow, response, position),
        notice=present_support.notice_for(response),
    )


def check_answers(flow: Flow, person: ServiceUser, response: MeasureResponse) -> str | Response:
    if response.status is ResponseStatus.SUBMITTED:
        return redirect_after_post(flow.url("measure_results", response_id=response.id))
    instrument = settings.instrument(response.instrument_id)
    return render_template(
        "measures/check.html", flow=flow, person=person, response=response,
        summary=present.answer_summary(instrument, response), in_english=present.shown_in_english(instrument),
        missing=measures.first_unanswered(response),
    )


def submit(flow: Flow, user: User, person: ServiceUser, response: MeasureResponse) -> Response:
    try:
        measures.submit(user, response, person)
    except measures.Incomplete as incomplete:
        return redirect_after_post(flow.url("answer_measure", response_id=response.id,
                                            position=incomplete.position))
    return redirect_after_post(flow.url("measure_results", response_id=response.id))


def results(flow: Flow, person: ServiceUser, response: MeasureResponse) -> str | Response:
    if response.status is not ResponseStatus.SUBMITTED:
        return redirect_after_post(flow.url("check_measure", response_id=response.id))
    instrument = settings.instrument(response.instrument_id)
    return render_template(
        "measures/results.html", flow=flow, person=person, response=response,
        result=present.results(instrument, response, measures.history(person, response.instrument_id)),
        in_english=present.shown_in_english(instrument),
    )
