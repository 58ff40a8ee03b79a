"""Staff: who has seen a person's information (as the person sees it), and a copy of all of it for a
subject access request. Only for someone on their caseload or team (404 otherwise)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints import information_page
from portal.blueprints.carer.forms import PART_LABELS
from portal.blueprints.staff import bp
from portal.presenters import access_history as words
from portal.presenters.safety_plans import STEPS
from portal.services import access_history, data_export, people


@bp.get("/service-users/<int:service_user_id>/information/seen")
@roles(*STAFF)
def service_user_access_history(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    page = access_history.seen_by_service_user(current_user, person, information_page.shown())
    return render_template("staff/service_user_access_history.html", person=person, page=page,
                           lines=words.lines(page, words.SERVICE_USER))


@bp.get("/service-users/<int:service_user_id>/information/copy")
@roles(*STAFF)
def service_user_information_copy(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    copy = data_export.copy_for_service_user(current_user, person, download=False)
    return render_template("staff/service_user_information_copy.html", person=person,
                           copy=words.with_words(copy, words.SERVICE_USER), steps=STEPS,
                           part_labels=PART_LABELS)


@bp.post("/service-users/<int:service_user_id>/information/copy/download")
@roles(*STAFF)
def download_service_user_information(service_user_id: int) -> Response:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    copy = data_export.copy_for_service_user(current_user, person, download=True)
    return information_page.download(copy, words.SERVICE_USER, f"information-{person.nhs_number}")
