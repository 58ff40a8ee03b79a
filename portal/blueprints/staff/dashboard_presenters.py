"""What the dashboard template and its CSV need: labelled figures, suppressed where they must be."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import charts, feedback_rules, outcome_rules
from portal.forms.feedback import FFT_ANSWER_LABELS
from portal.presenters.equality import ethnic_group_labels, gender_labels
from portal.services.dashboard import MEASURES, Dashboard

MEASURE_NAMES = {"dialog": "DIALOG", "reqol10": "ReQoL-10", "gbo": "GBO"}


def change_labels() -> dict[str, str]:
    return {"improvement": _("Reliable improvement"), "no reliable change": _("No reliable change"),
            "deterioration": _("Reliable deterioration")}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    out_of: int | None = None
    always_suppress: bool = False  # feedback: never a count from 1 to 4, even within the team

    def shown_count(self, beyond_team: bool) -> int | None:
        if beyond_team or self.always_suppress:
            return feedback_rules.suppressed(self.count)
        return self.count

    def percent(self, beyond_team: bool) -> int | None:
        if self.out_of is None or self.shown_count(beyond_team) is None:
            return None
        return outcome_rules.percent(self.count, self.out_of)


def figures(board: Dashboard) -> list[Figure]:
    """Every figure on the page, in its order; the CSV has the same."""
    people = board.people
    rows = [
        Figure("no_key_worker", _("No key worker"), len(board.no_key_worker), people),
        Figure("care_plan_overdue", _("Care plan review overdue"), board.care_plan_overdue, people),
        Figure("no_care_plan", _("No care plan agreed"), board.no_care_plan, people),
        Figure("safety_plan_overdue", _("Safety plan review overdue"), board.safety_plan_overdue, people),
        Figure("no_safety_plan", _("No safety plan"), board.no_safety_plan, people),
        Figure("no_activity", ngettext("No activity in the last %(num)d month",
                                       "No activity in the last %(num)d months", board.no_activity_months),
               len(board.no_activity), people),
    ]
    for measure in MEASURES:
        rows.append(Figure(f"{measure}_completed", _("%(measure)s completed", measure=MEASURE_NAMES[measure]),
                           board.completed[measure]))
        rows.append(Figure(f"{measure}_deferred", _("%(measure)s deferred", measure=MEASURE_NAMES[measure]),
                           board.deferred[measure]))
        rows.append(Figure(f"{measure}_declined", _("%(measure)s declined", measure=MEASURE_NAMES[measure]),
                           board.declined[measure]))
    rows.append(Figure("paired_any", _("People with a paired measure"), board.outcomes.paired_any, people))
    labels = change_labels()
    for measure, outcome in board.outcomes.measures.items():
        name = MEASURE_NAMES[measure]
        rows.append(Figure(f"{measure}_paired", _("%(measure)s paired", measure=name), outcome.paired, people))
        for kind in outcome_rules.CHANGES:
            rows.append(Figure(f"{measure}_{kind.replace(' ', '_')}", f"{name}: {labels[kind]}",
                               outcome.changes[kind], outcome.paired))
    summary = board.feedback.summary
    rows.append(Figure("feedback_total", _("Friends and Family Test answers"), summary.total, always_suppress=True))
    for code in feedback_rules.FFT_ANSWERS:
        rows.append(Figure(f"fft_{code}", str(FFT_ANSWER_LABELS[code]), summary.counts[code], summary.total,
                           always_suppress=True))
    return rows


def paired_chart(board: Dashboard) -> charts.BarChart:
    rows = [(i, MEASURE_NAMES[m], o.share_paired()) for i, (m, o) in enumerate(board.outcomes.measures.items())]
    return charts.bar_chart(rows, minimum=0, maximum=100)


def change_chart(board: Dashboard, measure: str) -> charts.BarChart:
    outcome, labels = board.outcomes.measures[measure], change_labels()
    return charts.bar_chart([(i, labels[kind], outcome.share(kind)) for i, kind in enumerate(outcome_rules.CHANGES)],
                            minimum=0, maximum=100)


def feedback_chart(board: Dashboard) -> charts.BarChart | None:
    """The answers as percentages, only when 5 or more people answered (anonymity)."""
    summary = board.feedback.summary
    if summary.total < feedback_rules.SMALLEST_SHOWN:
        return None
    return charts.bar_chart([(i, str(FFT_ANSWER_LABELS[code]), summary.share(summary.counts[code]))
                             for i, code in enumerate(feedback_rules.FFT_ANSWERS)], minimum=0, maximum=100)


def theme_labels() -> dict[str, str]:
    return {"listening": _("Being listened to"), "waiting": _("Waiting"), "contact": _("Getting in touch"),
            "staff": _("Staff"), "appointments": _("Appointments and sessions"), "medication": _("Medication"),
            "information": _("Information and explanations")}


def age_band_labels() -> dict[str, str]:
    return {"under_18": _("Under 18"), "18_25": _("18 to 25"), "26_35": _("26 to 35"), "36_45": _("36 to 45"),
            "46_55": _("46 to 55"), "56_65": _("56 to 65"), "66_over": _("66 and over"), "unknown": _("Not known")}


@dataclass(frozen=True)
class BreakdownRow:
    """One group of people in a breakdown: how many, how many paired, and for each measure how many
    of the paired improved reliably. With ``small_hidden`` (equality groups), a count from 1 to 4 is
    None, shown as "Fewer than 5", so a small group cannot be picked out."""

    label: str
    people: int | None
    paired: int | None
    improved: dict[str, tuple[int | None, int | None]]  # measure → (improved, paired)


@dataclass(frozen=True)
class Breakdown:
    id: str
    caption: str
    heading: str
    rows: list[BreakdownRow]


def _row(label: str, result: outcome_rules.Outcomes, small_hidden: bool) -> BreakdownRow:
    def shown(count: int) -> int | None:
        return feedback_rules.suppressed(count) if small_hidden else count

    return BreakdownRow(label, shown(result.people), shown(result.paired_any), {
        measure: (shown(outcome.changes[outcome_rules.IMPROVEMENT]), shown(outcome.paired))
        for measure, outcome in result.measures.items()})


def breakdowns(board: Dashboard, beyond_team: bool = False) -> list[Breakdown]:
    """Outcomes by key worker, pathway and age band, in that order; empty groupings are left out.
    Equality groups (age, gender, ethnic group) always hide counts from 1 to 4; with ``beyond_team``
    (the CSV) every grouping does. Gender and ethnic group come from the clinical record."""
    bands, genders, groups = age_band_labels(), gender_labels(), ethnic_group_labels()
    found = [
        Breakdown("dashboard-by-key-worker", _("Paired measures by key worker"), _("Key worker"),
                  [_row(name, result, beyond_team) for name, result in board.outcomes_by_key_worker.items()]),
        Breakdown("dashboard-by-pathway", _("Paired measures by pathway"), _("Pathway"),
                  [_row(name or _("No pathway recorded"), result, beyond_team)
                   for name, result in board.outcomes_by_pathway.items()]),
        Breakdown("dashboard-by-age-band", _("Paired measures by age band (counts under 5 not shown)"), _("Age"),
                  [_row(bands[band], result, True) for band, result in board.outcomes_by_age_band.items()]),
        Breakdown("dashboard-by-gender", _("Paired measures by gender (counts under 5 not shown)"), _("Gender"),
                  [_row(genders[code], result, True) for code, result in board.outcomes_by_gender.items()]),
        Breakdown("dashboard-by-ethnic-group",
                  _("Paired measures by ethnic group (counts under 5 not shown)"), _("Ethnic group"),
                  [_row(groups[code], result, True) for code, result in board.outcomes_by_ethnic_group.items()]),
    ]
    return [breakdown for breakdown in found if breakdown.rows]



@dataclass(frozen=True)
class BreakdownWords:
    """Words every breakdown row repeats, translated once a page, not once a cell (the key-worker
    table of a large team has hundreds of rows)."""

    people: str
    paired: str
    too_few: str
    improved: dict[str, str]  # measure → "DIALOG: improved of paired"
    improved_of: str  # "%(improved)d of %(paired)d", filled in per cell


def breakdown_words() -> BreakdownWords:
    return BreakdownWords(
        _("People"), _("Paired"), _("Fewer than 5"),
        {measure: _("%(measure)s: improved of paired", measure=name) for measure, name in MEASURE_NAMES.items()},
        _("%(improved)d of %(paired)d"),
    )


def breakdown_csv_rows(board: Dashboard) -> list[tuple[str, int | None, int | None]]:
    """The breakdowns as CSV rows (what, count, out of), every count from 1 to 4 left out."""
    rows: list[tuple[str, int | None, int | None]] = []
    words = breakdown_words()
    for breakdown in breakdowns(board, beyond_team=True):
        for row in breakdown.rows:
            label = f"{breakdown.heading}: {row.label}"
            rows.append((f"{label}: {words.paired}", row.paired, row.people))
            for measure, (improved, paired) in row.improved.items():
                rows.append((f"{label}: {words.improved[measure]}", improved, paired))
    return rows
