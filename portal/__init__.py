"""The coproduction portal: create_app() builds the Flask application."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from flask import Flask

from portal.config import ROOT, load_config


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_mapping(load_config(config_name, overrides))
    Path(app.instance_path).mkdir(exist_ok=True)
    _trust_proxies(app)
    _init_url_converters(app)
    _init_jinja(app)
    _init_static_files(app)
    _init_trust_content(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_error_handlers(app)
    _register_cli(app)
    _freeze_what_start_up_made()
    return app


def _freeze_what_start_up_made() -> None:
    """What start-up made (modules, templates, the app) lives as long as the process, yet each full
    garbage collection would look through all of it: during a 10,000-person dashboard a full
    collection took 135 to 176 ms (bench/dashboard.py). Frozen, a collection looks only at what
    requests made since."""
    gc.collect()
    gc.freeze()


def _init_extensions(app: Flask) -> None:
    from portal import caseload_tokens
    from portal.auth_session import init_login
    from portal.extensions import babel, csrf, db, limiter, migrate
    from portal.i18n import init_wtforms_messages, select_locale
    from portal.services.outcome_series import keep_in_step
    from portal.sqlite_settings import init_sqlite

    db.init_app(app)
    init_sqlite(app)
    keep_in_step()
    caseload_tokens.keep_in_step()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=str(ROOT / "translations")
    )
    init_wtforms_messages(app)
    init_login(app)


def _trust_proxies(app: Flask) -> None:
    from portal.security import trust_proxies

    trust_proxies(app)


def _init_url_converters(app: Flask) -> None:
    from portal.routing import init_url_converters

    init_url_converters(app)


def _init_jinja(app: Flask) -> None:
    from portal.templating import configure_jinja

    configure_jinja(app)


def _init_static_files(app: Flask) -> None:
    from portal.static_files import init_static_files

    init_static_files(app)


def _init_trust_content(app: Flask) -> None:
    """What a trust gives the portal is checked before it serves anyone: its crisis contacts, and
    its copies of instrument content (a wrong file must never change a score silently)."""
    from portal.config import ConfigError
    from portal.crisis_contacts import init_crisis_contacts
    from portal.instruments.definition import ContentMismatch, check_content_dir

    init_crisis_contacts(app)
    if content_dir := app.config.get("INSTRUMENT_CONTENT_DIR"):
        try:
            check_content_dir(content_dir)
        except ContentMismatch as error:
            raise ConfigError(f"PORTAL_INSTRUMENT_CONTENT_DIR: {error}") from error


def _register_blueprints(app: Flask) -> None:
    from portal.blueprints.admin import bp as admin_bp
    from portal.blueprints.auth import bp as auth_bp
    from portal.blueprints.carer import bp as carer_bp
    from portal.blueprints.me import bp as me_bp
    from portal.blueprints.public import bp as public_bp
    from portal.blueprints.staff import bp as staff_bp

    for blueprint in (public_bp, auth_bp, me_bp, carer_bp, staff_bp, admin_bp):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from portal.blueprints.auth.oidc_views import init_identity_gate
    from portal.compression import init_compression
    from portal.query_count import init_query_count
    from portal.security import init_security
    from portal.session_lifetime import init_session_lifetime

    init_compression(app)  # first registered, so it runs after every other after_request
    init_security(app)
    init_query_count(app)  # only for the load benchmark (PORTAL_BENCH_COUNT_QUERIES=1)
    init_session_lifetime(app)
    init_identity_gate(app)  # after the session's lifetime: an ended session is not asked to step up


def _register_error_handlers(app: Flask) -> None:
    from portal.errors import init_error_handlers

    init_error_handlers(app)


def _register_cli(app: Flask) -> None:
    from portal.cli import init_cli

    init_cli(app)
