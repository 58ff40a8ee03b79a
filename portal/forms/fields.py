"""WTForms fields that render themselves with the NHS.UK frontend macros.

Templates write ``{{ form.email }}`` (or ``{{ form.email(is_page_heading=True) }}``) and get
the NHS.UK component with its label, hint and error message.
"""

from __future__ import annotations

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
        if isinstance(self.data, str):
            self.data = self.data.strip()


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
        if self.data is not None and not any(self.data == value for value, _ in self.choices):
            self.data = None


class BooleanField(fields.BooleanField):
    widget = NHSWidget("single_checkbox")


class SubmitField(fields.SubmitField):
    widget = NHSWidget("button")
