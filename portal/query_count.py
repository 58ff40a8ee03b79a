"""SQL statements per request, for the load benchmark only (bench/load.py).

With ``PORTAL_BENCH_COUNT_QUERIES=1`` (set by the benchmark when it starts gunicorn) every response
says how many SQL statements its request ran, in ``X-Query-Count``. Off otherwise, and never on in
production: it would tell anyone how much work a page does.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, Response, g, has_app_context
from sqlalchemy import event

from portal.extensions import db

SWITCH = "PORTAL_BENCH_COUNT_QUERIES"
HEADER = "X-Query-Count"

log = logging.getLogger(__name__)


def init_query_count(app: Flask) -> None:
    if os.environ.get(SWITCH) != "1":
        return
    if app.config.get("ENV_NAME") == "production":
        log.warning("%s is ignored in production", SWITCH)
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    app.before_request(_start)
    app.after_request(_report)


def _start() -> None:
    g.query_count = 0


def _count(*_: Any) -> None:
    if has_app_context() and "query_count" in g:
        g.query_count += 1


def _report(response: Response) -> Response:
    response.headers[HEADER] = str(g.get("query_count", 0))
    return response
