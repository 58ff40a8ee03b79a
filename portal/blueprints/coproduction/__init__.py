"""Goals, the care plan and the session view: one set of pages, used by the service user (the
``me`` blueprint, their own record) and by staff (the ``staff`` blueprint, scoped to their
caseload or team). Each blueprint registers these views under its own URLs and access rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import STAFF, roles
from portal.models import Role, ServiceUser
from portal.services import people

STAFF_PREFIX = "/service-users/<int:service_user_id>"


def is_staff() -> bool:
    return request.blueprint == "staff"


def person_here(service_user_id: int | None = None, *, audit_view: bool = True) -> ServiceUser:
    """The service user whose plan this is: your own, or one on your caseload (404 otherwise)."""
    if is_staff():
        assert service_user_id is not None
        return people.service_user_for_staff(current_user, service_user_id, audit_view=audit_view)
    return people.own_service_user(current_user)


def about(person: ServiceUser) -> str | None:
    """Whom a staff page speaks about (the person's first name); None on the person's own pages."""
    return person.first_name if is_staff() else None


def here(endpoint: str, **values: Any) -> str:
    """A URL on the same audience's pages as this request."""
    if is_staff():
        values.setdefault("service_user_id", request.view_args["service_user_id"])  # type: ignore[index]
    return url_for(f"{request.blueprint}.{endpoint}", **values)


def render(template: str, person: ServiceUser, **context: Any) -> str:
    """The page for this audience. Staff see the same forms about the person by name: each form
    (or form in a ``forms`` dict) with an ``about(name)`` method is relabelled here, in one place."""
    if is_staff():
        forms = [*context.values(), *(context.get("forms") or {}).values()]
        for form in forms:
            if isinstance(form, FlaskForm) and hasattr(form, "about"):
                form.about(person.first_name)
    return render_template(f"coproduction/{template}", person=person, here=here, staff=is_staff(), **context)


Route = tuple[str, Callable[..., Any], tuple[str, ...]]


def register(bp: Blueprint, audience: str) -> None:
    from portal.blueprints.coproduction import care_plan_views, goal_views, session_views

    routes: list[Route] = [*goal_views.ROUTES, *care_plan_views.ROUTES, *session_views.ROUTES]
    if audience == "staff":
        routes += [*goal_views.STAFF_ROUTES, *session_views.STAFF_ROUTES]
    else:
        routes += session_views.ME_ROUTES
    guard = roles(*STAFF) if audience == "staff" else roles(Role.SERVICE_USER)
    prefix = STAFF_PREFIX if audience == "staff" else ""
    for rule, view, methods in routes:
        bp.add_url_rule(prefix + rule, view.__name__, guard(view), methods=list(methods))
