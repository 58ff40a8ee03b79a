"""Behind TLS-terminating proxies: HSTS is sent when, and only when, a trusted proxy says https
(README "In production", ``PORTAL_TRUSTED_PROXIES``)."""

from __future__ import annotations

import pytest
from flask import Flask

from portal import create_app
from portal.config import ConfigError

HSTS = "Strict-Transport-Security"


def _proxied_app(app: Flask, proxies: int) -> Flask:
    return create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"], "TRUSTED_PROXIES": proxies})


def test_with_a_trusted_proxy_saying_https_the_response_has_hsts(app: Flask) -> None:
    client = _proxied_app(app, 1).test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 200
    assert response.headers[HSTS] == "max-age=31536000; includeSubDomains"
    assert HSTS not in client.get("/login", headers={"X-Forwarded-Proto": "http"}).headers


def test_without_trusted_proxies_a_forwarded_header_is_not_believed(app: Flask) -> None:
    forged = {"X-Forwarded-Proto": "https"}
    assert HSTS not in app.test_client().get("/login", headers=forged).headers  # the default: 0
    assert HSTS in app.test_client().get("/login", base_url="https://localhost").headers  # real https still is


def test_two_proxies_believe_the_header_the_outer_one_set(app: Flask) -> None:
    client = _proxied_app(app, 2).test_client()
    # A client's forged "https", then the outer proxy's "http" and the inner one's: only the last two count
    response = client.get("/login", headers={"X-Forwarded-Proto": "https, http, https"})
    assert HSTS not in response.headers
    assert HSTS in client.get("/login", headers={"X-Forwarded-Proto": "https, https"}).headers


@pytest.mark.parametrize("proxies", [-1, 11])
def test_a_nonsense_number_of_proxies_stops_the_portal(proxies: int) -> None:
    with pytest.raises(ConfigError, match="PORTAL_TRUSTED_PROXIES"):
        create_app("testing", {"DATABASE_URL": "sqlite://", "TRUSTED_PROXIES": proxies})
