"""Error pages: friendly, plain, and never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.htmx import error_page
from portal.services.errors import NotAllowed, NotFound


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(NotFound, lambda error: error_page("errors/404.html", 404))
    app.register_error_handler(NotAllowed, lambda error: error_page("errors/403.html", 403))
    app.register_error_handler(CSRFError, lambda error: error_page("errors/csrf.html", 400))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _http_error(error: HTTPException) -> tuple[str, int] | Response:
    code = error.code or 500
    if code in (403, 404, 429):
        return error_page(f"errors/{code}.html", code)
    return error_page("errors/generic.html", code)


def _server_error(error: Exception) -> tuple[str, int]:
    current_app.logger.exception("Unhandled error")
    # A failed flush leaves the session unusable; the page (its header reads the signed-in user) needs it.
    from portal.extensions import db

    db.session.rollback()
    return render_template("errors/500.html"), 500
