"""Carers: their contact details, the service user's consent, and what carers tell the team.

Every change is audited and, where the clinical record must know, written to the outbox in the
same transaction: ``related_person.updated`` (the carer's details, once per person they care
for) and ``consent.changed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from portal import risk_rules
from portal.extensions import db
from portal.forms.validators import normalise_postcode, normalise_uk_phone
from portal.models import (
    CONTRIBUTION_PARTS,
    Carer,
    CarerConsent,
    CarerContribution,
    CarerLink,
    ContactMethod,
    Role,
    ServiceUser,
    User,
)
from portal.models.base import utcnow
from portal.services import accounts, audit, consent, once, outbox, people, risk
from portal.services.errors import NotAllowed, NotFound

STALE_AFTER_MONTHS = 12


# Contact details -----------------------------------------------------------------------------

def details_stale(carer: Carer, today: date) -> bool:
    """Never confirmed, or confirmed more than 12 months ago: time to ask the carer to check."""
    confirmed = carer.details_confirmed_on
    return confirmed is None or confirmed < _months_before(today, STALE_AFTER_MONTHS)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):  # 29 February a year back is 28 February
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class CarerDetails:
    name: str
    phone: str = ""
    mobile: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    preferred_contact: ContactMethod | None = None
    contact_times: str = ""
    language: str = ""
    interpreter_needed: bool = False
    young_carer: bool = False
    # Relationship to each person they care for, by carer link id.
    relationships: Mapping[int, str] | None = None


def _check_is_own(user: User, carer: Carer) -> None:
    """Only the carer themselves changes their details or speaks as them."""
    if user.carer is None or user.carer.id != carer.id:
        raise NotAllowed


def update_details(user: User, carer: Carer, details: CarerDetails, today: date | None = None) -> None:
    """The carer's own change to their details (already validated by the form)."""
    _check_is_own(user, carer)
    carer.name = details.name.strip()
    carer.phone = normalise_uk_phone(details.phone) or ""
    carer.mobile = normalise_uk_phone(details.mobile) or ""
    carer.email = accounts.normalise_email(details.email)
    carer.address = details.address.strip()
    carer.postcode = normalise_postcode(details.postcode) or ""
    carer.preferred_contact = details.preferred_contact
    carer.contact_times = details.contact_times.strip()
    carer.language = details.language.strip()
    carer.interpreter_needed = details.interpreter_needed
    carer.young_carer = details.young_carer
    for link in carer.links:
        relationship = (details.relationships or {}).get(link.id)
        if relationship and relationship.strip():
            link.relationship_type = relationship.strip()
    carer.details_confirmed_on = today or date.today()
    audit.record(user.id, "carer_details_updated", "carer", carer.id)
    _send_related_person(carer)
    db.session.commit()


def confirm_details(user: User, carer: Carer, today: date | None = None) -> None:
    """The carer says their details are still right."""
    _check_is_own(user, carer)
    carer.details_confirmed_on = today or date.today()
    audit.record(user.id, "carer_details_confirmed", "carer", carer.id)
    _send_related_person(carer)
    db.session.commit()


def related_person_message(carer: Carer, link: CarerLink) -> dict[str, Any]:
    """The ``related_person.updated`` payload for one person the carer cares for."""
    return {
        "carer_id": carer.id,
        "nhs_number": link.service_user.nhs_number,
        "name": carer.name,
        "relationship": link.relationship_type,
        "phone": carer.phone,
        "mobile": carer.mobile,
        "email": carer.email,
        "address": carer.address,
        "postcode": carer.postcode,
        "preferred_contact": carer.preferred_contact.value if carer.preferred_contact else None,
        "language": carer.language,
        "interpreter_needed": carer.interpreter_needed,
        "young_carer": carer.young_carer,
        "confirmed_on": carer.details_confirmed_on.isoformat() if carer.details_confirmed_on else None,
    }


def _send_related_person(carer: Carer) -> None:
    db.session.flush()
    for link in carer.links:
        outbox.enqueue(link.service_user_id, "related_person.updated", related_person_message(carer, link))


# Consent -------------------------------------------------------------------------------------

def link_for_service_user(user: User, carer_id: int) -> CarerLink:
    """One of the signed-in service user's own carers; NotFound for anyone else's."""
    person = people.own_service_user(user)
    link = db.session.scalar(
        select(CarerLink).where(CarerLink.service_user_id == person.id, CarerLink.carer_id == carer_id)
    )
    if link is None:
        raise NotFound
    return link


def change_consent(user: User, link: CarerLink, scopes: Iterable[consent.Scope | str], *,
                   now: datetime | None = None) -> CarerConsent:
    """Record a new consent decision for a carer link, effective at once.

    The service user changes it for their own carers in the portal; a member of staff records
    consent the service user gave them in person (saved as such, with who recorded it).
    """
    if user.role is Role.SERVICE_USER:
        if link.service_user.user_id != user.id:
            raise NotFound
        in_person = False
    elif user.is_staff:
        people.carer_link_for_staff(user, link.service_user_id, link.carer_id)  # NotFound outside their scope
        in_person = True
    else:
        raise NotAllowed
    wanted = {consent.Scope(s) for s in scopes}
    decision = CarerConsent(
        carer_link_id=link.id, recorded_by_id=user.id, recorded_by_role=user.role, in_person=in_person,
        changed_at=now or utcnow(), **{scope.value: scope in wanted for scope in consent.SCOPES},
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(user.id, "carer_consent_changed", "carer_link", link.id)
    outbox.enqueue(link.service_user_id, "consent.changed", {
        "carer_id": link.carer_id,
        "nhs_number": link.service_user.nhs_number,
        "scopes": consent.ordered(wanted),
        "recorded_by_role": user.role.value,
        "in_person": in_person,
        "changed_at": decision.changed_at.isoformat(),
    })
    db.session.commit()
    return decision


# Contributions -------------------------------------------------------------------------------

def add_contribution(user: User, carer: Carer, service_user_id: int, parts: Mapping[str, str],
                     private: Iterable[str] = (), *, wants_carers_assessment: bool = False,
                     worry_tier: str | None = None, sent: once.Sent | None = None) -> CarerContribution:
    """A carer tells the team how things are. Never gated by consent: listening is always allowed.

    A worry ("Is there anything you are worried about?") raises a flag, urgent or routine as the
    carer chose (routine if they did not say), routed and escalated like a worrying answer
    (``services/risk.py``): it reaches staff whatever the service user shares with the carer."""
    _check_is_own(user, carer)
    consent.link_for_carer(carer, service_user_id)  # they must care for this person
    private_parts = set(private)
    unknown = (set(parts) | private_parts) - set(CONTRIBUTION_PARTS)
    if unknown:
        raise ValueError(f"Unknown contribution parts: {sorted(unknown)}")
    texts = {part: (parts.get(part) or "").strip() for part in CONTRIBUTION_PARTS}
    if not any(texts.values()) and not wants_carers_assessment:
        raise ValueError("A contribution needs some words")
    once.claim(user, sent)  # the same form sent twice tells the team once
    contribution = CarerContribution(
        carer_id=carer.id, service_user_id=service_user_id, wants_carers_assessment=wants_carers_assessment,
        **texts, **{f"{part}_private": part in private_parts and bool(texts[part]) for part in CONTRIBUTION_PARTS},
    )
    db.session.add(contribution)
    db.session.flush()
    audit.record(user.id, "carer_contribution_added", "carer_contribution", contribution.id)
    if texts["worries"]:
        person = db.session.get_one(ServiceUser, service_user_id)
        risk.raise_carer_flag(user, person, contribution.id, worry_tier or risk_rules.ROUTINE)
    db.session.commit()
    return contribution


def shared_parts(contribution: CarerContribution) -> list[tuple[str, str]]:
    """The parts the service user may see (and that may go into their care plan): never the
    ones the carer asked not to share."""
    return [
        (part, contribution.text_of(part)) for part in CONTRIBUTION_PARTS
        if contribution.text_of(part) and not contribution.is_private(part)
    ]


@dataclass(frozen=True)
class SentContribution:
    """One thing a carer told the team, as the carer is shown it later."""

    id: int
    submitted_at: datetime
    read_by_team: bool | None  # None: not the carer's to know (see contributions_by_carer)


def contributions_by_carer(carer: Carer, service_user_id: int) -> list[SentContribution]:
    """What this carer has told the team about this person, newest first.

    When they sent it is their own; whether the team has read it is not: it tells them the team is
    working with the person, which only the ``involvement`` consent shares. Without it (never given,
    or withdrawn) the read status is left out, for earlier messages too."""
    link = consent.link_for_carer(carer, service_user_id)
    shows_read = consent.Scope.INVOLVEMENT in consent.current_scopes(link)
    rows = db.session.execute(
        select(CarerContribution.id, CarerContribution.submitted_at, CarerContribution.acknowledged_at)
        .where(CarerContribution.carer_id == carer.id, CarerContribution.service_user_id == service_user_id)
        .order_by(CarerContribution.submitted_at.desc(), CarerContribution.id.desc())
    )
    return [SentContribution(id_, submitted_at, (acknowledged_at is not None) if shows_read else None)
            for id_, submitted_at, acknowledged_at in rows]


def contribution_by_carer(carer: Carer, service_user_id: int, contribution_id: int) -> CarerContribution:
    """One thing this carer told the team about this person, to read again: their own words, all
    of them (private parts too: they wrote them). NotFound for anyone else's, or another person's."""
    consent.link_for_carer(carer, service_user_id)  # NotFound if they do not care for this person
    contribution = db.session.get(CarerContribution, contribution_id)
    if contribution is None or contribution.carer_id != carer.id or contribution.service_user_id != service_user_id:
        raise NotFound
    return contribution


@dataclass(frozen=True)
class SharedContribution:
    carer_name: str
    submitted_at: datetime
    parts: list[tuple[str, str]]


def contributions_for_service_user(person: ServiceUser) -> list[SharedContribution]:
    """What carers told the team, as the service user may see it: private parts left out, and a
    contribution with nothing left to show left out altogether."""
    rows = db.session.scalars(
        select(CarerContribution).where(CarerContribution.service_user_id == person.id)
        .options(joinedload(CarerContribution.carer))
        .order_by(CarerContribution.submitted_at.desc(), CarerContribution.id.desc())
    )
    shared = [SharedContribution(c.carer.name, c.submitted_at, shared_parts(c)) for c in rows]
    return [item for item in shared if item.parts]


def _new_contributions(staff_user: User) -> Select[CarerContribution]:
    """Not yet acknowledged, about anyone this member of staff may see (key workers: their
    caseload; team leads: their team)."""
    return select(CarerContribution).where(
        CarerContribution.service_user_id.in_(people.visible_service_user_ids(staff_user)),
        CarerContribution.acknowledged_at.is_(None),
    )


def new_contributions_for(staff_user: User) -> list[CarerContribution]:
    """Contributions not yet acknowledged, for everyone this member of staff may see, oldest first."""
    return list(db.session.scalars(
        _new_contributions(staff_user)
        .options(joinedload(CarerContribution.carer), joinedload(CarerContribution.service_user))
        .order_by(CarerContribution.submitted_at, CarerContribution.id)
    ))


_COUNT_NEW_CONTRIBUTIONS = people.ByScope(lambda in_scope: select(func.count(CarerContribution.id)).where(
    CarerContribution.service_user_id.in_(select(ServiceUser.id).where(in_scope)),
    CarerContribution.acknowledged_at.is_(None),
))


def count_new_contributions_for(staff_user: User) -> int:
    """How many ``new_contributions_for`` would list (for the staff home page), without loading them."""
    return db.session.scalar(*_COUNT_NEW_CONTRIBUTIONS.for_user(staff_user)) or 0


def contributions_for_staff(user: User, person: ServiceUser) -> list[CarerContribution]:
    """Every contribution about a service user the caller may see, newest first."""
    people.service_user_for_staff(user, person.id, audit_view=False)
    return list(db.session.scalars(
        select(CarerContribution).where(CarerContribution.service_user_id == person.id)
        .options(joinedload(CarerContribution.carer))
        .order_by(CarerContribution.submitted_at.desc(), CarerContribution.id.desc())
    ))


def contribution_for_staff(user: User, service_user_id: int, contribution_id: int, *,
                           audit_view: bool = True) -> CarerContribution:
    person = people.service_user_for_staff(user, service_user_id, audit_view=False)
    contribution = db.session.get(CarerContribution, contribution_id)
    if contribution is None or contribution.service_user_id != person.id:
        raise NotFound
    if audit_view:
        audit.record_now(user.id, "carer_contribution_viewed", "carer_contribution", contribution.id)
    return contribution


def acknowledge(user: User, contribution: CarerContribution, now: datetime | None = None) -> None:
    people.service_user_for_staff(user, contribution.service_user_id, audit_view=False)
    if contribution.acknowledged_at is None:
        contribution.acknowledged_at = now or utcnow()
        contribution.acknowledged_by_id = user.id
        audit.record(user.id, "carer_contribution_acknowledged", "carer_contribution", contribution.id)
    db.session.commit()


class CannotBringIntoCarePlan(Exception):
    """Nothing in the contribution may be shared, or it is already in the care plan."""


def care_plan_text(contribution: CarerContribution, labels: Mapping[str, str]) -> str:
    """The shared parts, each under its question, as one care plan entry."""
    return "\n\n".join(f"{labels.get(part, part)}: {text}" for part, text in shared_parts(contribution))


def bring_into_care_plan(user: User, contribution: CarerContribution, labels: Mapping[str, str],
                         now: datetime | None = None) -> None:
    """Add the shareable parts to the care plan draft, attributed to the carer. Private parts
    never go in: the care plan is the service user's own document."""
    from portal.models import AuthorRole, Section
    from portal.services import care_plans

    person = people.service_user_for_staff(user, contribution.service_user_id, audit_view=False)
    if contribution.brought_into_care_plan_at is not None or not shared_parts(contribution):
        raise CannotBringIntoCarePlan
    contribution.brought_into_care_plan_at = now or utcnow()
    contribution.brought_into_care_plan_by_id = user.id
    if contribution.acknowledged_at is None:
        contribution.acknowledged_at = contribution.brought_into_care_plan_at
        contribution.acknowledged_by_id = user.id
        audit.record(user.id, "carer_contribution_acknowledged", "carer_contribution", contribution.id)
    audit.record(user.id, "carer_contribution_into_care_plan", "carer_contribution", contribution.id)
    # add_entry audits the new entry and commits the whole transaction.
    care_plans.add_entry(user, person, Section.INVOLVEMENT, care_plan_text(contribution, labels),
                         author_role=AuthorRole.CARER, source=f"carer_contribution:{contribution.id}")


# Inviting carers -----------------------------------------------------------------------------

class AlreadyTheirCarer(Exception):
    """The email address is already that of one of this person's carers."""


@dataclass(frozen=True)
class CarerInvitation:
    created: accounts.NewInvitation
    existing_account: bool  # the carer already has an account: they add the code once signed in


def invite_carer(user: User, person: ServiceUser, *, name: str, relationship: str, email: str,
                 days: int) -> CarerInvitation:
    """The service user (for themselves) or a member of staff invites a carer.

    A new carer is recorded (with their relationship) and gets a single-use code to set up an
    account. Someone who already has a carer account gets a code to add this person once signed
    in; the link is only made when they use it.
    """
    if user.role is Role.SERVICE_USER:
        if people.own_service_user(user).id != person.id:
            raise NotFound
    elif user.is_staff:
        people.service_user_for_staff(user, person.id, audit_view=False)
    else:
        raise NotAllowed
    account = accounts.find_user_by_email(email)
    existing = account.carer if account is not None and account.role is Role.CARER else None
    if existing is not None:
        carer = existing
        already = db.session.scalar(
            select(CarerLink).where(CarerLink.carer_id == carer.id, CarerLink.service_user_id == person.id)
        )
        if already is not None:
            raise AlreadyTheirCarer
    elif (pending := _invited_not_joined(person, email)) is not None:
        carer = pending  # invited before and not joined yet (the code was lost): a new code
    else:
        # A new carer. An address that belongs to a service user's or staff account is treated
        # the same way, so whoever invites learns nothing about who uses the portal; that
        # account's owner will be told the code does not work when they try it.
        carer = Carer(name=name.strip(), email=accounts.normalise_email(email))
        db.session.add(carer)
        db.session.flush()
        db.session.add(CarerLink(carer_id=carer.id, service_user_id=person.id, relationship_type=relationship.strip()))
        db.session.flush()
        audit.record(user.id, "carer_added", "carer", carer.id)
    created = accounts.create_invitation(  # commits
        user, email, Role.CARER, carer_id=carer.id,
        service_user_id=person.id if existing is not None else None, days=days,
    )
    return CarerInvitation(created, existing_account=existing is not None)


def _invited_not_joined(person: ServiceUser, email: str) -> Carer | None:
    return db.session.scalars(
        select(Carer).join(CarerLink)
        .where(CarerLink.service_user_id == person.id, Carer.user_id.is_(None),
               Carer.email == accounts.normalise_email(email))
        .order_by(Carer.id)
    ).first()


def accept_link_invitation(user: User, code: str, relationship: str, now: datetime | None = None) -> CarerLink:
    """A signed-in carer uses a code to add another person they care for."""
    carer = people.own_carer(user)
    now = now or utcnow()
    invitation = accounts.usable_invitation(code, user.email, now)  # the same single-use codes as sign-up
    if (
        invitation.role is not Role.CARER
        or invitation.carer_id != carer.id
        or invitation.service_user_id is None
    ):
        raise accounts.InvitationProblem
    existing = db.session.scalar(
        select(CarerLink).where(CarerLink.carer_id == carer.id, CarerLink.service_user_id == invitation.service_user_id)
    )
    if existing is not None:
        raise accounts.InvitationProblem
    link = CarerLink(carer_id=carer.id, service_user_id=invitation.service_user_id,
                     relationship_type=relationship.strip())
    db.session.add(link)
    invitation.used_at = now
    db.session.flush()
    audit.record(user.id, "invitation_accepted", "invitation", invitation.id)
    audit.record(user.id, "carer_linked", "carer_link", link.id)
    _send_related_person(carer)
    db.session.commit()
    return link
