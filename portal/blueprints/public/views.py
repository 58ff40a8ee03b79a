"""Pages anyone can see."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import accessibility
from portal.access import public
from portal.blueprints.public import bp, presenters
from portal.dates import format_when
from portal.models import Role
from portal.services.health import database_ok

HOME_FOR_ROLE = {
    Role.SERVICE_USER: "me.home",
    Role.CARER: "carer.home",
    Role.KEY_WORKER: "staff.home",
    Role.TEAM_LEAD: "staff.home",
    Role.ADMIN: "admin.home",
}


@bp.get("/")
@public
def home() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for(HOME_FOR_ROLE[current_user.role]))
    return render_template("public/home.html")


@bp.get("/get-help")
@public
def get_help() -> str:
    return render_template("public/get_help.html")


@bp.get("/accessibility")
@public
def accessibility_statement() -> str:
    return render_template(
        "public/accessibility_statement.html", contact=accessibility.contact(),
        known_problems=accessibility.KNOWN_PROBLEMS, site_address=request.host_url.rstrip("/"),
        prepared_on=format_when(accessibility.PREPARED_ON), reviewed_on=format_when(accessibility.REVIEWED_ON),
        last_tested_on=format_when(accessibility.LAST_TESTED_ON),
        next_review_by=format_when(accessibility.NEXT_REVIEW_BY),
        abilitynet_url=accessibility.ABILITYNET_URL, eass_url=accessibility.EASS_URL,
    )


@bp.get("/privacy")
@public
def privacy_notice() -> str:
    return render_template("public/privacy_notice.html", notice=presenters.privacy_notice())


@bp.get("/healthz")
@public
def healthz() -> tuple[Response, int]:
    if database_ok():
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="error", database="unreachable"), 503
