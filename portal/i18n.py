"""Locale selection: the signed-in person's saved choice, else the language cookie (signed-out
pages), else the browser's Accept-Language, else English."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user

from portal import languages


def select_locale() -> str | None:
    if not has_request_context():
        return None  # a worker or the command line: English, unless the caller forces a locale
    offered = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in offered:
        return str(current_user.locale)
    return (languages.chosen(request.cookies.get(languages.COOKIE), offered)
            or request.accept_languages.best_match(offered))
