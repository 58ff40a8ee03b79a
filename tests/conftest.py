"""Fixtures: the app, a clean database per test, clients signed in per role, a page helper."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import Connection, select, text

from portal import create_app
from portal.extensions import db, limiter
from portal.models import Base, Role, User
from portal.services import caseload_cache
from tests import factories
from tests.medplum_engine import medplum_fhir  # noqa: F401  (a session fixture: Medplum's FHIR engine)
from tests.pages import check_page


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("PORTAL_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


class IsolatedClient(FlaskClient):
    """Each request gets a fresh `g`, as it would in production.

    Tests hold an app context (for factories), which Flask reuses for requests; without
    this, `g` (the signed-in user, the CSP nonce) would leak from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from flask.globals import _cv_app

        context = _cv_app.get(None)
        if context is None:
            return super().open(*args, **kwargs)
        saved = context.g
        context.g = self.application.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            context.g = saved


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app("testing", {"DATABASE_URL": database_url(tmp_path_factory)})
    app.test_client_class = IsolatedClient
    with app.app_context():
        from flask_migrate import upgrade

        with db.engine.begin() as connection:  # start from nothing, even on a reused server
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()  # the real migrations, so they are tested on every run
    yield app


def _empty_tables() -> None:
    """Empty every table between tests. The database refuses to delete audit events (migration
    0014): on PostgreSQL TRUNCATE fires no row trigger; on SQLite the cleanup takes the audit
    table's triggers off, empties it and puts the same triggers back, in the one transaction (the
    DELETEs before it began it). Only this cleanup does that: tests/services/test_audit_trail.py."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            _empty_postgresql_tables(connection, tables)
        else:
            for name in tables:
                guards = connection.execute(text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
                ), {"table": name}).all() if name == "audit_event" else []
                for guard in guards:
                    connection.execute(text(f'DROP TRIGGER "{guard.name}"'))
                connection.execute(text(f"DELETE FROM {name}"))
                for guard in guards:
                    connection.execute(text(guard.sql))


def _empty_postgresql_tables(connection: Connection, tables: list[str]) -> None:
    """Only the tables a test filled, children first, and every id sequence back to 1. TRUNCATE of
    every table made new files for each table and index: a tenth of a second a test, three minutes
    of the suite. The audit trail is still emptied by TRUNCATE, which fires no row trigger."""
    filled = set(connection.scalars(text(" UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables))))
    for name in (name for name in tables if name in filled):
        connection.execute(text(f"TRUNCATE {name}" if name == "audit_event" else f"DELETE FROM {name}"))
    connection.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    with _app.app_context():
        limiter.reset()
        yield _app
        db.session.rollback()
        db.session.remove()
        _empty_tables()
        caseload_cache.kept().clear()  # the next test's teams have the same ids


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    db.session.commit()
    response = password_and_code(client, user.email)
    assert response.status_code == 303, "sign-in failed in a test fixture"
    return client


def password_and_code(client: FlaskClient, email: str, password: str = factories.PASSWORD,
                      login_url: str = "/login") -> Any:
    """Sign in as a person does: the password, then (staff) the code from their authenticator app.
    The last answer is returned: where the person is sent once signed in."""
    response = client.post(login_url, data={"email": email, "password": password})
    if response.status_code == 303 and response.headers["Location"] == "/login/code":
        user = db.session.scalar(select(User).filter(User.email == email.lower()))
        response = client.post("/login/code", data={"code": factories.totp_code(user.id)})
    return response


@pytest.fixture
def team(app: Flask) -> Any:
    return factories.create_team("Test Team")


@pytest.fixture
def key_worker(team: Any) -> Any:
    return factories.create_staff(team, Role.KEY_WORKER, name="Kim Keyworker")


@pytest.fixture
def service_user(key_worker: Any) -> Any:
    return factories.create_service_user(key_worker=key_worker, given_name="Sam", family_name="Taylor")


@pytest.fixture
def carer(service_user: Any) -> Any:
    return factories.create_carer(service_user, relationship="Mother", name="Jo Taylor")


@pytest.fixture
def service_user_client(app: Flask, service_user: Any) -> FlaskClient:
    return sign_in(app.test_client(), service_user.user)


@pytest.fixture
def carer_client(app: Flask, carer: Any) -> FlaskClient:
    return sign_in(app.test_client(), carer.user)


@pytest.fixture
def key_worker_client(app: Flask, key_worker: Any) -> FlaskClient:
    return sign_in(app.test_client(), key_worker.user)


@pytest.fixture
def team_lead(team: Any) -> Any:
    return factories.create_staff(team, Role.TEAM_LEAD, name="Lee Lead")


@pytest.fixture
def team_lead_client(app: Flask, team_lead: Any) -> FlaskClient:
    return sign_in(app.test_client(), team_lead.user)


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    return sign_in(app.test_client(), factories.create_user(Role.ADMIN))


class PageRequest:
    """Fetch pages by endpoint name, assert the status, and check every page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def url(self, endpoint: str, **values: Any) -> str:
        with self.client.application.test_request_context():
            return url_for(endpoint, **values)

    def get(self, endpoint: str, _expected_status: int = 200, _headers: dict[str, str] | None = None,
            **values: Any) -> BeautifulSoup:
        response = self.client.get(self.url(endpoint, **values), headers=_headers or {})
        assert response.status_code == _expected_status, response.status_code
        return check_page(response.get_data(as_text=True)) if _is_page(response) else BeautifulSoup("", "html.parser")

    def post(self, endpoint: str, _data: dict[str, Any] | None = None, _expected_status: int = 200,
             _expected_redirect: str | None = None, **values: Any) -> BeautifulSoup:
        response = self.client.post(self.url(endpoint, **values), data=_data or {})
        assert response.status_code == _expected_status, response.status_code
        if _expected_redirect is not None:
            assert response.headers["Location"] == _expected_redirect
        return check_page(response.get_data(as_text=True)) if _is_page(response) else BeautifulSoup("", "html.parser")


def _is_page(response: Any) -> bool:
    return response.mimetype == "text/html" and b"<html" in response.data[:500].lower()


@pytest.fixture
def page_request(client: FlaskClient) -> PageRequest:
    return PageRequest(client)


@pytest.fixture
def as_service_user(service_user_client: FlaskClient) -> PageRequest:
    return PageRequest(service_user_client)


@pytest.fixture
def as_carer(carer_client: FlaskClient) -> PageRequest:
    return PageRequest(carer_client)


@pytest.fixture
def as_key_worker(key_worker_client: FlaskClient) -> PageRequest:
    return PageRequest(key_worker_client)


@pytest.fixture
def as_team_lead(team_lead_client: FlaskClient) -> PageRequest:
    return PageRequest(team_lead_client)


@pytest.fixture
def as_admin(admin_client: FlaskClient) -> PageRequest:
    return PageRequest(admin_client)
