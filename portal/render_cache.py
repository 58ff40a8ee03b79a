"""Rendered HTML kept for what never changes between people (issue 18).

The NHS.UK macros are slow in pure-Python Jinja: on a DIALOG question page the radios macro took
about half the time and the layout's header and footer most of the rest. What they produce is a
pure function of what they are given, so it is kept, keyed by **everything** it was given:

- ``render_field``: a form field whose content is not personal (an instrument's question and
  options, a report's period, marked ``render_cache = True`` by its form) — keyed by the macro, the
  field's id, name, label, hint, choices, chosen value, what was typed in a date's boxes and error,
  the options the template passed, and the language.
  The chosen value is part of the key: the fragment for "5 chosen" is the same for everyone.
- ``cached_fragment`` (a ``{% call %}`` in templates): a part of the layout, keyed by what it
  depends on; anything personal (a name, the CSRF token) is passed as a *placeholder* value, so the
  kept HTML holds only a marker, and each request's own escaped value is put in its place.

Nothing personal is ever kept, and a test renders every question of every instrument in every
state with the cache on and off and compares (tests/views/test_render_cache.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup, escape

MAX_ENTRIES = 2048
_MARKER = "pOrTaLpLaCeHoLdEr{}x"  # letters only: escaping leaves it as it is


class RenderCache:
    def __init__(self) -> None:
        self.enabled = True
        self.entries: dict[Hashable, str] = {}

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        if not self.enabled:
            return render()
        html = self.entries.get(key)
        if html is None:
            html = render()
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = html
        return html


BENCH_SWITCH = "PORTAL_BENCH_RENDER_CACHE"  # "off": bench/load.py compares with and without


def init_render_cache(app: Any) -> None:
    cache = RenderCache()
    if os.environ.get(BENCH_SWITCH) == "off" and app.config.get("ENV_NAME") != "production":
        cache.enabled = False
    app.extensions["render_cache"] = cache
    app.jinja_env.globals["cached_fragment"] = cached_fragment


def render_cache() -> RenderCache:
    cache: RenderCache = current_app.extensions["render_cache"]
    return cache


_PLAIN = frozenset({str, int, bool, type(None)})


def _text(value: Any) -> str:
    """A value as text for a key. Strings, whole numbers, True/False and None, and tuples and dicts
    of them (nearly every value here) by their repr: quicker than JSON, and as distinct ("1", "True"
    and "'1'" apart). Anything else as JSON."""
    if _is_plain(value):
        return repr(value)
    return json.dumps(value, sort_keys=True, default=str)


def _is_plain(value: Any) -> bool:
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is tuple:
        return all(_is_plain(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _is_plain(item) for key, item in value.items())
    return False


def field_key(macro: str, field: Any, options: dict[str, Any]) -> Hashable:
    choices = getattr(field, "choices", None) or ()
    return (
        "field", macro, str(get_locale()), field.id, field.name, str(field.label.text), str(field.description or ""),
        tuple((str(choice.value), str(choice.label)) for choice in choices),
        _text(field.data), _text(getattr(field, "raw", None)), tuple(str(error) for error in field.errors),
        _text(options),
    )


def render_field(macro: str, field: Any, options: dict[str, Any], render: Callable[[], str]) -> Markup:
    if not getattr(field, "render_cache", False):
        return Markup(render())  # nosec B704 # the macro's own autoescaped output
    return Markup(render_cache().get_or_render(field_key(macro, field, options), render))  # nosec B704 # same


def cached_fragment(name: str, *depends_on: Any, caller: Callable[..., str],
                    placeholders: dict[str, Any] | None = None) -> Markup:
    """``{% call(name, token) cached_fragment("header", role, placeholders={"name": …, "token": …}) %}``:
    the block is rendered once per language and ``depends_on``, with markers for the placeholders,
    which are then replaced by this request's values, escaped as the template would have."""
    placeholders = placeholders or {}
    cache = render_cache()
    if not cache.enabled:
        return Markup(caller(*placeholders.values()))  # nosec B704 # the template's autoescaped output
    markers = [_MARKER.format(index) for index in range(len(placeholders))]
    key = ("fragment", name, str(get_locale()), _text(depends_on))
    html = cache.get_or_render(key, lambda: str(caller(*markers)))
    for marker, value in zip(markers, placeholders.values(), strict=True):
        html = html.replace(marker, str(escape(value)))
    return Markup(html)  # nosec B704 # the template's escaped output, with escaped values put in
