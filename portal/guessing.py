"""The request side of the limits on guessing (portal/services/attempt_limits.py).

Views ask ``refused(kind, identifier)`` before checking a password or code, then report the
outcome with ``failed``/``succeeded``. The "signed in here before" cookie is read and written here.
"""

from __future__ import annotations

from flask import current_app, g, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from portal.extensions import limiter
from portal.services.attempt_limits import AttemptLimits, AttemptRules, Refusal, account_key

KNOWN_BROWSER_COOKIE = "portal_known_browser"
_KNOWN_BROWSER_DAYS = 365
_KNOWN_BROWSER_MAX = 5  # accounts remembered per browser (a shared family tablet)

# What may be guessed, and how often: per account (strict), per address (generous), and per
# browser the account has signed in on before. Each can be set per trust (README "Sign-in limits").
DEFAULT_RULES = {
    "sign_in": AttemptRules("5 per 15 minutes", "100 per 10 minutes", "10 per 15 minutes"),
    "current_password": AttemptRules("5 per 15 minutes", "100 per 10 minutes", "5 per 15 minutes"),
    "invitation_code": AttemptRules("5 per 15 minutes", "30 per 10 minutes", "5 per 15 minutes"),
    # Every request counts here, right or wrong: each one sends a message.
    "password_reset": AttemptRules("3 per hour", "20 per hour", "3 per hour"),
    "second_factor": AttemptRules("5 per 15 minutes", "100 per 10 minutes", "5 per 15 minutes"),
}


def _limits(kind: str) -> AttemptLimits:
    rules = current_app.config.get("ATTEMPT_LIMITS", {}).get(kind) or DEFAULT_RULES[kind]
    if isinstance(rules, dict):
        rules = AttemptRules(**rules)
    return AttemptLimits(limiter.limiter, rules, kind)


def _key(kind: str, identifier: str) -> str:
    return account_key(current_app.config["SECRET_KEY"], kind, identifier.strip().lower())


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-browser")


def _known_keys() -> list[str]:
    raw = request.cookies.get(KNOWN_BROWSER_COOKIE)
    if not raw:
        return []
    try:
        keys = _serializer().loads(raw)
    except BadSignature:
        return []
    return [key for key in keys if isinstance(key, str)][:_KNOWN_BROWSER_MAX] if isinstance(keys, list) else []


def refused(kind: str, identifier: str) -> Refusal | None:
    key = _key(kind, identifier)
    return _limits(kind).refusal(key, request.remote_addr or "", key in _known_keys())


def failed(kind: str, identifier: str) -> None:
    key = _key(kind, identifier)
    _limits(kind).failed(key, request.remote_addr or "", key in _known_keys())


def succeeded(kind: str, identifier: str) -> None:
    key = _key(kind, identifier)
    _limits(kind).succeeded(key)
    g.remember_browser_key = key


def remember_browser(response: Response) -> Response:
    """After a successful sign-in: this browser may go on trying this account if others are refused."""
    key = g.pop("remember_browser_key", None)
    if key is None:
        return response
    keys = [key] + [other for other in _known_keys() if other != key]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE, _serializer().dumps(keys[:_KNOWN_BROWSER_MAX]),
        max_age=_KNOWN_BROWSER_DAYS * 24 * 3600, httponly=True, samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), path="/",
    )
    return response


def too_many(refusal: Refusal, kind: str) -> tuple[str, int]:
    return render_template("errors/too_many_tries.html", refusal=refusal.value, kind=kind), 429
