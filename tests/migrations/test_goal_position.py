"""Migration 0010 numbers the goals agreed before it: per person, active goals in the order they
were agreed take 1, 2, 3; drafts and closed goals take none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db


def _row(table: sa.Table, **values: Any) -> dict[str, Any]:
    """``values``, plus a placeholder for every other column that may not be empty."""
    placeholders = {sa.Integer: 1, sa.String: "x", sa.Text: "x", sa.DateTime: datetime(2026, 1, 1), sa.JSON: []}
    row = dict(values)
    for column in table.columns:
        if column.name not in row and not column.nullable and not column.primary_key:
            row[column.name] = next((v for t, v in placeholders.items() if isinstance(column.type, t)), "x")
    return row


def test_goals_agreed_before_the_migration_are_numbered(tmp_path: Path) -> None:
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'before.db'}"})
    with app.app_context():
        upgrade(revision="0009")
        goal = sa.Table("goal", sa.MetaData(), autoload_with=db.engine)
        agreed = [("active", 1, datetime(2026, 3, 1)), ("active", 1, datetime(2026, 1, 1)), ("draft", 1, None),
                  ("achieved", 1, datetime(2025, 6, 1)), ("active", 2, datetime(2026, 2, 1))]
        with db.engine.begin() as connection:
            for number, (status, person, when) in enumerate(agreed, start=1):
                connection.execute(goal.insert().values(_row(goal, id=number, service_user_id=person, status=status,
                                                             agreed_at=when)))
        upgrade(revision="0010")
        with db.engine.connect() as connection:
            positions = dict(connection.execute(sa.text("SELECT id, position FROM goal")).all())
        db.engine.dispose()
    assert positions == {1: 2, 2: 1, 3: None, 4: None, 5: 1}
