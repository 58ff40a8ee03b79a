"""Feedback from service users and carers (the Friends and Family Test): offering it, taking it,
and what a team sees. Rules in portal/feedback_rules.py; why it is stored as it is in
docs/adr/0004-outcomes-and-feedback.md.

Anonymous to the team by default: a feedback row has the team, "service user" or "carer" and the
day, never who, unless the person asked to be contacted. One a day per person and team is kept by
a separate receipt holding a keyed hash (HMAC-SHA256 with the portal's secret key) of who and which
team, and the day: no id, no time, no link to the feedback. Giving feedback is not put in the audit
trail, which names people. Nothing else waits on it: it is a link, never a step.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from portal import feedback_rules
from portal.extensions import db
from portal.models import Carer, CarerLink, Feedback, FeedbackReceipt, Role, ServiceUser, Team, TeamUpdate, User
from portal.services import once, people
from portal.services.errors import NotFound

MAX_TEXT = 2000
TEXTS_SHOWN = 50  # comments shown in each box on the dashboard, the latest first chosen


class AlreadyGiven(Exception):
    """This person gave feedback to this team today already."""


@dataclass(frozen=True)
class TeamChoice:
    team_id: int
    name: str  # shown to service users only: a carer may not have been told the team (consent "involvement")
    last_given_on: date | None
    cared_for: tuple[str, ...] = ()  # for a carer: the first names of their people in this team


def offer_every_days() -> int:
    return int(current_app.config.get("FEEDBACK_OFFER_EVERY_DAYS", 30))


def _digest(user: User, team_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"feedback:{user.id}:{team_id}".encode(), hashlib.sha256).hexdigest()


def _respondent(user: User) -> str:
    return "carer" if user.role == Role.CARER else "service_user"


def _team_ids(user: User) -> list[int]:
    """The teams this person may give feedback to: their own team, or a carer's person's teams."""
    if user.role == Role.SERVICE_USER:
        return [people.own_service_user(user).team_id]
    if user.role == Role.CARER:
        carer = people.own_carer(user)
        return sorted(set(db.session.scalars(
            select(ServiceUser.team_id).join(CarerLink, CarerLink.service_user_id == ServiceUser.id)
            .where(CarerLink.carer_id == carer.id))))
    raise NotFound


def _last_given_on(user: User, team_id: int) -> date | None:
    return db.session.scalar(select(func.max(FeedbackReceipt.given_on))
                             .where(FeedbackReceipt.giver_digest == _digest(user, team_id)))


def teams_for(user: User) -> list[TeamChoice]:
    ids = _team_ids(user)
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(ids))).all())
    cared_for: dict[int, list[str]] = {}
    if user.role == Role.CARER:
        for link in people.own_carer(user).links:
            cared_for.setdefault(link.service_user.team_id, []).append(link.service_user.first_name)
    return [TeamChoice(team_id, names[team_id], _last_given_on(user, team_id),
                       tuple(sorted(cared_for.get(team_id, ())))) for team_id in ids]


def offer_due(user: User, today: date) -> bool:
    """Should the home page (or a session summary) offer feedback? Only a link, whatever it says."""
    if user.role not in (Role.SERVICE_USER, Role.CARER):
        return False
    return any(feedback_rules.offer_due(choice.last_given_on, today, offer_every_days()) for choice in teams_for(user))


def give(user: User, team_id: int, fft_answer: str, went_well: str, could_be_better: str,
         contact_me: bool, today: date) -> None:
    """Keep one person's feedback for a team, once a day. Raises AlreadyGiven the second time."""
    if team_id not in _team_ids(user):
        raise NotFound
    if fft_answer not in feedback_rules.FFT_ANSWERS:
        raise ValueError(f"Not a Friends and Family Test answer: {fft_answer!r}")
    digest = _digest(user, team_id)
    if db.session.scalar(select(exists().where(FeedbackReceipt.giver_digest == digest,
                                               FeedbackReceipt.given_on == today))):
        raise AlreadyGiven
    db.session.add(FeedbackReceipt(giver_digest=digest, given_on=today))
    db.session.add(Feedback(team_id=team_id, respondent=_respondent(user), fft_answer=fft_answer,
                            went_well=went_well.strip()[:MAX_TEXT], could_be_better=could_be_better.strip()[:MAX_TEXT],
                            given_on=today, contact_user_id=user.id if contact_me else None))
    try:
        db.session.commit()
    except IntegrityError as error:  # the same person's second tap, at the same moment
        db.session.rollback()
        raise AlreadyGiven from error


# What the team sees ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactRequest:
    name: str
    respondent: str
    given_on: date
    fft_answer: str
    went_well: str
    could_be_better: str


@dataclass(frozen=True)
class TeamFeedback:
    summary: feedback_rules.FftSummary
    by_respondent: dict[str, feedback_rules.FftSummary]
    went_well: list[str]  # the latest TEXTS_SHOWN, without names or dates, in alphabetical order
    could_be_better: list[str]
    themes: dict[str, int]  # theme → how many comments (both boxes) mention it
    contact_requests: list[ContactRequest]
    texts_left_out: int = 0  # older comments past TEXTS_SHOWN in each box (counted in the themes)


_known_as = func.coalesce(func.nullif(ServiceUser.preferred_name, ""), ServiceUser.given_name)


def team_feedback(team_ids: Sequence[int], start: date, end: date) -> TeamFeedback:
    """Everything given to the teams (one, or a service manager's several) in the period. Two queries."""
    rows = db.session.execute(
        select(Feedback.respondent, Feedback.fft_answer, Feedback.went_well, Feedback.could_be_better)
        .where(Feedback.team_id.in_(team_ids), Feedback.given_on >= start, Feedback.given_on <= end)
        .order_by(Feedback.given_on.desc(), Feedback.id.desc())
    ).all()
    went_well_all = [row.went_well for row in rows if row.went_well]
    could_be_better_all = [row.could_be_better for row in rows if row.could_be_better]
    went_well, could_be_better = sorted(went_well_all[:TEXTS_SHOWN]), sorted(could_be_better_all[:TEXTS_SHOWN])
    contact = [
        ContactRequest(name or "", respondent, given_on, answer, well, better)
        for name, respondent, given_on, answer, well, better in db.session.execute(
            select(func.coalesce(_known_as + " " + ServiceUser.family_name, Carer.name),
                   Feedback.respondent, Feedback.given_on, Feedback.fft_answer, Feedback.went_well,
                   Feedback.could_be_better)
            .join(User, User.id == Feedback.contact_user_id)
            .outerjoin(ServiceUser, ServiceUser.user_id == User.id).outerjoin(Carer, Carer.user_id == User.id)
            .where(Feedback.team_id.in_(team_ids), Feedback.given_on >= start, Feedback.given_on <= end)
            .order_by(Feedback.given_on.desc())
        )
    ]
    return TeamFeedback(
        summary=feedback_rules.summarise(row.fft_answer for row in rows),
        by_respondent={kind: feedback_rules.summarise(row.fft_answer for row in rows if row.respondent == kind)
                       for kind in feedback_rules.RESPONDENT_KINDS},
        went_well=went_well,
        could_be_better=could_be_better,
        themes=feedback_rules.count_themes(went_well_all + could_be_better_all),
        texts_left_out=len(went_well_all) - len(went_well) + len(could_be_better_all) - len(could_be_better),
        contact_requests=contact,
    )


def add_team_update(user: User, you_said: str, we_did: str, sent: once.Sent | None = None) -> TeamUpdate:
    """A team lead writes "You said, we did" for their own team (once, however often it is sent)."""
    staff = people.staff_member_of(user)
    once.claim(user, sent)
    update = TeamUpdate(team_id=staff.team_id, you_said=you_said.strip()[:MAX_TEXT], we_did=we_did.strip()[:MAX_TEXT],
                        written_by_id=staff.id)
    db.session.add(update)
    db.session.commit()
    return update


def own_team_updates(user: User) -> list[TeamUpdate]:
    return team_updates(people.staff_member_of(user).team_id)


def updates_for(user: User) -> list[tuple[TeamChoice, list[TeamUpdate]]]:
    """What each of a service user's or carer's teams did after feedback, newest first."""
    return [(team, team_updates(team.team_id)) for team in teams_for(user)]


def team_updates(team_id: int) -> list[TeamUpdate]:
    return list(db.session.scalars(select(TeamUpdate).where(TeamUpdate.team_id == team_id)
                                   .order_by(TeamUpdate.written_at.desc(), TeamUpdate.id.desc())))
