"""URL converters. ``<int:…>`` in every route matches only ids the database can hold.

Integer columns are 32-bit on PostgreSQL (64-bit on SQLite), so an id of 2**31 or more can name
no row on either: it is refused as the URL not matching (404), before any view or query sees it.
Without this, PostgreSQL refuses the query (a 500), and so does SQLite from 2**63.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# The largest value of PostgreSQL's ``integer``, the type of every id column.
MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` bounded to 0..MAX_ID (at most 10 digits, so a huge number is never parsed)."""

    regex = r"\d{1,10}"

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        bounded = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=bounded, signed=signed)


def init_url_converters(app: Flask) -> None:
    """Before any blueprint adds its rules: the converter is looked up as each rule is added."""
    app.url_map.converters["int"] = DatabaseIdConverter
