"""Error pages: friendly, plain, and never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.services.errors import NotAllowed, NotFound


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(NotFound, lambda error: (render_template("errors/404.html"), 404))
    app.register_error_handler(NotAllowed, lambda error: (render_template("errors/403.html"), 403))
    app.register_error_handler(CSRFError, lambda error: (render_template("errors/csrf.html"), 400))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code == 404:
        return render_template("errors/404.html"), 404
    if code == 403:
        return render_template("errors/403.html"), 403
    if code == 429:
        return render_template("errors/429.html"), 429
    return render_template("errors/generic.html", code=code), code


def _server_error(error: Exception) -> tuple[str, int]:
    current_app.logger.exception("Unhandled error")
    # A failed flush leaves the session unusable; the page (its header reads the signed-in user) needs it.
    from portal.extensions import db

    db.session.rollback()
    return render_template("errors/500.html"), 500
