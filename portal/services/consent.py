"""What a carer may see about the person they care for: the consent rules.

The service user chooses, for each carer, any of five scopes (none of them means "nothing"):

- ``involvement``: that they are under the team, and who their key worker is (the portal shows no appointments)
- ``goals``: their goals and how they are going
- ``care_plan``: their agreed care plan
- ``safety_plan``: their safety plan
- ``questionnaire_results``: their latest DIALOG and ReQoL-10 results, in plain words (issue 15)

The rules live here, at the data layer: carer pages get what they show only from
``shared_view()``, which loads a section only when the consent in force allows it. Consent is
read afresh on every call, so a change (or a withdrawal) takes effect at once.

Listening is never gated: a carer can always *give* information to the team (see
``services/carers.py``); consent only limits what they are *shown*.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import Carer, CarerConsent, CarerLink, ServiceUser
from portal.services import audit, care_plans, goals, measures, safety_plans
from portal.services.errors import NotFound


class Scope(enum.StrEnum):
    INVOLVEMENT = "involvement"
    GOALS = "goals"
    CARE_PLAN = "care_plan"
    SAFETY_PLAN = "safety_plan"
    QUESTIONNAIRE_RESULTS = "questionnaire_results"


SCOPES = tuple(Scope)  # in the order they are shown and sent


def scopes_of(consent: CarerConsent | None) -> frozenset[Scope]:
    """The scopes one consent decision allows (no decision at all allows nothing)."""
    if consent is None:
        return frozenset()
    return frozenset(scope for scope in SCOPES if getattr(consent, scope.value))


def ordered(scopes: Iterable[Scope | str]) -> list[str]:
    """Scopes as their codes, in the canonical order (for messages and forms)."""
    wanted = {Scope(s) for s in scopes}
    return [scope.value for scope in SCOPES if scope in wanted]


def current(link: CarerLink) -> CarerConsent | None:
    """The consent in force for this carer link: the latest decision, or None if there is none."""
    return db.session.scalar(
        select(CarerConsent).where(CarerConsent.carer_link_id == link.id)
        .order_by(CarerConsent.changed_at.desc(), CarerConsent.id.desc()).limit(1)
    )


def current_scopes(link: CarerLink) -> frozenset[Scope]:
    return scopes_of(current(link))


def history(link: CarerLink) -> list[CarerConsent]:
    """Every decision for this carer link, newest first. Nothing is ever overwritten."""
    return list(db.session.scalars(
        select(CarerConsent).where(CarerConsent.carer_link_id == link.id)
        .order_by(CarerConsent.changed_at.desc(), CarerConsent.id.desc())
    ))


def link_for_carer(carer: Carer, service_user_id: int) -> CarerLink:
    """The carer's link to this service user; NotFound for anyone they are not linked to."""
    link = db.session.scalar(
        select(CarerLink).where(CarerLink.carer_id == carer.id, CarerLink.service_user_id == service_user_id)
    )
    if link is None:
        raise NotFound
    return link


# What a carer is shown -------------------------------------------------------------------------

@dataclass(frozen=True)
class Involvement:
    team_name: str
    key_worker_name: str | None
    key_worker_profession: str | None
    discharged_on: date | None = None


@dataclass(frozen=True)
class Section:
    """A consented section; its ``content`` is None (or empty) when there is nothing in it yet."""

    content: Any


@dataclass(frozen=True)
class SharedView:
    """Exactly what this carer may see about this person now. A section the consent does not
    allow is None: it was never loaded."""

    link: CarerLink
    name: str
    first_name: str
    scopes: frozenset[Scope]
    consent: CarerConsent | None
    involvement: Involvement | None
    goals: Section | None
    care_plan: Section | None
    safety_plan: Section | None
    questionnaire_results: Section | None = None

    @property
    def sees_nothing(self) -> bool:
        return not self.scopes


def shared_view(carer: Carer, service_user_id: int, *, audit_view: bool = True) -> SharedView:
    """Everything a carer page may show about a service user, filtered by the consent in force.

    Raises NotFound when the carer is not linked to this service user. The viewing is audited
    (which scopes were in force is in the consent history; no content is logged).
    """
    link = link_for_carer(carer, service_user_id)
    person = link.service_user
    consent = current(link)
    scopes = scopes_of(consent)
    if audit_view and scopes:
        audit.record_now(carer.user_id, "carer_viewed_shared", "service_user", person.id)
    return SharedView(
        link=link,
        name=person.display_name,
        first_name=person.first_name,
        scopes=scopes,
        consent=consent,
        involvement=involvement_for(scopes, person),
        goals=goals_for(scopes, person),
        care_plan=care_plan_for(scopes, person),
        safety_plan=safety_plan_for(scopes, person),
        questionnaire_results=questionnaire_results_for(scopes, person),
    )


# The gates: each section is produced only when its scope is consented to. ---------------------

def involvement_for(scopes: frozenset[Scope], person: ServiceUser) -> Involvement | None:
    if Scope.INVOLVEMENT not in scopes:
        return None
    key_worker = person.key_worker
    return Involvement(
        team_name=person.team.name,
        key_worker_name=key_worker.name if key_worker else None,
        key_worker_profession=key_worker.profession if key_worker else None,
        discharged_on=person.discharged_on,
    )


def goals_for(scopes: frozenset[Scope], person: ServiceUser) -> Section | None:
    if Scope.GOALS not in scopes:
        return None
    return Section(goals.active_goals(person))


@dataclass(frozen=True)
class SharedCarePlan:
    """The agreed care plan as a carer may see it. The goals frozen in it are left out unless
    goals are shared too (None then)."""

    number: int
    agreed_at: Any
    next_review_on: Any
    sections: dict[str, list[dict[str, Any]]]
    goals: list[dict[str, Any]] | None


def care_plan_for(scopes: frozenset[Scope], person: ServiceUser) -> Section | None:
    if Scope.CARE_PLAN not in scopes:
        return None
    version = care_plans.current_agreed(person)
    if version is None:
        return Section(None)
    content = version.content or {}
    return Section(SharedCarePlan(
        number=version.number, agreed_at=version.agreed_at, next_review_on=version.next_review_on,
        sections={name: list(entries) for name, entries in (content.get("sections") or {}).items() if entries},
        goals=list(content.get("goals") or []) if Scope.GOALS in scopes else None,
    ))


def safety_plan_for(scopes: frozenset[Scope], person: ServiceUser) -> Section | None:
    if Scope.SAFETY_PLAN not in scopes:
        return None
    plan = safety_plans.current(person)
    return Section(plan if safety_plans.has_content(plan) else None)


@dataclass(frozen=True)
class SharedResults:
    """The latest DIALOG and ReQoL-10 a carer may see (each None if there is none yet)."""

    dialog: Any
    reqol10: Any


def questionnaire_results_for(scopes: frozenset[Scope], person: ServiceUser) -> Section | None:
    """The latest submitted DIALOG and ReQoL-10 responses; what the carer is shown of them is in plain
    words only (``portal/presenters/carer_results.py``)."""
    if Scope.QUESTIONNAIRE_RESULTS not in scopes:
        return None
    dialog, reqol10 = (next(reversed(measures.history(person, instrument)), None)
                       for instrument in ("dialog", "reqol10"))
    if dialog is None and reqol10 is None:
        return Section(None)
    return Section(SharedResults(dialog=dialog, reqol10=reqol10))
