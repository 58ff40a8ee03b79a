"""The local notifier: records each message in the database instead of sending it.

The default, so the portal runs on its own: an admin sees the messages on the admin page, and the
demo shows what a person would receive. Nothing leaves the server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, scoped_session

from portal.models.reminders import LocalMessage
from portal.notify.messages import render
from portal.notify.port import Accepted, DeliveryStatus, Message


class LocalNotifier:
    name = "local"

    def __init__(self, session: Session | scoped_session[Any]) -> None:
        self.session = session

    def send(self, message: Message) -> Accepted:
        local = LocalMessage(channel=message.channel.value, to=message.to, reference=message.reference,
                             body=render(message.channel, message.personalisation, message.kind, message.locale))
        self.session.add(local)
        self.session.flush()
        return Accepted(provider_id=f"local-{local.id}", status=DeliveryStatus.DELIVERED)

    def delivery_status(self, provider_id: str) -> DeliveryStatus:
        return DeliveryStatus.DELIVERED
