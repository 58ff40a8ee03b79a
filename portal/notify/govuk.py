"""The GOV.UK Notify adapter (notifications-python-client).

The API key, template ids and base URL come from configuration, so tests point it at a fake
Notify on 127.0.0.1. Notify's errors are sorted into temporary ones (retry later) and permanent
ones (dead letter): see ``_failure``. Error details kept are Notify's error class and status code,
never its message text, in case a message ever echoes a number or address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from portal.notify.messages import MessageKind
from portal.notify.port import (
    Accepted,
    DeliveryStatus,
    Message,
    PermanentFailure,
    SendError,
    TemporaryFailure,
)
from portal.notify.rules import Channel

# https://docs.notifications.service.gov.uk/python.html#get-the-status-of-one-message
_DELIVERED = {"delivered", "sent"}  # "sent": an international text, no receipt
_FAILED = {"permanent-failure", "temporary-failure", "technical-failure", "validation-failed", "cancelled"}


class GovukNotifyNotifier:
    name = "govuk_notify"

    def __init__(self, api_key: str, sms_template_id: str, email_template_id: str, *,
                 base_url: str = "https://api.notifications.service.gov.uk", timeout: float = 10.0,
                 sms_sender_id: str = "", email_reply_to_id: str = "",
                 invitation_sms_template_id: str = "", invitation_email_template_id: str = "",
                 staff_sms_template_id: str = "", staff_email_template_id: str = "",
                 reset_email_template_id: str = "", reset_sms_template_id: str = "",
                 template_ids_by_language: Mapping[str, Mapping[str, str]] | None = None) -> None:
        if not (api_key and sms_template_id and email_template_id):
            raise ValueError("GOV.UK Notify needs an API key and both template ids")
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        # Invitations have templates of their own; without them, invitations are not offered by message.
        self.template_ids = {
            (MessageKind.REMINDER, Channel.SMS): sms_template_id,
            (MessageKind.REMINDER, Channel.EMAIL): email_template_id,
            (MessageKind.INVITATION, Channel.SMS): invitation_sms_template_id,
            (MessageKind.INVITATION, Channel.EMAIL): invitation_email_template_id,
            # "Something needs your attention in the portal" (portal/services/risk.py); without them
            # staff messages are dead letters, and the start-up check refuses production.
            (MessageKind.STAFF_ATTENTION, Channel.SMS): staff_sms_template_id,
            (MessageKind.STAFF_ATTENTION, Channel.EMAIL): staff_email_template_id,
            # A forgotten password; without it, the sign-in page does not offer a reset by email.
            (MessageKind.PASSWORD_RESET, Channel.EMAIL): reset_email_template_id,
            (MessageKind.PASSWORD_RESET, Channel.SMS): reset_sms_template_id,
        }
        # Messages in another language (issue 17): the trust adds a Notify template per language, kind
        # and channel, e.g. {"cy": {"reminder_sms": "…", "reminder_email": "…"}}; without one, English.
        self.template_ids_by_language = {
            (language, kind, channel): template_id
            for language, templates in (template_ids_by_language or {}).items()
            for kind in MessageKind for channel in Channel
            if (template_id := templates.get(f"{kind.value}_{channel.value}"))
        }
        self.sms_sender_id = sms_sender_id or None
        self.email_reply_to_id = email_reply_to_id or None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GovukNotifyNotifier:
        return cls(
            config["NOTIFY_API_KEY"], config["NOTIFY_SMS_TEMPLATE_ID"], config["NOTIFY_EMAIL_TEMPLATE_ID"],
            base_url=config["NOTIFY_BASE_URL"], timeout=float(config["NOTIFY_TIMEOUT_SECONDS"]),
            sms_sender_id=config.get("NOTIFY_SMS_SENDER_ID", ""),
            email_reply_to_id=config.get("NOTIFY_EMAIL_REPLY_TO_ID", ""),
            invitation_sms_template_id=config.get("NOTIFY_INVITATION_SMS_TEMPLATE_ID", ""),
            invitation_email_template_id=config.get("NOTIFY_INVITATION_EMAIL_TEMPLATE_ID", ""),
            staff_sms_template_id=config.get("NOTIFY_STAFF_SMS_TEMPLATE_ID", ""),
            staff_email_template_id=config.get("NOTIFY_STAFF_EMAIL_TEMPLATE_ID", ""),
            reset_email_template_id=config.get("NOTIFY_RESET_EMAIL_TEMPLATE_ID", ""),
            reset_sms_template_id=config.get("NOTIFY_RESET_SMS_TEMPLATE_ID", ""),
            template_ids_by_language=config.get("NOTIFY_TEMPLATE_IDS_BY_LANGUAGE") or {},
        )

    def template_id(self, message: Message) -> str:
        """The template in the recipient's language if the trust has one, else the English one."""
        return (self.template_ids_by_language.get((message.locale, message.kind, message.channel))
                or self.template_ids[(message.kind, message.channel)])

    def send(self, message: Message) -> Accepted:
        personalisation = dict(message.personalisation)
        template_id = self.template_id(message)
        if not template_id:
            raise PermanentFailure("no_template", f"{message.kind} {message.channel}")
        try:
            if message.channel is Channel.SMS:
                response = self.client.send_sms_notification(
                    phone_number=message.to, template_id=template_id, personalisation=personalisation,
                    reference=message.reference, sms_sender_id=self.sms_sender_id,
                )
            else:
                response = self.client.send_email_notification(
                    email_address=message.to, template_id=template_id, personalisation=personalisation,
                    reference=message.reference, email_reply_to_id=self.email_reply_to_id,
                    one_click_unsubscribe_url=message.unsubscribe_url or None,
                )
        except APIError as error:
            raise _failure(error) from error
        provider_id = (response or {}).get("id")
        if not provider_id:
            raise TemporaryFailure("provider_error", "Notify accepted the message without an id")
        return Accepted(provider_id=str(provider_id))

    def delivery_status(self, provider_id: str) -> DeliveryStatus:
        try:
            response = self.client.get_notification_by_id(provider_id)
        except APIError as error:
            raise _failure(error) from error
        return delivery_status_of(str((response or {}).get("status", "")))

    def close(self) -> None:
        self.client.request_session.close()


def delivery_status_of(notify_status: str) -> DeliveryStatus:
    """Notify's status for a message (from the API or a delivery receipt callback), in our terms."""
    if notify_status in _DELIVERED:
        return DeliveryStatus.DELIVERED
    if notify_status in _FAILED:
        return DeliveryStatus.FAILED
    return DeliveryStatus.PENDING


def _failure(error: APIError) -> SendError:
    """Sort a Notify error into temporary or permanent.

    https://docs.notifications.service.gov.uk/python.html#send-a-text-message-error-codes
    400 ValidationError about the number or address: permanent ("invalid_number", "invalid_email").
    400 BadRequestError (team-only key, template or personalisation wrong): permanent ("rejected").
    403 AuthError (a key revoked or being rotated, the clock out): temporary, so fixing it resumes.
    429 RateLimitError / TooManyRequestsError (daily limit): temporary.
    5xx, timeouts, connection failures (the client reports 503): temporary.
    """
    status = error.status_code
    kinds, texts = _errors(error)
    detail = f"{status} {','.join(kinds)}".strip()
    if status == 400:
        joined = " ".join(texts).lower()
        if "phone_number" in joined:
            return PermanentFailure("invalid_number", detail)
        if "email_address" in joined:
            return PermanentFailure("invalid_email", detail)
        return PermanentFailure("rejected", detail)
    if status in (401, 403):
        return TemporaryFailure("auth_error", detail)
    if status == 429:
        return TemporaryFailure("rate_limited", detail, retry_after=_retry_after(error))
    if status == 404:
        return PermanentFailure("not_found", detail)
    return TemporaryFailure("provider_unavailable", detail)


def _errors(error: APIError) -> tuple[list[str], list[str]]:
    try:
        body = error.response.json() if error.response is not None else {}
    except ValueError:
        body = {}
    items = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return [], []
    kinds = [str(item.get("error", "")) for item in items if isinstance(item, dict)]
    texts = [str(item.get("message", "")) for item in items if isinstance(item, dict)]
    return kinds, texts


def _retry_after(error: APIError) -> float | None:
    value = error.response.headers.get("Retry-After") if error.response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None
