"""Feedback about the service (the Friends and Family Test): a carer's page, about the team of a
person they care for (a choice when those people are in more than one team)."""

from __future__ import annotations

from flask import url_for
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.carer import bp
from portal.blueprints.feedback_page import feedback_page
from portal.blueprints.you_said_we_did_page import you_said_we_did_page
from portal.models import Role


@bp.route("/feedback", methods=["GET", "POST"])
@roles(Role.CARER)
def give_feedback() -> str | Response:
    return feedback_page("carer/give_feedback.html", url_for("carer.home"))


@bp.get("/you-said-we-did")
@roles(Role.CARER)
def team_updates() -> str:
    return you_said_we_did_page("carer/team_updates.html")
