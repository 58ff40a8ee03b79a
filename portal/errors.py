"""Error pages: friendly, plain, and never a stack trace.

Refusals (403, a 404 from a real page, a record that is not theirs, a failed CSRF check) are put in
the audit trail (portal/access.py ``record_refusal``). A database that cannot be reached is a 503
page that needs no database itself, with Retry-After; the portal recovers by itself when the
database is back (``pool_pre_ping``, and the session is rolled back here).
"""

from __future__ import annotations

import contextlib

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.access import record_refusal
from portal.htmx import error_page
from portal.services.errors import NotAllowed, NotFound

RETRY_AFTER_SECONDS = 60
# HTTP refusals of a real page that go in the audit trail; a web address that matches no page does not.
REFUSED_CODES = {401, 403, 404}
# Methods that send something: if the database went away while serving one, it may not be saved.
SENDING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(NotFound, _not_theirs)
    app.register_error_handler(NotAllowed, _not_allowed)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def database_unreachable(error: BaseException | None) -> bool:
    """The database could not be reached (or answered that it cannot serve), as opposed to a bug
    such as a broken constraint."""
    return isinstance(error, OperationalError | InterfaceError | PoolTimeoutError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def _not_theirs(error: NotFound) -> tuple[str, int] | Response:
    record_refusal()
    return error_page("errors/404.html", 404)


def _not_allowed(error: NotAllowed) -> tuple[str, int] | Response:
    record_refusal()
    return error_page("errors/403.html", 403)


def _csrf_failed(error: CSRFError) -> tuple[str, int] | Response:
    record_refusal()
    return error_page("errors/csrf.html", 400)


def _http_error(error: HTTPException) -> tuple[str, int] | Response:
    # A 500 whose cause is the database (raised after the view, e.g. while adding headers).
    if database_unreachable(getattr(error, "original_exception", None)):
        return _service_unavailable(error.original_exception)  # type: ignore[attr-defined]
    code = error.code or 500
    if code in REFUSED_CODES and request.url_rule is not None and request.endpoint != "static":
        record_refusal()
    if code in (403, 404, 429):
        return error_page(f"errors/{code}.html", code)
    return error_page("errors/generic.html", code)


def _server_error(error: Exception) -> tuple[str, int] | Response:
    if database_unreachable(error):
        return _service_unavailable(error)
    current_app.logger.exception("Unhandled error")
    # A failed flush leaves the session unusable; the page (its header reads the signed-in user) needs it.
    from portal.extensions import db

    db.session.rollback()
    return render_template("errors/500.html"), 500


def _service_unavailable(error: BaseException) -> Response:
    """503, on a page that does not touch the database: not even to read who is signed in."""
    from flask_login import AnonymousUserMixin

    from portal.extensions import db, login_manager

    # The error's text can hold the SQL and its values (personal data): log only what kind it was.
    cause = getattr(error, "orig", None)
    current_app.logger.error("Database unreachable (%s%s)", type(error).__name__,
                             f" from {type(cause).__module__}.{type(cause).__name__}" if cause is not None else "")
    with contextlib.suppress(Exception):  # the database is gone: there may be nothing to roll back
        db.session.rollback()  # hands back the broken connection; the pool checks the next one (pool_pre_ping)
    # From here on this request is answered as if signed out: the page, the locale and the security
    # headers must not load the signed-in person from a database that is not there. Flask-Login keeps
    # the person of this request in g._login_user; the session cookie, and so the sign-in, stays.
    g._login_user = (login_manager.anonymous_user or AnonymousUserMixin)()
    html = render_template("errors/503.html", may_not_be_saved=request.method in SENDING_METHODS)
    response = Response(html, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
