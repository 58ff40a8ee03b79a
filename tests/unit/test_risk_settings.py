"""The risk settings are checked when the portal starts: a wrong one stops it with a clear message,
so a trust can never end up showing support that reaches nobody."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError, load_config


@pytest.mark.parametrize(("overrides", "message"), [
    ({"RISK_TIERS": {"reqol_item6": {"3": "urgent", "4": "urgent"}}}, "show support but reach nobody"),
    ({"RISK_TIERS": {"reqol_item6": {"2": "soonish"}}}, "must be urgent or routine"),
    ({"SAFETY_THRESHOLDS": {"reqol_item6_flag_from": 3}}, "now set by RISK_TIERS"),
    ({"TEAM_HOURS": {"opens": "18:00"}}, "open before it closes"),
    ({"RISK_ACKNOWLEDGE_WITHIN_HOURS": 0.0}, "PORTAL_RISK_ACKNOWLEDGE_WITHIN_HOURS"),
])
def test_wrong_risk_settings_stop_the_portal_starting(overrides, message):
    with pytest.raises(ConfigError, match=message):
        create_app("testing", {"DATABASE_URL": "sqlite://", **overrides})


def test_a_trust_can_make_sometimes_urgent_and_change_its_hours(monkeypatch):
    monkeypatch.setenv("PORTAL_RISK_TIERS", '{"reqol_item6": {"1": "routine", "2": "urgent", "3": "urgent", "4": "urgent"}}')
    monkeypatch.setenv("PORTAL_TEAM_HOURS", '{"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "opens": "08:30"}')

    settings = load_config("testing")

    assert settings["RISK_TIERS"]["reqol_item6"]["2"] == "urgent"
    assert settings["TEAM_HOURS"]["opens"] == "08:30"


def test_production_with_notify_needs_the_staff_templates():
    with pytest.raises(ConfigError, match="PORTAL_NOTIFY_STAFF_SMS_TEMPLATE_ID"):
        load_config("production", {"SECRET_KEY": "x" * 40, "NOTIFIER": "govuk_notify", "NOTIFY_API_KEY": "k",
                                   "NOTIFY_SMS_TEMPLATE_ID": "a", "NOTIFY_EMAIL_TEMPLATE_ID": "b",
                                   "PUBLIC_BASE_URL": "https://portal.example.nhs.uk"})
