"""The service user reads the statements of care his care team agreed (services/statement_of_care.py),
in plain words, with who wrote each one and what they do."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.access import roles
from portal.blueprints.me import bp
from portal.models import Role
from portal.presenters import statement_of_care as presenter
from portal.services import people
from portal.services import statement_of_care as statements


@bp.get("/statements-of-care")
@roles(Role.SERVICE_USER)
def statements_of_care() -> str:
    person = people.own_service_user(current_user)
    return render_template("me/statements_of_care.html", person=person,
                           statements=[presenter.for_service_user(v) for v in statements.agreed_versions(person)])
