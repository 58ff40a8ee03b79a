"""WTForms fields that render themselves with the NHS.UK frontend macros.

Templates write ``{{ form.email }}`` (or ``{{ form.email(is_page_heading=True) }}``) and get
the NHS.UK component with its label, hint and error message.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup
from wtforms import fields

from portal.forms.validators import MaxLength
from portal.render_cache import render_field

FIELD_MACROS = "components/fields.html"


class NHSWidget:
    def __init__(self, macro: str, **defaults: Any) -> None:
        self.macro = macro
        self.defaults = defaults

    def __call__(self, field: fields.Field, **options: Any) -> Markup:
        merged = {**self.defaults, **options}

        def render() -> str:
            module = current_app.jinja_env.get_template(FIELD_MACROS).module
            # The macro renders in our autoescaping environment (portal/templating.py): its output is escaped HTML.
            return str(getattr(module, self.macro)(field, merged))

        # A field its form marks render_cache (an instrument's question) is rendered once per state.
        return render_field(self.macro, field, merged, render)


_UNSTORABLE = re.compile(r"\x00")  # PostgreSQL text cannot hold NUL; nobody can type one
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # not UTF-8 (a JSON body can carry one)


def typed(value: Any) -> str:
    """What was typed in a box: text, or nothing. A file or a JSON number sent where text was
    expected (only a hostile request does this) is no answer; a NUL is dropped and half of a
    UTF-16 pair becomes U+FFFD, as a browser would send it: never a server error."""
    if not isinstance(value, str):
        return ""
    return _LONE_SURROGATE.sub("\ufffd", _UNSTORABLE.sub("", value))


class TextOnly:
    """Mixed into every field: read only text from the form (see ``typed``)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata([typed(value) for value in valuelist if isinstance(value, str)])  # type: ignore[misc]


class StringField(TextOnly, fields.StringField):
    widget = NHSWidget("text_input")

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):  # type: ignore[has-type]
            self.data = self.data.strip()  # type: ignore[has-type]


class EmailField(StringField):
    widget = NHSWidget("text_input", type="email", autocomplete="email", spellcheck=False)


class TelField(StringField):
    widget = NHSWidget("text_input", type="tel", autocomplete="tel", width=20)


class PasswordField(TextOnly, fields.PasswordField):
    widget = NHSWidget("password_input")


class TextAreaField(TextOnly, fields.TextAreaField):
    """A text box; with a length limit it is the NHS.UK character count, which says the limit
    without JavaScript and counts down as the person types with it."""

    widget = NHSWidget("textarea")

    @property
    def max_length(self) -> int | None:
        return next((rule.max for rule in self.validators if isinstance(rule, MaxLength)), None)


class RadioField(TextOnly, fields.RadioField):
    widget = NHSWidget("radios")

    def pre_validate(self, form: Any) -> None:
        # Our Required validator gives the message; an unknown value is treated as no answer.
        if self.data is not None and not any(self.data == choice.value for choice in self.choices):  # type: ignore[has-type]
            self.data = None


class CheckboxesField(TextOnly, fields.SelectMultipleField):
    """NHS.UK checkboxes: choose any number of options."""

    widget = NHSWidget("checkboxes_field")

    def pre_validate(self, form: Any) -> None:
        # Unknown values are dropped rather than reported: nobody can fix a value they cannot see.
        allowed = {str(choice.value) for choice in self.choices}  # type: ignore[union-attr]
        self.data = [value for value in (self.data or []) if value in allowed]  # type: ignore[has-type]


class BooleanField(TextOnly, fields.BooleanField):
    widget = NHSWidget("single_checkbox")


class HiddenField(TextOnly, fields.HiddenField):
    """A value the page carries (a version, a code); only ever text."""


class SubmitField(fields.SubmitField):
    widget = NHSWidget("button")


class DateField(fields.Field):
    """The NHS.UK date input: day, month and year boxes named ``<name>-day`` and so on.

    What was typed is kept (``raw``) so a mistake never loses it.
    """

    widget = NHSWidget("date_input")

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.raw = {"day": "", "month": "", "year": ""}
        self.data: date | None = None
        self.parse_error = False

    @property
    def error_target_id(self) -> str:
        return f"{self.id}-day"

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:  # type: ignore[override]
        self.process_errors: list[str] = []
        self.data = data if data is not fields.core.unset_value else None
        if self.data is not None:
            self.raw = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        if formdata is not None and any(f"{self.name}-{part}" in formdata for part in self.raw):
            self.raw = {part: typed(formdata.get(f"{self.name}-{part}")).strip() for part in self.raw}
            self.data = None
            self.parse_error = False
            if any(self.raw.values()):
                self.data = parse_date_parts(self.raw["day"], self.raw["month"], self.raw["year"])
                self.parse_error = self.data is None


_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


def parse_date_parts(day: str, month: str, year: str) -> date | None:
    """A real date from 1900 on, from what was typed in the three boxes; None for anything else.

    Only ASCII digits of a sensible length are read, so a 23-digit "year" (which ``date()``
    cannot even hold), other scripts' digits or ``1_0`` are a mistake to explain, not a crash."""
    if not (_DAY_OR_MONTH.fullmatch(day) and _DAY_OR_MONTH.fullmatch(month) and _YEAR.fullmatch(year)):
        return None
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return parsed if parsed.year >= 1900 else None
