"""Feedback about the service (the Friends and Family Test): a service user's own page."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.feedback_page import feedback_page
from portal.blueprints.me import bp
from portal.blueprints.you_said_we_did_page import you_said_we_did_page
from portal.models import Role
from portal.services import feedback


@bp.route("/feedback", methods=["GET", "POST"])
@roles(Role.SERVICE_USER)
def give_feedback() -> str | Response:
    return feedback_page("me/give_feedback.html", url_for("me.home"))


@bp.app_template_global("feedback_offer")
def feedback_offer() -> tuple[str, bool] | None:
    """For components/_feedback_offer.html: where a service user or carer gives feedback, and
    whether to offer it now (it is due) or only to mention it. None for anyone else."""
    endpoint = {Role.SERVICE_USER: "me.give_feedback", Role.CARER: "carer.give_feedback"}.get(
        getattr(current_user, "role", None))  # type: ignore[arg-type]
    if endpoint is None:
        return None
    return url_for(endpoint), feedback.offer_due(current_user, date.today())


@bp.get("/you-said-we-did")
@roles(Role.SERVICE_USER)
def team_updates() -> str:
    return you_said_we_did_page("me/team_updates.html")
