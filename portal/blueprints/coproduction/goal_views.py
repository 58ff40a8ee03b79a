"""Goals: list, draft, rate, change, close, and (staff) agree."""

from __future__ import annotations

from datetime import date

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.blueprints.coproduction import Route, about, here, is_staff, person_here, render
from portal.blueprints.coproduction import forms as f
from portal.blueprints.coproduction.presenters import goal_card, goal_chart
from portal.dates import format_when
from portal.htmx import redirect_after_post
from portal.instruments import gbo
from portal.models import Agreement, GoalStatus
from portal.services import goals, once
from portal.services.errors import EditConflict, NotAllowed


def goals_page(service_user_id: int | None = None) -> str:
    person = person_here(service_user_id)
    today = date.today()
    open_goals = goals.open_goals(person)
    return render("goals.html", person,
                  open_goals=[goal_card(g, today, about(person)) for g in open_goals],
                  closed_goals=[goal_card(g, today, about(person)) for g in goals.closed_goals(person)],
                  can_add=len(open_goals) < gbo.MAX_ACTIVE_GOALS)


def new_goal(service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    form: f.NewGoalForm = f.StaffGoalForm() if is_staff() else f.NewGoalForm()
    if len(goals.open_goals(person)) >= gbo.MAX_ACTIVE_GOALS:
        flash(_("You are working on 3 goals already. Finish or stop one before adding another."))
        return redirect_after_post(here("goals_page"))
    if form.validate_on_submit():
        staff_form = isinstance(form, f.StaffGoalForm)
        agreement = Agreement(str(form.agreement.data)) if staff_form else None
        try:
            goal = goals.draft_goal(
                current_user, person, text=form.text.data, what_will_help=form.what_will_help.data or "",
                who_will_help=form.who_will_help.data, other_organisation=form.other_organisation.data or "",
                first_rating=int(str(form.first_rating.data)),
                agreement=agreement,
                on_behalf_reason=(form.on_behalf_reason.data or "") if staff_form else "",
                sent=form.sent(),
            )
        except once.AlreadySent:
            flash(_("This goal is saved already."))
            return redirect_after_post(here("goals_page"))
        flash(_("Goal saved.") if agreement else _("Goal saved. Your key worker will talk it through with you."))
        return redirect_after_post(here("goal_page", goal_id=goal.id))
    return render("new_goal.html", person, form=form)


def goal_page(goal_id: int, service_user_id: int | None = None) -> str:
    person = person_here(service_user_id)
    goal = goals.goal_for(person, goal_id)
    form = f.RatingForm(version=goal.version)
    return render("goal.html", person, goal=goal_card(goal, date.today(), about(person)), chart=goal_chart(goal),
                  form=form, changes=goals.history(goal))


def rate_goal(goal_id: int, service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    goal = goals.goal_for(person, goal_id)
    form = f.RatingForm()
    conflict = False
    if form.validate_on_submit():
        try:
            rating = goals.rate_goal(current_user, person, goal, int(str(form.rating.data)),
                                     note=form.note.data or "", based_on_version=form.based_on())
        except EditConflict:
            conflict = True
        else:
            if goal.status is GoalStatus.ACTIVE and goal.next_review_on and not goals.counts_as_review(rating):
                flash(_("Rating saved. Your review with your key worker is still due by %(date)s.",
                        date=format_when(goal.next_review_on)))
            else:
                flash(_("Rating saved."))
            return redirect_after_post(here("goal_page", goal_id=goal.id))
    return render("goal.html", person, goal=goal_card(goal, date.today(), about(person)), chart=goal_chart(goal),
                  form=form, changes=goals.history(goal), conflict=conflict)


def edit_goal(goal_id: int, service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    goal = goals.goal_for(person, goal_id)
    _open_or_refuse(goal.status)
    form = f.GoalForm(obj=goal)
    if not form.is_submitted():
        form.version.data = str(goal.version)
    newer = None
    if form.validate_on_submit():
        try:
            goals.update_goal(current_user, person, goal, {
                "text": form.text.data, "what_will_help": form.what_will_help.data or "",
                "who_will_help": form.who_will_help.data or [],
                "other_organisation": form.other_organisation.data or "",
            }, based_on_version=form.based_on())
        except EditConflict:
            newer = goal
            form.version.data = str(goal.version)
        else:
            flash(_("Goal saved."))
            return redirect_after_post(here("goal_page", goal_id=goal.id))
    return render("edit_goal.html", person, goal=goal, form=form, newer=newer)


def close_goal(goal_id: int, service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    goal = goals.goal_for(person, goal_id)
    _open_or_refuse(goal.status)
    form = f.CloseGoalForm()
    if not form.is_submitted():
        form.version.data = str(goal.version)
    conflict = False
    if form.validate_on_submit():
        try:
            goals.close_goal(current_user, person, goal, GoalStatus(str(form.ending.data)),
                             reason=form.reason.data or "", final_rating=int(str(form.final_rating.data)),
                             based_on_version=form.based_on())
        except EditConflict:
            conflict = True
            form.version.data = str(goal.version)
        else:
            flash(_("Goal closed. Well done for working on it."))
            return redirect_after_post(here("goals_page"))
    return render("close_goal.html", person, goal=goal, form=form, conflict=conflict)


def agree_goal(goal_id: int, service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    goal = goals.goal_for(person, goal_id)
    if goal.status is not GoalStatus.DRAFT:
        return redirect_after_post(here("goal_page", goal_id=goal.id))
    form = f.AgreeGoalForm()
    if not form.is_submitted():
        form.version.data = str(goal.version)
    conflict = False
    if form.validate_on_submit():
        try:
            goals.agree_goal(current_user, person, goal, Agreement(str(form.agreement.data)),
                             on_behalf_reason=form.on_behalf_reason.data or "", based_on_version=form.based_on())
        except EditConflict:
            conflict = True
            form.version.data = str(goal.version)
        else:
            flash(_("Goal agreed. It is now part of the care plan."))
            return redirect_after_post(here("goal_page", goal_id=goal.id))
    return render("agree_goal.html", person, goal=goal, form=form, conflict=conflict)


def _open_or_refuse(status: GoalStatus) -> None:
    if status not in goals.OPEN_STATUSES:
        raise NotAllowed("This goal is closed")


ROUTES: list[Route] = [
    ("/goals", goals_page, ("GET",)),
    ("/goals/new", new_goal, ("GET", "POST")),
    ("/goals/<int:goal_id>", goal_page, ("GET",)),
    ("/goals/<int:goal_id>/rating", rate_goal, ("POST",)),
    ("/goals/<int:goal_id>/edit", edit_goal, ("GET", "POST")),
    ("/goals/<int:goal_id>/end", close_goal, ("GET", "POST")),
]
STAFF_ROUTES: list[Route] = [
    ("/goals/<int:goal_id>/agreement", agree_goal, ("GET", "POST")),
]
