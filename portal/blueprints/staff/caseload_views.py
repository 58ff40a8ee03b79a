"""The caseload (the staff home page), a service user's timeline, and handover notes to read.

The caseload's search, filter, sort and page live in the query string: the same URL gives the
whole page, or for an HTMX request just the list (``staff/_caseload.html``), which the page
itself holds.
"""

from __future__ import annotations

from datetime import date

from flask import flash, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.staff import bp, risk_presenters
from portal.blueprints.staff.risk_forms import OUTCOME_LABELS
from portal.htmx import redirect_after_post, wants_fragment
from portal.models import Role
from portal.presenters import caseload as presenter
from portal.services import care_team, carers, caseload, external_identity, handover, people, timeline


@bp.get("/")
@roles(*STAFF)
def home() -> Response:
    is_team_lead = current_user.role is Role.TEAM_LEAD
    query = caseload.CaseloadQuery.from_args(request.args)
    if query.show == "no_key_worker" and not is_team_lead:
        query = caseload.CaseloadQuery(query.search, "all", query.sort, query.page)
    page = caseload.caseload(current_user, query, date.today())
    context = {
        "page": page,
        "is_team_lead": is_team_lead,
        "show_labels": presenter.show_labels(is_team_lead),
        "sort_labels": presenter.sort_labels(),
    }
    caseload_list = _caseload_list(page, is_team_lead)
    if wants_fragment():
        response = make_response(caseload_list)
    else:
        response = make_response(render_template(
            "staff/home.html", flags=caseload.open_flags(current_user), caseload_list=caseload_list,
            new_contributions=carers.count_new_contributions_for(current_user),
            handovers=handover.handovers_to_read(current_user), local_time=risk_presenters.local_time,
            identity_checks=external_identity.open_checks_for(current_user),
            team_leads=[] if is_team_lead or not page.without_key_worker else handover.team_leads_for(current_user),
            care_teams=care_team.care_teams_for(current_user), role_of=care_team.role_of,
            **context))
    response.vary.add("HX-Request")
    return response


def _caseload_list(page: caseload.CaseloadPage, is_team_lead: bool) -> Markup:
    """The list (``staff/_caseload.html``). While the caseload is kept (services/caseload_cache.py,
    per staff scope, so nothing crosses from one scope to another) each page of it is rendered once
    per "show", sort, page, count and language: rendering 50 rows was most of a kept caseload's time."""

    def render() -> str:
        titles = presenter.instrument_titles()
        return render_template("staff/_caseload.html", page=page, is_team_lead=is_team_lead,
                               tags={row.id: presenter.tags(row, titles) for row in page.rows})

    if page.kept is None:
        return Markup(render())  # nosec B704 # the template's autoescaped output
    key = (page.query.show, page.query.sort, page.page, page.in_scope, str(get_locale()), is_team_lead)
    return Markup(page.kept.rendered(key, render))  # nosec B704 # the same, rendered earlier


@bp.get("/service-users/<int:service_user_id>/timeline")
@roles(*STAFF)
def service_user_timeline(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    events = timeline.timeline(person)
    return render_template(
        "staff/service_user_timeline.html", person=person, events=events,
        titles=presenter.SHORT_NAMES, latest_handover=timeline.latest_handover(events),
        outcome_labels={outcome.value: label for outcome, label in OUTCOME_LABELS.items()},
    )


@bp.get("/handovers/<int:assignment_id>")
@roles(*STAFF)
def handover_note(assignment_id: int) -> str:
    """A handover note for the new key worker, to read and confirm."""
    assignment = handover.handover_to_read(current_user, assignment_id)
    return render_template("staff/handover_note.html", assignment=assignment, person=assignment.service_user)


@bp.post("/handovers/<int:assignment_id>")
@roles(*STAFF)
def confirm_handover_read(assignment_id: int) -> Response:
    assignment = handover.confirm_read(current_user, assignment_id)
    flash(_("Thank you. The handover for %(name)s is marked as read.", name=assignment.service_user.display_name),
          "info")
    return redirect_after_post(url_for("staff.home"))
