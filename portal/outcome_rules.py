"""Outcomes that count (docs/adr/0004-outcomes-and-feedback.md): paired measures and reliable
change for DIALOG, ReQoL-10 and GBO. Plain functions over plain data, no Flask.

- A person's scores on one measure are a *series*: (date, score) points. GBO has one series per goal.
- A series is *paired* for a period when its latest point up to the period's end falls in the
  period, and is at least ``min_days`` after the first point (the first ever, so change is measured
  from when the person started).
- A person's change on a measure: latest minus first of the paired series (for GBO the mean over
  their paired goals), classed against the measure's reliable-change threshold: "improvement",
  "no reliable change" or "deterioration" (higher is better on all three).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat

from portal.instruments._checks import DETERIORATION, IMPROVEMENT, NO_RELIABLE_CHANGE, classify_change

INSTRUMENTS = ("dialog", "reqol10", "gbo")
CHANGES = (IMPROVEMENT, NO_RELIABLE_CHANGE, DETERIORATION)

Point = tuple[date, float]
Series = Sequence[Point]


def paired(series: Series, start: date, end: date, min_days: int) -> tuple[Point, Point] | None:
    """(first, latest) when the series is paired for the period, else None."""
    done = sorted(point for point in series if point[0] <= end)
    if len(done) < 2:
        return None
    first, latest = done[0], done[-1]
    if not start <= latest[0] <= end or (latest[0] - first[0]).days < min_days:
        return None
    return first, latest


def change(series_of_person: Iterable[Series], start: date, end: date, min_days: int) -> float | None:
    """Latest minus first, averaged over the person's paired series; None when none is paired.
    Scores and ratings are whole numbers or eighths, so the differences and their sum are exact
    and the mean is the same number here as where the database works it out (services/outcomes.py)."""
    changes = [pair[1][1] - pair[0][1]
               for pair in (paired(series, start, end, min_days) for series in series_of_person) if pair]
    if not changes:
        return None
    return sum(changes) / len(changes)  # not rounded: the database classes the same number


@dataclass(frozen=True)
class MeasureOutcome:
    instrument_id: str
    people: int  # people counted
    paired: int  # of them, with this measure paired
    changes: dict[str, int]  # CHANGES → how many of the paired

    def share_paired(self) -> int | None:
        return percent(self.paired, self.people)

    def share(self, kind: str) -> int | None:
        return percent(self.changes[kind], self.paired)


@dataclass(frozen=True)
class Outcomes:
    people: int
    paired_any: int  # people with at least one of the measures paired
    measures: dict[str, MeasureOutcome]

    def share_paired(self) -> int | None:
        return percent(self.paired_any, self.people)


def percent(count: int, total: int) -> int | None:
    """A whole percentage, halves rounded up; None when there is nobody to count."""
    if total <= 0:
        return None
    return (200 * count + total) // (2 * total)


def changes_by_person(series: Mapping[str, Mapping[int, Sequence[Series]]], start: date, end: date,
                      min_days: int) -> dict[str, dict[int, float]]:
    """instrument id → person id → change, for everyone with that measure paired."""
    found: dict[str, dict[int, float]] = {}
    for instrument_id in INSTRUMENTS:
        found[instrument_id] = {}
        for person_id, person_series in series.get(instrument_id, {}).items():
            difference = change(person_series, start, end, min_days)
            if difference is not None:
                found[instrument_id][person_id] = difference
    return found


def summarise(people: Iterable[int], changes: Mapping[str, Mapping[int, float]],
              thresholds: Mapping[str, float]) -> Outcomes:
    """Count the people's paired measures and their kinds of change (``changes_by_person``)."""
    return summarise_kinds(people, kinds_of_change(changes, thresholds))


def kinds_of_change(changes: Mapping[str, Mapping[int, float]],
                    thresholds: Mapping[str, float]) -> dict[str, dict[int, str]]:
    """instrument id → person id → their kind of change, classed once for every grouping."""
    return {instrument_id: {person_id: classify_change(change, thresholds[instrument_id])  # type: ignore[arg-type]
                            for person_id, change in changes.get(instrument_id, {}).items()}
            for instrument_id in INSTRUMENTS}


def summarise_kinds(people: Iterable[int], kinds: Mapping[str, Mapping[int, str]]) -> Outcomes:
    """``summarise`` from kinds already classed, for the ``people`` counted (each once)."""
    codes = _codes(kinds)
    return outcomes_by_code(Counter(codes.get(person_id, 0) for person_id in set(people)))


def outcomes(people: Iterable[int], series: Mapping[str, Mapping[int, Sequence[Series]]], start: date, end: date,
             thresholds: Mapping[str, float], min_days: int) -> Outcomes:
    """For the people counted: how many have each measure paired, and how each paired one changed.

    ``series``: instrument id → person id → that person's series (one for DIALOG and ReQoL-10,
    one per goal for GBO). ``thresholds``: instrument id → reliable-change threshold."""
    return summarise(people, changes_by_person(series, start, end, min_days), thresholds)


def by_group(groups: Mapping[int, str], series: Mapping[str, Mapping[int, Sequence[Series]]], start: date,
             end: date, thresholds: Mapping[str, float], min_days: int) -> dict[str, Outcomes]:
    """``outcomes`` for each group of people (a practitioner, a pathway): person id → group name."""
    return summarise_groups(groups, kinds_of_change(changes_by_person(series, start, end, min_days), thresholds))


def summarise_groups(groups: Mapping[int, str], kinds: Mapping[str, Mapping[int, str]]) -> dict[str, Outcomes]:
    """``summarise_kinds`` for each group of people, by group name: person id → group name."""
    return summarise_groupings({"": groups}, kinds)[""]


# A person's kinds of change as one number: a base-4 digit per measure (INSTRUMENTS order, the
# first the lowest), 0 for not paired and 1 to 3 for the kind (CHANGES). Counting people by number
# is then one Counter, for a team or for each group of a grouping; the database counts the same
# numbers (services/outcomes.py).
KIND_DIGIT = {kind: index + 1 for index, kind in enumerate(CHANGES)}
_DIGITS = [tuple((code // 4 ** index) % 4 for index in range(len(INSTRUMENTS)))
           for code in range(4 ** len(INSTRUMENTS))]


def _codes(kinds: Mapping[str, Mapping[int, str]]) -> dict[int, int]:
    """Person id → their number, for everyone with a measure paired."""
    codes: dict[int, int] = {}
    for index, instrument_id in enumerate(INSTRUMENTS):
        weight = 4 ** index
        for person_id, kind in kinds.get(instrument_id, {}).items():
            codes[person_id] = codes.get(person_id, 0) + KIND_DIGIT[kind] * weight
    return codes


def outcomes_by_code(people_by_code: Mapping[int, int]) -> Outcomes:
    """The outcomes of people counted by their number (number → how many people have it)."""
    people = sum(people_by_code.values())
    paired = [0] * len(INSTRUMENTS)
    changes = [dict.fromkeys(CHANGES, 0) for _ in INSTRUMENTS]
    for code, number in people_by_code.items():
        for index, digit in enumerate(_DIGITS[code]):
            if digit:
                paired[index] += number
                changes[index][CHANGES[digit - 1]] += number
    return Outcomes(people, people - people_by_code.get(0, 0), {
        instrument_id: MeasureOutcome(instrument_id, people, paired[index], changes[index])
        for index, instrument_id in enumerate(INSTRUMENTS)})


def summarise_groupings(groupings: Mapping[str, Mapping[int, str]],
                        kinds: Mapping[str, Mapping[int, str]]) -> dict[str, dict[str, Outcomes]]:
    """``summarise_groups`` for several groupings of the same people (key worker, pathway, age
    band, ...): grouping → group → outcomes. Each person's kinds are classed once; a team of 10,000
    in 200 groups then costs a count of 10,000 pairs per grouping, not a pass per group."""
    codes = _codes(kinds)
    found: dict[str, dict[str, Outcomes]] = {}
    for name, groups in groupings.items():
        by_group: dict[str, Counter[int]] = {}
        for (group, code), number in Counter(zip(groups.values(), map(codes.get, groups.keys(), repeat(0)),
                                                 strict=True)).items():
            by_group.setdefault(group, Counter())[code] += number
        found[name] = {group: outcomes_by_code(counted) for group, counted in sorted(by_group.items())}
    return found


# Age bands for the dashboard's equality breakdown (issue 16): the bands of NHS England's
# Community Mental Health Services dataset reports, widened to tens above 25 so that a team's
# groups are rarely under 5. A person's age is taken on the last day of the period.
AGE_BANDS = ("under_18", "18_25", "26_35", "36_45", "46_55", "56_65", "66_over")


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: date | None, on: date) -> str:
    """The band code for someone born on ``born``, on the day ``on``; "unknown" without a date of birth."""
    if born is None:
        return "unknown"
    age = age_on(born, on)
    if age < 18:
        return "under_18"
    if age <= 25:
        return "18_25"
    if age >= 66:
        return "66_over"
    return AGE_BANDS[2 + (age - 26) // 10]


# Ethnic category (NHS Data Dictionary "Ethnic Category", as UK Core codes it) to its broad group,
# for the equality breakdown: broad groups keep a team's counts above 5 more often than the 17 codes.
ETHNIC_GROUPS = ("white", "mixed", "asian", "black", "other", "not_stated", "unknown")
ETHNIC_GROUP_OF = {**dict.fromkeys("ABC", "white"), **dict.fromkeys("DEFG", "mixed"),
                    **dict.fromkeys("HJKL", "asian"), **dict.fromkeys("MNP", "black"),
                    **dict.fromkeys("RS", "other"), "Z": "not_stated"}
GENDERS = ("female", "male", "other", "unknown")


def ethnic_group(code: str) -> str:
    """The broad group of an ethnic category code; "unknown" for none, "99" (not known) or any other."""
    return ETHNIC_GROUP_OF.get(code.strip().upper(), "unknown")


def gender_group(gender: str) -> str:
    return gender if gender in GENDERS else "unknown"
