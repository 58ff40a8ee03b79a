"""Words and tag colours for caseload attention items, the team report's labels and the
service user timeline. Built once per page in Python, so templates only loop and print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from portal.dates import format_when
from portal.instruments import dialog, reqol10
from portal.services import measures, settings
from portal.services.caseload import DUE, ESCALATED, OVERDUE, URGENT, Attention, CaseloadRow

TAG_CLASSES = {ESCALATED: "nhsuk-tag--red", URGENT: "nhsuk-tag--red", OVERDUE: "nhsuk-tag--orange",
               DUE: "nhsuk-tag--yellow"}


@dataclass(frozen=True)
class Tag:
    text: str
    css_class: str


def short_date(day: date | datetime | None) -> str:
    return format_when(day, "short_day")


SHORT_NAMES = {"dialog": dialog.LABEL, "reqol10": reqol10.LABEL}


def instrument_titles() -> dict[str, str]:
    """Short names ("ReQoL-10"), for tags and timelines; the full title for anything else."""
    return {i: SHORT_NAMES.get(i) or settings.instrument(i).title for i in measures.available_instruments()}


def attention_text(item: Attention, titles: dict[str, str]) -> str:  # noqa: C901 - one branch per code
    title = titles.get(item.instrument_id, item.instrument_id)
    on = short_date(item.on)
    code = item.code
    if code == "no_key_worker":
        return _("No key worker")
    if code == "discharged":
        return _("Discharged on %(date)s", date=on)
    if code == "safety_flag_overdue":
        return ngettext("%(num)d urgent flag still open after the next working day",
                        "%(num)d urgent flags still open after the next working day", item.count)
    if code == "safety_flag":
        return ngettext("%(num)d urgent flag to follow up", "%(num)d urgent flags to follow up", item.count)
    if code == "safety_flag_routine":
        return ngettext("%(num)d routine flag to follow up", "%(num)d routine flags to follow up", item.count)
    if code == "sync_problem":
        return ngettext("%(num)d change not sent to the record", "%(num)d changes not sent to the record",
                        item.count)
    if code == "measure_overdue":
        return _("%(measure)s overdue since %(date)s", measure=title, date=on)
    if code == "measure_due":
        return _("%(measure)s due by %(date)s", measure=title, date=on)
    if code == "measure_in_progress":
        return _("%(measure)s started, not finished", measure=title)
    if code == "measure_deferred":
        return _("%(measure)s can wait until %(date)s", measure=title, date=on)
    if code == "measure_not_recent":
        if item.on is None:
            return _("%(measure)s never done", measure=title)
        return _("%(measure)s last done %(date)s", measure=title, date=on)
    if code == "gbo_overdue":
        return _("Goal review overdue since %(date)s", date=on)
    if code == "gbo_due":
        return _("Goal review due by %(date)s", date=on)
    if code == "goal_drafts":
        return ngettext("%(num)d goal drafted, to talk through", "%(num)d goals drafted, to talk through",
                        item.count)
    if code == "no_goals":
        return _("No goals agreed")
    if code == "care_plan_overdue":
        return _("Care plan review overdue since %(date)s", date=on)
    if code == "care_plan_due":
        return _("Care plan review due by %(date)s", date=on)
    if code == "no_care_plan":
        return _("No care plan agreed")
    if code == "adjustments_review":
        return _("Reasonable adjustments to review")
    if code == "no_safety_plan":
        return _("No safety plan")
    if code == "carer_contributions":
        return ngettext("%(num)d new message from a carer", "%(num)d new messages from carers", item.count)
    if code == "carer_details_unconfirmed":
        return ngettext("Carer's details not confirmed in 12 months",
                        "%(num)d carers' details not confirmed in 12 months", item.count)
    return code


def tags(row: CaseloadRow, titles: dict[str, str]) -> list[Tag]:
    key = (str(get_locale()), tuple(titles.items()))
    return [_tag(item, key) for item in row.items]


@lru_cache(maxsize=4096)
def _tag(item: Attention, key: tuple[str, tuple[tuple[str, str], ...]]) -> Tag:
    """One item's tag in one language: the same item, the same words (rows repeat them page after page)."""
    return Tag(attention_text(item, dict(key[1])), TAG_CLASSES.get(item.severity, "nhsuk-tag--grey"))


def show_labels(is_team_lead: bool) -> list[tuple[str, str]]:
    """The "Show" filter's options, in order."""
    options = [
        ("all", _("Everyone")),
        ("attention", _("Needs attention")),
        ("overdue", _("Overdue or urgent")),
    ]
    if is_team_lead:
        options.append(("no_key_worker", _("No key worker")))
    options += [
        ("measures", _("Questionnaires")),
        ("goals", _("Goals")),
        ("care_plan", _("Care plan")),
        ("safety", _("Safety")),
        ("carers", _("Carers")),
        ("sync", _("Record problems")),
        ("discharged", _("Discharged")),
    ]
    return options


def sort_labels() -> list[tuple[str, str]]:
    return [("attention", _("Most urgent first")), ("due", _("Next due date")), ("name", _("Name"))]


def report_labels() -> dict[str, str]:
    return {
        "team": _("Team"),
        "from": _("From"),
        "to": _("To"),
        "measure": _("Measure"),
        "count": _("People or reviews"),
        "out_of": _("Out of"),
        "percent": _("Percent"),
        "key_worker": _("People with a key worker"),
        "dialog_6_months": _("DIALOG done in the last 6 months"),
        "dialog_12_months": _("DIALOG done in the last 12 months"),
        "reqol_6_months": _("ReQoL-10 done in the last 6 months"),
        "reqol_12_months": _("ReQoL-10 done in the last 12 months"),
        "gbo_reviews_on_time": _("Goal reviews done on time"),
        "care_plan_reviewed": _("Care plans reviewed in the last 12 months"),
        "carers_identified": _("People with a carer recorded"),
        "carer_details_confirmed": _("Carers' details confirmed in 12 months (of people with carers)"),
        "improvement": _("ReQoL-10: reliable improvement"),
        "no reliable change": _("ReQoL-10: no reliable change"),
        "deterioration": _("ReQoL-10: reliable deterioration"),
    }
