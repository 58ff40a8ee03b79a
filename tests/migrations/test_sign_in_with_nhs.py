"""Migration 0017 (NHS login and CIS2) on a database with accounts in it: they stay, an account can
be linked to a provider's person once, and going back removes only the new tables. Runs on SQLite,
and on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.migrations.test_goal_position import _row
from tests.migrations.test_risk_pathway import database_url  # noqa: F401  (a database of its own)


def test_upgrading_from_0016_keeps_accounts_and_links_each_provider_person_once(database_url: str) -> None:  # noqa: F811
    app = create_app("testing", {"DATABASE_URL": database_url})
    with app.app_context():
        upgrade(revision="0016")
        users = sa.Table("user_account", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            for number, role in ((1, "service_user"), (2, "key_worker")):
                values = _row(users, id=number, email=f"person{number}@example.test", role=role)
                values.update({column.name: True for column in users.columns
                               if isinstance(column.type, sa.Boolean) and not column.nullable})
                connection.execute(users.insert().values(values))
        upgrade(revision="0017")
        links = sa.Table("external_identity", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            connection.execute(links.insert().values(provider="nhs_login", subject="a-sub", user_id=1,
                                                     linked_at=sa.func.now()))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(links.insert().values(provider="nhs_login", subject="a-sub", user_id=2,
                                                     linked_at=sa.func.now()))
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT id, role FROM user_account ORDER BY id")).all()
        downgrade(revision="0016")
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            after = connection.execute(sa.text("SELECT count(*) FROM user_account")).scalar()
        db.engine.dispose()
    assert kept == [(1, "service_user"), (2, "key_worker")]
    assert "external_identity" not in tables and "identity_check" not in tables and after == 2
