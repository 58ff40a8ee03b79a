"""SQLite runs in write-ahead-log mode so two workers do not lock each other out (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from portal import create_app
from portal.extensions import db


def _pragma(name: str) -> object:
    return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_a_sqlite_file_is_in_wal_mode_and_waits_for_a_writer(tmp_path: Path) -> None:
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"})
    with app.app_context():
        assert _pragma("journal_mode") == "wal"
        assert _pragma("busy_timeout") == 5000
        assert _pragma("synchronous") == 1  # NORMAL
        db.session.remove()
        db.engine.dispose()


def test_a_writer_commits_while_a_reader_is_reading(tmp_path: Path) -> None:
    """With the rollback journal the commit waits for the reader to finish, then fails "database is locked"."""
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"})
    with app.app_context():
        with db.engine.begin() as setup:
            setup.execute(text("CREATE TABLE note (body TEXT)"))
            setup.execute(text("INSERT INTO note VALUES ('kept')"))
        reader = db.engine.connect()
        reader.exec_driver_sql("BEGIN")
        try:
            assert reader.exec_driver_sql("SELECT body FROM note").scalars().all() == ["kept"]
            with db.engine.connect() as writer:
                writer.exec_driver_sql("BEGIN IMMEDIATE")
                writer.exec_driver_sql("INSERT INTO note VALUES ('added')")
                writer.exec_driver_sql("COMMIT")
            assert reader.exec_driver_sql("SELECT body FROM note").scalars().all() == ["kept"]  # its own snapshot
        finally:
            reader.exec_driver_sql("ROLLBACK")
            reader.close()
        with db.engine.connect() as later:
            assert later.exec_driver_sql("SELECT count(*) FROM note").scalar() == 2
        db.engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://"])
def test_an_in_memory_database_is_left_alone(url: str) -> None:
    app = create_app("testing", {"DATABASE_URL": url})
    with app.app_context():
        assert _pragma("journal_mode") == "memory"
        db.session.remove()
