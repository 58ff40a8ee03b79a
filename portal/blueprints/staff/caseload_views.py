"""The caseload (the staff home page) and a service user's timeline.

The caseload's search, filter, sort and page live in the query string: the same URL gives the
whole page, or for an HTMX request just the list (``staff/_caseload.html``), which the page
itself includes.
"""

from __future__ import annotations

from datetime import date

from flask import make_response, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.htmx import wants_fragment
from portal.models import Role
from portal.presenters import caseload as presenter
from portal.services import carers, caseload, people, timeline


@bp.get("/")
@roles(*STAFF)
def home() -> Response:
    is_team_lead = current_user.role is Role.TEAM_LEAD
    query = caseload.CaseloadQuery.from_args(request.args)
    if query.show == "no_key_worker" and not is_team_lead:
        query = caseload.CaseloadQuery(query.search, "all", query.sort, query.page)
    page = caseload.caseload(current_user, query, date.today())
    titles = presenter.instrument_titles()
    context = {
        "page": page,
        "is_team_lead": is_team_lead,
        "tags": {row.id: presenter.tags(row, titles) for row in page.rows},
        "show_labels": presenter.show_labels(is_team_lead),
        "sort_labels": presenter.sort_labels(),
    }
    if wants_fragment():
        response = make_response(render_template("staff/_caseload.html", **context))
    else:
        response = make_response(render_template(
            "staff/home.html", flags=caseload.open_flags(current_user),
            new_contributions=carers.count_new_contributions_for(current_user), **context))
    response.vary.add("HX-Request")
    return response


@bp.get("/service-users/<int:service_user_id>/timeline")
@roles(*STAFF)
def service_user_timeline(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    events = timeline.timeline(person)
    return render_template(
        "staff/service_user_timeline.html", person=person, events=events,
        titles=presenter.SHORT_NAMES, latest_handover=timeline.latest_handover(events),
    )
