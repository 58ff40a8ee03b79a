"""Time to build and render the team dashboard (issue 16) for 10,000 people.

Seeds a database with bench/seed.py (20 teams, 10,000 service users with DIALOG, ReQoL-10, goals
with ratings, care plans and safety plans), adds 2,000 pieces of feedback to team 1, then times,
as team 1's lead:

- the dashboard's figures (services/dashboard.team_dashboard) and the whole page (GET
  /staff/dashboard) and its CSV, for team 1 as seeded (about 500 people), and
- the same after moving all 10,000 people into team 1 (one very large team).

On SQLite in a temporary folder, and also on PostgreSQL when PORTAL_BENCH_DATABASE_URL is set
(that database is emptied first). Prints figures (median of --runs); never passes or fails.

    .venv/bin/python bench/dashboard.py [--people 10000] [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyotp  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import event, insert, select, text, update  # noqa: E402

from bench import seed as seeding  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.feedback_rules import FFT_ANSWERS  # noqa: E402
from portal.models import Feedback, ServiceUser, Team, User  # noqa: E402
from portal.services.dashboard import team_dashboard  # noqa: E402

WORDS = ("Priya listened to me", "The waiting was too long", "Nobody called me back", "Kind staff",
         "My appointments were cancelled", "", "Clear information about my medication")


def build(database_url: str, people: int) -> Flask:
    app = create_app("testing", {"DATABASE_URL": database_url, "DEMO_DATA": False})
    seeding.reset_schema(app)
    seeding.seed(app, seeding.Sizes(people=people, carers=people * 4 // 5))
    rng = random.Random(16)  # nosec B311 # made-up data, not security
    today = date.today()
    with app.app_context():
        team_id = db.session.scalar(select(Team.id).order_by(Team.id))
        db.session.execute(insert(Feedback), [
            {"team_id": team_id, "respondent": rng.choice(("service_user", "carer")),
             "fft_answer": rng.choice(FFT_ANSWERS), "went_well": rng.choice(WORDS),
             "could_be_better": rng.choice(WORDS),
             "given_on": today - timedelta(days=rng.randrange(365)), "contact_user_id": None}
            for _ in range(2000)])
        db.session.commit()
    return app


def signed_in(app: Flask, email: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": seeding.PASSWORD})
    if response.status_code == 303 and response.headers["Location"] == "/login/code":
        response = client.post("/login/code", data={"code": pyotp.TOTP(seeding.TOTP_SECRET).now()})
    assert response.status_code == 303, "sign-in failed"
    return client


def timed(runs: int, work) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Median milliseconds, and SQL statements in one run."""
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    times = []
    for run in range(runs):
        if run == 0:
            event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
        if run == 0:
            event.remove(db.engine, "before_cursor_execute", count)
    return statistics.median(times), statements


def measure(app: Flask, client, label: str, runs: int) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    start = today.replace(year=today.year - 1) + timedelta(days=1)
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "lead1@bench.test"))
        team_id = db.session.scalar(select(Team.id).order_by(Team.id))
        people = db.session.scalar(select(db.func.count()).select_from(ServiceUser)
                                   .where(ServiceUser.team_id == team_id))
        figures = timed(runs, lambda: team_dashboard(lead, start, today, today))

        def page() -> None:
            assert client.get("/staff/dashboard").status_code == 200

        def csv() -> None:
            assert client.get("/staff/dashboard.csv").status_code == 200

        rendered, as_csv = timed(runs, page), timed(runs, csv)
    for what, (milliseconds, statements) in (("figures (service)", figures), ("page", rendered),
                                             ("CSV", as_csv)):
        print(f"{label:<10} {people:>7,} people  {what:<18} {milliseconds:>8.1f} ms {statements:>4} SQL")


def vacuum(app: Flask) -> None:
    """As a database in use would be after a bulk load: PostgreSQL's statistics and visibility map
    up to date (autovacuum would get there later; measuring before it does measures the load)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))


def run(database_url: str, label: str, people: int, runs: int) -> None:
    started = time.perf_counter()
    app = build(database_url, people)
    vacuum(app)
    print(f"{label}: seeded {people:,} service users in {time.perf_counter() - started:.1f} s")
    client = signed_in(app, "lead1@bench.test")
    measure(app, client, label, runs)
    with app.app_context():  # everyone into team 1: one team of 10,000
        team_id = db.session.scalar(select(Team.id).order_by(Team.id))
        db.session.execute(update(ServiceUser).values(team_id=team_id))
        db.session.commit()
    vacuum(app)
    measure(app, client, label, runs)
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=11)  # this machine varies by a quarter from run to run
    options = parser.parse_args()
    print(f"Team dashboard, median of {options.runs} runs, test client (no network), as team 1's lead")
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'dashboard.sqlite3'}", "SQLite", options.people, options.runs)
    if url := os.environ.get("PORTAL_BENCH_DATABASE_URL"):
        run(url, "PostgreSQL", options.people, options.runs)


if __name__ == "__main__":
    main()
