"""Where a page's time goes: renders one page many times under pyinstrument and prints the profile.

    .venv/bin/python scripts/profile_page.py [--page question|caseload] [--runs 200]

Builds a throwaway SQLite database with one team, a key worker and a service user (the tests'
factories), signs in through the test client and fetches the page ``--runs`` times.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyotp  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import password_and_code  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=("question", "caseload"), default="question")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--bench-database", help="a database bench/seed.py filled, instead of a tiny one")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.bench_database or f"sqlite:///{Path(folder) / 'profile.sqlite3'}"
        app = create_app("testing", {"DATABASE_URL": url})
        with app.app_context():
            from flask_migrate import upgrade

            client = app.test_client()
            if options.bench_database:
                from bench import seed

                who = "su5@bench.test" if options.page == "question" else "kw1-1@bench.test"
                client.post("/login", data={"email": who, "password": seed.PASSWORD})
                client.post("/login/code", data={"code": pyotp.TOTP(seed.TOTP_SECRET).now()})
            else:
                upgrade()
                team = factories.create_team()
                key_worker = factories.create_staff(team)
                person = factories.create_service_user(team, key_worker)
                db.session.commit()
                assert person.user is not None and key_worker.user is not None
                who = person.user.email if options.page == "question" else key_worker.user.email
                password_and_code(client, who)
            url = "/staff/"
            if options.page == "question":
                url = client.post("/me/measures/dialog").headers["Location"]
            assert client.get(url).status_code == 200
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            with profiler:
                for _ in range(options.runs):
                    client.get(url)
            elapsed = (time.perf_counter() - started) / options.runs * 1000
        print(f"{options.page}: {elapsed:.2f} ms per request (test client, profiled)")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
