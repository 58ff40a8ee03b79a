"""The care plan: the live draft, adding and changing entries, agreeing, versions, print, compare."""

from __future__ import annotations

from datetime import date

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.blueprints.coproduction import Route, about, here, person_here, render
from portal.blueprints.coproduction import forms as f
from portal.blueprints.coproduction.presenters import goal_card
from portal.forms import messages
from portal.htmx import redirect_after_post
from portal.models import GoalStatus, Section, SupportKind
from portal.services import care_plans, goals, once
from portal.services.errors import EditConflict, NotFound


def _section(code: str) -> Section:
    try:
        section = Section(code)
    except ValueError:
        raise NotFound from None
    if section not in care_plans.WRITTEN_SECTIONS:
        raise NotFound
    return section


def care_plan(service_user_id: int | None = None) -> str:
    person = person_here(service_user_id)
    plan = care_plans.plan_of(person)
    today = date.today()
    sections = care_plans.draft_entries(plan)
    changeable = {e.id for entries in sections.values() for e in entries if care_plans.may_change(current_user, e)}
    return render("care_plan.html", person, plan=plan, sections=sections, changeable=changeable,
                  goal_cards=[goal_card(g, today, about(person)) for g in goals.open_goals(person)],
                  agreed=care_plans.current_agreed(person))


def add_care_plan_entry(section: str, service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    chosen = _section(section)
    form = f.EntryForm()
    if chosen is not Section.OTHER_SUPPORT:
        del form.support_kind
    if form.validate_on_submit():
        kind = form.support_kind.data if chosen is Section.OTHER_SUPPORT else None
        try:
            entry = care_plans.add_entry(current_user, person, chosen, form.text.data,
                                         support_kind=SupportKind(kind) if kind else None,
                                         sent=form.sent())
        except once.AlreadySent:
            flash(_("This is in the care plan already."))
            return redirect_after_post(here("care_plan"))
        flash(_("Added to the care plan."))
        return redirect_after_post(here("care_plan") + f"#entry-{entry.id}")
    return render("care_plan_entry.html", person, form=form, section=chosen, entry=None, newer=None)


def edit_care_plan_entry(entry_id: int, service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    entry = care_plans.entry_to_change(current_user, person, entry_id)
    form = f.EntryForm(obj=entry if request.method == "GET" else None)
    del form.support_kind
    if not form.is_submitted():
        form.version.data = str(entry.version)
    newer = None
    if form.validate_on_submit():
        try:
            care_plans.update_entry(current_user, entry, form.text.data, based_on_version=form.based_on())
        except EditConflict:
            newer = entry
            form.version.data = str(entry.version)
        else:
            flash(_("Care plan saved."))
            return redirect_after_post(here("care_plan") + f"#entry-{entry.id}")
    return render("care_plan_entry.html", person, form=form, section=entry.section, entry=entry, newer=newer)


def remove_care_plan_entry(entry_id: int, service_user_id: int | None = None) -> str | Response:
    """Asks first: the page shows the words and a button; only that button removes them."""
    person = person_here(service_user_id, audit_view=False)
    entry = care_plans.entry_to_change(current_user, person, entry_id)
    form = f.RemoveForm()
    if not form.is_submitted():
        form.version.data = str(entry.version)
        return render("remove_care_plan_entry.html", person, form=form, entry=entry)
    if form.validate_on_submit():
        try:
            care_plans.remove_entry(current_user, entry, based_on_version=form.based_on())
        except EditConflict:
            flash(_("Someone changed this while you were looking. Check it again before you remove it."))
            return redirect_after_post(here("edit_care_plan_entry", entry_id=entry.id))
        flash(_("Removed from the care plan. Earlier agreed versions still show it."))
    return redirect_after_post(here("care_plan"))


def agree_care_plan(service_user_id: int | None = None) -> str | Response:
    person = person_here(service_user_id, audit_view=False)
    plan = care_plans.plan_of(person)
    form = f.AgreeCarePlanForm(data={"next_review_on": care_plans.latest_review_allowed(date.today())})
    nothing = plan is None or (not plan.changed_since_agreed and plan.versions)
    if not nothing and form.validate_on_submit():
        version = care_plans.agree(current_user, person, next_review_on=form.next_review_on.data)
        flash(_("Care plan agreed. This is version %(number)s.", number=version.number))
        return redirect_after_post(here("care_plan_version", number=version.number))
    drafts = [g for g in goals.open_goals(person) if g.status is GoalStatus.DRAFT]
    return render("agree_care_plan.html", person, form=form, nothing_to_agree=nothing, drafts=len(drafts))


def care_plan_versions(service_user_id: int | None = None) -> str:
    person = person_here(service_user_id)
    versions = care_plans.versions(person)
    form = f.CompareForm(request.args)
    comparison = None
    if "older" in request.args and len(versions) > 1:
        numbers = {v.number: v for v in versions}
        older, newer = numbers.get(form.older.data or 0), numbers.get(form.newer.data or 0)
        if older is None or newer is None or older.number == newer.number:
            form.older.errors = [str(messages.CHOOSE_TWO_VERSIONS)]
        else:
            older, newer = sorted((older, newer), key=lambda v: v.number)
            comparison = (older, newer, care_plans.compare(older.content, newer.content))
    return render("care_plan_versions.html", person, versions=list(reversed(versions)), form=form,
                  comparison=comparison)


def care_plan_version(number: int, service_user_id: int | None = None) -> str:
    person = person_here(service_user_id)
    version = care_plans.version_for(person, number)
    latest = care_plans.current_agreed(person)
    return render("care_plan_version.html", person, version=version,
                  is_current=latest is not None and latest.number == version.number)


ROUTES: list[Route] = [
    ("/care-plan", care_plan, ("GET",)),
    ("/care-plan/sections/<section>/entries", add_care_plan_entry, ("GET", "POST")),
    ("/care-plan/entries/<int:entry_id>", edit_care_plan_entry, ("GET", "POST")),
    ("/care-plan/entries/<int:entry_id>/removal", remove_care_plan_entry, ("GET", "POST")),
    ("/care-plan/agreement", agree_care_plan, ("GET", "POST")),
    ("/care-plan/versions", care_plan_versions, ("GET",)),
    ("/care-plan/versions/<int:number>", care_plan_version, ("GET",)),
]
