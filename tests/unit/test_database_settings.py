"""Waiting for the database is bounded: a PostgreSQL server that does not answer makes a request
(and /healthz) fail after a few seconds, not hang a worker until the load balancer gives up."""

from __future__ import annotations

from portal.config import load_config


def test_postgresql_connections_give_up_after_the_configured_seconds() -> None:
    settings = load_config("testing", {"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/x",
                                       "DATABASE_CONNECT_TIMEOUT_SECONDS": 3})
    options = settings["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"connect_timeout": 3}
    assert options["pool_pre_ping"] is True and options["pool_timeout"] == 3


def test_sqlite_is_left_as_it_was() -> None:
    options = load_config("testing")["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": True}


def test_a_deployment_s_own_engine_options_are_kept() -> None:
    settings = load_config("testing", {"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/x",
                                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 2}})
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_size": 2}
