"""What a person is told after a worrying answer: who will see it and when, truthfully."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Role
from portal.services import risk
from tests import factories

LONDON = ZoneInfo("Europe/London")


def next_weekday(weekday: int, at: time) -> datetime:
    """The next such weekday after today (worked out when the test runs), at a London time, as UTC."""
    day = date.today() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


MONDAY, TUESDAY, FRIDAY, SATURDAY = 0, 1, 4, 5


@pytest.fixture(autouse=True)
def _translated(app: Flask) -> Iterator[None]:
    """The words are translated (Flask-Babel needs a request)."""
    with app.test_request_context():
        yield


def test_urgent_in_working_hours_is_seen_today_by_the_key_worker(app, service_user, key_worker):
    notice = risk.support_notice(service_user.id, "urgent", now=next_weekday(TUESDAY, time(10, 0)))

    assert notice == risk.SupportNotice("urgent", "Kim Keyworker (your key worker)", "today", False)


def test_urgent_late_in_the_day_is_promised_by_the_end_of_the_next_working_day(app, service_user):
    notice = risk.support_notice(service_user.id, "urgent", now=next_weekday(TUESDAY, time(15, 0)))

    assert notice.when == "by the end of the next working day"
    assert notice.out_of_hours is False


def test_urgent_out_of_hours_says_when_the_team_opens(app, service_user):
    friday_night = next_weekday(FRIDAY, time(20, 0))

    notice = risk.support_notice(service_user.id, "urgent", now=friday_night)

    assert notice.when == "when the team opens on Monday at 9am"
    assert notice.out_of_hours is True


def test_urgent_early_morning_opens_today_and_late_evening_tomorrow(app, service_user):
    assert risk.support_notice(service_user.id, "urgent", now=next_weekday(TUESDAY, time(7, 0))).when \
        == "when the team opens today at 9am"
    assert risk.support_notice(service_user.id, "urgent", now=next_weekday(TUESDAY, time(18, 0))).when \
        == "when the team opens tomorrow at 9am"


def test_routine_is_seen_before_the_next_appointment(app, service_user):
    notice = risk.support_notice(service_user.id, "routine", now=next_weekday(SATURDAY, time(11, 0)))

    assert (notice.tier, notice.when, notice.out_of_hours) == ("routine", "before your next appointment", True)


def test_no_tier_reaches_nobody_and_names_nobody(app, service_user):
    notice = risk.support_notice(service_user.id, None, now=next_weekday(TUESDAY, time(10, 0)))

    assert (notice.tier, notice.who, notice.when) == (None, "", "")


def test_no_key_worker_or_key_worker_away_names_the_duty_worker(app, team, key_worker, service_user):
    tuesday = next_weekday(TUESDAY, time(10, 0))
    key_worker.away_from = key_worker.away_until = tuesday.astimezone(LONDON).date()
    lead = factories.create_staff(team, Role.TEAM_LEAD, name="Lee Lead")
    duty = factories.create_staff(team, Role.KEY_WORKER, name="Dee Duty")
    risk.set_rota(lead.user, {tuesday.astimezone(LONDON).date(): duty.id})
    nobody_assigned = factories.create_service_user(team=team)
    db.session.flush()

    assert risk.support_notice(service_user.id, "urgent", now=tuesday).who == "the team's duty worker"
    assert risk.support_notice(service_user.id, "urgent", now=tuesday).who_capitalised == "The team's duty worker"
    assert risk.support_notice(nobody_assigned.id, "urgent", now=tuesday).who == "the team's duty worker"


def test_a_carer_is_told_in_their_own_words(app, service_user):
    notice = risk.carer_notice(service_user.id, "routine", now=next_weekday(TUESDAY, time(10, 0)))

    assert notice.who == "Kim Keyworker (Sam's key worker)"
    assert notice.when == "before Sam's next appointment"
