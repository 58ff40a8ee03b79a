"""Your information: who has seen it, and a copy of all of it (to read, print or download)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints import information_page
from portal.blueprints.carer.forms import PART_LABELS
from portal.blueprints.me import bp
from portal.models import Role
from portal.presenters import access_history as words
from portal.presenters.safety_plans import STEPS
from portal.services import access_history as seen
from portal.services import data_export, people


@bp.get("/information/seen")
@roles(Role.SERVICE_USER)
def access_history() -> str:
    person = people.own_service_user(current_user)
    page = seen.seen_by_service_user(current_user, person, information_page.shown())
    return render_template("me/access_history.html", person=person, page=page,
                           lines=words.lines(page, words.SERVICE_USER))


@bp.get("/information/copy")
@roles(Role.SERVICE_USER)
def information_copy() -> str:
    person = people.own_service_user(current_user)
    copy = data_export.copy_for_service_user(current_user, person, download=False)
    return render_template("me/information_copy.html", person=person,
                           copy=words.with_words(copy, words.SERVICE_USER), steps=STEPS,
                           part_labels=PART_LABELS)


@bp.post("/information/copy/download")
@roles(Role.SERVICE_USER)
def download_information() -> Response:
    person = people.own_service_user(current_user)
    copy = data_export.copy_for_service_user(current_user, person, download=True)
    return information_page.download(copy, words.SERVICE_USER, "your-information")
