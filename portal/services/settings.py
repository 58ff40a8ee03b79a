"""The trust's settings that services need, read in one place."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import get_locale

from portal.care_team_roles import CareTeamRole, roles_from
from portal.instruments import gbo, reqol10, safety
from portal.instruments.definition import Instrument, load_in_language
from portal.instruments.safety import RiskTiers, SafetyThresholds
from portal.risk_rules import WorkingHours, working_hours_from
from portal.risk_rules import working_days as risk_working_days


def reqol_licensed() -> bool:
    return bool(current_app.config["REQOL_LICENSED"])


def instrument(instrument_id: str, language: str | None = None) -> Instrument:
    """The questionnaire in ``language`` (default: the person's) if the trust has a checked
    translation of it, else in English (``load_in_language``)."""
    content_dir = current_app.config.get("INSTRUMENT_CONTENT_DIR") or None
    return load_in_language(instrument_id, language or person_language(), content_dir)


def person_language() -> str:
    """The language the page is in ("en" outside a request)."""
    locale = get_locale()
    return str(locale.language) if locale is not None else "en"


def safety_thresholds() -> SafetyThresholds:
    return safety.thresholds_from(current_app.config.get("SAFETY_THRESHOLDS") or {})


def risk_tiers() -> RiskTiers:
    """Which answers reach staff, and how soon (checked at start-up: ``config.check_risk_settings``)."""
    return safety.risk_tiers_from(current_app.config.get("RISK_TIERS") or {})


def working_hours() -> WorkingHours:
    return working_hours_from(current_app.config.get("TEAM_HOURS") or {})


def acknowledge_within() -> timedelta:
    """Working time an urgent flag may stay unacknowledged before the duty worker and team lead are told."""
    return timedelta(hours=float(current_app.config.get("RISK_ACKNOWLEDGE_WITHIN_HOURS", 4.0)))


def caseload_windows() -> dict[str, int]:
    """Overrides of ``caseload.Windows`` (e.g. ``{"measure_not_recent_months": 12}``)."""
    return dict(current_app.config.get("CASELOAD_WINDOWS", {}))


def record_is_local() -> bool:
    """Whether the portal's own tables are the clinical record (``LocalRecord``)."""
    return bool(current_app.config["RECORD_ADAPTER"] == "local")


def gbo_reliable_change() -> int:
    return int(current_app.config.get("GBO_RELIABLE_CHANGE", gbo.RELIABLE_CHANGE_DEFAULT))


def reqol_reliable_change() -> int:
    return int(current_app.config.get("REQOL_RELIABLE_CHANGE", reqol10.RELIABLE_CHANGE_DEFAULT))


def routine_acknowledge_within() -> timedelta | None:
    """Working time a routine flag may stay open before the duty worker and team lead are told (a
    safety net: routine flags are seen before the next contact). None: never."""
    days = float(current_app.config.get("RISK_ROUTINE_ACKNOWLEDGE_WITHIN_DAYS", 5))
    return risk_working_days(working_hours(), days) if days > 0 else None


def care_team_roles() -> dict[str, CareTeamRole]:
    """The roles a member of a care team can hold: the built-in ones and the trust's (``CARE_TEAM_ROLES``)."""
    return roles_from(current_app.config.get("CARE_TEAM_ROLES") or [])


def care_team_registered_may_change() -> bool:
    """Care team members with a professional registration may co-write a person's plans (by default)."""
    return bool(current_app.config.get("CARE_TEAM_REGISTERED_MAY_CHANGE", True))
