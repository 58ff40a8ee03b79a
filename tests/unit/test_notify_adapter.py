"""The GOV.UK Notify adapter against a fake Notify over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from portal.notify.govuk import GovukNotifyNotifier
from portal.notify.messages import MessageKind, render
from portal.notify.port import DeliveryStatus, Message, PermanentFailure, TemporaryFailure
from portal.notify.rules import Channel
from tests import fake_notify
from tests.fake_notify import FakeNotify

LINKS = {"link": "https://portal.example.nhs.uk/login?next=%2Fme%2Fmeasures",
         "stop_link": "https://portal.example.nhs.uk/reminders/stop/abc"}


@pytest.fixture
def notify() -> Iterator[FakeNotify]:
    yield from fake_notify.serve()


def notifier(notify: FakeNotify, api_key: str = fake_notify.API_KEY) -> GovukNotifyNotifier:
    return GovukNotifyNotifier(api_key, fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID,
                               base_url=notify.base_url, timeout=5)


def sms(to: str = "07700900982") -> Message:
    return Message(Channel.SMS, to, LINKS, "reminder-7", LINKS["stop_link"])


def email(to: str = "sam@example.test") -> Message:
    return Message(Channel.EMAIL, to, LINKS, "reminder-8", LINKS["stop_link"])


def test_a_text_goes_with_the_sms_template_the_links_and_our_reference(notify: FakeNotify) -> None:
    accepted = notifier(notify).send(sms())
    assert accepted.provider_id in notify.notifications
    assert accepted.status is DeliveryStatus.PENDING
    [sent] = notify.sent
    assert sent == {"phone_number": "07700900982", "template_id": fake_notify.SMS_TEMPLATE_ID,
                    "personalisation": LINKS, "reference": "reminder-7"}
    assert notify.requests[0]["path"] == "/v2/notifications/sms"


def test_an_email_goes_with_the_email_template_and_a_one_click_unsubscribe_link(notify: FakeNotify) -> None:
    notifier(notify).send(email())
    [sent] = notify.sent
    assert sent["email_address"] == "sam@example.test"
    assert sent["template_id"] == fake_notify.EMAIL_TEMPLATE_ID
    assert sent["personalisation"] == LINKS
    assert sent["one_click_unsubscribe_url"] == LINKS["stop_link"]
    assert notify.requests[0]["path"] == "/v2/notifications/email"


def test_the_personalisation_has_no_clinical_words(notify: FakeNotify) -> None:
    notifier(notify).send(sms())
    text = str(notify.sent[0]).lower()
    for word in ("mental health", "reqol", "dialog", "score", "questionnaire"):
        assert word not in text


def test_not_a_uk_mobile_is_a_permanent_failure_without_the_number_in_it(notify: FakeNotify) -> None:
    with pytest.raises(PermanentFailure) as failure:
        notifier(notify).send(sms("01632960001"))
    assert failure.value.reason == "invalid_number"
    assert "01632960001" not in str(failure.value)
    assert "400 ValidationError" in str(failure.value)


def test_a_bad_email_address_is_a_permanent_failure(notify: FakeNotify) -> None:
    with pytest.raises(PermanentFailure) as failure:
        notifier(notify).send(email("not-an-address"))
    assert failure.value.reason == "invalid_email"


def test_a_team_only_key_sending_to_someone_else_is_permanent(notify: FakeNotify) -> None:
    notify.fail_next(fake_notify.TEAM_ONLY_KEY)
    with pytest.raises(PermanentFailure) as failure:
        notifier(notify).send(sms())
    assert failure.value.reason == "rejected"


@pytest.mark.parametrize(("response", "reason"), [
    (fake_notify.RATE_LIMITED, "rate_limited"),
    (fake_notify.DAILY_LIMIT, "rate_limited"),
    (fake_notify.SERVER_ERROR, "provider_unavailable"),
])
def test_limits_and_server_errors_are_temporary(notify: FakeNotify, response: tuple[int, dict[str, object]],
                                                reason: str) -> None:
    notify.fail_next(response)
    with pytest.raises(TemporaryFailure) as failure:
        notifier(notify).send(sms())
    assert failure.value.reason == reason
    notifier(notify).send(sms())  # and the next try goes through
    assert len(notify.notifications) == 1


def test_a_wrong_api_key_is_temporary_so_fixing_the_key_resumes_sending(notify: FakeNotify) -> None:
    wrong = f"portal_test-{fake_notify.SERVICE_ID}-00000000-0000-0000-0000-000000000000"
    with pytest.raises(TemporaryFailure) as failure:
        notifier(notify, wrong).send(sms())
    assert failure.value.reason == "auth_error"
    assert notify.notifications == {}


def test_notify_being_unreachable_is_temporary() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    down = GovukNotifyNotifier(fake_notify.API_KEY, fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID,
                               base_url=f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(TemporaryFailure) as failure:
        down.send(sms())
    assert failure.value.reason == "provider_unavailable"


@pytest.mark.parametrize(("notify_status", "ours"), [
    ("delivered", DeliveryStatus.DELIVERED),
    ("permanent-failure", DeliveryStatus.FAILED),
    ("temporary-failure", DeliveryStatus.FAILED),
    ("technical-failure", DeliveryStatus.FAILED),
    ("sending", DeliveryStatus.PENDING),
    ("created", DeliveryStatus.PENDING),
])
def test_delivery_status(notify: FakeNotify, notify_status: str, ours: DeliveryStatus) -> None:
    adapter = notifier(notify)
    accepted = adapter.send(sms())
    notify.statuses[accepted.provider_id] = notify_status
    assert adapter.delivery_status(accepted.provider_id) is ours


def test_it_needs_a_key_and_both_templates() -> None:
    with pytest.raises(ValueError):
        GovukNotifyNotifier("", fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID)


# Invitations: templates of their own ------------------------------------------------------------

def invitation(channel: Channel, to: str) -> Message:
    return Message(channel, to, LINKS, "reminder-9", LINKS["stop_link"], kind=MessageKind.INVITATION)


def test_an_invitation_goes_with_the_invitation_templates(notify: FakeNotify) -> None:
    adapter = GovukNotifyNotifier(fake_notify.API_KEY, fake_notify.SMS_TEMPLATE_ID, fake_notify.EMAIL_TEMPLATE_ID,
                                  base_url=notify.base_url, timeout=5,
                                  invitation_sms_template_id=fake_notify.INVITATION_SMS_TEMPLATE_ID,
                                  invitation_email_template_id=fake_notify.INVITATION_EMAIL_TEMPLATE_ID)
    adapter.send(invitation(Channel.SMS, "07700900982"))
    adapter.send(invitation(Channel.EMAIL, "ali@example.test"))
    assert [sent["template_id"] for sent in notify.sent] == [fake_notify.INVITATION_SMS_TEMPLATE_ID,
                                                              fake_notify.INVITATION_EMAIL_TEMPLATE_ID]


def test_an_invitation_without_its_template_set_up_is_not_sent_as_a_reminder(notify: FakeNotify) -> None:
    with pytest.raises(PermanentFailure) as failure:
        notifier(notify).send(invitation(Channel.SMS, "07700900982"))
    assert failure.value.reason == "no_template"
    assert notify.requests == []


def test_the_invitation_words_have_no_code_and_nothing_clinical() -> None:
    for channel in Channel:
        text = render(channel, LINKS, MessageKind.INVITATION)
        assert "care portal" in text and LINKS["link"] in text and LINKS["stop_link"] in text
        assert "mental health" not in text.lower()
        assert "((" not in text
