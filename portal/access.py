"""Every endpoint declares who may use it. A test walks the URL map to make sure.

``@public`` — anyone, signed in or not.
``@signed_in`` — any signed-in person.
``@roles(Role.KEY_WORKER, ...)`` — signed-in people with one of these roles.
Record-level checks (is this *their* service user?) happen in the services, which
answer NotFound for someone else's record.

Every refusal goes in the audit trail (``record_refusal``): signed-out requests for a page that
needs signing in here, and 403s, 404s of real pages and failed CSRF checks in portal/errors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from portal.extensions import login_manager
from portal.models import Role
from portal.services import audit

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTRIBUTE = "access_roles"
PUBLIC = "public"
SIGNED_IN = "signed_in"


def public(view: F) -> F:
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def signed_in(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            record_refusal()
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, SIGNED_IN)
    return wrapper  # type: ignore[return-value]


def roles(*allowed: Role) -> Callable[[F], F]:
    if not allowed:
        raise ValueError("roles() needs at least one role")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                record_refusal()
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, frozenset(allowed))
        return wrapper  # type: ignore[return-value]

    return decorator


STAFF = (Role.KEY_WORKER, Role.TEAM_LEAD)


def record_refusal() -> None:
    """Put the request being refused in the audit trail: who asked (nobody, when signed out) and
    which part of the portal (the endpoint's blueprint), never the web address or what was sent.
    Never raises (portal/services/audit.py caps a flood and logs a trail it cannot write)."""
    try:
        signed_in_id = current_user.id if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - who asked cannot be read (no database): the error page deals with that
        return
    audit.record_refusal(signed_in_id, request.remote_addr or "", request.blueprint or "")


def undeclared_endpoints(app: object) -> list[str]:
    """Endpoints whose view does not say who may use it (Flask's own static files excepted)."""
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()  # type: ignore[attr-defined]
        if rule.endpoint != "static"
        and not hasattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE)  # type: ignore[attr-defined]
    )
