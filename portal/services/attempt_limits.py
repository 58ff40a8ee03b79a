"""Limits on guessing: passwords, invitation codes and (later) second factors.

Counted in the limiter's storage (``RATELIMIT_STORAGE_URI``: memory in development, Redis in
production so that every worker and instance shares one count). Two counts, as the issue asks:

- **per account** (strict): wrong guesses for one account, from anywhere. Over it, that account
  cannot be tried for a while from a browser it has not signed in on before; the page says what
  to do. Other accounts are not affected.
- **per address** (generous: a whole NHS site can share one address): wrong guesses from one
  address for any account. Over it, accounts that have not signed in on that browser before
  cannot be tried from there for a while.

A browser someone has signed in on carries a signed "signed in here before" cookie for that
account (OWASP's device cookie), so neither count can lock a person out of their own phone:
that browser has its own strict count instead. Keys are hashes, never an email address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter


class Refusal(Enum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class AttemptRules:
    """Flask-Limiter syntax, e.g. ``"5 per 15 minutes"``."""

    per_account: str
    per_address: str
    per_known_browser: str


def account_key(secret: str, kind: str, identifier: str) -> str:
    """A stable key for an account (normalised email, user id) that does not reveal it."""
    digest = hmac.new(secret.encode(), f"{kind}:{identifier}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


class AttemptLimits:
    def __init__(self, strategy: RateLimiter, rules: AttemptRules, kind: str) -> None:
        self._strategy = strategy
        self._kind = kind
        self._account = parse_many(rules.per_account)
        self._address = parse_many(rules.per_address)
        self._known_browser = parse_many(rules.per_known_browser)

    def refusal(self, account: str, address: str, known_browser: bool) -> Refusal | None:
        """Whether to refuse this try before checking it (nothing is counted here)."""
        if known_browser:
            return Refusal.ACCOUNT if self._over(self._known_browser, "browser", account) else None
        if self._over(self._account, "account", account):
            return Refusal.ACCOUNT
        if self._over(self._address, "address", address):
            return Refusal.ADDRESS
        return None

    def failed(self, account: str, address: str, known_browser: bool) -> None:
        if known_browser:
            self._hit(self._known_browser, "browser", account)
            return
        self._hit(self._account, "account", account)
        self._hit(self._address, "address", address)

    def succeeded(self, account: str) -> None:
        """The right answer: that account's wrong guesses are forgotten (the address's are not)."""
        for scope in ("account", "browser"):
            for item in self._account if scope == "account" else self._known_browser:
                self._strategy.clear(item, self._kind, scope, account)

    def _over(self, items: list[RateLimitItem], scope: str, key: str) -> bool:
        return any(not self._strategy.test(item, self._kind, scope, key) for item in items)

    def _hit(self, items: list[RateLimitItem], scope: str, key: str) -> None:
        for item in items:
            self._strategy.hit(item, self._kind, scope, key)
