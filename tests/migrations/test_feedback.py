"""Migration 0019 (feedback) on a database with a team in it: the team stays, feedback is kept
against it, one receipt per person (hash) and day, and going back removes only the new tables.
Runs on SQLite, and on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)

ROOT = Path(__file__).resolve().parents[2]


def _previous() -> str:
    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    revision = ScriptDirectory.from_config(config).get_revision("0019")
    assert revision is not None and isinstance(revision.down_revision, str)
    return revision.down_revision


def test_upgrading_keeps_teams_and_takes_feedback_once_a_day_per_person(database_url: str) -> None:  # noqa: F811
    previous = _previous()
    app = create_app("testing", {"DATABASE_URL": database_url})
    today = date.today()
    with app.app_context():
        upgrade(revision=previous)
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO team (id, name) VALUES (1, 'Team North')"))
        upgrade(revision="0019")
        metadata = sa.MetaData()
        feedback = sa.Table("feedback", metadata, autoload_with=db.engine)
        receipts = sa.Table("feedback_receipt", metadata, autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(feedback.insert().values(team_id=1, respondent="carer", fft_answer="good",
                                                        went_well="Kind", could_be_better="", given_on=today))
            connection.execute(receipts.insert().values(giver_digest="a" * 64, given_on=today))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(receipts.insert().values(giver_digest="a" * 64, given_on=today))
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT team_id, fft_answer FROM feedback")).all()
        downgrade(revision=previous)
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            teams = connection.execute(sa.text("SELECT name FROM team")).scalars().all()
        db.engine.dispose()
    assert kept == [(1, "good")]
    assert not {"feedback", "feedback_receipt", "team_update"} & set(tables)
    assert teams == ["Team North"]
