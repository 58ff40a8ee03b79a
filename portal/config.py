"""Configuration: safe defaults for development, secrets only from the environment.

Every setting can be overridden by an environment variable with the ``PORTAL_`` prefix,
for example ``PORTAL_DATABASE_URL`` or ``PORTAL_SECRET_KEY``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"
ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """The configuration is not safe to run with."""


class Config:
    ENV_NAME = "development"
    SECRET_KEY = DEV_SECRET_KEY
    DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'portal.sqlite3'}"
    SERVICE_NAME = "Your care portal"
    TRUST_NAME = "Demo NHS Foundation Trust"
    DEMO_DATA = True
    # Rate limits for failed sign-ins (Flask-Limiter syntax). Use Redis in production.
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_FAILURE_LIMIT = "5 per minute;20 per hour"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    INVITATION_DAYS = 7
    # ReQoL-10 is licensed: offer it only where the trust holds a licence.
    REQOL_LICENSED = True
    INSTRUMENT_CONTENT_DIR = ""
    # Per-trust safety thresholds (see portal/instruments/safety.py); empty = the defaults.
    SAFETY_THRESHOLDS: dict[str, int] = {}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    LANGUAGES = ("en",)
    WTF_CSRF_TIME_LIMIT = None

    @property
    def SQLALCHEMY_DATABASE_URI(self) -> str:  # noqa: N802 - Flask-SQLAlchemy's name
        return self.DATABASE_URL


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = "sqlite://"
    SECRET_KEY = "testing-secret-key"
    WTF_CSRF_ENABLED = False
    DEMO_DATA = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEMO_DATA = False
    REQOL_LICENSED = False
    SESSION_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

_CASTS: dict[type, Any] = {bool: _bool, int: int, str: str}


def load_config(name: str | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings: class defaults, then ``PORTAL_*`` environment variables, then overrides."""
    name = name or os.environ.get("PORTAL_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(CONFIGS)}")
    config = CONFIGS[name]()
    settings: dict[str, Any] = {
        key: getattr(config, key) for key in dir(config) if key.isupper() and key != "SQLALCHEMY_DATABASE_URI"
    }
    for key, default in list(settings.items()):
        raw = os.environ.get(f"PORTAL_{key}")
        if raw is not None:
            cast = _CASTS.get(type(default), str)
            settings[key] = cast(raw)
    settings.update(overrides or {})
    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    check_safe(settings)
    return settings


def check_safe(settings: dict[str, Any]) -> None:
    """Refuse to run production with a default secret or with demo data."""
    if settings["ENV_NAME"] != "production":
        return
    if settings["SECRET_KEY"] in {DEV_SECRET_KEY, "", None} or len(settings["SECRET_KEY"]) < 32:
        raise ConfigError("Set PORTAL_SECRET_KEY to a random value of 32 characters or more.")
    if settings["DEMO_DATA"]:
        raise ConfigError("Demo data must not be enabled in production (PORTAL_DEMO_DATA).")
