"""Configuration: safe defaults for development, secrets only from the environment.

Every setting can be overridden by an environment variable with the ``PORTAL_`` prefix,
for example ``PORTAL_DATABASE_URL`` or ``PORTAL_SECRET_KEY``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # nosec B105 # development only: check_safe refuses it in production
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
    # The data controller, named in the footer and the privacy notice (/privacy).
    TRUST_NAME = "Demo NHS Foundation Trust"
    # How to reach the trust's data protection officer, shown as written on the privacy notice (an
    # email address, a postal address or both). Empty: the notice says to ask the key worker for it.
    DATA_PROTECTION_CONTACT = ""
    # Where the accessibility statement (/accessibility) tells people to ask for another format or report
    # a problem, and within how many working days the trust replies. Empty: ask the key worker or the team.
    ACCESSIBILITY_EMAIL = ""
    ACCESSIBILITY_PHONE = ""
    ACCESSIBILITY_REPLY_DAYS = 5
    # How long the trust keeps records, shown on the privacy notice. Defaults: the Records Management
    # Code of Practice 2021 (NHSX), Appendix II, "Mental health records": 20 years after the last
    # contact (no further treatment needed), or 10 years after the person's death (the 2016 code said 8).
    # The portal does not delete anything by itself yet: the trust's records process does.
    RETENTION_YEARS = 20
    RETENTION_YEARS_AFTER_DEATH = 10
    DEMO_DATA = True
    # PostgreSQL: how long connecting (and waiting for a free connection) may take before a request
    # gives up with the outage page, instead of hanging a worker.
    DATABASE_CONNECT_TIMEOUT_SECONDS = 5
    # Where limits on guessing are counted: memory in one process; "redis://host:6379" when several
    # workers or instances serve the portal, so they share one count (README "Sign-in limits").
    RATELIMIT_STORAGE_URI = "memory://"
    # Wrong passwords and codes allowed, per kind ("sign_in", "current_password", "invitation_code"):
    # {"sign_in": {"per_account": "5 per 15 minutes", "per_address": "100 per 10 minutes",
    # "per_known_browser": "10 per 15 minutes"}}; empty = the defaults in portal/guessing.py.
    ATTEMPT_LIMITS: dict[str, dict[str, str]] = {}
    # How many reverse proxies (TLS terminators, load balancers) stand in front of the portal, each
    # setting X-Forwarded-For and X-Forwarded-Proto. 0: trust no such header (a client could forge
    # them). With 1 or more the portal knows a request came over https (so it sends HSTS) and
    # counts failed sign-ins by the person's address, not the proxy's. README "In production".
    TRUSTED_PROXIES = 0
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    # Signed out after this long without using the portal (portal/session_lifetime.py), and after
    # SESSION_ABSOLUTE_HOURS however busy. The page warns 2 minutes before and offers to stay.
    IDLE_MINUTES_STAFF = 30
    IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 8
    INVITATION_DAYS = 7
    # ReQoL-10 is licensed: offer it only where the trust holds a licence.
    REQOL_LICENSED = True
    INSTRUMENT_CONTENT_DIR = ""
    # Crisis contacts shown on every page that offers help (portal/crisis_contacts.py): a JSON
    # list of {"name", "phone", "text", "hours", "description", "url", "emergency"}; empty = the
    # built-in list, whose local crisis line is a placeholder (production refuses to start with it).
    CRISIS_CONTACTS: list[dict[str, Any]] = []
    # Per-trust safety thresholds (see portal/instruments/safety.py); empty = the defaults.
    SAFETY_THRESHOLDS: dict[str, int] = {}
    # The risk pathway (portal/risk_rules.py, portal/services/risk.py, README "Worrying answers").
    # Which answers reach staff and how soon: {"reqol_item6": {"1": "routine", ..., "4": "urgent"},
    # "dialog_personal_safety": {"1": "urgent", "2": "urgent"}}; a signal given replaces its defaults.
    RISK_TIERS: dict[str, dict[str, str | None]] = {}
    # The team's working hours: {"days": ["mon", …], "opens": "09:00", "closes": "17:00",
    # "timezone": "Europe/London", "closed_dates": ["2026-12-25"]}; empty = Mon-Fri 09:00-17:00.
    TEAM_HOURS: dict[str, object] = {}
    # An urgent flag not acknowledged within this many working hours goes to the duty worker and team lead.
    RISK_ACKNOWLEDGE_WITHIN_HOURS = 4.0
    # A routine flag still open after this many working days goes to the duty worker and team lead
    # too (a safety net: routine is "before the next contact", which the portal does not know). 0: never.
    RISK_ROUTINE_ACKNOWLEDGE_WITHIN_DAYS = 5.0
    # Templates for "Something needs your attention in the portal" (README "Worrying answers").
    NOTIFY_STAFF_SMS_TEMPLATE_ID = ""
    NOTIFY_STAFF_EMAIL_TEMPLATE_ID = ""
    # When the caseload shows things as due, by name (services/caseload.py Windows), e.g.
    # {"measure_not_recent_months": 12, "goal_review_soon_days": 21}; empty = the defaults.
    CASELOAD_WINDOWS: dict[str, int] = {}
    # Caseload rows each process keeps between requests while nothing in them changes
    # (services/caseload_cache.py): about 1 KB each. 0 works every caseload out afresh.
    CASELOAD_CACHE_ROWS = 20_000
    # Goal Based Outcomes: a change of this many points or more is reliable (DOMAIN.md).
    GBO_RELIABLE_CHANGE = 3
    # ReQoL-10: a change of this many points or more in the total is reliable (DOMAIN.md).
    REQOL_RELIABLE_CHANGE = 5
    # DIALOG: a change of this much in the quality-of-life mean (items 1-8, 1-7 scale) is reliable.
    # No published threshold was found: 1 point is the portal's default until a trust sets its own
    # (docs/adr/0004-outcomes-and-feedback.md).
    DIALOG_RELIABLE_CHANGE = 1.0
    # Outcomes (the dashboard): a measure is paired when its latest is at least this many days after the first.
    PAIRED_MEASURE_MIN_DAYS = 28
    # The dashboard lists people with no activity (a measure, a rating, a session, a care plan) in this many months.
    DASHBOARD_NO_ACTIVITY_MONTHS = 6
    # Feedback (the Friends and Family Test) is offered again this many days after a person last gave it.
    FEEDBACK_OFFER_EVERY_DAYS = 30
    # Care teams (issue 15): roles a trust adds to the built-in ones (portal/care_team_roles.py), as
    # [{"code": "pharmacist", "name": "Pharmacist", "description": "…in plain words"}]; and whether care team
    # members with a professional registration may change a person's goals, plans and questionnaires
    # (otherwise every care team member only reads; the key worker and team lead always may).
    CARE_TEAM_ROLES: list[dict[str, str]] = []
    CARE_TEAM_REGISTERED_MAY_CHANGE = True
    # Let a service user choose to show their safety plan on their own phone without signing in
    # (a hashed token in a long-lived cookie). Off unless the trust turns it on.
    SAFETY_PLAN_ON_TRUSTED_DEVICE = False
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    # The languages a person may choose (portal/languages.py names each in itself). A language
    # whose catalog is not compiled yet still works: its pages show the English text.
    LANGUAGES = ("en", "cy", "pl", "ar")
    WTF_CSRF_TIME_LIMIT = None
    # The clinical record (portal/record/, README "Clinical record"): "local" or "fhir".
    RECORD_ADAPTER = "local"
    # The trust's base URI for the portal's business identifiers on resources it sends.
    RECORD_IDENTIFIER_BASE = "https://portal.example.nhs.uk/Id"
    FHIR_BASE_URL = ""
    FHIR_AUTH = "none"  # "none", "bearer" or "client_credentials"
    FHIR_BEARER_TOKEN = ""  # nosec B105 # empty: no token until the environment sets one
    FHIR_TOKEN_URL = ""  # nosec B105 # an address, not a secret; empty until set
    FHIR_CLIENT_ID = ""
    FHIR_CLIENT_SECRET = ""  # nosec B105 # empty: the secret comes only from the environment
    FHIR_SCOPE = ""
    FHIR_TIMEOUT_SECONDS = 10.0
    FHIR_CONNECT_TIMEOUT_SECONDS = 5.0
    # The most entries in one transaction Bundle; larger messages go in ordered parts (ADR 3).
    # 8 works with Medplum's atomic transactions; raise it only if the trust's server takes more.
    FHIR_MAX_TRANSACTION_ENTRIES = 8
    FHIR_VERIFY_TLS = True
    FHIR_CA_BUNDLE = ""  # a PEM file of trusted CAs (e.g. the HSCN one); empty = the system's
    # The outbox worker (flask --app portal sync run).
    SYNC_MAX_ATTEMPTS = 20
    SYNC_BACKOFF_BASE_SECONDS = 2.0
    SYNC_BACKOFF_MAX_SECONDS = 1800.0
    SYNC_LEASE_SECONDS = 120.0
    SYNC_BATCH_SIZE = 20
    SYNC_POLL_SECONDS = 5.0
    SYNC_PULL_EVERY_MINUTES = 60
    # Longest a sign-in waits for the pull from the record before the scheduled pull takes over.
    SYNC_SIGN_IN_SECONDS = 2.0
    # Reminders (portal/notify/, README "Reminders"): "local" records messages in the database;
    # "govuk_notify" sends them through GOV.UK Notify.
    NOTIFIER = "local"
    NOTIFY_API_KEY = ""
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    NOTIFY_SMS_TEMPLATE_ID = ""
    NOTIFY_EMAIL_TEMPLATE_ID = ""
    NOTIFY_SMS_SENDER_ID = ""
    NOTIFY_EMAIL_REPLY_TO_ID = ""
    # Templates for invitations sent by message; unset with Notify: invitations are not offered by message.
    NOTIFY_INVITATION_SMS_TEMPLATE_ID = ""
    NOTIFY_INVITATION_EMAIL_TEMPLATE_ID = ""
    # "Set a new password" (README "Forgotten passwords"); empty with GOV.UK Notify: not offered.
    NOTIFY_RESET_EMAIL_TEMPLATE_ID = ""
    # The same link by text message, to the mobile number the portal has; empty with Notify: email only.
    NOTIFY_RESET_SMS_TEMPLATE_ID = ""
    # Messages in the recipient's language (issue 17): a Notify template per language, kind and channel,
    # e.g. '{"cy": {"reminder_sms": "<id>", "reminder_email": "<id>"}}' (kinds: reminder, invitation,
    # staff_attention, password_reset). A language or kind without one is sent with the English template.
    NOTIFY_TEMPLATE_IDS_BY_LANGUAGE: dict[str, dict[str, str]] = {}
    NOTIFY_TIMEOUT_SECONDS = 10.0
    # The bearer token Notify sends with delivery receipts (set the same one in Notify's API
    # integration settings, callback URL <PUBLIC_BASE_URL>/notify/delivery-receipts). Empty: no callback.
    NOTIFY_CALLBACK_TOKEN = ""  # nosec B105 # empty: no callback; check_safe wants 32+ characters when set
    # The portal's public address, for the links in messages (no trailing slash).
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # NHS login for service users and carers, NHS CIS2 for staff (portal/oidc/, README "NHS login and
    # NHS CIS2"). Each is off until its issuer, client id and private key are set. The private key is
    # the client's RSA key as a JWK (JSON) or PEM, from the environment only; the provider holds the
    # public half. Redirect URIs to register: <PUBLIC_BASE_URL>/nhs-login/callback and /cis2/callback.
    NHS_LOGIN_ISSUER = ""
    NHS_LOGIN_CLIENT_ID = ""
    NHS_LOGIN_PRIVATE_KEY = ""
    NHS_LOGIN_SCOPES = "openid profile email"
    CIS2_ISSUER = ""
    CIS2_CLIENT_ID = ""
    CIS2_PRIVATE_KEY = ""
    CIS2_SCOPES = "openid profile email nhsperson selectedrole nationalrbacaccess"
    # "AAL2" (default: any second factor) or "AAL3" (smartcard class only).
    CIS2_ASSURANCE = "AAL2"
    # The person's selected CIS2 role, by its role code (the last part of the national RBAC code,
    # e.g. "R8000" of "S8000:G8000:R8000"), gives their portal role: {"R8000": "key_worker",
    # "R8008": "team_lead"}. A role not listed here opens nothing.
    CIS2_ROLE_MAP: dict[str, str] = {}
    REMINDER_MIN_DAYS_BETWEEN = 3
    REMINDER_MAX_PER_TASK = 3
    REMINDER_DAYS_BEFORE_DUE = 7
    REMINDER_CARER_VIEWS_DAYS_BEFORE = 21  # ask carers for their views this long before a care plan review
    REMINDER_QUIET_FROM = "20:00"  # default quiet hours, UK time; each person can choose their own
    REMINDER_QUIET_UNTIL = "08:00"
    REMINDER_TIMEZONE = "Europe/London"
    REMINDER_SEND_MAX_ATTEMPTS = 8
    REMINDER_BACKOFF_BASE_SECONDS = 60.0
    REMINDER_BACKOFF_MAX_SECONDS = 3600.0
    REMINDER_UNSUBSCRIBE_LINK_DAYS = 365

    @property
    def SQLALCHEMY_DATABASE_URI(self) -> str:  # noqa: N802 - Flask-SQLAlchemy's name
        return self.DATABASE_URL


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = "sqlite://"
    SECRET_KEY = "testing-secret-key"  # nosec B105 # the test suite's key; check_safe refuses short keys in production
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

def _json_object(value: str) -> dict[str, Any]:
    """A setting such as ``PORTAL_CASELOAD_WINDOWS='{"measure_not_recent_months": 12}'``."""
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ConfigError(f"Not valid JSON: {value!r}") from error
    if not isinstance(parsed, dict):
        raise ConfigError(f"Expected a JSON object like {{\"name\": 12}}, got {value!r}")
    return parsed


def _json_list(value: str) -> list[Any]:
    """A setting such as ``PORTAL_CRISIS_CONTACTS='[{"name": "Samaritans", …}]'``."""
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ConfigError(f"Not valid JSON: {value!r}") from error
    if not isinstance(parsed, list):
        raise ConfigError(f"Expected a JSON list like [{{\"name\": …}}], got {value!r}")
    return parsed


def _codes(value: str) -> tuple[str, ...]:
    """A list of short codes, comma-separated ("en,cy,pl") or as JSON (["en", "cy"])."""
    codes = _json_list(value) if value.strip().startswith("[") else value.split(",")
    return tuple(str(code).strip() for code in codes if str(code).strip())


_CASTS: dict[type, Any] = {bool: _bool, int: int, float: float, str: str, dict: _json_object, list: _json_list,
                           tuple: _codes}


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
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(settings))
    if not 0 <= int(settings.get("TRUSTED_PROXIES", 0)) <= 10:
        raise ConfigError("PORTAL_TRUSTED_PROXIES must be 0 (no proxy) to 10: how many proxies set X-Forwarded-*.")
    check_risk_settings(settings)
    check_attempt_limits(settings.get("ATTEMPT_LIMITS") or {})
    check_identity_settings(settings)
    check_safe(settings)
    check_care_team_roles(settings)
    check_languages(settings)
    return settings


def check_languages(settings: dict[str, Any]) -> None:
    """PORTAL_LANGUAGES: English first (the portal's own words), then only languages it knows."""
    from portal.languages import KNOWN

    languages = tuple(settings.get("LANGUAGES") or ())
    unknown = [code for code in languages if code not in KNOWN]
    if not languages or languages[0] != "en" or unknown:
        raise ConfigError(f"PORTAL_LANGUAGES must start with en and use only {', '.join(KNOWN)}"
                          + (f" (not {', '.join(unknown)})" if unknown else "") + ", e.g. en,cy,pl,ar.")


def check_care_team_roles(settings: dict[str, Any]) -> None:
    """Refuse care team roles a trust set that cannot be shown (no code, name or description)."""
    from portal.care_team_roles import roles_from

    try:
        roles_from(settings.get("CARE_TEAM_ROLES") or [])
    except ValueError as error:
        raise ConfigError(f"PORTAL_CARE_TEAM_ROLES: {error}") from error


def check_identity_settings(settings: dict[str, Any]) -> None:
    """Refuse NHS login or CIS2 settings that are half there or cannot work."""
    from portal.models import Role
    from portal.oidc.settings import SettingsProblem, client_settings

    for provider in ("nhs_login", "cis2"):
        try:
            client_settings(settings, provider)
        except SettingsProblem as problem:
            raise ConfigError(str(problem)) from problem
    if settings.get("CIS2_ASSURANCE", "AAL2") not in {"AAL2", "AAL3"}:
        raise ConfigError('PORTAL_CIS2_ASSURANCE must be "AAL2" or "AAL3".')
    staff_roles = {Role.KEY_WORKER.value, Role.TEAM_LEAD.value, Role.ADMIN.value}
    for code, role in (settings.get("CIS2_ROLE_MAP") or {}).items():
        if role not in staff_roles:
            raise ConfigError(f"PORTAL_CIS2_ROLE_MAP: {code!r} must give one of {', '.join(sorted(staff_roles))}.")


def engine_options(settings: dict[str, Any]) -> dict[str, Any]:
    """Connections are checked before use; with PostgreSQL, connecting and waiting for a free
    connection give up after DATABASE_CONNECT_TIMEOUT_SECONDS (a request then gets the outage page)."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if str(settings["DATABASE_URL"]).startswith("postgresql"):
        seconds = int(settings.get("DATABASE_CONNECT_TIMEOUT_SECONDS", 5))
        options.update(connect_args={"connect_timeout": seconds}, pool_timeout=seconds)
    return options


def check_attempt_limits(limits: dict[str, Any]) -> None:
    from limits import parse_many

    from portal.guessing import DEFAULT_RULES

    for kind, rules in limits.items():
        if kind not in DEFAULT_RULES or not isinstance(rules, dict) or set(rules) != {
                "per_account", "per_address", "per_known_browser"}:
            raise ConfigError(f"PORTAL_ATTEMPT_LIMITS: give {', '.join(DEFAULT_RULES)} each as "
                              '{"per_account": …, "per_address": …, "per_known_browser": …}.')
        for rule in rules.values():
            try:
                parse_many(str(rule))
            except ValueError as error:
                raise ConfigError(f"PORTAL_ATTEMPT_LIMITS: {rule!r} is not like \"5 per 15 minutes\".") from error


def check_risk_settings(settings: dict[str, Any]) -> None:
    """Refuse to start with risk settings that are wrong, or that would show a person support and
    tell them someone will see their answer when nobody is told."""
    from portal.instruments import safety
    from portal.risk_rules import working_hours_from

    try:
        tiers = safety.risk_tiers_from(settings.get("RISK_TIERS") or {})
        thresholds = safety.thresholds_from(settings.get("SAFETY_THRESHOLDS") or {})
        safety.check_settings(thresholds, tiers)
        working_hours_from(settings.get("TEAM_HOURS") or {})
        within = float(settings.get("RISK_ACKNOWLEDGE_WITHIN_HOURS", 4.0))
        routine_days = float(settings.get("RISK_ROUTINE_ACKNOWLEDGE_WITHIN_DAYS", 5.0))
    except (ValueError, TypeError) as error:
        raise ConfigError(f"Risk settings (PORTAL_RISK_TIERS, PORTAL_SAFETY_THRESHOLDS, PORTAL_TEAM_HOURS): "
                          f"{error}") from error
    if not 0 < within <= 24 * 7:
        raise ConfigError("PORTAL_RISK_ACKNOWLEDGE_WITHIN_HOURS must be more than 0 and at most 168 (working hours).")
    if not 2 <= int(settings.get("FHIR_MAX_TRANSACTION_ENTRIES", 8)) <= 1000:
        raise ConfigError("PORTAL_FHIR_MAX_TRANSACTION_ENTRIES must be 2 to 1000.")
    if not 0 <= routine_days <= 60:
        raise ConfigError("PORTAL_RISK_ROUTINE_ACKNOWLEDGE_WITHIN_DAYS must be 0 (never) to 60 working days.")


def check_safe(settings: dict[str, Any]) -> None:
    """Refuse to run production with a default secret or with demo data."""
    if settings["ENV_NAME"] != "production":
        return
    if settings["SECRET_KEY"] in {DEV_SECRET_KEY, "", None} or len(settings["SECRET_KEY"]) < 32:
        raise ConfigError("Set PORTAL_SECRET_KEY to a random value of 32 characters or more.")
    if settings["DEMO_DATA"]:
        raise ConfigError("Demo data must not be enabled in production (PORTAL_DEMO_DATA).")
    if settings.get("RECORD_ADAPTER") == "fhir":
        if not str(settings.get("FHIR_BASE_URL", "")).startswith("https://"):
            raise ConfigError("PORTAL_FHIR_BASE_URL must be an https:// address in production.")
        if not settings.get("FHIR_VERIFY_TLS", True):
            raise ConfigError("PORTAL_FHIR_VERIFY_TLS must stay on in production.")
    for provider in ("NHS_LOGIN", "CIS2"):
        issuer = str(settings.get(f"{provider}_ISSUER", ""))
        if issuer and not issuer.startswith("https://"):
            raise ConfigError(f"PORTAL_{provider}_ISSUER must be an https:// address in production.")
    if settings.get("NOTIFY_CALLBACK_TOKEN") and len(str(settings["NOTIFY_CALLBACK_TOKEN"])) < 32:
        raise ConfigError("PORTAL_NOTIFY_CALLBACK_TOKEN must be a random value of 32 characters or more.")
    if settings.get("NOTIFIER") == "govuk_notify":
        missing = [key for key in ("NOTIFY_API_KEY", "NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID",
                                   "NOTIFY_STAFF_SMS_TEMPLATE_ID", "NOTIFY_STAFF_EMAIL_TEMPLATE_ID")
                   if not settings.get(key)]
        if missing:
            names = ", ".join(f"PORTAL_{key}" for key in missing)
            raise ConfigError(f"Set {names} to send reminders by GOV.UK Notify.")
        if not str(settings.get("PUBLIC_BASE_URL", "")).startswith("https://"):
            raise ConfigError("PORTAL_PUBLIC_BASE_URL must be the portal's https:// address to send reminders.")
