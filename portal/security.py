"""Security headers on every response, and a CSP nonce per request."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix


def init_security(app: Flask) -> None:
    app.before_request(_make_nonce)
    app.after_request(_add_headers)


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and X-Forwarded-Proto from ``TRUSTED_PROXIES`` proxies, no more:
    ``request.is_secure`` (and so HSTS) and the address failed sign-ins are counted by then come
    from what the nearest proxies saw. X-Forwarded-Host is never trusted (links use the Host header)."""
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=0, x_port=0, x_prefix=0)


def _make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(g.get("csp_nonce", "none"))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Pages for signed-in people hold personal data: never cache them.
    if request.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response
