"""What the risk pathway's staff pages print: words, tags and local times, built once in Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _

from portal.blueprints.staff.risk_forms import OUTCOME_LABELS
from portal.dates import format_when
from portal.instruments import safety
from portal.models import NotificationStatus, StaffNotification
from portal.risk_rules import Stage, Via
from portal.services import settings
from portal.services.risk import ROTA_DAYS, FlagDetail, RotaDay, TeamFlag


@dataclass(frozen=True)
class Tag:
    text: str
    css_class: str


def reason_text(reason: str) -> str:
    if reason == safety.REQOL_REASON:
        return _("Life not worth living (ReQoL question)")
    if reason == safety.DIALOG_REASON:
        return _("Feeling unsafe (DIALOG personal safety)")
    if reason == safety.CARER_REASON:
        return _("A carer's worry")
    return reason


def tier_tag(tier: str) -> Tag:
    if tier == safety.URGENT:
        return Tag(_("Urgent"), "nhsuk-tag--red")
    return Tag(_("Routine"), "nhsuk-tag--blue")


def stage_tag(stage: int) -> Tag | None:
    if stage >= Stage.LEAD_TOLD_AGAIN:
        return Tag(_("Still open after the next working day"), "nhsuk-tag--red")
    if stage >= Stage.DUTY_AND_LEAD_TOLD:
        return Tag(_("Not acknowledged in time"), "nhsuk-tag--orange")
    return None


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_when(moment, "day_time", zone=settings.working_hours().timezone)


def via_text(via: str) -> str:
    return {
        Via.KEY_WORKER.value: _("their key worker"),
        Via.DUTY_WORKER.value: _("the duty worker (no key worker, or the key worker is away)"),
        Via.TEAM_LEAD.value: _("the team lead (no key worker or duty worker there)"),
    }.get(via, "")


@dataclass(frozen=True)
class FlagRow:
    id: int
    display_name: str
    reason: str
    tier: Tag
    stage: Tag | None
    raised: str
    assignee: str
    is_mine: bool


def flag_row(flag: TeamFlag) -> FlagRow:
    return FlagRow(flag.id, flag.display_name, reason_text(flag.reason), tier_tag(flag.tier), stage_tag(flag.stage),
                   local_time(flag.raised_at), flag.assignee_name or _("Nobody: the duty worker picks it up"),
                   flag.is_mine)


@dataclass(frozen=True)
class FlagView:
    reason: str
    tier: Tag
    stage: Tag | None
    raised: str
    assignee: str
    via: str
    escalates_at: str
    overdue_at: str
    closed: str
    outcome: str
    told: list[str]


def outcome_text(outcome: str | None) -> str:
    return next((str(label) for value, label in OUTCOME_LABELS.items() if value.value == outcome), "")


def flag_view(detail: FlagDetail) -> FlagView:
    flag = detail.flag
    closed = ""
    if flag.acknowledged_at is not None:
        by = detail.acknowledged_by.display_name if detail.acknowledged_by else ""
        closed = _("%(when)s by %(name)s", when=local_time(flag.acknowledged_at), name=by)
    return FlagView(
        reason=reason_text(flag.reason), tier=tier_tag(flag.tier.value), stage=stage_tag(flag.escalation_stage),
        raised=local_time(flag.raised_at), assignee=detail.assignee.name if detail.assignee else _("Nobody"),
        via=via_text(flag.routed_via),
        escalates_at=local_time(detail.escalation.stage_1) if detail.escalation else "",
        overdue_at=local_time(detail.escalation.stage_2) if detail.escalation else "",
        closed=closed, outcome=outcome_text(flag.outcome.value if flag.outcome else None),
        told=[told_text(n) for n in detail.notifications],
    )


def told_text(notification: StaffNotification) -> str:
    name = notification.staff_member.name
    if notification.status in (NotificationStatus.SENT, NotificationStatus.DELIVERED):
        return _("%(name)s: told %(when)s", name=name, when=local_time(notification.sent_at))
    if notification.status is NotificationStatus.QUEUED:
        return _("%(name)s: to be told from %(when)s", name=name, when=local_time(notification.next_attempt_at))
    if notification.status is NotificationStatus.CANCELLED:
        return _("%(name)s: not needed (already recorded)", name=name)
    return _("%(name)s: the message could not be sent", name=name)


@dataclass(frozen=True)
class RotaRow:
    field_name: str
    day: date
    label: str
    working_day: bool
    selected: str  # a staff member id as text, or ""


def _field(day: date) -> str:
    return f"day-{day.isoformat()}"


def rota_days(days: list[RotaDay], typed: Mapping[str, str] | None = None) -> list[RotaRow]:
    """One row per day; after an error, what was typed (so nothing chosen is lost)."""
    return [
        RotaRow(_field(d.day), d.day, format_date(d.day, "EEEE d MMMM"), d.working_day,
                typed.get(_field(d.day), "") if typed is not None
                else (str(d.staff_member_id) if d.staff_member_id else ""))
        for d in days
    ]


def read_rota(form: Mapping[str, str], start: date, allowed: set[int]) -> tuple[dict[date, int | None], dict[str, str]]:
    """The days on the page and who was chosen for each; errors by field name."""
    chosen: dict[date, int | None] = {}
    errors: dict[str, str] = {}
    offered = {str(staff_id): staff_id for staff_id in allowed}  # the choices, as the page sends them
    for offset in range(ROTA_DAYS):
        day = start + timedelta(days=offset)
        raw = (form.get(_field(day)) or "").strip()
        if _field(day) not in form:
            continue
        if not raw:
            chosen[day] = None
        elif raw in offered:  # anything else (a huge number, "²") is a mistake to explain, not int()'s to parse
            chosen[day] = offered[raw]
        else:
            errors[_field(day)] = _("Choose someone from the team, or nobody")
    return chosen, errors
