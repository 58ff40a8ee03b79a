"""Emails and text messages in the recipient's language (issue 17), never the sender's or the page's.

The translators' catalogs may not translate the message texts yet, so these tests compile a tiny
Polish catalog of their own into a temporary folder and add it to the app's translation folders.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import force_locale, get_babel
from sqlalchemy import select

from portal.extensions import db
from portal.models import LocalMessage
from portal.notify import messages
from portal.notify.local import LocalNotifier
from portal.notify.messages import MessageKind, render
from portal.notify.rules import Channel, Choice
from portal.services import password_reset, reminders

SUBJECT_PL = "Coś do zrobienia w Twoim portalu opieki"
BODY_PL = ("Masz coś do zrobienia w swoim portalu opieki.\n\nZaloguj się, aby to zobaczyć: ((link))\n\n"
           "Dostajesz ten e-mail, bo chcesz dostawać przypomnienia. Aby je wyłączyć, użyj tego linku: ((stop_link))")
RESET_SUBJECT_PL = "Ustaw nowe hasło do swojego portalu opieki"


def english(text: Any) -> str:
    with force_locale("en"):
        return str(text)


@pytest.fixture
def polish(app: Flask, tmp_path: Path) -> Iterator[None]:
    """A Polish catalog with the reminder email and the password reset subject translated."""
    catalog = Catalog(locale="pl")
    catalog.add(english(messages.EMAIL_SUBJECT), SUBJECT_PL)
    catalog.add(english(messages.EMAIL_TEMPLATE), BODY_PL)
    catalog.add(english(messages.RESET_EMAIL_SUBJECT), RESET_SUBJECT_PL)
    catalog.add(english(messages.SMS_TEMPLATE), "Masz coś do zrobienia w portalu. Zaloguj się: ((lnik))")  # broken
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    babel = get_babel(app)
    cache = babel.instance.domain_instance.cache
    babel.translation_directories.append(str(tmp_path))  # last, so it wins over a real pl catalog
    cache.clear()
    yield
    babel.translation_directories.remove(str(tmp_path))
    cache.clear()


@pytest.fixture
def jo(carer: Any) -> Any:
    """Jo (Sam's carer) chose reminders by email and reads Polish best; her details are over a year old."""
    carer.email = "jo@example.test"
    carer.details_confirmed_on = date.today() - timedelta(days=400)
    carer.user.locale = "pl"
    reminders.save_preference(carer.user, carer, Choice.EMAIL)
    db.session.commit()
    return carer


def test_jos_reminder_email_is_in_polish(jo: Any, polish: None, app: Flask) -> None:
    now = datetime.now(UTC).replace(hour=10, minute=0)
    reminders.schedule(now)
    assert reminders.send_due(LocalNotifier(db.session), now).sent == 1
    body = db.session.scalars(select(LocalMessage.body)).one()
    assert body.startswith(SUBJECT_PL + "\n\n")
    assert "Zaloguj się, aby to zobaczyć: http" in body and "/login?next=" in body
    assert "((" not in body and "Something to do" not in body


def test_the_same_reminder_is_in_english_when_her_language_is_english(jo: Any, polish: None) -> None:
    jo.user.locale = "en"
    db.session.commit()
    now = datetime.now(UTC).replace(hour=10, minute=0)
    reminders.schedule(now)
    reminders.send_due(LocalNotifier(db.session), now)
    assert db.session.scalars(select(LocalMessage.body)).one().startswith("Something to do in your care portal")


def test_a_message_is_in_the_recipients_language_not_the_pages(app: Flask, polish: None) -> None:
    """Sent while someone else's Arabic page is being answered: still Polish for a Polish reader."""
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        text = render(Channel.EMAIL, {"link": "L", "stop_link": "S"}, MessageKind.REMINDER, locale="pl")
        assert text.startswith(SUBJECT_PL)
        assert render(Channel.EMAIL, {"link": "L", "stop_link": "S"}).startswith("Something to do")


def test_a_translation_that_lost_the_link_falls_back_to_english(app: Flask, polish: None) -> None:
    text = render(Channel.SMS, {"link": "https://portal/login", "stop_link": "https://portal/stop"}, locale="pl")
    assert "https://portal/login" in text and "https://portal/stop" in text
    assert text.startswith("You have something to do")


def test_the_password_reset_email_is_in_the_accounts_language(jo: Any, polish: None) -> None:
    password_reset.request_reset(jo.user.email,
                                 LocalNotifier(db.session), lambda token: f"https://portal/reset/{token}")
    body = db.session.scalars(select(LocalMessage.body)).one()
    assert body.startswith(RESET_SUBJECT_PL)


def test_with_gov_uk_notify_each_language_uses_its_own_template_else_the_english_one() -> None:
    """Notify keeps the words in the trust's templates: one per kind, channel and language."""
    from portal.notify.govuk import GovukNotifyNotifier
    from portal.notify.port import Message
    from tests import fake_notify

    notifier = GovukNotifyNotifier.from_config({
        "NOTIFY_API_KEY": fake_notify.API_KEY, "NOTIFY_SMS_TEMPLATE_ID": "sms-en",
        "NOTIFY_EMAIL_TEMPLATE_ID": "email-en", "NOTIFY_BASE_URL": "http://127.0.0.1:9",
        "NOTIFY_TIMEOUT_SECONDS": 1, "NOTIFY_RESET_EMAIL_TEMPLATE_ID": "reset-en",
        "NOTIFY_TEMPLATE_IDS_BY_LANGUAGE": {"pl": {"reminder_email": "email-pl", "password_reset_email": "reset-pl"},
                                            "cy": {"reminder_sms": "sms-cy"}},
    })

    def template(channel: Channel, locale: str, kind: MessageKind = MessageKind.REMINDER) -> str:
        return notifier.template_id(Message(channel=channel, to="x", personalisation={}, reference="r",
                                            unsubscribe_url="", kind=kind, locale=locale))

    assert template(Channel.EMAIL, "pl") == "email-pl"
    assert template(Channel.EMAIL, "pl", MessageKind.PASSWORD_RESET) == "reset-pl"
    assert template(Channel.SMS, "pl") == "sms-en"  # no Polish text template: English rather than nothing
    assert template(Channel.SMS, "cy") == "sms-cy"
    assert template(Channel.EMAIL, "ar") == "email-en"
    notifier.close()
