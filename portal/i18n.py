"""Locale selection: the signed-in person's saved choice, else the language cookie (signed-out
pages), else the browser's Accept-Language, else English."""

from __future__ import annotations

from functools import cache

from babel import support
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

from portal import languages


def select_locale() -> str | None:
    if not has_request_context():
        return None  # a worker or the command line: English, unless the caller forces a locale
    offered = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in offered:
        return str(current_user.locale)
    return (languages.chosen(request.cookies.get(languages.COOKIE), offered)
            or request.accept_languages.best_match(offered))


class _WTFormsMessages:
    """WTForms' own messages in the request's language. Flask-WTF reads WTForms' catalog from disk
    on every request that makes a form (about 4% of a question page, issue 18); this keeps one
    catalog per language for the life of the process. Flask-WTF takes it from
    ``request.wtforms_translations``, which ``init_wtforms_messages`` sets."""

    def ugettext(self, string: str) -> str:
        return str(_wtforms_catalog(str(get_locale())).ugettext(string))

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalog(str(get_locale())).ungettext(singular, plural, n))


@cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


_WTFORMS_MESSAGES = _WTFormsMessages()


def init_wtforms_messages(app: Flask) -> None:
    @app.before_request
    def _wtforms_messages() -> None:
        request.wtforms_translations = _WTFORMS_MESSAGES  # type: ignore[attr-defined]
