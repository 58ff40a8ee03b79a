"""CPU time per page with the render cache off and on (portal/render_cache.py, issue 18).

CPU time of this process (not wall time), so the figures hold even when other work shares the
machine. Fetches each page through the test client as a signed-in person on a small database,
the render cache first off, then on (warmed by one request), ``--runs`` times each.

    .venv/bin/python bench/render.py [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Role  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import IsolatedClient, password_and_code  # noqa: E402


def cpu_ms(client: FlaskClient, method: str, url: str, runs: int, **kwargs: object) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        response = client.open(url, method=method, **kwargs)
        times.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.mean(times)


def pages(app: Flask) -> list[tuple[str, FlaskClient, str, str, dict[str, object]]]:
    team = factories.create_team()
    key_worker = factories.create_staff(team)
    lead = factories.create_staff(team, Role.TEAM_LEAD)
    people = [factories.create_service_user(team, key_worker) for _ in range(30)]
    db.session.commit()
    assert key_worker.user is not None and lead.user is not None and people[0].user is not None
    service_user = app.test_client()
    password_and_code(service_user, people[0].user.email)
    question = service_user.post("/me/measures/dialog").headers["Location"]
    staff = app.test_client()
    password_and_code(staff, key_worker.user.email)
    team_lead = app.test_client()
    password_and_code(team_lead, lead.user.email)
    return [
        ("sign-in page (signed out)", app.test_client(), "GET", "/login", {}),
        ("DIALOG question page", service_user, "GET", question, {}),
        ("autosave (htmx)", service_user, "POST", question,
         {"data": {"answer": "5", "autosave": "1"}, "headers": {"HX-Request": "true"}}),
        ("service user home", service_user, "GET", "/me/", {}),
        ("key worker caseload (30 people)", staff, "GET", "/staff/", {}),
        ("person overview", staff, "GET", f"/staff/service-users/{people[1].id}", {}),
        ("team report", team_lead, "GET", "/staff/team/report", {}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {"DATABASE_URL": f"sqlite:///{Path(folder) / 'render.sqlite3'}"})
        app.test_client_class = IsolatedClient  # a fresh g per request, as in production
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            cache = app.extensions["render_cache"]
            print(f"\nCPU ms per request, test client, mean of {options.runs} (render cache off → on)\n")
            print("| Page | cache off | cache on | saved |")
            print("|---|---|---|---|")
            for name, client, method, url, kwargs in pages(app):
                cache.enabled = False
                off = cpu_ms(client, method, url, options.runs, **kwargs)
                cache.enabled = True
                cpu_ms(client, method, url, 1, **kwargs)
                on = cpu_ms(client, method, url, options.runs, **kwargs)
                print(f"| {name} | {off:.2f} | {on:.2f} | {(1 - on / off) * 100:.0f}% |", flush=True)


if __name__ == "__main__":
    main()
