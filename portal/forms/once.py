"""What every form that creates something sends so that sending it twice makes one thing
(see ``services/once.py``).

A form class mixes in ``OnceForm``, its template writes ``{{ form.form_token }}`` (a hidden
input, with no JavaScript needed), and the view passes ``form.sent()`` to the create service.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field

from portal.services.once import Sent

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_INPUT = Markup('<input type="hidden" name="{}" value="{}">')


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_input(name: str = "form_token") -> Markup:
    """A fresh token, for a template that shows a create form with no form object behind it."""
    return _INPUT.format(name, new_token())


def content_key(path: str, values: list[tuple[str, str]]) -> str:
    """A key of what was sent where, the same for the same words sent to the same address."""
    digest = hashlib.sha256(repr((path, sorted(values))).encode()).digest()
    return "same:" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


class FormTokenField(Field):
    """The one-time token: made when the form is shown; a hidden input with no id (a page may
    show several forms with one); never an error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default=new_token, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        sent = str(valuelist[0]) if valuelist else ""
        # Not one of ours (missing, or made up): a fresh token, so this send still makes one thing.
        self.data = sent if _TOKEN.fullmatch(sent) else new_token()

    def __call__(self, **kwargs: Any) -> Markup:
        return _INPUT.format(self.name, self.data or "")

    def _value(self) -> str:
        return str(self.data or "")


class OnceForm(FlaskForm):
    """Mixed into every form that creates something."""

    form_token = FormTokenField()

    def sent(self) -> Sent:
        """The token, and a key of the content and the address it was sent to, for the service."""
        values = [(field.name, repr(field.data)) for field in self
                  if field is not self.form_token and field.type != "CSRFTokenField"]
        return Sent(token=str(self.form_token.data or ""), content=content_key(request.path, values))
