"""Accounts: an administrator resets a lost second step (the person sets it up again)."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.blueprints.admin import bp
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.services import admin as admin_service
from portal.services import second_factor


@bp.get("/accounts")
@roles(Role.ADMIN)
def accounts() -> str:
    search = request.args.get("q", "")[:254]
    shown, more = admin_service.accounts_with_second_step(search)
    return render_template("admin/accounts.html", accounts=shown, more=more, search=search)


@bp.post("/accounts/<int:user_id>/second-step/reset")
@roles(Role.ADMIN)
def reset_second_step(user_id: int) -> Response:
    user = admin_service.account(user_id)
    if not second_factor.reset(current_user._get_current_object(), user):
        flash(_("%(email)s has no second step to reset.", email=user.email), "info")
        return redirect_after_post(url_for("admin.accounts"))
    flash(_("The second step for %(email)s is reset. They are signed out everywhere, and set it up again "
            "when they next sign in.", email=user.email), "info")
    return redirect_after_post(url_for("admin.accounts"))
