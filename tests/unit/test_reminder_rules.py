"""The reminder rules, with a controllable clock: no request, no database."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.notify import rules
from portal.notify.rules import Channel, Choice, QuietHours, ReminderSettings, Send, Skip, Task, TaskKind

SETTINGS = ReminderSettings(min_days_between=3, max_per_task=3)
DEFAULT_QUIET = QuietHours(time(20, 0), time(8, 0))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def recipient(choice: Choice = Choice.TEXT, *, mobile: str | None = "07700900982",
              email: str | None = "sam@example.test", consented: bool = True, record_open: bool = True,
              quiet: QuietHours = DEFAULT_QUIET) -> rules.Recipient:
    return rules.Recipient(choice=choice, consented=consented, record_open=record_open, mobile=mobile, email=email,
                           quiet_hours=quiet)


def task(**values: object) -> Task:
    defaults: dict[str, object] = {"key": "su:1:measure:1", "kind": TaskKind.MEASURE,
                                   "remind_from": utc(2026, 1, 10, 9)}
    defaults.update(values)
    return Task(**defaults)  # type: ignore[arg-type]


# Quiet hours, in UK time, with summer time ------------------------------------------------------

def test_a_winter_evening_reminder_waits_until_8am_uk_time_which_is_8am_utc() -> None:
    decision = rules.decide(task(), recipient(), [], utc(2026, 1, 12, 21, 30), SETTINGS)
    assert decision == Send(1, (Channel.SMS,), utc(2026, 1, 13, 8, 0))


def test_a_summer_evening_reminder_waits_until_8am_bst_which_is_7am_utc() -> None:
    decision = rules.decide(task(), recipient(), [], utc(2026, 7, 1, 19, 30), SETTINGS)  # 20:30 BST
    assert isinstance(decision, Send)
    assert decision.at == utc(2026, 7, 2, 7, 0)


def test_7pm_utc_is_quiet_in_summer_but_not_in_winter() -> None:
    assert rules.in_quiet_hours(utc(2026, 7, 1, 19, 0), DEFAULT_QUIET)  # 20:00 BST
    assert not rules.in_quiet_hours(utc(2026, 1, 12, 19, 0), DEFAULT_QUIET)  # 19:00 GMT


def test_quiet_hours_across_the_night_the_clocks_go_forward() -> None:
    # 29 March 2026: at 01:00 GMT the clocks go forward to 02:00 BST. 8am BST that morning is 07:00 UTC.
    assert rules.next_allowed(utc(2026, 3, 28, 22, 0), DEFAULT_QUIET) == utc(2026, 3, 29, 7, 0)


def test_quiet_hours_across_the_night_the_clocks_go_back() -> None:
    # 25 October 2026: at 02:00 BST the clocks go back to 01:00 GMT. 8am GMT that morning is 08:00 UTC.
    assert rules.next_allowed(utc(2026, 10, 24, 21, 0), DEFAULT_QUIET) == utc(2026, 10, 25, 8, 0)


def test_early_morning_before_the_end_waits_the_same_day() -> None:
    assert rules.next_allowed(utc(2026, 1, 12, 6, 59), DEFAULT_QUIET) == utc(2026, 1, 12, 8, 0)


def test_outside_quiet_hours_a_reminder_goes_at_once() -> None:
    now = utc(2026, 1, 12, 8, 0)
    assert rules.next_allowed(now, DEFAULT_QUIET) == now
    assert rules.next_allowed(utc(2026, 1, 12, 19, 59), DEFAULT_QUIET) == utc(2026, 1, 12, 19, 59)


def test_daytime_quiet_hours_that_do_not_cross_midnight() -> None:
    lunch = QuietHours(time(12, 0), time(14, 0))
    assert rules.next_allowed(utc(2026, 1, 12, 12, 30), lunch) == utc(2026, 1, 12, 14, 0)
    assert not rules.in_quiet_hours(utc(2026, 1, 12, 14, 0), lunch)


def test_equal_start_and_end_means_no_quiet_hours() -> None:
    anytime = QuietHours(time(0, 0), time(0, 0))
    now = utc(2026, 1, 12, 3, 0)
    assert rules.next_allowed(now, anytime) == now


def test_an_end_in_the_skipped_hour_is_never_inside_the_quiet_hours() -> None:
    odd = QuietHours(time(23, 0), time(1, 30))  # 01:30 does not exist on 29 March 2026
    allowed = rules.next_allowed(utc(2026, 3, 28, 23, 30), odd)
    assert not rules.in_quiet_hours(allowed, odd)
    assert utc(2026, 3, 29, 0, 30) <= allowed <= utc(2026, 3, 29, 1, 30)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        rules.decide(task(), recipient(), [], datetime(2026, 1, 12, 9), SETTINGS)


# Spacing and how many -------------------------------------------------------------------------------

def test_no_second_reminder_within_the_spacing_then_one_after_it() -> None:
    first = utc(2026, 1, 12, 9)
    assert rules.decide(task(), recipient(), [first], first + timedelta(days=2, hours=23), SETTINGS) is Skip.TOO_SOON
    decision = rules.decide(task(), recipient(), [first], first + timedelta(days=3), SETTINGS)
    assert isinstance(decision, Send) and decision.number == 2


def test_spacing_counts_from_the_latest_reminder() -> None:
    sent = [utc(2026, 1, 1, 9), utc(2026, 1, 10, 9)]
    assert rules.decide(task(), recipient(), sent, utc(2026, 1, 11, 9), SETTINGS) is Skip.TOO_SOON


def test_never_more_than_the_maximum_per_task() -> None:
    sent = [utc(2026, 1, 1, 9), utc(2026, 1, 4, 9), utc(2026, 1, 7, 9)]
    assert rules.decide(task(), recipient(), sent, utc(2026, 2, 1, 9), SETTINGS) is Skip.ENOUGH_SENT
    assert rules.decide(task(), recipient(), sent[:2], utc(2026, 2, 1, 9), SETTINGS) == Send(
        3, (Channel.SMS,), utc(2026, 2, 1, 9))


def test_settings_change_the_spacing_and_the_maximum() -> None:
    strict = ReminderSettings(min_days_between=7, max_per_task=1)
    first = utc(2026, 1, 10, 9)
    assert rules.decide(task(), recipient(), [first], utc(2026, 1, 30, 9), strict) is Skip.ENOUGH_SENT
    weekly = ReminderSettings(min_days_between=7, max_per_task=3)
    assert rules.decide(task(), recipient(), [first], utc(2026, 1, 16, 9), weekly) is Skip.TOO_SOON
    assert isinstance(rules.decide(task(), recipient(), [first], utc(2026, 1, 17, 9), weekly), Send)


def test_nothing_before_the_task_is_due_for_reminding() -> None:
    later = task(remind_from=utc(2026, 1, 20, 0))
    assert rules.decide(later, recipient(), [], utc(2026, 1, 19, 23, 59), SETTINGS) is Skip.NOT_YET
    assert isinstance(rules.decide(later, recipient(), [], utc(2026, 1, 20, 9), SETTINGS), Send)


# Stop when done, deferred, closed or opted out ------------------------------------------------------

@pytest.mark.parametrize(("the_task", "the_recipient", "why"), [
    (task(done=True), recipient(), Skip.DONE),
    (task(deferred=True), recipient(), Skip.DEFERRED),
    (task(), recipient(record_open=False), Skip.RECORD_CLOSED),
    (task(), recipient(Choice.NONE), Skip.NOT_CHOSEN),
    (task(), recipient(consented=False), Skip.NOT_CHOSEN),
    (task(), recipient(Choice.TEXT, mobile=None), Skip.NO_CONTACT),
    (task(), recipient(Choice.EMAIL, email=None), Skip.NO_CONTACT),
])
def test_no_reminder(the_task: Task, the_recipient: rules.Recipient, why: Skip) -> None:
    assert rules.decide(the_task, the_recipient, [], utc(2026, 1, 12, 9), SETTINGS) is why


def test_a_queued_reminder_is_dropped_when_things_change_before_it_is_sent() -> None:
    assert rules.still_wanted(task(), recipient(), Channel.SMS) is None
    assert rules.still_wanted(task(done=True), recipient(), Channel.SMS) is Skip.DONE
    assert rules.still_wanted(None, recipient(), Channel.SMS) is Skip.DONE  # the task is no longer open
    assert rules.still_wanted(task(), recipient(Choice.NONE), Channel.SMS) is Skip.NOT_CHOSEN
    assert rules.still_wanted(task(), recipient(Choice.EMAIL), Channel.SMS) is Skip.NOT_CHOSEN
    assert rules.still_wanted(task(), recipient(Choice.TEXT, mobile=None), Channel.SMS) is Skip.NO_CONTACT
    assert rules.still_wanted(task(deferred=True), recipient(), Channel.SMS) is Skip.DEFERRED


# Channels ---------------------------------------------------------------------------------------------

def test_channels_follow_the_choice_and_what_we_can_use() -> None:
    assert rules.channels_for(recipient(Choice.BOTH)) == (Channel.SMS, Channel.EMAIL)
    assert rules.channels_for(recipient(Choice.BOTH, mobile=None)) == (Channel.EMAIL,)
    assert rules.channels_for(recipient(Choice.EMAIL)) == (Channel.EMAIL,)
    assert rules.channels_for(recipient(Choice.TEXT, email=None)) == (Channel.SMS,)
    assert rules.channels_for(recipient(Choice.NONE)) == ()


def test_a_text_choice_never_falls_back_to_email() -> None:
    assert rules.decide(task(), recipient(Choice.TEXT, mobile=None), [], utc(2026, 1, 12, 9), SETTINGS) is Skip.NO_CONTACT


# Retries -----------------------------------------------------------------------------------------------

def test_backoff_grows_and_is_capped() -> None:
    settings = ReminderSettings(backoff_base_seconds=60, backoff_max_seconds=600)
    rng = random.Random(1)
    first = rules.backoff_seconds(1, settings, rng)
    assert 30 <= first <= 60
    assert 60 <= rules.backoff_seconds(2, settings, rng) <= 120
    assert 300 <= rules.backoff_seconds(10, settings, rng) <= 600


def test_carers_are_asked_for_views_only_with_involvement_consent_and_before_the_review() -> None:
    review, today = date(2026, 3, 2), date(2026, 2, 20)
    assert rules.carer_views_wanted(frozenset({"involvement"}), review, today)
    assert rules.carer_views_wanted(frozenset({"involvement", "care_plan"}), review, review)
    assert not rules.carer_views_wanted(frozenset(), review, today)
    assert not rules.carer_views_wanted(frozenset({"care_plan", "goals", "safety_plan"}), review, today)
    assert not rules.carer_views_wanted(frozenset({"involvement"}), review, date(2026, 3, 3))
