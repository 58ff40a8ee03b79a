"""The risk pathway's rules (portal/risk_rules.py): working hours, escalation times, routing, what
the person is told. Dates are worked out when each test runs, never at import."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import risk_rules
from portal.risk_rules import Colleague, Stage, Via, When, WorkingHours

LONDON = ZoneInfo("Europe/London")
MONDAY, TUESDAY, WEDNESDAY, FRIDAY, SATURDAY, SUNDAY = 0, 1, 2, 4, 5, 6
HOURS = WorkingHours()


def next_weekday(weekday: int, at: time = time(10, 0), weeks: int = 0) -> datetime:
    day = date.today() + timedelta(days=1 + 7 * weeks)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


# Working hours -----------------------------------------------------------------------------------

def test_the_team_is_open_monday_to_friday_nine_to_five_london_time_by_default():
    assert HOURS.is_open(next_weekday(TUESDAY, time(9, 0)))
    assert HOURS.is_open(next_weekday(TUESDAY, time(16, 59)))
    assert not HOURS.is_open(next_weekday(TUESDAY, time(17, 0)))
    assert not HOURS.is_open(next_weekday(TUESDAY, time(8, 59)))
    assert not HOURS.is_open(next_weekday(SATURDAY, time(11, 0)))


def test_out_of_hours_time_does_not_count_towards_four_working_hours():
    friday_afternoon = next_weekday(FRIDAY, time(15, 0))

    deadline = HOURS.add_working_time(friday_afternoon, timedelta(hours=4))

    assert local(deadline).weekday() == MONDAY and local(deadline).time() == time(11, 0)
    assert HOURS.working_time_between(friday_afternoon, deadline) == timedelta(hours=4)


def test_raised_at_night_the_clock_starts_when_the_team_opens():
    saturday_night = next_weekday(SATURDAY, time(23, 30))

    deadline = HOURS.add_working_time(saturday_night, timedelta(hours=4))

    assert (local(deadline).weekday(), local(deadline).time()) == (MONDAY, time(13, 0))


def test_closed_dates_are_skipped_like_weekends():
    monday = next_weekday(MONDAY, time(16, 0))
    hours = WorkingHours(closed_dates=frozenset({local(monday).date() + timedelta(days=1)}))

    deadline = hours.add_working_time(monday, timedelta(hours=4))

    assert (local(deadline).weekday(), local(deadline).time()) == (WEDNESDAY, time(12, 0))


def test_working_hours_follow_london_time_through_the_clock_change():
    """09:00 is 09:00 in London whether it is GMT or BST (the last Sunday of March and October)."""
    year = date.today().year + 1
    for month in (3, 10):
        last_sunday = max(date(year, month, d) for d in range(25, 32) if date(year, month, d).weekday() == SUNDAY)
        monday_opening = HOURS.next_opening(datetime.combine(last_sunday, time(12, 0), tzinfo=LONDON))
        assert local(monday_opening).time() == time(9, 0)
        assert local(monday_opening).date() == last_sunday + timedelta(days=1)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        HOURS.next_opening(datetime(2030, 1, 1, 10, 0))


@pytest.mark.parametrize(("setting", "message"), [
    ({"days": ["mon", "funday"]}, "days must be names"),
    ({"opens": "17:00", "closes": "09:00"}, "open before it closes"),
    ({"timezone": "Mars/Olympus"}, "not a time zone"),
    ({"closed_dates": ["25/12/2026"]}, "closed_dates"),
    ({"days": []}, "at least one working day"),
    ({"weekends": True}, "unknown settings"),
])
def test_team_hours_settings_are_checked(setting, message):
    with pytest.raises(ValueError, match=message):
        risk_rules.working_hours_from(setting)


def test_team_hours_can_be_set_per_trust():
    hours = risk_rules.working_hours_from({"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "opens": "08:00",
                                           "closes": "20:00"})

    assert hours.is_open(next_weekday(SATURDAY, time(19, 0)))
    assert not hours.is_open(next_weekday(SUNDAY, time(10, 0)))


# Escalation --------------------------------------------------------------------------------------

def test_an_urgent_flag_escalates_after_four_working_hours_then_at_the_end_of_the_next_working_day():
    raised = next_weekday(MONDAY, time(10, 0))

    times = risk_rules.escalation_times(raised, HOURS)

    assert local(times.stage_1) == local(raised).replace(hour=14)
    assert (local(times.stage_2).weekday(), local(times.stage_2).time()) == (TUESDAY, time(17, 0))


@pytest.mark.parametrize(("minutes_after", "stage"), [(0, 0), (239, 0), (240, 1), (60 * 31 - 1, 1), (60 * 31, 2)])
def test_the_stage_due_depends_only_on_working_time(minutes_after, stage):
    raised = next_weekday(MONDAY, time(10, 0))  # stage 1 at 14:00, stage 2 at Tuesday 17:00 (31 hours later)

    assert risk_rules.due_stage("urgent", 0, raised, raised + timedelta(minutes=minutes_after), HOURS) == stage


def test_a_weekend_does_not_escalate_a_flag_raised_on_friday_evening():
    raised = next_weekday(FRIDAY, time(18, 0))

    assert risk_rules.due_stage("urgent", 0, raised, raised + timedelta(days=2, hours=14), HOURS) == Stage.ASSIGNEE_TOLD
    monday_after = local(raised).date() + timedelta(days=3)  # not "next Monday": on a Sunday that comes first
    monday_1pm = datetime.combine(monday_after, time(13, 0), tzinfo=LONDON).astimezone(UTC)
    assert risk_rules.due_stage("urgent", 0, raised, monday_1pm, HOURS) == Stage.DUTY_AND_LEAD_TOLD


def test_routine_flags_are_not_escalated_and_a_stage_never_goes_back():
    raised = next_weekday(MONDAY, time(10, 0))
    much_later = raised + timedelta(days=30)

    assert risk_rules.due_stage("routine", 0, raised, much_later, HOURS) == 0
    assert risk_rules.due_stage("urgent", 2, raised, raised, HOURS) == 2


def test_a_routine_flag_still_open_after_five_working_days_goes_to_the_duty_worker_and_lead_as_a_safety_net():
    raised = next_weekday(MONDAY, time(10, 0))
    five_days = risk_rules.working_days(HOURS, 5)

    assert five_days == timedelta(hours=40)
    assert risk_rules.due_stage("routine", 0, raised, raised + timedelta(days=6), HOURS, routine_within=five_days) == 0
    assert risk_rules.due_stage("routine", 0, raised, raised + timedelta(days=7), HOURS, routine_within=five_days) == 1
    assert risk_rules.due_stage("routine", 0, raised, raised + timedelta(days=70), HOURS, routine_within=five_days) == 1


def test_the_acknowledge_time_is_a_trust_setting():
    raised = next_weekday(MONDAY, time(10, 0))

    times = risk_rules.escalation_times(raised, HOURS, timedelta(hours=2))

    assert local(times.stage_1).time() == time(12, 0)


# Routing -----------------------------------------------------------------------------------------

def test_a_flag_goes_to_the_key_worker_when_they_are_there():
    day = date.today()
    chosen = risk_rules.route(Colleague(1, "Kim"), Colleague(2, "Dee"), [Colleague(3, "Lee")], day)

    assert (chosen.via, chosen.assignee.id if chosen.assignee else None) == (Via.KEY_WORKER, 1)


def test_no_key_worker_or_the_key_worker_away_or_without_an_account_goes_to_the_duty_worker():
    day = date.today()
    duty = Colleague(2, "Dee")
    away = Colleague(1, "Kim", away_from=day - timedelta(days=1), away_until=day + timedelta(days=1))
    away_open_ended = Colleague(1, "Kim", away_from=day)
    no_account = Colleague(1, "Kim", active=False)

    for key_worker in (None, away, away_open_ended, no_account):
        assert risk_rules.route(key_worker, duty, [], day).via is Via.DUTY_WORKER


def test_back_from_leave_the_key_worker_gets_it_again():
    day = date.today()
    was_away = Colleague(1, "Kim", away_from=day - timedelta(days=7), away_until=day - timedelta(days=1))

    assert risk_rules.route(was_away, Colleague(2, "Dee"), [], day).via is Via.KEY_WORKER


def test_with_no_duty_worker_a_team_lead_who_is_there_gets_it_and_else_nobody():
    day = date.today()
    away_lead = Colleague(3, "Lee", away_from=day)
    lead = Colleague(4, "Lou")

    assert risk_rules.route(None, None, [away_lead, lead], day).assignee == lead
    assert risk_rules.route(None, Colleague(2, "Dee", away_from=day), [away_lead], day).assignee == away_lead
    assert risk_rules.route(None, None, [], day).via is Via.NOBODY


def test_out_of_hours_it_is_routed_for_the_day_the_team_opens():
    friday_night = next_weekday(FRIDAY, time(21, 0))

    assert risk_rules.seen_on(friday_night, HOURS) == local(friday_night).date() + timedelta(days=3)


# What the person is told ---------------------------------------------------------------------------

def test_what_the_person_is_told_depends_on_tier_and_time():
    assert risk_rules.timing("urgent", next_weekday(TUESDAY, time(10, 0)), HOURS).when is When.TODAY
    assert risk_rules.timing("urgent", next_weekday(TUESDAY, time(13, 1)), HOURS).when is When.NEXT_WORKING_DAY
    night = risk_rules.timing("urgent", next_weekday(TUESDAY, time(22, 0)), HOURS)
    assert (night.when, night.out_of_hours) == (When.WHEN_OPEN, True)
    assert night.opens_at is not None and local(night.opens_at).time() == time(9, 0)
    assert risk_rules.timing("routine", next_weekday(TUESDAY, time(22, 0)), HOURS).when is When.NEXT_CONTACT


def test_the_carer_says_how_urgent_it_feels():
    assert risk_rules.carer_tier("now") == "urgent"
    assert risk_rules.carer_tier("next_appointment") == "routine"
    with pytest.raises(ValueError):
        risk_rules.carer_tier("whenever")


def test_the_most_escalated_then_urgent_then_oldest_come_first():
    now = datetime.now(UTC)
    flags = [(1, 0, "routine", now - timedelta(days=3)), (2, 0, "urgent", now), (3, 0, "urgent", now - timedelta(hours=1)),
             (4, 2, "urgent", now)]

    ordered = sorted(flags, key=lambda f: risk_rules.flag_order(f[1], f[2], f[3], f[0]))

    assert [f[0] for f in ordered] == [4, 3, 2, 1]
