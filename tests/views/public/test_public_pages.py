from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from tests.conftest import PageRequest


@pytest.mark.parametrize(
    ("endpoint", "heading"),
    [
        ("public.home", "Your care portal"),
        ("public.get_help", "Get help now"),
        ("public.accessibility_statement", "Accessibility statement"),
        ("public.privacy_notice", "Privacy notice"),
        ("auth.login", "Sign in"),
        ("auth.accept_invitation", "Set up your account"),
    ],
)
def test_public_pages_render_for_anyone(page_request: PageRequest, endpoint: str, heading: str) -> None:
    page = page_request.get(endpoint)
    assert page.h1.get_text(strip=True) == heading
    footer_links = [a.get_text(strip=True) for a in page.select("footer a")]
    assert "Accessibility statement" in footer_links
    assert "Privacy notice" in footer_links


def test_get_help_lists_the_crisis_contacts(page_request: PageRequest) -> None:
    text = page_request.get("public.get_help").get_text(" ")
    for contact in ("111", "option 2", "116 123", "999", "85258"):
        assert contact in text


def test_unknown_page_is_a_friendly_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_healthz_reports_the_database(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.extensions import db

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.data  # the NHS.UK inline script carries it
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]


def test_each_response_gets_a_new_nonce(client) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/login").headers["Content-Security-Policy"]
    second = client.get("/login").headers["Content-Security-Policy"]
    assert first != second


def test_pages_load_scripts_and_styles_only_from_this_site(page_request: PageRequest) -> None:
    page = page_request.get("public.home")
    sources = [tag.get("src") for tag in page.find_all("script") if tag.get("src")]
    sources += [tag.get("href") for tag in page.find_all("link") if tag.get("href")]
    assert sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources)
    assert any(re.fullmatch(r"/static/dist/vendor/htmx\.min\.[0-9a-f]{12}\.js", source) for source in sources)


def test_htmx_requests_carry_the_csrf_token(app: Flask, page_request: PageRequest) -> None:
    page = page_request.get("auth.login")
    assert "X-CSRFToken" in page.body["hx-headers"]


def test_production_refuses_the_default_secret_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.config import ConfigError, load_config

    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production")


def test_production_refuses_demo_data(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.config import ConfigError, load_config

    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_DEMO_DATA", "true")
    with pytest.raises(ConfigError, match="Demo data"):
        load_config("production")


def test_production_refuses_a_short_notify_callback_token(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.config import ConfigError, load_config

    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_NOTIFY_CALLBACK_TOKEN", "guessable")
    with pytest.raises(ConfigError, match="NOTIFY_CALLBACK_TOKEN"):
        load_config("production")


def test_settings_that_hold_several_values_are_json_in_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.config import ConfigError, load_config

    monkeypatch.setenv("PORTAL_CASELOAD_WINDOWS", '{"measure_not_recent_months": 12}')
    assert load_config("testing")["CASELOAD_WINDOWS"] == {"measure_not_recent_months": 12}
    monkeypatch.setenv("PORTAL_CASELOAD_WINDOWS", "12 months")
    with pytest.raises(ConfigError, match="JSON"):
        load_config("testing")


def test_production_starts_with_a_real_secret(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.config import load_config

    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://db/portal")
    settings = load_config("production")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/portal"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["DEMO_DATA"] is False
