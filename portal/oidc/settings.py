"""Each provider's settings, from the portal's configuration: None while it is not configured."""

from __future__ import annotations

import json
from typing import Any, Literal

from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from portal.oidc.client import ClientSettings

Provider = Literal["nhs_login", "cis2"]
CALLBACK_PATHS: dict[str, str] = {"nhs_login": "/nhs-login/callback", "cis2": "/cis2/callback"}
_NAMES = {"nhs_login": "NHS_LOGIN", "cis2": "CIS2"}


class SettingsProblem(ValueError):
    pass


def client_settings(config: Any, provider: str) -> ClientSettings | None:
    """The provider's client settings, or None when it is off (its issuer, client id and key unset)."""
    prefix = _NAMES[provider]
    issuer, client_id, key = (str(config.get(f"{prefix}_{name}", "") or "").strip()
                              for name in ("ISSUER", "CLIENT_ID", "PRIVATE_KEY"))
    if not (issuer or client_id or key):
        return None
    missing = [f"PORTAL_{prefix}_{name}" for name, value in
               (("ISSUER", issuer), ("CLIENT_ID", client_id), ("PRIVATE_KEY", key)) if not value]
    if missing:
        raise SettingsProblem(f"Set {', '.join(missing)} too, or none of the {prefix} settings.")
    return ClientSettings(
        issuer=issuer,
        client_id=client_id,
        private_key=private_jwk(key, f"PORTAL_{prefix}_PRIVATE_KEY"),
        redirect_uri=f"{str(config.get('PUBLIC_BASE_URL', '')).rstrip('/')}{CALLBACK_PATHS[provider]}",
        scopes=tuple(str(config.get(f"{prefix}_SCOPES", "openid")).split()),
    )


def private_jwk(value: str, name: str) -> dict[str, Any]:
    """An RSA private key given as a JWK (JSON) or PEM, as a JWK dictionary."""
    try:
        key = RSAKey.import_key(json.loads(value) if value.startswith("{") else value.encode())
    except (JoseError, ValueError, TypeError) as error:
        raise SettingsProblem(f"{name} is not an RSA private key (JWK or PEM).") from error
    if not key.is_private:
        raise SettingsProblem(f"{name} must be the private key: the provider holds the public one.")
    return dict(key.as_dict(private=True))


def enabled(config: Any, provider: str) -> bool:
    try:
        return client_settings(config, provider) is not None
    except SettingsProblem:
        return False
