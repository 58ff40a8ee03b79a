"""Migration 0013 (one-time form tokens) on a database with people in it: their rows stay, and
each token can be used once per person."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row

USED = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


def test_upgrading_from_0012_keeps_accounts_and_allows_each_token_once_per_person(tmp_path: Path) -> None:
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'before.db'}"})
    with app.app_context():
        upgrade(revision="0012")
        users = sa.Table("user_account", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            for number in (1, 2):
                values = _row(users, id=number, email=f"person{number}@example.test", role="carer")
                values.update({column.name: False for column in users.columns
                               if isinstance(column.type, sa.Boolean) and not column.nullable})
                connection.execute(users.insert().values(values))
        upgrade(revision="0013")
        tokens = sa.Table("used_form_token", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(tokens.insert().values(user_id=1, token="a" * 32, used_at=USED))
            connection.execute(tokens.insert().values(user_id=2, token="a" * 32, used_at=USED))  # another person
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(tokens.insert().values(user_id=1, token="a" * 32, used_at=USED))
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT id, email FROM user_account ORDER BY id")).all()
            used = connection.execute(sa.text("SELECT user_id FROM used_form_token ORDER BY user_id")).scalars().all()
        downgrade(revision="0012")
        assert "used_form_token" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert kept == [(1, "person1@example.test"), (2, "person2@example.test")]
    assert used == [1, 2]
