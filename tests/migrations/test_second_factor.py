"""Migration 0015 (a second step at sign-in) on a database with accounts in it: they stay, staff can
then be given an authenticator app, and going back removes only the new tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row


def test_upgrading_from_0014_keeps_accounts(tmp_path: Path) -> None:
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'before.db'}"})
    with app.app_context():
        upgrade(revision="0014")
        users = sa.Table("user_account", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            for number, role in ((1, "key_worker"), (2, "service_user")):
                values = _row(users, id=number, email=f"person{number}@example.test", role=role)
                values.update({column.name: True for column in users.columns
                               if isinstance(column.type, sa.Boolean) and not column.nullable})
                connection.execute(users.insert().values(values))
        upgrade(revision="0015")
        factors = sa.Table("second_factor", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(factors.insert().values(user_id=1, secret="A" * 32, enrolled_at=sa.func.now()))
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT id, email, role FROM user_account ORDER BY id")).all()
            enrolled = connection.execute(sa.text("SELECT user_id FROM second_factor")).scalars().all()
        downgrade(revision="0014")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            after = connection.execute(sa.text("SELECT count(*) FROM user_account")).scalar()
        db.engine.dispose()
    assert kept == [(1, "person1@example.test", "key_worker"), (2, "person2@example.test", "service_user")]
    assert enrolled == [1]
    assert "second_factor" not in tables and "recovery_code" not in tables and after == 2


def test_upgrading_from_0015_to_0016_keeps_accounts_and_adds_reset_links(tmp_path: Path) -> None:
    app = create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'before.db'}"})
    with app.app_context():
        upgrade(revision="0015")
        users = sa.Table("user_account", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            values = _row(users, id=1, email="person1@example.test", role="carer")
            values.update({column.name: True for column in users.columns
                           if isinstance(column.type, sa.Boolean) and not column.nullable})
            connection.execute(users.insert().values(values))
        upgrade(revision="0016")
        resets = sa.Table("password_reset", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(resets.insert().values(user_id=1, token_hash="a" * 64, created_at=sa.func.now(),
                                                      expires_at=sa.func.now()))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(resets.insert().values(user_id=1, token_hash="a" * 64, created_at=sa.func.now(),
                                                      expires_at=sa.func.now()))
        downgrade(revision="0015")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            emails = connection.execute(sa.text("SELECT email FROM user_account")).scalars().all()
        db.engine.dispose()
    assert "password_reset" not in tables and emails == ["person1@example.test"]
