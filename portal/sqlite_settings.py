"""SQLite, when it is the database (the two-command set-up, one machine): write-ahead logging.

With the default rollback journal a write locks readers out, so two gunicorn workers serving the
portal make each other wait, and a long write can fail another worker's read with "database is
locked". In WAL mode readers never wait for a writer; writers still take turns, and wait up to
``busy_timeout`` for their turn instead of failing at once. The mode is kept in the database file,
so setting it on each new connection costs nothing after the first. An in-memory database (some
tests) cannot use WAL and is left as it is.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

BUSY_TIMEOUT_MS = 5000


def init_sqlite(app: Flask) -> None:
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _on_connect)


def _on_connect(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a power cut loses at most the last commits
    finally:
        cursor.close()
