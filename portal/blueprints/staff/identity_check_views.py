"""First NHS login sign-ins that did not match: the key worker (or team lead) checks with the
person and links their NHS login, or refuses it. Until then the person sees nothing."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.htmx import redirect_after_post
from portal.services import external_identity


@bp.get("/identity-checks")
@roles(*STAFF)
def identity_checks() -> str:
    checks = external_identity.open_checks_for(current_user)
    external_identity.record_checks_seen(current_user.id, checks)
    return render_template("staff/identity_checks.html", checks=checks)


@bp.post("/identity-checks/<int:check_id>")
@roles(*STAFF)
def decide_identity_check(check_id: int) -> Response:
    check = next((c for c in external_identity.open_checks_for(current_user) if c.id == check_id), None)
    decision = request.form.get("decision")
    if check is None:
        abort(404)
    if decision not in {"same_person", "not_the_person"}:
        flash(_("Choose whether it is the same person."), "error")
        return redirect_after_post(url_for("staff.identity_checks"))
    external_identity.resolve_check(check, current_user.staff_member, decision == "same_person")
    flash(_("%(name)s can now sign in with NHS login.", name=check.service_user.display_name)
          if decision == "same_person" else _("That NHS login will not open %(name)s's information.",
                                               name=check.service_user.display_name), "info")
    return redirect_after_post(url_for("staff.identity_checks"))
