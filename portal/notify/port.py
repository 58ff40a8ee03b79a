"""The notifier port: what the reminder worker needs from whatever sends messages.

Adapters: ``LocalNotifier`` (records messages in the database, for development, the demo and
trusts not yet set up with GOV.UK Notify) and ``GovukNotifyNotifier``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from portal.notify.messages import MessageKind
from portal.notify.rules import Channel


class DeliveryStatus(enum.StrEnum):
    """What the provider says happened to a message it accepted."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Message:
    channel: Channel
    to: str  # a normalised UK mobile or an email address
    personalisation: Mapping[str, str]  # link, stop_link
    reference: str  # our notification id: never personal data
    unsubscribe_url: str  # for email clients' one-click unsubscribe
    kind: MessageKind = MessageKind.REMINDER  # which template
    locale: str = "en"  # the recipient's language (their account's), never the sender's


@dataclass(frozen=True)
class Accepted:
    provider_id: str
    status: DeliveryStatus = DeliveryStatus.PENDING


class SendError(Exception):
    """The provider did not take the message. ``reason`` is a short code, never personal data."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class TemporaryFailure(SendError):
    """Try again later: timeouts, rate limits, the provider down, a key being rotated."""

    def __init__(self, reason: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(reason, detail)
        self.retry_after = retry_after


class PermanentFailure(SendError):
    """Sending again will not help: not a UK mobile, a malformed address, a template problem."""


class Notifier(Protocol):
    name: str

    def send(self, message: Message) -> Accepted:
        """Hand the message over; raise TemporaryFailure or PermanentFailure."""
        ...

    def delivery_status(self, provider_id: str) -> DeliveryStatus:
        """What happened to an accepted message; raise TemporaryFailure when it cannot tell now."""
        ...
