"""A trust-sized data set for the load benchmark (bench/load.py), written in bulk.

20 teams, 200 staff (a team lead and 9 key workers per team), 10,000 service users (1 in 50 with
no key worker), 8,000 carers, and for each service user three DIALOG and three ReQoL-10 responses
with every answer, a questionnaire due, two goals with three ratings each, a care plan with two
agreed versions, and for most a safety plan. Rows go in through SQLAlchemy Core ``insert()`` with
many rows per statement (not the per-row services, which would take an hour): about 800,000 rows.

Every account's password is ``PASSWORD``; staff have an authenticator app with ``TOTP_SECRET``
(this database only). Sign in as ``lead<t>@bench.test``, ``kw<t>-<k>@bench.test`` or
``su<n>@bench.test``.

    .venv/bin/python bench/seed.py [--database-url URL] [--people 10000]

Without ``--database-url`` it writes ``instance/bench.sqlite3``. The database is emptied first.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from sqlalchemy import Table, create_engine, insert, text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from portal import (
    caseload_tokens,  # noqa: E402
    create_app,  # noqa: E402
)
from portal.extensions import db  # noqa: E402
from portal.forms.validators import is_valid_nhs_number  # noqa: E402
from portal.instruments import dialog, reqol10  # noqa: E402
from portal.instruments.definition import load_instrument  # noqa: E402
from portal.models import (  # noqa: E402
    Base,
    CarePathway,
    CarePlan,
    CarePlanVersion,
    Carer,
    CarerLink,
    Goal,
    GoalRating,
    MeasureAnswer,
    MeasureAssignment,
    MeasureResponse,
    ResponseStatus,
    Role,
    SecondFactor,
    ServiceUser,
    StaffMember,
    Team,
    User,
)
from portal.models.base import utcnow  # noqa: E402
from portal.models.goals import AuthorRole, GoalStatus  # noqa: E402
from portal.models.safety_plans import SafetyPlan  # noqa: E402
from portal.services import outcome_series  # noqa: E402
from portal.services.accounts import hash_password  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"  # nosec B105 # a throwaway benchmark database's published password
TOTP_SECRET = "BENCHPORTALBENCHPORTALBENCHPORT2"  # nosec B105 # the same: benchmark accounts only
TEAMS = 20
KEY_WORKERS_PER_TEAM = 9
BATCH = 5000


@dataclass(frozen=True)
class Sizes:
    people: int = 10_000
    carers: int = 8_000


def default_url() -> str:
    return f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}"


def bench_app(database_url: str) -> Flask:
    """The portal as the benchmark runs it: development settings (CSRF on, no demo data)."""
    return create_app("development", {"DATABASE_URL": database_url, "DEMO_DATA": False})


def reset_schema(app: Flask) -> None:
    """Start from nothing (even on a reused PostgreSQL database), then the real migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        with db.engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def seeded_people(database_url: str) -> int:
    """How many seeded service users the database holds (0 when emptied or never seeded: the other
    benchmarks reuse ``PORTAL_BENCH_DATABASE_URL`` and leave it otherwise)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text(
                "SELECT count(*) FROM user_account WHERE email LIKE 'su%@bench.test'")) or 0)
    except DBAPIError:
        return 0
    finally:
        engine.dispose()


def _nhs_numbers() -> Iterator[str]:
    serial = 0
    while True:
        serial += 1
        base = f"999{serial:06d}"
        for check in range(10):
            if is_valid_nhs_number(base + str(check)):
                yield base + str(check)
                break


def _answer_patterns(rng: random.Random) -> dict[str, list[tuple[dict[int, int], dict[str, Any]]]]:
    """A pool of realistic answer sets per instrument, each with the scores the portal gives it."""
    patterns: dict[str, list[tuple[dict[int, int], dict[str, Any]]]] = {"dialog": [], "reqol10": []}
    dialog_instrument = load_instrument("dialog")
    for _ in range(40):
        ratings = {item.number: rng.randint(3, 6) for item in dialog_instrument.items}
        more_help = sorted(rng.sample(range(1, 9), rng.randint(0, 2)))
        result = dialog.score(ratings, more_help, dialog_instrument)
        patterns["dialog"].append((ratings, {
            "quality_of_life": round(result.quality_of_life, 2),
            "treatment_satisfaction": round(result.treatment_satisfaction, 2), "more_help": more_help}))
    reqol = load_instrument("reqol10")
    physical = reqol.item_by_code(reqol10.PHYSICAL_HEALTH_CODE)
    for _ in range(40):
        answers = {item.number: rng.choice([v for v in item.values if v in (1, 2, 3)] or list(item.values))
                   for item in reqol.items if item.number != physical.number}
        health = rng.choice(physical.values)
        score = reqol10.score(answers, health, reqol)
        patterns["reqol10"].append(({**answers, physical.number: health}, {
            "total": score.total, "clinical_range": score.clinical_range, "physical_health": health}))
    return patterns


class Writer:
    """Collects rows per table and inserts them many at a time, with ids chosen here."""

    def __init__(self) -> None:
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        self.next_ids: dict[Table, int] = {}
        self.count = 0

    def add(self, model: Any, **values: Any) -> int:
        table: Table = model.__table__
        row_id = self.next_ids.get(table, 1)
        self.next_ids[table] = row_id + 1
        self.rows.setdefault(table, []).append({"id": row_id, **values})
        if len(self.rows[table]) >= BATCH:
            self.flush()
        return row_id

    def flush(self) -> None:
        """Every table's waiting rows, parents before children."""
        for table in Base.metadata.sorted_tables:
            if rows := self.rows.pop(table, None):
                db.session.execute(insert(table), rows)
                self.count += len(rows)

    def fix_sequences(self) -> None:
        """PostgreSQL: ids were chosen here, so move each table's sequence past them."""
        if db.engine.dialect.name != "postgresql":
            return
        for table, next_id in self.next_ids.items():
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :last)"  # nosec B608 # a table name from our own metadata
            ), {"last": next_id - 1})


def seed(app: Flask, sizes: Sizes = Sizes(), rng_seed: int = 18) -> int:  # noqa: PLR0915 - one straight story
    """Fill the (empty, migrated) database; returns the number of rows written."""
    rng = random.Random(rng_seed)  # nosec B311 # made-up data, not security
    today = date.today()
    now = utcnow()
    patterns = _answer_patterns(rng)
    instruments = {name: load_instrument(name) for name in ("dialog", "reqol10")}
    password_hash = hash_password(PASSWORD)
    nhs_numbers = _nhs_numbers()
    write = Writer()

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 10, 0, tzinfo=now.tzinfo)

    def account(email: str, role: Role) -> int:
        user_id = write.add(User, email=email, role=role, password_hash=password_hash, locale="en",
                            active=True, session_token=f"bench{email}"[:64], created_at=now)
        if role in (Role.KEY_WORKER, Role.TEAM_LEAD, Role.ADMIN):
            write.add(SecondFactor, user_id=user_id, secret=TOTP_SECRET, enrolled_at=now)
        return user_id

    with app.app_context():
        pathway = write.add(CarePathway, name="Community", goal_review_months=3)
        key_workers: list[tuple[int, int, int]] = []  # (team, staff member, user)
        for t in range(1, TEAMS + 1):
            team = write.add(Team, name=f"Bench Community Mental Health Team {t}")
            write.add(StaffMember, name=f"Lead {t}", profession="Team lead", registration="NMC 00A0000A",
                      team_id=team, user_id=account(f"lead{t}@bench.test", Role.TEAM_LEAD))
            for k in range(1, KEY_WORKERS_PER_TEAM + 1):
                user = account(f"kw{t}-{k}@bench.test", Role.KEY_WORKER)
                member = write.add(StaffMember, name=f"Key Worker {t}-{k}", profession="Mental health nurse",
                                   registration="NMC 00A0000A", team_id=team, user_id=user)
                key_workers.append((team, member, user))

        per_team = sizes.people // TEAMS
        carers_left = sizes.carers
        for n in range(sizes.people):
            team_index = min(n // per_team, TEAMS - 1)
            team_workers = key_workers[team_index * KEY_WORKERS_PER_TEAM:(team_index + 1) * KEY_WORKERS_PER_TEAM]
            team, member, staff_user = team_workers[n % KEY_WORKERS_PER_TEAM]
            user = account(f"su{n}@bench.test", Role.SERVICE_USER)
            person = write.add(
                ServiceUser, given_name=f"Given{n}", family_name=f"Family{n:05d}", preferred_name="", pronouns="",
                date_of_birth=date(1960 + n % 45, 1 + n % 12, 1 + n % 28), nhs_number=next(nhs_numbers),
                phone="", email="", address="", postcode="", team_id=team, care_pathway_id=pathway,
                key_worker_id=None if n % 50 == 0 else member, user_id=user,
            )
            write.add(MeasureAssignment, service_user_id=person, instrument_id="dialog",
                      due_on=today + timedelta(days=n % 40 - 20), assigned_by_id=staff_user, assigned_at=now)
            for instrument_id in ("dialog", "reqol10"):
                instrument = instruments[instrument_id]
                for months_ago in (12, 6, 1 + n % 3):
                    answers, scores = rng.choice(patterns[instrument_id])
                    when = at(today - timedelta(days=30 * months_ago + n % 20))
                    response = write.add(
                        MeasureResponse, service_user_id=person, instrument_id=instrument_id,
                        instrument_version=instrument.version, status=ResponseStatus.SUBMITTED,
                        started_by_id=user, started_at=when, updated_at=when, submitted_at=when, version=1,
                        superseded=False, scores=scores,
                    )
                    help_items = set(scores.get("more_help", ()))
                    for number, value in answers.items():
                        write.add(MeasureAnswer, response_id=response, item_code=instrument.item(number).code,
                                  item_number=number, value=value,
                                  more_help=(number in help_items) if instrument_id == "dialog" else None,
                                  answered_at=when)
            for g in range(2):
                goal = write.add(
                    Goal, service_user_id=person, text=f"Goal {g + 1} of person {n}", written_by_id=staff_user,
                    owner=AuthorRole.SERVICE_USER, status=GoalStatus.ACTIVE, created_at=at(today - timedelta(days=200)),
                    agreed_at=at(today - timedelta(days=200)), next_review_on=today + timedelta(days=n % 60 - 30),
                    version=1, on_behalf_reason="", what_will_help="", other_organisation="", stop_reason="",
                )
                for r in range(3):
                    write.add(GoalRating, goal_id=goal, rating=min(10, 2 + r * 2 + n % 3), rated_by_id=user,
                              rated_by_role=AuthorRole.SERVICE_USER, rated_at=at(today - timedelta(days=200 - 80 * r)),
                              note="")
            plan = write.add(CarePlan, service_user_id=person, created_at=now, updated_at=now,
                             changed_since_agreed=bool(n % 3), next_review_on=today + timedelta(days=n % 365 - 60))
            for number, days_ago in ((1, 400), (2, 30 + n % 300)):
                write.add(CarePlanVersion, care_plan_id=plan, number=number,
                          agreed_at=at(today - timedelta(days=days_ago)), agreed_by_id=staff_user,
                          agreed_by_role=AuthorRole.KEY_WORKER,
                          next_review_on=today + timedelta(days=365 - days_ago),
                          content={"sections": {"goals": [f"Goal 1 of person {n}"]}})
            if n % 4:
                write.add(SafetyPlan, service_user_id=person, warning_signs="Not sleeping", updated_by_id=staff_user,
                          created_at=now, updated_at=now, version=1)
            if carers_left and n % 5 != 4:
                carers_left -= 1
                carer = write.add(Carer, name=f"Carer of {n}", details_confirmed_on=today - timedelta(days=n % 500),
                                  user_id=account(f"carer{n}@bench.test", Role.CARER) if n % 2 else None)
                write.add(CarerLink, carer_id=carer, service_user_id=person, relationship_type="Parent")
        write.flush()
        write.fix_sequences()
        db.session.commit()
        write.count += outcome_series.rebuild()  # bulk inserts pass by the flush listeners that keep it
        caseload_tokens.everything_changed()  # and the caseload tokens
        db.session.commit()
    return write.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=default_url())
    parser.add_argument("--people", type=int, default=Sizes.people)
    options = parser.parse_args()
    app = bench_app(options.database_url)
    started = time.perf_counter()
    reset_schema(app)
    rows = seed(app, Sizes(people=options.people, carers=options.people * 4 // 5))
    print(f"Seeded {rows:,} rows ({options.people:,} service users) in {time.perf_counter() - started:.1f} s "
          f"into {options.database_url.split('://')[0]}")


if __name__ == "__main__":
    main()
