"""Caseload analysis for team leads (issue 15): caseload size per key worker and per care pathway,
who is overdue for what, and people whose key worker cannot carry on (none, no professional
registration, account closed, or away) so the team lead can move them in one go.

What is due or overdue is the caseload's own rule (``caseload.caseload_rows``, the same rows the
caseload page shows): nothing here decides it a second time. A fixed number of queries whatever
the team's size: the caseload's, then one each for pathways, people's pathways and key workers.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import CarePathway, Role, ServiceUser, StaffMember, User
from portal.registrations import may_be_key_worker
from portal.services import caseload, people
from portal.services.caseload import OVERDUE, Attention, CaseloadRow
from portal.services.errors import NotAllowed
from portal.services.team_report import _cell

# Why a person needs a new key worker, worst first.
NO_KEY_WORKER, LEFT, NOT_REGISTERED, AWAY = "no_key_worker", "left", "not_registered", "away"
PROBLEMS = (NO_KEY_WORKER, LEFT, NOT_REGISTERED, AWAY)
SHOW_CHOICES = ("all", "key_worker_left", "overdue")
NO_PATHWAY = "none"


@dataclass(frozen=True)
class KeyWorker:
    id: int
    name: str
    profession: str
    registered: bool
    left: bool  # no account, or the account is closed
    away: bool  # away today (leave, training)

    @property
    def problem(self) -> str:
        if self.left:
            return LEFT
        if not self.registered:
            return NOT_REGISTERED
        return AWAY if self.away else ""


@dataclass(frozen=True)
class Pathway:
    id: int | None  # None: no pathway recorded
    name: str


@dataclass(frozen=True)
class Person:
    id: int
    display_name: str
    nhs_number: str
    pathway: Pathway
    key_worker: KeyWorker | None
    overdue: tuple[Attention, ...]  # the caseload's items at OVERDUE or worse

    @property
    def problem(self) -> str:
        """Why they need a new key worker, or ""."""
        return NO_KEY_WORKER if self.key_worker is None else self.key_worker.problem


@dataclass
class Line:
    """Counts for one key worker or one pathway."""

    people: int = 0
    overdue_people: int = 0


@dataclass(frozen=True)
class Filters:
    pathway: str = ""  # "" (any), "none" or a pathway id
    show: str = "all"

    @classmethod
    def from_args(cls, args: Mapping[str, str], pathways: list[Pathway]) -> Filters:
        pathway = str(args.get("pathway", ""))
        if pathway not in (NO_PATHWAY, *(str(p.id) for p in pathways if p.id is not None)):
            pathway = ""
        show = str(args.get("show", "all"))
        return cls(pathway, show if show in SHOW_CHOICES else "all")

    def args(self) -> dict[str, str]:
        return {key: value for key, value in (("pathway", self.pathway), ("show", self.show))
                if value not in ("", "all")}

    def matches(self, person: Person) -> bool:
        if self.pathway == NO_PATHWAY and person.pathway.id is not None:
            return False
        if self.pathway not in ("", NO_PATHWAY) and str(person.pathway.id) != self.pathway:
            return False
        if self.show == "key_worker_left":
            return bool(person.problem)
        if self.show == "overdue":
            return bool(person.overdue)
        return True


@dataclass(frozen=True)
class Analysis:
    people: list[Person]  # everyone under the team (not discharged), by name
    key_workers: list[KeyWorker]  # the team's, and anyone else holding one of its people
    pathways: list[Pathway]  # every pathway, then "no pathway" when someone has none
    by_key_worker: dict[int | None, Line]  # None: people with no key worker
    by_pathway: dict[int | None, Line]
    overdue: Counter[tuple[str, str]]  # (code, instrument) → people overdue for it
    filters: Filters
    chosen: list[Person]  # the people the filters pick

    @property
    def needing_key_worker(self) -> list[Person]:
        return sorted((p for p in self.people if p.problem),
                      key=lambda p: (PROBLEMS.index(p.problem), p.display_name.casefold(), p.id))


def _team_lead(user: User) -> StaffMember:
    staff = people.staff_member_of(user)
    if user.role is not Role.TEAM_LEAD:
        raise NotAllowed("Only a team lead sees the caseload analysis")
    return staff


def is_overdue(item: Attention) -> bool:
    return item.severity >= OVERDUE and item.code.endswith("_overdue")


def analyse(user: User, today: date, args: Mapping[str, str] | None = None) -> Analysis:
    """The whole team's caseload analysed; ``args`` (the query string) filter ``chosen``."""
    lead = _team_lead(user)
    rows = [row for row in caseload.worked_out(user, today).rows if row.discharged_on is None]
    pathways = [Pathway(id_, name) for id_, name in db.session.execute(
        select(CarePathway.id, CarePathway.name).order_by(CarePathway.name, CarePathway.id))]
    pathway_of: dict[int, int | None] = {id_: pathway_id for id_, pathway_id in db.session.execute(
        select(ServiceUser.id, ServiceUser.care_pathway_id)
        .where(ServiceUser.team_id == lead.team_id, ServiceUser.discharged_on.is_(None)))}
    held = select(ServiceUser.key_worker_id).where(ServiceUser.team_id == lead.team_id,
                                                   ServiceUser.discharged_on.is_(None))
    key_workers = [
        KeyWorker(staff.id, staff.name, staff.profession, may_be_key_worker(staff.registration),
                  staff.user_id is None or not active, staff.away_on(today))
        for staff, active in db.session.execute(
            select(StaffMember, User.active).outerjoin(User, User.id == StaffMember.user_id)
            .where((StaffMember.id.in_(held))
                   | ((StaffMember.team_id == lead.team_id) & User.role.in_((Role.KEY_WORKER, Role.TEAM_LEAD))
                      & User.active.is_(True)))
            .order_by(StaffMember.name, StaffMember.id))
    ]
    by_id = {kw.id: kw for kw in key_workers}
    named = {p.id: p for p in pathways}
    no_pathway = Pathway(None, "")
    found = [_person(row, named.get(pathway_of.get(row.id) or -1, no_pathway), by_id) for row in rows]
    found.sort(key=lambda p: (p.display_name.casefold(), p.id))

    by_key_worker: dict[int | None, Line] = defaultdict(Line)
    by_pathway: dict[int | None, Line] = defaultdict(Line)
    overdue: Counter[tuple[str, str]] = Counter()
    for person in found:
        for line in (by_key_worker[person.key_worker.id if person.key_worker else None], by_pathway[person.pathway.id]):
            line.people += 1
            line.overdue_people += bool(person.overdue)
        overdue.update({(item.code, item.instrument_id) for item in person.overdue})
    if None in by_pathway:
        pathways.append(no_pathway)
    filters = Filters.from_args(args or {}, pathways)
    return Analysis(found, key_workers, pathways, dict(by_key_worker), dict(by_pathway), overdue, filters,
                    [p for p in found if filters.matches(p)])


def _person(row: CaseloadRow, pathway: Pathway, key_workers: dict[int, KeyWorker]) -> Person:
    return Person(row.id, row.display_name, row.nhs_number, pathway,
                  key_workers.get(row.key_worker_id) if row.key_worker_id is not None else None,
                  tuple(item for item in row.items if is_overdue(item)))


def to_csv(analysis: Analysis, labels: Mapping[str, str]) -> str:
    """One row per key worker and pathway: how many people, and how many have something overdue.
    Staff only, so counts under 5 are shown; no service user is named."""
    groups: dict[tuple[int | None, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for person in analysis.people:
        group = groups[(person.key_worker.id if person.key_worker else None, person.pathway.id)]
        group[0] += 1
        group[1] += bool(person.overdue)
    key_workers = {kw.id: kw for kw in analysis.key_workers}
    pathways = {p.id: p.name or labels["no_pathway"] for p in analysis.pathways}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(labels[key]) for key in (
        "key_worker", "profession", "registered", "status", "pathway", "people", "overdue_people")])
    for (kw_id, pathway_id), (count, overdue) in sorted(groups.items(), key=lambda item: (
            key_workers[item[0][0]].name.casefold() if item[0][0] is not None else "",
            pathways[item[0][1]].casefold())):
        kw = key_workers.get(kw_id) if kw_id is not None else None
        row = ([kw.name, kw.profession, labels["yes"] if kw.registered else labels["no"],
                labels[kw.problem or "here"]] if kw else [labels["no_key_worker"], "", "", ""])
        writer.writerow([*(_cell(value) for value in row), _cell(pathways[pathway_id]), count, overdue])
    return out.getvalue()
