"""WTForms' own messages come in the person's language, from a catalog read once per language
(portal/i18n.py; Flask-WTF would read it from disk on every request)."""

from __future__ import annotations

from babel import support
from flask import Flask
from flask_babel import refresh
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.i18n import messages_path

from portal import i18n


class NumberForm(FlaskForm):
    class Meta:
        csrf = False

    number = IntegerField()


def test_wtforms_messages_are_in_each_language_and_read_once(app: Flask) -> None:
    i18n._wtforms_catalog.cache_clear()
    seen = {}
    for language in ("cy", "pl", "ar", "en", "cy"):
        with app.test_request_context("/", method="POST", data={"number": "many"},
                                      headers={"Accept-Language": language}):
            refresh()  # the tests' app context outlives each request: forget its language
            app.preprocess_request()
            form = NumberForm()
            assert not form.validate()
            seen[language] = form.number.errors[0]
    expected = {language: support.Translations.load(messages_path(), [language], domain="wtforms")
                .ugettext("Not a valid integer value.") for language in ("cy", "pl", "ar", "en")}
    assert seen == expected
    assert seen["en"] == "Not a valid integer value." and len(set(seen.values())) == 4
    assert i18n._wtforms_catalog.cache_info().misses == 4  # one reading per language
