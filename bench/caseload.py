"""Time to render the caseload, the team view and the team report for a team of 2,000 people.

Builds its own SQLite database in a temporary folder (from the real migrations), fills it with
a team of 2,000 service users, 20 key workers and a realistic spread of measures, goals, care
plans, safety plans, carers, flags and record-sync problems, then fetches each page through the
test client as a signed-in member of staff. Prints figures; never passes or fails.

    .venv/bin/python bench/caseload.py [--people 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Role, User  # noqa: E402
from tests import workspace_factories as make  # noqa: E402
from tests.factories import (  # noqa: E402
    PASSWORD,
    create_carer,
    create_pathway,
    create_service_user,
    create_staff,
    create_team,
    totp_code,
)

TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def build(people: int) -> tuple[str, str]:
    """The team, made with the tests' factories; returns the team lead's and one key worker's email."""
    team = create_team("Bench Community Mental Health Team")
    pathway = create_pathway("Community", months=3)
    lead = create_staff(team, Role.TEAM_LEAD, name="Staff 0")
    key_workers = [create_staff(team, name=f"Staff {n}") for n in range(1, 21)]
    assert lead.user is not None and key_workers[0].user is not None

    for n in range(people):
        key_worker = None if n % 50 == 0 else key_workers[n % len(key_workers)]
        # Nobody to write on behalf of someone without a key worker: they have an account themselves.
        person = create_service_user(team, key_worker, with_account=key_worker is None, given_name=f"Given{n}",
                                     family_name=f"Family{n:04d}", date_of_birth=date(1980, 1, 1),
                                     care_pathway_id=pathway.id)
        make.create_assignment(person, "dialog", TODAY + timedelta(days=n % 30 - 15), by=lead.user)
        make.create_response(person, "dialog", ago(n % 400), {"quality_of_life": 4})
        make.create_response(person, "reqol10", ago(300), {"total": 15 + n % 7})
        make.create_response(person, "reqol10", ago(30), {"total": 12 + n % 15})
        if n % 7 == 0:
            make.create_deferral(person, "reqol10", TODAY + timedelta(days=20))
        for g in range(2):
            make.create_goal(person, agreed_on=ago(200), next_review_on=TODAY + timedelta(days=n % 60 - 30),
                             ratings=tuple((ago(200 - 90 * r), r) for r in range(2)), text=f"Goal {g}")
        if n % 3:
            make.create_care_plan(person, agreed_on=ago(n % 500), next_review_on=TODAY + timedelta(days=365 - n % 500),
                                  adjustments=(make.at(ago(n % 600)),))
        if n % 4:
            make.create_safety_plan(person)
        if n % 2:
            carer = create_carer(person, "Parent", with_account=False, name=f"Carer {n}")
            carer.details_confirmed_on = ago(n % 500)
            if n % 10 == 1:
                make.create_contribution(person, carer.id)
        if n % 25 == 0:
            make.create_dead_message(person)
        if n % 40 == 0:
            make.create_flag(person)
    db.session.commit()
    return lead.user.email, key_workers[0].user.email


def measure(engine: Engine, client: object, url: str, runs: int, headers: dict[str, str]) -> tuple[float, int, int]:
    """Median milliseconds, the number of SQL statements, and the response size in kB."""
    times = []
    size = queries = 0
    for run in range(runs + 1):
        with make.count_queries(engine) as count:
            start = time.perf_counter()
            response = client.get(url, headers=headers)  # type: ignore[attr-defined]
            elapsed = time.perf_counter() - start
        queries = count()
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
        if run:  # the first run warms template and query caches
            times.append(elapsed * 1000)
    return statistics.median(times), queries, size // 1024


def kept_size(email: str) -> str:
    """The memory one team caseload takes while it is kept between requests (services/caseload_cache.py)."""
    from portal.services import caseload  # here: imported first, it would meet a circular import

    lead = db.session.scalar(select(User).where(User.email == email))
    caseload.WorkedOut.of(caseload.caseload_rows(lead, TODAY))  # the first time fills SQLAlchemy's caches
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    worked = caseload.WorkedOut.of(caseload.caseload_rows(lead, TODAY))
    for show in caseload.SHOW_CHOICES:  # what paging through every "Show" choice adds
        worked.chosen(show, "attention")
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return (f"A team caseload kept between requests: {len(worked):,} rows, {size / 1024:,.0f} KB "
            f"({size / len(worked):,.0f} bytes a row)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {"DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            lead_email, key_worker_email = build(options.people)
            engine = db.engine
            db.session.remove()
        print(f"Built a team of {options.people:,} service users in {time.perf_counter() - started:.1f} s "
              f"(SQLite, {options.runs} runs each, median)")

        # Requests run outside an app context, as in production: each gets its own `g`.
        def signed_in(email: str) -> object:
            client = app.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            if response.status_code == 303 and response.headers["Location"] == "/login/code":
                with app.app_context():  # staff have an authenticator app (tests/factories.py)
                    user_id = db.session.scalar(select(User.id).where(User.email == email))
                    code = totp_code(user_id)
                response = client.post("/login/code", data={"code": code})
            assert response.status_code == 303, "sign-in failed"
            return client

        lead, key_worker = signed_in(lead_email), signed_in(key_worker_email)
        pages = [
            ("Team caseload (team lead, 2,000 people, page 1)", lead, "/staff/"),
            ("Team caseload, sorted by due date, overdue only", lead, "/staff/?show=overdue&sort=due"),
            ("Team caseload, search (HTMX fragment)", lead, "/staff/?q=family01"),
            ("My caseload (key worker, about 100 people)", key_worker, "/staff/"),
            ("Team view (key workers and allocation)", lead, "/staff/team"),
            ("Team report page (charts)", lead, "/staff/team/report"),
            ("Team report CSV", lead, "/staff/team/report.csv"),
        ]
        print(f"{'Page':<52} {'ms':>8} {'queries':>8} {'kB':>6}")
        for label, client, url in pages:
            headers = {"HX-Request": "true"} if "HTMX" in label else {}
            milliseconds, queries, size = measure(engine, client, url, options.runs, headers)
            print(f"{label:<52} {milliseconds:>8.1f} {queries:>8} {size:>6}")
        with app.app_context():
            print(kept_size(lead_email))
        engine.dispose()

if __name__ == "__main__":
    main()
