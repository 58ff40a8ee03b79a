"""Signed, single-purpose tokens for the "stop these messages" link.

The token says only who the reminders are for (service user or carer, and an id). It cannot sign
anyone in and is good for nothing else (its own salt). It expires after a year, long after the
last message it came in.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "portal.reminders.stop"


class InvalidStopToken(Exception):
    pass


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_stop_token(secret_key: str, recipient_type: str, recipient_id: int) -> str:
    return _serializer(secret_key).dumps([recipient_type, recipient_id])


def read_stop_token(secret_key: str, token: str, max_age_days: int) -> tuple[str, int]:
    try:
        recipient_type, recipient_id = _serializer(secret_key).loads(token, max_age=max_age_days * 86400)
    except (BadSignature, ValueError, TypeError) as error:
        raise InvalidStopToken from error
    if recipient_type not in ("service_user", "carer") or not isinstance(recipient_id, int):
        raise InvalidStopToken
    return recipient_type, recipient_id
