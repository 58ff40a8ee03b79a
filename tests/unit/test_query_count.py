"""Switches only the load benchmark uses: SQL statements per request (portal/query_count.py) and the
render cache off for comparison (portal/render_cache.py); neither works in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.query_count import HEADER, SWITCH, init_query_count


def _app(tmp_path: Path, **overrides: object) -> Flask:
    return create_app("testing", {"DATABASE_URL": f"sqlite:///{tmp_path / 'count.sqlite3'}", **overrides})


def test_each_response_says_how_many_statements_its_request_ran_when_the_benchmark_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SWITCH, "1")
    app = _app(tmp_path)

    assert app.test_client().get("/").headers[HEADER] == "0"
    health = app.test_client().get("/healthz")
    assert int(health.headers[HEADER]) >= 1  # /healthz asks the database


def test_nothing_is_counted_or_said_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SWITCH, raising=False)
    assert HEADER not in _app(tmp_path).test_client().get("/healthz").headers


def test_production_never_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH, "1")
    app = Flask(__name__)
    app.config["ENV_NAME"] = "production"

    init_query_count(app)

    assert app.after_request_funcs == {}


def test_the_benchmark_can_turn_the_render_cache_off_to_compare_but_not_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.render_cache import BENCH_SWITCH, init_render_cache

    monkeypatch.setenv(BENCH_SWITCH, "off")
    assert _app(tmp_path).extensions["render_cache"].enabled is False
    production = Flask(__name__)
    production.config["ENV_NAME"] = "production"
    init_render_cache(production)
    assert production.extensions["render_cache"].enabled is True
    monkeypatch.delenv(BENCH_SWITCH)
    assert _app(tmp_path).extensions["render_cache"].enabled is True
