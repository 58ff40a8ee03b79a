"""The statement of care as its pages show it: the live template (or a version's frozen copy of it)
in words a reader takes in at a glance, and who wrote it with their role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.dates import format_number, format_when
from portal.models import StatementOfCare, StatementOfCareVersion
from portal.services import care_team

PURPOSES: dict[str, Any] = {"session": _l("A session"), "clinic_letter": _l("A clinic letter")}
OWN_ROLES: dict[str, Any] = {"key_worker": _l("Key worker"), "team_lead": _l("Team lead")}
INSTRUMENT_NAMES = {"dialog": "DIALOG", "reqol10": "ReQoL-10"}
SCORE_NAMES: dict[str, Any] = {
    "quality_of_life": _l("Quality of life (1 to 7)"),
    "treatment_satisfaction": _l("Satisfaction with treatment (1 to 7)"),
    "total": _l("Total (0 to 40, higher is better)"),
}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def role_name(code: str) -> str:
    if code in OWN_ROLES:
        return str(OWN_ROLES[code])
    role = care_team.roles().get(code)
    return str(role.name) if role else code.replace("_", " ").capitalize()


def _number(value: float | int) -> str:
    """A score as the person's language writes it: a DIALOG mean with its one decimal place."""
    return format_number(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class GoalLine:
    id: int
    text: str
    version: int
    latest: int | None
    progress: str
    review_due: bool
    next_review_on: date | None
    reviewed: dict[str, Any] | None


@dataclass(frozen=True)
class ScoreLine:
    name: str
    latest: str
    change: str


@dataclass(frozen=True)
class MeasureView:
    title: str
    done_on: date | None
    scores: list[ScoreLine] = field(default_factory=list)


@dataclass(frozen=True)
class TemplateView:
    goals: list[GoalLine]
    measures: list[MeasureView]
    safety_plan: dict[str, Any] | None
    care_plan_review_on: date | None


def _progress(goal: dict[str, Any]) -> str:
    if goal.get("latest") is None:
        return _("Not rated yet")
    if goal.get("first") is None or goal["first"] == goal["latest"]:
        return _("No change since the first rating (%(first)d)", first=goal["latest"])
    return _("From %(first)d at the start to %(latest)d now", first=goal["first"], latest=goal["latest"])


def _change(score: dict[str, Any], before_on: date | None) -> str:
    change = score.get("change")
    if change is None or before_on is None:
        return _("First time done")
    if change == 0:
        return _("No change since %(date)s", date=format_when(before_on))
    if change > 0:
        return _("Up %(points)s since %(date)s", points=_number(change), date=format_when(before_on))
    return _("Down %(points)s since %(date)s", points=_number(-change), date=format_when(before_on))


def template_view(content: dict[str, Any], reviews: dict[str, Any] | None = None) -> TemplateView:
    reviews = reviews or {}
    goals = [GoalLine(id=g["id"], text=g["text"], version=g.get("version", 0), latest=g.get("latest"),
                      progress=_progress(g), review_due=bool(g.get("review_due")),
                      next_review_on=_day(g.get("next_review_on")), reviewed=reviews.get(str(g["id"])))
             for g in content.get("goals", [])]
    measures = []
    for instrument, result in (content.get("measures") or {}).items():
        if not result:
            measures.append(MeasureView(INSTRUMENT_NAMES.get(instrument, instrument), None))
            continue
        before_on = _day(result.get("before_on"))
        measures.append(MeasureView(
            INSTRUMENT_NAMES.get(instrument, instrument), _day(result.get("submitted_on")),
            [ScoreLine(str(SCORE_NAMES.get(key, key)), _number(score["latest"]) if score["latest"] is not None
                       else "", _change(score, before_on)) for key, score in result["scores"].items()]))
    plan = content.get("safety_plan")
    safety = None if not plan else {"updated_on": _day(plan.get("updated_on")),
                                    "review_due_on": _day(plan.get("review_due_on")),
                                    "review_due": bool(plan.get("review_due"))}
    return TemplateView(goals, measures, safety, _day((content.get("care_plan") or {}).get("next_review_on")))


@dataclass(frozen=True)
class VersionView:
    number: int
    author_name: str
    author_role: str
    author_registration: str
    agreed_at: datetime
    purpose: str
    paragraphs: list[str]
    template: TemplateView


def version_view(version: StatementOfCareVersion) -> VersionView:
    return VersionView(
        number=version.number, author_name=version.author_name, author_role=role_name(version.author_role),
        author_registration=version.author_registration, agreed_at=version.agreed_at,
        purpose=str(PURPOSES.get(version.content.get("purpose", ""), "")),
        paragraphs=[p.strip() for p in version.text.split("\n\n") if p.strip()],
        template=template_view(version.content, version.content.get("goal_reviews")))


@dataclass(frozen=True)
class StatementRow:
    statement: StatementOfCare
    purpose: str
    latest: StatementOfCareVersion | None
    has_draft: bool


def statement_rows(statements: list[StatementOfCare]) -> list[StatementRow]:
    rows = []
    for statement in statements:
        latest = statement.versions[-1] if statement.versions else None
        unagreed = latest is None or statement.draft_text != latest.text or bool(statement.goal_reviews)
        rows.append(StatementRow(statement, str(PURPOSES.get(statement.purpose, "")), latest, unagreed))
    return rows


@dataclass(frozen=True)
class ForServiceUser:
    """A statement as the service user reads it: who wrote it and what they do, the day, his goals with
    their latest rating, and the writer's words."""

    version: VersionView
    role_description: str
    goals: list[GoalLine]


def for_service_user(version: StatementOfCareVersion) -> ForServiceUser:
    view = version_view(version)
    role = care_team.roles().get(version.author_role)
    description = str(role.description) if role else (
        _("Your key worker: the person who looks after your care day to day.")
        if version.author_role == "key_worker" else _("Leads the team that looks after you."))
    return ForServiceUser(view, description, view.template.goals)
