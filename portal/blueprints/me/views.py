"""The service user's own pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.access import roles
from portal.blueprints.me import bp
from portal.models import Role
from portal.services import people


@bp.get("/")
@roles(Role.SERVICE_USER)
def home() -> str:
    person = people.own_service_user(current_user)
    return render_template("me/home.html", person=person)
