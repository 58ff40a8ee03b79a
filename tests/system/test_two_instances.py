"""Two portal instances behind one proxy behave as one portal (issue 18: "several instances").

A trust runs the portal as several instances behind a load balancer, all on one PostgreSQL
database with limits counted in Redis (README "In production"). This starts exactly that: two
gunicorn servers, each its own process, on a database of their own, with a small round-robin
proxy in front, and checks what must not differ between them:

- **sign-in limits**: wrong passwords sent through the proxy land on both instances and add up;
  after the limit, both refuse the right password too;
- **signing out**: a session cookie that worked on one instance stops working on the other the
  moment the person signs out;
- **reminders**: two ``flask reminders run`` processes at once send each reminder exactly once;
- **the sync worker**: two ``flask sync run`` processes at once deliver each outbox message to the
  record exactly once;
- **caseloads kept between requests**: a goal written through one instance shows at once on the
  team caseload the other instance had kept.

Needs PostgreSQL (``PORTAL_TEST_DATABASE_URL``, as in CI's second run) and Redis on
127.0.0.1:6379: skipped without them on a laptop, required on CI's PostgreSQL run.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess  # nosec B404 # starts gunicorn and flask from this checkout, fixed commands
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import create_engine, make_url, select, text

from portal.services.demo import DEMO_TOTP_SECRET
from tests.medplum_engine import stop_process

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATABASE = "portal_two_instances"
REDIS_DB = 13  # a Redis database of its own, emptied first; other tests use 15
SAM = "service.user@example.test"
LEAD = "team.lead@example.test"
JO = "carer@example.test"
PASSWORD = "demo-password-2026"  # nosec B105 # the README's demo password
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def _answers(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _needs(reason: str) -> None:
    if os.environ.get("CI") == "true" and (os.environ.get("PORTAL_TEST_DATABASE_URL") or "").startswith("postgresql"):
        pytest.fail(f"CI's PostgreSQL run must run this: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    test_url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set PORTAL_TEST_DATABASE_URL (CI's second run does)")
    if not _answers(6379):
        _needs("needs Redis on 127.0.0.1:6379")
    admin = create_engine(make_url(test_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    url = make_url(test_url).set(database=DATABASE).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def environment(database_url: str) -> dict[str, str]:
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    import redis  # the limiter's own client library

    redis.Redis.from_url(redis_url).flushdb()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(PORTAL_DATABASE_URL=database_url, PORTAL_RATELIMIT_STORAGE_URI=redis_url,
               PYTHONPATH=str(ROOT))
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "portal", *command], cwd=ROOT, env=env, check=True,  # nosec B603
                       capture_output=True, timeout=180)
    return env


@dataclass
class Proxy:
    """Sends each request to the next instance in turn, as a round-robin load balancer does."""

    backends: list[int]
    served: Counter[int] = field(default_factory=Counter)
    _turn: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_backend(self) -> int:
        with self._lock:
            port = self.backends[self._turn % len(self.backends)]
            self._turn += 1
            self.served[port] += 1
            return port


def _handler(proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["X-Forwarded-For"] = self.client_address[0]
            upstream = http.client.HTTPConnection("127.0.0.1", proxy.next_backend(), timeout=30)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                content = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            finally:
                upstream.close()

        do_GET = do_POST = _forward

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

    return Forward


@pytest.fixture(scope="module")
def instances(environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], Proxy]]:
    ports = [_free_port(), _free_port()]
    logs = [tmp_path_factory.mktemp("instances") / f"instance-{n}.log" for n in (1, 2)]
    servers = [
        subprocess.Popen(  # nosec B603 # a fixed command from this checkout
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120", "portal:create_app()"],
            # One proxy in front: the instances believe its X-Forwarded-For, as behind a load balancer.
            cwd=ROOT, env={**environment, "PORTAL_TRUSTED_PROXIES": "1"}, stdout=subprocess.DEVNULL,
            stderr=logs[index].open("wb"))
        for index, port in enumerate(ports)
    ]
    proxy = Proxy(ports)
    front = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy))
    thread = threading.Thread(target=front.serve_forever, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not all(_answers(port) for port in ports):
            for server in servers:
                if server.poll() is not None:
                    raise RuntimeError(f"an instance stopped: {logs[servers.index(server)].read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("the instances did not start within 60 s")
            time.sleep(0.2)
        yield (f"http://127.0.0.1:{front.server_address[1]}", [f"http://127.0.0.1:{port}" for port in ports], proxy)
    finally:
        front.shutdown()
        for server in servers:
            stop_process(server)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def _sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    form = client.get("/login")
    assert form.status_code == 200
    return client.post("/login", data={"csrf_token": _csrf(form.text), "email": email, "password": password})


def _hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def _drafted_goals(caseload: str) -> int:
    return sum(int(number) for number in re.findall(r"(\d+) goals? drafted, to talk through", caseload))


def test_a_change_on_one_instance_shows_on_the_other_instances_caseload_at_once(
        instances: tuple[str, list[str], Proxy]) -> None:
    """Each instance keeps the team caseload it worked out (services/caseload_cache.py): a goal Sam
    writes through one instance must show on the caseload the other instance kept, straight away."""
    _, (first, second), _ = instances
    with httpx.Client(timeout=60, base_url=second) as lead:
        assert _sign_in(lead, LEAD, PASSWORD).headers["location"] == "/login/code"
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        assert lead.post("/login/code", data={"csrf_token": _csrf(lead.get("/login/code").text),
                                              "code": code}).status_code == 303
        before = _drafted_goals(lead.get("/staff/").text)
        assert _drafted_goals(lead.get("/staff/").text) == before  # kept, and the same
        with httpx.Client(timeout=60, base_url=first) as sam:
            assert _sign_in(sam, SAM, PASSWORD)  # before the test below locks Sam out.status_code == 303
            form = sam.get("/me/goals/new")
            assert form.status_code == 200
            sent = sam.post("/me/goals/new", data={**_hidden_fields(form.text), "text": "Go to the allotment on Sundays",
                                                   "first_rating": "3"})
            assert sent.status_code == 303, sent.text[:500]
        assert _drafted_goals(lead.get("/staff/").text) == before + 1


def test_wrong_passwords_add_up_across_instances(instances: tuple[str, list[str], Proxy]) -> None:
    front, backends, proxy = instances
    before = Counter(proxy.served)
    with httpx.Client(timeout=60, base_url=front) as client:
        for _ in range(5):
            refused = _sign_in(client, SAM, "not-the-password")
            assert refused.status_code == 200 and "The email address or password is not right" in refused.text
        served = proxy.served - before
        assert len(served) == 2 and min(served.values()) >= 4, f"both instances must have answered: {served}"
        assert _sign_in(client, SAM, PASSWORD).status_code == 429
    for backend in backends:  # straight to each instance, not through the proxy: both refuse
        with httpx.Client(timeout=60, base_url=backend) as direct:
            assert _sign_in(direct, SAM, PASSWORD).status_code == 429


def test_signing_out_on_one_instance_ends_the_session_on_the_other(instances: tuple[str, list[str], Proxy]) -> None:
    _, (first, second), _ = instances
    with httpx.Client(timeout=60, base_url=first) as on_first:
        signed_in = _sign_in(on_first, JO, PASSWORD)
        assert signed_in.status_code == 303, signed_in.text[:500]
        cookies = dict(on_first.cookies)
        with httpx.Client(timeout=60, base_url=second, cookies=cookies) as on_second:
            assert on_second.get("/carer/").status_code == 200, "the other instance must accept the session"
        token = _csrf(on_first.get("/carer/").text)
        assert on_first.post("/logout", data={"csrf_token": token}).status_code == 303
    with httpx.Client(timeout=60, base_url=second, cookies=cookies) as replay:  # the cookie from before signing out
        after = replay.get("/carer/")
        assert after.status_code == 302 and "/login" in after.headers["location"]


def _run_twice_at_once(environment: dict[str, str], *command: str) -> list[str]:
    runs = [subprocess.Popen([str(BIN / "flask"), "--app", "portal", *command], cwd=ROOT, env=environment,  # nosec B603
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=180)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    return outputs


def test_two_reminder_runs_at_once_send_each_reminder_once(environment: dict[str, str]) -> None:
    from datetime import time as clock

    from portal import create_app
    from portal.extensions import db
    from portal.models.reminders import ContactPreference, LocalMessage, NotificationStatus, ReminderNotification

    app = create_app(overrides={"DATABASE_URL": environment["PORTAL_DATABASE_URL"]})
    with app.app_context():
        # No quiet hours, whatever time this runs: everything queued is due now.
        for preference in db.session.scalars(select(ContactPreference)):
            preference.quiet_from = preference.quiet_until = clock(0, 0)
        db.session.commit()
        db.session.remove()
    queued = _run_twice_at_once(environment, "reminders", "run", "--no-send")
    with app.app_context():
        due = db.session.scalar(select(db.func.count()).select_from(ReminderNotification).where(
            ReminderNotification.status == NotificationStatus.QUEUED))
        db.session.remove()
    assert due, f"the demo queues reminders: {queued}"

    outputs = _run_twice_at_once(environment, "reminders", "run")
    with app.app_context():
        notifications = db.session.scalars(select(ReminderNotification)).all()
        messages = db.session.scalars(select(LocalMessage)).all()
        assert [n.status for n in notifications if n.status == NotificationStatus.QUEUED] == [], outputs
        sent = [n for n in notifications if n.provider_id]
        assert len(sent) == due, outputs
        reminders = Counter(m.reference for m in messages if m.reference.startswith("reminder-"))
        assert reminders == Counter(f"reminder-{n.id}" for n in sent), outputs
        assert sum(reminders.values()) == due, "each reminder was sent once, not once per run"
        db.session.remove()
        db.engine.dispose()


def test_two_sync_workers_at_once_deliver_each_message_once(environment: dict[str, str]) -> None:
    from portal import create_app
    from portal.extensions import db
    from portal.models import OutboxMessage, OutboxStatus, ServiceUser
    from portal.services import outbox
    from tests.fhir_server import FhirTestServer
    from tests.unit.record.conftest import session_payload

    with FhirTestServer() as server:
        app = create_app(overrides={"DATABASE_URL": environment["PORTAL_DATABASE_URL"]})
        with app.app_context():
            for message in db.session.scalars(select(OutboxMessage)):  # the demo's own: not this test's
                db.session.delete(message)
            people = db.session.scalars(select(ServiceUser)).all()
            for n, person in enumerate(people):
                server.add_patient(person.nhs_number)
                for step in range(6):
                    outbox.enqueue(person.id, "session.summary", session_payload(n * 100 + step, person.nhs_number))
            db.session.commit()
            expected = db.session.scalar(select(db.func.count()).select_from(OutboxMessage))
            db.session.remove()
        env = {**environment, "PORTAL_RECORD_ADAPTER": "fhir", "PORTAL_FHIR_BASE_URL": server.base_url}
        outputs = _run_twice_at_once(env, "sync", "run", "--once", "--no-pull")
        with app.app_context():
            statuses = Counter(db.session.scalars(select(OutboxMessage.status)))
            db.session.remove()
            db.engine.dispose()
        assert statuses == {OutboxStatus.DELIVERED: expected}, (statuses, outputs)
        delivered = Counter(server.received)
        assert len(delivered) == expected and set(delivered.values()) == {1}, "each message sent exactly once"
