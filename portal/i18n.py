"""Locale selection: the signed-in person's choice, else the browser's, else English."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    return request.accept_languages.best_match(languages)
