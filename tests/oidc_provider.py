"""npm ``oidc-provider`` as NHS login and NHS CIS2 in the tests (``tests/oidc/provider.mjs``).

``OpenIDProvider`` writes the provider's settings (its signing key, the portal's two client
registrations with their public keys, and the test people below), starts it with the project's own
Node on 127.0.0.1, and can change the next ID tokens (``tamper``) or rotate its keys (``rotate_keys``:
a restart on the same port with a new key, as a provider rotating keys does).

``portal_settings()`` gives the portal's configuration for both providers (their private keys).
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.medplum_engine import MedplumUnavailable, _drain, project_node, stop_process

SCRIPT = Path(__file__).resolve().parent / "oidc" / "provider.mjs"
NHS_LOGIN_CLIENT = "portal-nhs-login"
CIS2_CLIENT = "portal-cis2"
_LISTENING = "listening on "

# The test people. Service users' NHS numbers and dates of birth, for the tests' own records:
SAM_NHS_NUMBER = "9990000018"
SAM_BIRTHDATE = date(1991, 4, 12)
STAFF_EMAIL = "priya.cis2@example.test"
KEY_WORKER_ROLE = "S8000:G8000:R8000"
TEAM_LEAD_ROLE = "S8000:G8000:R8008"
UNMAPPED_ROLE = "S8000:G8000:R9999"
ROLE_MAP = {"R8000": "key_worker", "R8008": "team_lead"}


def _person(nhs_number: str, birthdate: date, level: str, uplift: bool = False, **claims: Any) -> dict[str, Any]:
    return {"level": level, "uplift": uplift, "claims": {
        "nhs_number": nhs_number, "birthdate": birthdate.isoformat(), "family_name": "Taylor",
        "email": claims.pop("email", "sam.nhs@example.test"), "email_verified": True, **claims}}


def _staff(role_code: str, email: str = STAFF_EMAIL, acr: str = "AAL2_OR_AAL3_ANY") -> dict[str, Any]:
    return {"acr": acr, "claims": {
        "email": email, "name": "Priya Shah", "uid": "555011223344",
        "selected_roleid": "role-1",
        "nhsid_nrbac_roles": [{"person_roleid": "role-1", "role_code": role_code, "role_name": "A role",
                               "org_code": "RXX"},
                              {"person_roleid": "role-2", "role_code": UNMAPPED_ROLE, "org_code": "RXX"}]}}


PEOPLE: dict[str, dict[str, Any]] = {
    "sam": _person(SAM_NHS_NUMBER, SAM_BIRTHDATE, "P9"),
    "sam-p5": _person(SAM_NHS_NUMBER, SAM_BIRTHDATE, "P5", uplift=True),
    "sam-other-birthdate": _person(SAM_NHS_NUMBER, date(1991, 12, 4), "P9"),
    "not-known-here": _person("9990000026", date(1970, 1, 1), "P9", email="jo.nhs@example.test"),
    "no-nhs-number-yet": {"level": "P0", "uplift": False, "claims": {"email": "p0@example.test"}},
    "staff-key-worker": _staff(KEY_WORKER_ROLE),
    "staff-team-lead": _staff(TEAM_LEAD_ROLE),
    "staff-unmapped-role": _staff(UNMAPPED_ROLE),
    "staff-no-account": _staff(KEY_WORKER_ROLE, email="nobody.here@example.test"),
    "staff-weak-check": _staff(KEY_WORKER_ROLE, acr="AAL1_ANY"),
}


def _key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS512"})


class OpenIDProvider:
    def __init__(self, redirect_bases: list[str], directory: Path) -> None:
        self.redirect_bases = redirect_bases
        self.directory = directory
        self.signing_keys = [_key("provider-1")]
        self.client_keys = {NHS_LOGIN_CLIENT: _key("nhs-login-client"), CIS2_CLIENT: _key("cis2-client")}
        self.issuer = ""
        self._port = 0
        self._process: subprocess.Popen[str] | None = None
        self._stderr: deque[str] = deque(maxlen=100)

    def _settings(self) -> dict[str, Any]:
        def client(client_id: str, path: str) -> dict[str, Any]:
            return {
                "client_id": client_id,
                "redirect_uris": [f"{base}{path}" for base in self.redirect_bases],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "RS512",
                "id_token_signed_response_alg": "RS512",
                "jwks": {"keys": [self.client_keys[client_id].as_dict(private=False)]},
            }

        return {
            "keys": {"keys": [key.as_dict(private=True) for key in self.signing_keys]},
            "clients": [client(NHS_LOGIN_CLIENT, "/nhs-login/callback"), client(CIS2_CLIENT, "/cis2/callback")],
            "people": PEOPLE,
        }

    def start(self) -> None:
        config = self.directory / "provider.json"
        config.write_text(json.dumps(self._settings()))
        self._process = subprocess.Popen(
            [str(project_node()), str(SCRIPT), "--config", str(config), "--port", str(self._port),
             "--exit-with-stdin"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        lines: deque[str | None] = deque()
        ready = threading.Event()

        def take(line: str | None) -> None:
            lines.append(line)
            if line is None or line.startswith(_LISTENING):
                ready.set()

        threading.Thread(target=_drain, args=(self._process.stdout, take), daemon=True).start()
        threading.Thread(target=_drain, args=(self._process.stderr, self._keep_stderr), daemon=True).start()
        if not ready.wait(30) or not lines or lines[-1] is None:
            self.stop()
            raise RuntimeError("oidc-provider did not start:\n" + "".join(self._stderr))
        self.issuer = str(lines[-1]).removeprefix(_LISTENING).strip()
        self._port = urlsplit(self.issuer).port or 0

    def stop(self) -> None:
        process, self._process = self._process, None
        stop_process(process)

    def rotate_keys(self) -> None:
        """A new signing key, and the old one gone: the provider starts again on the same address."""
        self.signing_keys = [_key(f"provider-{len(self.signing_keys) + 1}-{id(self) % 1000}")]
        self.stop()
        self.start()

    def tamper(self, id_token: str) -> None:
        httpx.post(f"{self.issuer}/test/tamper", json={"id_token": id_token}, timeout=5).raise_for_status()

    def portal_settings(self) -> dict[str, Any]:
        def private(client_id: str) -> str:
            return json.dumps(self.client_keys[client_id].as_dict(private=True))

        return {
            "NHS_LOGIN_ISSUER": self.issuer, "NHS_LOGIN_CLIENT_ID": NHS_LOGIN_CLIENT,
            "NHS_LOGIN_PRIVATE_KEY": private(NHS_LOGIN_CLIENT),
            "CIS2_ISSUER": self.issuer, "CIS2_CLIENT_ID": CIS2_CLIENT, "CIS2_PRIVATE_KEY": private(CIS2_CLIENT),
            "CIS2_ROLE_MAP": dict(ROLE_MAP), "CIS2_ASSURANCE": "AAL2",
        }

    def _keep_stderr(self, line: str | None) -> None:
        if line is not None:
            self._stderr.append(line)


def start_provider(redirect_bases: list[str], directory: Path) -> Iterator[OpenIDProvider]:
    """Start the provider for a fixture; skipped without node_modules, except in CI."""
    import os

    try:
        project_node()
    except MedplumUnavailable as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"oidc-provider unavailable in CI: {missing}", pytrace=False)
        pytest.skip(f"oidc-provider unavailable: {missing}")
    provider = OpenIDProvider(redirect_bases, directory)
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()
