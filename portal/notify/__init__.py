"""Reminders by text message and email: the notifier port, its adapters and the reminder rules.

``rules`` has no Flask or database imports; the adapters know nothing about the portal's models
except the local notifier's own table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, scoped_session

from portal.notify.port import Notifier


def notifier_from_config(config: Mapping[str, Any], session: Session | scoped_session[Any]) -> Notifier:
    name = config.get("NOTIFIER", "local")
    if name == "local":
        from portal.notify.local import LocalNotifier

        return LocalNotifier(session)
    if name == "govuk_notify":
        from portal.notify.govuk import GovukNotifyNotifier

        return GovukNotifyNotifier.from_config(config)
    raise ValueError(f"NOTIFIER must be local or govuk_notify, not {name!r}")
