"""An OpenID Connect relying party for NHS login and NHS CIS2 (../shared/DOMAIN.md, "Identity").

Plain Python (no Flask): the views keep the ``Attempt`` in the session and hand back what the
provider's redirect carried. What is checked, in order:

- ``state`` equals the one sent (else ``SignInRefused``), and the provider sent no ``error``;
- the code is exchanged at the token endpoint with PKCE's verifier, the client proving who it is
  with ``private_key_jwt`` (RFC 7523: a JWT signed with the client's private key, ``iss`` = ``sub`` =
  client id, ``aud`` = the token endpoint, used once);
- the ID token's signature against the provider's published keys (fetched again, at most once a
  minute, when a token names a key not seen before: keys rotate without a restart), its algorithm,
  ``iss``, ``aud``, ``exp``/``iat`` (a minute's leeway for clocks), and ``nonce``;
- userinfo's ``sub`` equals the ID token's.

Authlib makes the PKCE challenge and the random values; joserfc (Authlib's JOSE library, which
replaces ``authlib.jose``) signs and checks the JWTs.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

LEEWAY_SECONDS = 60
METADATA_SECONDS = 60 * 60  # discovery and keys are fetched again after an hour at most
REFETCH_KEYS_AFTER_SECONDS = 60  # an unknown key id fetches the keys again, not more often than this
ID_TOKEN_ALGORITHMS = ["RS512", "RS256", "PS512", "ES256"]


class SignInRefused(Exception):
    """The provider's answer cannot be trusted or was a refusal; ``reason`` names which (for the
    audit trail, never personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something other than what it should."""


@dataclass(frozen=True)
class ClientSettings:
    issuer: str
    client_id: str
    private_key: dict[str, Any]  # the client's private JWK (RSA), whose public half the provider holds
    redirect_uri: str
    scopes: tuple[str, ...]
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class Attempt:
    """What the portal remembers between sending the person to the provider and their return."""

    state: str
    nonce: str
    code_verifier: str

    @staticmethod
    def new() -> Attempt:
        return Attempt(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64))

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier}

    @staticmethod
    def from_dict(value: object) -> Attempt | None:
        if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in
                                                 ("state", "nonce", "code_verifier")):
            return None
        return Attempt(state=value["state"], nonce=value["nonce"], code_verifier=value["code_verifier"])


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in: the ID token's claims with userinfo's added."""

    issuer: str
    subject: str
    claims: dict[str, Any] = field(default_factory=dict)

    def claim(self, name: str) -> Any:
        return self.claims.get(name)


@dataclass
class _Cached:
    metadata: dict[str, Any]
    keys: KeySet
    fetched_at: float
    keys_fetched_at: float


_CACHE: dict[str, _Cached] = {}
_CACHE_LOCK = threading.Lock()


def forget_cached_metadata() -> None:
    """Drop every provider's discovery document and keys (tests; a trust changing provider)."""
    with _CACHE_LOCK:
        _CACHE.clear()


class OpenIDClient:
    def __init__(self, settings: ClientSettings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self._http = http or httpx.Client(timeout=settings.timeout_seconds)

    # --- sending the person to the provider ------------------------------------------------------

    def authorisation_url(self, attempt: Attempt, **extra: str) -> str:
        metadata = self._metadata()
        query = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.settings.redirect_uri,
            "scope": " ".join(self.settings.scopes),
            "state": attempt.state,
            "nonce": attempt.nonce,
            "code_challenge": create_s256_code_challenge(attempt.code_verifier),
            "code_challenge_method": "S256",
            **extra,
        }
        return f"{metadata['authorization_endpoint']}?{urlencode(query)}"

    # --- their return ----------------------------------------------------------------------------

    def finish(self, attempt: Attempt, answer: dict[str, str]) -> Identity:
        """Check the provider's redirect (its query parameters) and return who signed in."""
        if answer.get("state") != attempt.state:
            raise SignInRefused("state_mismatch")
        if answer.get("error"):
            raise SignInRefused(f"provider_error:{answer['error'][:40]}")
        code = answer.get("code")
        if not code:
            raise SignInRefused("no_code")
        tokens = self._exchange(code, attempt)
        claims = self._check_id_token(str(tokens.get("id_token", "")), attempt.nonce)
        userinfo = self._userinfo(str(tokens.get("access_token", "")))
        if userinfo.get("sub") != claims["sub"]:
            raise SignInRefused("userinfo_subject_mismatch")
        return Identity(issuer=claims["iss"], subject=claims["sub"], claims={**userinfo, **claims})

    def _exchange(self, code: str, attempt: Attempt) -> dict[str, Any]:
        token_endpoint = self._metadata()["token_endpoint"]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.settings.redirect_uri,
            "code_verifier": attempt.code_verifier,
            "client_id": self.settings.client_id,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": self.client_assertion(token_endpoint),
        }
        response = self._request("POST", token_endpoint, data=form)
        if response.status_code != 200:
            raise SignInRefused(f"token_endpoint_{response.status_code}")
        return _json(response)

    def client_assertion(self, audience: str, now: float | None = None) -> str:
        """``private_key_jwt``: a short-lived JWT signed with the client's own private key."""
        issued = int(now if now is not None else time.time())
        key = KeySet.import_key_set({"keys": [self.settings.private_key]}).keys[0]
        header = {"alg": "RS512", "typ": "JWT", "kid": key.kid or ""}
        claims = {"iss": self.settings.client_id, "sub": self.settings.client_id, "aud": audience,
                  "jti": generate_token(32), "iat": issued, "exp": issued + 300}
        return jwt.encode(header, claims, key, algorithms=["RS512"])

    def _check_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        if not id_token:
            raise SignInRefused("no_id_token")
        token = self._decode(id_token)
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self._metadata()["issuer"]},
            aud={"essential": True, "value": self.settings.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(token.claims)
        except JoseError as error:
            raise SignInRefused(f"id_token_{error.error}:{getattr(error, 'claim', '')}") from error
        return dict(token.claims)

    def _decode(self, id_token: str) -> jwt.Token:
        """Check the signature. A key id not seen before means the provider rotated its keys: fetch
        them again (not more than once a minute) and check once more."""
        try:
            return jwt.decode(id_token, self._cached().keys, algorithms=ID_TOKEN_ALGORITHMS)
        except InvalidKeyIdError:
            if time.monotonic() - self._cached().keys_fetched_at < REFETCH_KEYS_AFTER_SECONDS:
                raise SignInRefused("id_token_unknown_key") from None
            self._refresh_keys()
            return self._decode_with_known_keys(id_token)
        except (JoseError, ValueError) as error:
            raise SignInRefused("id_token_signature") from error

    def _decode_with_known_keys(self, id_token: str) -> jwt.Token:
        try:
            return jwt.decode(id_token, self._cached().keys, algorithms=ID_TOKEN_ALGORITHMS)
        except (JoseError, ValueError) as error:
            raise SignInRefused("id_token_signature") from error

    def _userinfo(self, access_token: str) -> dict[str, Any]:
        endpoint = self._metadata().get("userinfo_endpoint")
        if not endpoint:
            raise ProviderUnavailable("the provider publishes no userinfo endpoint")
        response = self._request("GET", endpoint, headers={"Authorization": f"Bearer {access_token}"})
        if response.status_code != 200:
            raise SignInRefused(f"userinfo_{response.status_code}")
        return _json(response)

    # --- discovery and keys, cached per issuer ------------------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        return self._cached().metadata

    def _cached(self) -> _Cached:
        with _CACHE_LOCK:
            cached = _CACHE.get(self.settings.issuer)
        if cached is None or time.monotonic() - cached.fetched_at > METADATA_SECONDS:
            cached = self._fetch()
        return cached

    def _fetch(self) -> _Cached:
        url = f"{self.settings.issuer.rstrip('/')}/.well-known/openid-configuration"
        metadata = _json(self._request("GET", url))
        if metadata.get("issuer") != self.settings.issuer:
            raise ProviderUnavailable("the discovery document names another issuer")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(name), str):
                raise ProviderUnavailable(f"the discovery document has no {name}")
        now = time.monotonic()
        cached = _Cached(metadata=metadata, keys=self._fetch_keys(metadata["jwks_uri"]), fetched_at=now,
                         keys_fetched_at=now)
        with _CACHE_LOCK:
            _CACHE[self.settings.issuer] = cached
        return cached

    def _refresh_keys(self) -> None:
        cached = self._cached()
        keys = self._fetch_keys(cached.metadata["jwks_uri"])
        with _CACHE_LOCK:
            _CACHE[self.settings.issuer] = _Cached(cached.metadata, keys, cached.fetched_at, time.monotonic())

    def _fetch_keys(self, jwks_uri: str) -> KeySet:
        try:
            return KeySet.import_key_set(_json(self._request("GET", jwks_uri)))  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError) as error:
            raise ProviderUnavailable("the provider's keys could not be read") from error

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"{type(error).__name__} from the provider") from error


def _json(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise ProviderUnavailable(f"the provider answered {response.status_code}")
    try:
        value = response.json()
    except json.JSONDecodeError as error:
        raise ProviderUnavailable("the provider's answer was not JSON") from error
    if not isinstance(value, dict):
        raise ProviderUnavailable("the provider's answer was not a JSON object")
    return value
