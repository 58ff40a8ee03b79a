"""What the dashboard template and its CSV need: labelled figures, suppressed where they must be."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import charts, feedback_rules, outcome_rules
from portal.forms.feedback import FFT_ANSWER_LABELS
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
