"""Keeping what a caseload and the team report worked out between requests, for as long as nothing
they show has changed (issue 18).

Working out what needs attention for a team of 500 takes a dozen queries and about 60 ms of Python
(services/caseload.py), and the team report (services/team_report.py) about 40 ms; paging,
filtering and sorting the result takes a few. So each process keeps the result, keyed by the
tokens of its teams (portal/caseload_tokens.py), which change with anything the result shows.

A request reads its teams' tokens before it works anything out, so what it keeps is never older
than the tokens it is kept under: with a change committed in between, it is newer, and the next
request (seeing the new token) works it out again.

Each process keeps at most ``CASELOAD_CACHE_ROWS`` rows (0 turns keeping off), least recently
used first out. Several instances each keep their own; the tokens in the shared database keep them
all right.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sized
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement

from portal.caseload_tokens import tokens

DEFAULT_ROWS = 20_000


class Kept:
    """Values by key, at most ``limit`` rows in all, least recently used out first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: OrderedDict[Hashable, Sized] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, work_out: Callable[[], Any]) -> Any:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = work_out()  # outside the lock: two requests may both work it out, and both are right
        size = len(value)
        if size > self.limit:
            return value
        with self._lock:
            if key not in self._values:
                self._values[key] = value
                self._rows += size
            while self._rows > self.limit:
                _, oldest = self._values.popitem(last=False)
                self._rows -= len(oldest)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._rows = 0

    def __len__(self) -> int:
        return len(self._values)


def kept() -> Kept:
    """This app's store (one per process)."""
    store = current_app.extensions.get("caseload_cache")
    if store is None:
        store = current_app.extensions.setdefault(
            "caseload_cache", Kept(int(current_app.config.get("CASELOAD_CACHE_ROWS", DEFAULT_ROWS))))
    return store  # type: ignore[no-any-return]


def remembered(people: ColumnElement[bool], key: Hashable, work_out: Callable[[], Sized]) -> Any:
    """``work_out()`` for ``key``, or what it gave last time if no team of ``people`` has changed since."""
    store = kept()
    if store.limit <= 0:
        return work_out()
    return store.get((key, tokens(people)), work_out)


RENDERED_KEPT = 32  # pieces of HTML kept with each kept value (each "show", sort, page, language...)


class KeptHtml:
    """HTML rendered from a kept value, once per key: the key is everything else the HTML depends on
    (the language, the page, the "show" choice). It goes when the value goes; past ``RENDERED_KEPT``
    keys it starts again. Two requests at once may both render a key: the same HTML."""

    def __init__(self) -> None:
        self._html: dict[Hashable, str] = {}

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        html = self._html.get(key)
        if html is None:
            if len(self._html) >= RENDERED_KEPT:
                self._html.clear()
            html = self._html[key] = render()
        return html
