"""WTForms fields that render themselves with the NHS.UK frontend macros.

Templates write ``{{ form.email }}`` (or ``{{ form.email(is_page_heading=True) }}``) and get
the NHS.UK component with its label, hint and error message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup
from wtforms import fields

FIELD_MACROS = "components/fields.html"


class NHSWidget:
    def __init__(self, macro: str, **defaults: Any) -> None:
        self.macro = macro
        self.defaults = defaults

    def __call__(self, field: fields.Field, **options: Any) -> Markup:
        module = current_app.jinja_env.get_template(FIELD_MACROS).module
        return Markup(getattr(module, self.macro)(field, {**self.defaults, **options}))


class StringField(fields.StringField):
    widget = NHSWidget("text_input")

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):  # type: ignore[has-type]
            self.data = self.data.strip()  # type: ignore[has-type]


class EmailField(StringField):
    widget = NHSWidget("text_input", type="email", autocomplete="email", spellcheck=False)


class TelField(StringField):
    widget = NHSWidget("text_input", type="tel", autocomplete="tel", width=20)


class PasswordField(fields.PasswordField):
    widget = NHSWidget("password_input")


class TextAreaField(fields.TextAreaField):
    widget = NHSWidget("textarea")


class RadioField(fields.RadioField):
    widget = NHSWidget("radios")

    def pre_validate(self, form: Any) -> None:
        # Our Required validator gives the message; an unknown value is treated as no answer.
        if self.data is not None and not any(self.data == choice.value for choice in self.choices):  # type: ignore[has-type]
            self.data = None


class CheckboxesField(fields.SelectMultipleField):
    """NHS.UK checkboxes: choose any number of options."""

    widget = NHSWidget("checkboxes_field")

    def pre_validate(self, form: Any) -> None:
        # Unknown values are dropped rather than reported: nobody can fix a value they cannot see.
        allowed = {str(choice.value) for choice in self.choices}  # type: ignore[union-attr]
        self.data = [value for value in (self.data or []) if value in allowed]  # type: ignore[has-type]


class BooleanField(fields.BooleanField):
    widget = NHSWidget("single_checkbox")


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
            self.raw = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.raw}
            self.data = None
            self.parse_error = False
            if any(self.raw.values()):
                try:
                    self.data = date(int(self.raw["year"]), int(self.raw["month"]), int(self.raw["day"]))
                    if self.data.year < 1900:
                        raise ValueError
                except ValueError:
                    self.data = None
                    self.parse_error = True
