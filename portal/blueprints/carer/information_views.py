"""A carer's own information: who has seen it, and a copy of their details and what they told the team."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints import information_page
from portal.blueprints.carer import bp
from portal.blueprints.carer.forms import PART_LABELS
from portal.models import Role
from portal.presenters import access_history as words
from portal.services import access_history as seen
from portal.services import data_export, people


@bp.get("/information/seen")
@roles(Role.CARER)
def access_history() -> str:
    carer = people.own_carer(current_user)
    page = seen.seen_by_carer(current_user, carer, information_page.shown())
    return render_template("carer/access_history.html", carer=carer, page=page, lines=words.lines(page, words.CARER))


@bp.get("/information/copy")
@roles(Role.CARER)
def information_copy() -> str:
    carer = people.own_carer(current_user)
    copy = data_export.copy_for_carer(current_user, carer, download=False)
    return render_template("carer/information_copy.html", carer=carer, copy=words.with_words(copy, words.CARER),
                           part_labels=PART_LABELS)


@bp.post("/information/copy/download")
@roles(Role.CARER)
def download_information() -> Response:
    carer = people.own_carer(current_user)
    return information_page.download(data_export.copy_for_carer(current_user, carer, download=True), words.CARER,
                                     "your-information")
