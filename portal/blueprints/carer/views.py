"""The carer's own pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.access import roles
from portal.blueprints.carer import bp
from portal.models import Role
from portal.services import people


@bp.get("/")
@roles(Role.CARER)
def home() -> str:
    carer = people.own_carer(current_user)
    return render_template("carer/home.html", carer=carer, cared_for=people.cared_for(current_user))
