"""Jinja set-up: our templates first, then the NHS.UK frontend macros, always autoescaped."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

from flask import Flask, g
from flask.templating import Environment
from flask_babel import get_locale
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from portal import languages
from portal.config import ROOT
from portal.dates import register_filters as register_date_filters
from portal.forms.once import token_input
from portal.forms.validators import format_nhs_number
from portal.phone_links import call_links
from portal.presenters import equality
from portal.render_cache import init_render_cache


class _Globals(ChainMap[str, Any]):
    """A template's globals: its own over the environment's, as Jinja makes them, but with a set
    for keys. Each ``{% from … import … %}`` of a macro file (a dozen a page) takes the importing
    page's global names away from these keys; a ChainMap answers each name in Python, a set in C
    (issue 18: a tenth of a question page's time)."""

    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)


class PortalEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)


def configure_jinja(app: Flask) -> None:
    app.jinja_environment = PortalEnvironment
    # Flask only autoescapes ".html" names; the NHS.UK macros are ".jinja" files, so
    # autoescape must be on for every template or text passed to a macro comes out raw.
    app.jinja_options = {
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(ROOT / "portal" / "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        "undefined": ChainableUndefined,
        "autoescape": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "extensions": ["jinja2.ext.i18n", "jinja2.ext.do"],
    }
    app.jinja_env.globals.update(
        service_name=app.config["SERVICE_NAME"],
        trust_name=app.config["TRUST_NAME"],
        csp_nonce=lambda: g.get("csp_nonce", ""),
        get_locale=get_locale,
    )
    from portal import charts
    from portal.navigation import current_item, navigation_for

    app.jinja_env.globals["charts"] = charts
    # For the layout and components/language.html (imported macros see globals, not the context):
    # the languages to offer, and which way a language is written.
    app.jinja_env.globals["languages_offered"] = lambda: languages.offered(app.config["LANGUAGES"])
    app.jinja_env.filters["text_direction"] = languages.direction

    app.jinja_env.globals["navigation_for"] = navigation_for
    app.jinja_env.globals["navigation_current"] = current_item
    app.jinja_env.globals["form_token_input"] = token_input
    app.jinja_env.filters["nhs_number"] = format_nhs_number
    app.jinja_env.filters["gender_words"] = equality.gender_words
    app.jinja_env.filters["ethnic_group_words"] = equality.ethnic_group_words
    register_date_filters(app.jinja_env.filters)
    init_render_cache(app)
    app.jinja_env.filters["call_links"] = call_links
