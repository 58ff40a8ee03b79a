"""The session view: one screen the key worker and service user look at together.

Every form here works without JavaScript (POST, then back to the page). With HTMX, each form
saves as it changes and the page's live region is swapped in place; the page also asks every
few seconds whether the other device changed anything (204 when nothing did).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.blueprints.coproduction import Route, about, here, person_here, render
from portal.blueprints.coproduction import forms as f
from portal.blueprints.coproduction.presenters import goal_card
from portal.htmx import redirect_after_post, wants_fragment
from portal.models import CareSession, ServiceUser
from portal.services import care_sessions, goals, once, settings
from portal.services.errors import EditConflict


def _page(person: ServiceUser, session: CareSession, *, status: int = 200, problem: dict[str, Any] | None = None,
          forms: dict[str, FlaskForm] | None = None) -> tuple[str, int]:
    """The whole page, or (for HTMX) just the live part of it."""
    for key, form in (forms or {}).items():
        for field in form:  # ids the page's own markup uses, so the error summary links land on the field
            field.id = f"{key}-{field.name}"
    dialog = care_sessions.dialog_for(session)
    instrument = settings.instrument("dialog")
    answers = {a.item_code: a for a in dialog.answers} if dialog else {}
    context = {
        "session": session,
        "goal_cards": [goal_card(g, date.today(), about(person)) for g in goals.open_goals(person)],
        "dialog": dialog,
        "dialog_items": [(item, answers.get(item.code)) for item in instrument.items],
        "item_titles": {item.code: item.topic or item.text for item in instrument.items},
        "actions": care_sessions.actions(session),
        "to_review": care_sessions.actions_to_review(person, session),
        "problem": problem or {},
        "forms": forms or {},
        "fragment": wants_fragment(),
        "form": next((form for form in (forms or {}).values() if form.errors), None),
    }
    template = "_session_live.html" if wants_fragment() else "care_session.html"
    return render(template, person, **context), status


def _done(person: ServiceUser, session: CareSession, message: str, anchor: str) -> Response | tuple[str, int]:
    if wants_fragment():
        return _page(person, session, problem={"saved": message})
    flash(message)
    return redirect_after_post(here("care_session", session_id=session.id) + anchor)


def _load(session_id: int, service_user_id: int | None) -> tuple[ServiceUser, CareSession]:
    person = person_here(service_user_id, audit_view=False)
    return person, care_sessions.session_for(person, session_id)


# Staff start and end a session; the service user joins the one that is open. ----------------

def start_session(service_user_id: int | None = None) -> Response:
    person = person_here(service_user_id, audit_view=False)
    session = care_sessions.start(current_user, person)
    return redirect_after_post(here("care_session", session_id=session.id))


def current_session(service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id)
    session = care_sessions.open_session(person)
    if session is not None:
        return redirect_after_post(here("care_session", session_id=session.id))
    return render("no_session.html", person)


def session_summaries(service_user_id: int | None = None) -> str:
    person = person_here(service_user_id)
    return render("session_summaries.html", person, sessions=care_sessions.ended_sessions(person))


def care_session(session_id: int, service_user_id: int | None = None) -> Any:
    person = person_here(service_user_id)
    session = care_sessions.session_for(person, session_id)
    if session.ended_at is not None:
        return render("ended_session.html", person, session=session)
    return _page(person, session)


def care_session_updates(session_id: int, service_user_id: int | None = None) -> Any:
    """Polled by the other device: 204 (nothing to swap) unless something changed."""
    person, session = _load(session_id, service_user_id)
    seen = request.args.get("revision", type=int)
    if seen == session.revision or not wants_fragment():
        return "", 204
    if session.ended_at is not None:
        return redirect_after_post(here("care_session", session_id=session.id))
    return _page(person, session)


def save_session_notes(session_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    form = f.NotesForm()
    if not form.validate_on_submit():
        return _page(person, session, status=400, forms={"notes": form})
    try:
        care_sessions.save_notes(current_user, session, form.notes.data or "", based_on_version=form.based_on())
    except EditConflict:
        form.version.data = str(session.notes_version)
        return _page(person, session, status=409, problem={"notes": session.notes}, forms={"notes": form})
    return _done(person, session, _("Notes saved."), "#notes")


def rate_session_goal(session_id: int, goal_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    form = f.SessionRatingForm()
    key = f"goal-{goal_id}"
    if not form.validate_on_submit():
        return _page(person, session, status=400, forms={key: form})
    try:
        care_sessions.rate_goal(current_user, person, session, goal_id, int(str(form.rating.data)),
                                based_on_version=form.based_on())
    except EditConflict as conflict:
        rating = conflict.current.ratings[-1].rating if conflict.current.ratings else None  # type: ignore[attr-defined]
        return _page(person, session, status=409, problem={key: rating})
    return _done(person, session, _("Rating saved."), f"#{key}")


def pick_dialog_area(session_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    form = FlaskForm()
    if form.validate_on_submit():
        area = care_sessions.pick_area(current_user, session, request.form.get("item_code", ""))
        return _done(person, session, _("Area added. Work through the steps below."), f"#area-{area.id}")
    return _page(person, session, status=400)


def save_dialog_area(session_id: int, area_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    area = care_sessions.area_for(session, area_id)
    form = f.AreaForm()
    key = f"area-{area.id}"
    if not form.validate_on_submit():
        return _page(person, session, status=400, forms={key: form})
    try:
        care_sessions.save_area(current_user, session, area, {step: getattr(form, step).data
                                                              for step in care_sessions.AREA_STEPS},
                                based_on_version=form.based_on())
    except EditConflict:
        form.version.data = str(area.version)
        newer = {step: getattr(area, step) for step in care_sessions.AREA_STEPS}
        return _page(person, session, status=409, problem={key: newer}, forms={key: form})
    return _done(person, session, _("Saved."), f"#{key}")


def add_session_action(session_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    form = f.ActionForm()
    key = f"action-{care_sessions.action_item_code(session, form.item_code.data) or 'general'}"  # 404 if unknown
    if not form.validate_on_submit():
        return _page(person, session, status=400, forms={key: form})
    try:
        care_sessions.add_action(current_user, person, session, str(form.who.data), str(form.text.data),
                                 item_code=form.item_code.data or "", sent=form.sent())
    except once.AlreadySent:  # sent twice: the action is there once
        return _done(person, session, _("This action is in the care plan already."), f"#{key}")
    return _done(person, session, _("Action added to the care plan."), f"#{key}")


def review_session_action(session_id: int, entry_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    form = f.ReviewActionForm()
    if not form.validate_on_submit():
        return _page(person, session, status=400, forms={f"review-{entry_id}": form})
    care_sessions.review_action(current_user, person, session, entry_id, form.note.data or "")
    return _done(person, session, _("Action reviewed."), "#review")


def end_session(session_id: int, service_user_id: int | None = None) -> Any:
    person, session = _load(session_id, service_user_id)
    if session.ended_at is not None:
        return redirect_after_post(here("care_session", session_id=session.id))
    form = f.EndSessionForm()
    if not form.is_submitted():
        form.summary.data = care_sessions.draft_summary(person, session)
    if form.validate_on_submit():
        care_sessions.end(current_user, person, session, form.summary.data)
        flash(_("Session ended. The summary will be sent to the record."))
        return redirect_after_post(here("care_session", session_id=session.id))
    return render("end_session.html", person, session=session, form=form)


ROUTES: list[Route] = [
    ("/session-summaries", session_summaries, ("GET",)),
    ("/sessions/<int:session_id>", care_session, ("GET",)),
    ("/sessions/<int:session_id>/updates", care_session_updates, ("GET",)),
    ("/sessions/<int:session_id>/notes", save_session_notes, ("POST",)),
    ("/sessions/<int:session_id>/goals/<int:goal_id>/rating", rate_session_goal, ("POST",)),
    ("/sessions/<int:session_id>/areas", pick_dialog_area, ("POST",)),
    ("/sessions/<int:session_id>/areas/<int:area_id>", save_dialog_area, ("POST",)),
    ("/sessions/<int:session_id>/actions", add_session_action, ("POST",)),
    ("/sessions/<int:session_id>/actions/<int:entry_id>/review", review_session_action, ("POST",)),
]
STAFF_ROUTES: list[Route] = [
    ("/sessions", start_session, ("POST",)),
    ("/sessions/<int:session_id>/end", end_session, ("GET", "POST")),
]
ME_ROUTES: list[Route] = [
    ("/session", current_session, ("GET",)),
]
