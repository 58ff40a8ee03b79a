"""Requests per second the portal serves on this machine, against a bare Flask "hello" (issue 18).

Seeds a trust-sized database (bench/seed.py: 20 teams, 200 staff, 10,000 service users, 8,000
carers), then starts, one after the other and with the same gunicorn settings (``WORKERS`` sync
workers, as ``make serve``): a bare Flask "hello" (bench/hello.py), and the portal. This process
(apart from the servers) drives each with ``USERS`` simulated people at once, each doing one
scenario again and again for ``--seconds``, through a small asyncio HTTP/1.1 client (gunicorn's
sync workers close every connection, so a request is a connection; the client is lighter than
httpx so that it, not the server, is rarely the limit):

- **service user**: starts DIALOG, and for each of its 11 questions opens the page, chooses an
  answer (the htmx autosave) and presses Continue; then checks the answers, sends them and opens
  the results;
- **key worker**: opens their caseload (about 55 people) and one person's overview;
- **team lead**: opens the team caseload (500 people) and the team report.

Each person signs in first (staff type the code from their authenticator app, made with pyotp
from the seeded secret, as the tests do), not timed. For each page it prints requests per
second, the ratio to hello's, p50/p95/p99 in milliseconds, errors (anything but the expected
status) and SQL statements per request (the portal counts them only because the benchmark sets
PORTAL_BENCH_COUNT_QUERIES=1: portal/query_count.py). The two CPU cores are shared by the servers
and this client: figures are for comparing, here.

    .venv/bin/python bench/load.py [--seconds 10] [--users 20] [--people 10000] [--skip-seed]
                                   [--render-cache on|off|both]

On SQLite (``instance/bench.sqlite3``), then again on PostgreSQL when PORTAL_BENCH_DATABASE_URL
names a database (it is emptied), e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess  # nosec B404 # starts gunicorn, a fixed command
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed as seeding  # noqa: E402

WORKERS = 2
TOTP_STEP_SECONDS = 30  # as portal/services/second_factor.STEP_SECONDS
USERS = 20
HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/staff/service-users/(\d+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


@dataclass
class Tally:
    """What happened to each kind of request in one scenario."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    counting: bool = False


class Person:
    """One simulated browser: a cookie jar and a CSRF token, one request at a time."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.question = ""  # the page the single-page scenarios repeat

    async def request(self, method: str, path: str, form: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None) -> Answer:
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Connection: close",
                 "Accept-Encoding: identity", "Sec-Fetch-Site: same-origin"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await reader.read()
        finally:
            writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        answer_headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, attributes = value.partition(";")
                key, _, cookie_value = cookie.partition("=")
                if "expires=thu, 01 jan 1970" in attributes.lower() or not cookie_value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie_value
            answer_headers[name] = value
        return Answer(int(status_line.split()[1]), answer_headers, payload.decode("utf-8", errors="replace"))

    async def timed(self, kind: str, expected: int, method: str, path: str, form: dict[str, str] | None = None,
                    headers: dict[str, str] | None = None) -> Answer:
        started = time.perf_counter()
        answer = await self.request(method, path, form, headers)
        if not self.tally.counting:
            return answer
        self.tally.times[kind].append((time.perf_counter() - started) * 1000)
        if "x-query-count" in answer.headers:
            self.tally.queries[kind].append(int(answer.headers["x-query-count"]))
        if answer.status != expected:
            self.tally.errors[kind] += 1
        return answer

    async def sign_in(self, email: str) -> None:
        page = await self.request("GET", "/login")
        self.csrf = CSRF.search(page.body).group(1)  # type: ignore[union-attr]
        answer = await self.request("POST", "/login", {"csrf_token": self.csrf, "email": email,
                                                       "password": seeding.PASSWORD})
        if answer.location == "/login/code":
            code_page = await self.request("GET", "/login/code")  # signing in gave a new session and token
            self.csrf = CSRF.search(code_page.body).group(1)  # type: ignore[union-attr]
            # Each code is accepted once (the "again" scenarios sign the same people in within a
            # step), and the next step's code is accepted too (a slow phone clock): try that one next.
            for ahead in (0, TOTP_STEP_SECONDS):
                code = pyotp.TOTP(seeding.TOTP_SECRET).at(time.time() + ahead)
                answer = await self.request("POST", "/login/code", {"csrf_token": self.csrf, "code": code})
                if answer.status == 303:
                    break
        if answer.status != 303 or answer.location.startswith("/login"):
            raise SystemExit(f"{email} could not sign in: {answer.status} {answer.location}")
        home = await self.request("GET", answer.location)
        for _ in range(5):  # "/" sends each person to their own home page
            if home.status not in (301, 302, 303):
                break
            home = await self.request("GET", home.location)
        self.csrf = CSRF.search(home.body).group(1)  # type: ignore[union-attr]


# The scenarios: each is one round a person repeats. -------------------------------------------

async def answer_dialog(person: Person) -> None:
    post = {"csrf_token": person.csrf}
    started = await person.timed("start questionnaire", 303, "POST", "/me/measures/dialog", post)
    location = started.location
    while "/questions/" in location:
        await person.timed("question page", 200, "GET", location)
        answer = {**post, "answer": "5", "more_help": "no"}
        await person.timed("autosave (htmx)", 200, "POST", location, {**answer, "autosave": "1"},
                           {"HX-Request": "true"})
        location = (await person.timed("answer (Continue)", 303, "POST", location, answer)).location
    await person.timed("check answers", 200, "GET", location)
    sent = await person.timed("send answers", 303, "POST", location.replace("/check", "/submission"), post)
    await person.timed("results", 200, "GET", sent.location)


async def _open_question(person: Person) -> str:
    if not person.question:
        started = await person.request("POST", "/me/measures/dialog", {"csrf_token": person.csrf})
        person.question = started.location
    return person.question


async def question_page_round(person: Person) -> None:
    await person.timed("DIALOG question page", 200, "GET", await _open_question(person))


async def autosave_round(person: Person) -> None:
    location = await _open_question(person)
    await person.timed("autosave (htmx)", 200, "POST", location,
                       {"csrf_token": person.csrf, "answer": random.choice("3456"), "autosave": "1"},  # nosec B311
                       {"HX-Request": "true"})


async def key_worker_round(person: Person) -> None:
    caseload = await person.timed("key worker caseload", 200, "GET", "/staff/")
    people = PERSON_LINK.findall(caseload.body)
    if people:
        await person.timed("person overview", 200, "GET", f"/staff/service-users/{random.choice(people)}")  # nosec B311


async def team_lead_round(person: Person) -> None:
    await person.timed("team caseload", 200, "GET", "/staff/?show=all")
    await person.timed("team report", 200, "GET", "/staff/team/report")


async def hello_round(person: Person) -> None:
    await person.timed("hello", 200, "GET", "/")


@dataclass(frozen=True)
class Scenario:
    name: str
    round: Callable[[Person], Awaitable[None]]
    emails: Callable[[int], str]  # the n-th simulated person's account


SCENARIOS = (
    Scenario("service user answers DIALOG", answer_dialog, lambda n: f"su{n * 37 % 9000 + 1}@bench.test"),
    Scenario("one question page, again and again", question_page_round, lambda n: f"su{n * 41 % 9000 + 2}@bench.test"),
    Scenario("one autosave, again and again", autosave_round, lambda n: f"su{n * 43 % 9000 + 3}@bench.test"),
    Scenario("key worker", key_worker_round,
             lambda n: f"kw{n % seeding.TEAMS + 1}-{n // seeding.TEAMS + 1}@bench.test"),
    Scenario("team lead", team_lead_round, lambda n: f"lead{n % seeding.TEAMS + 1}@bench.test"),
    # The same two again: each worker now has each caseload and report kept (services/caseload_cache.py).
    # The first runs include working each one out once per worker; these show a lead's pages after that.
    Scenario("key worker, again", key_worker_round,
             lambda n: f"kw{n % seeding.TEAMS + 1}-{n // seeding.TEAMS + 1}@bench.test"),
    Scenario("team lead, again", team_lead_round, lambda n: f"lead{n % seeding.TEAMS + 1}@bench.test"),
)


async def drive(port: int, scenario: Scenario | None, users: int, seconds: float) -> tuple[Tally, float]:
    """``users`` people repeating the scenario for ``seconds``; a round started before the end is
    finished. Returns the tally and how long it really took."""
    tally = Tally()
    people = [Person(port, tally) for _ in range(users)]
    if scenario is not None:
        for n, person in enumerate(people):
            await person.sign_in(scenario.emails(n))
    one_round = scenario.round if scenario is not None else hello_round
    tally.counting = True
    deadline = time.perf_counter() + seconds

    async def repeat(person: Person) -> None:
        while time.perf_counter() < deadline:
            await one_round(person)

    started = time.perf_counter()
    await asyncio.gather(*(repeat(person) for person in people))
    return tally, time.perf_counter() - started


# Servers ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[int]:
    port = free_port()
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"{HOST}:{port}", "--log-level", "warning", app]
    log_path = ROOT / "instance" / f"bench-{app.split('.')[0].split(':')[0]}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("w")  # the servers' own messages (an error's traceback), out of the table's way
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},  # nosec B603 # our own command
                              stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not start: {app}")
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        if log_path.stat().st_size:
            print(f"(the server wrote to {log_path.relative_to(ROOT)})")


# Figures ---------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table_rows(name: str, tally: Tally, elapsed: float, hello_rate: float) -> list[str]:
    total = sum(len(times) for times in tally.times.values())
    rate = total / elapsed
    errors = sum(tally.errors.values())
    rows = [f"| **{name}** (all its requests) | {rate:,.0f} | {rate / hello_rate:.3f} | "
            f"{percentile(sum(tally.times.values(), []), 0.5):.0f} | "
            f"{percentile(sum(tally.times.values(), []), 0.95):.0f} | "
            f"{percentile(sum(tally.times.values(), []), 0.99):.0f} | {errors} | |"]
    for kind, times in tally.times.items():
        share = len(times) / elapsed
        queries = tally.queries.get(kind)
        sql = f"{statistics.mean(queries):.1f}" if queries else ""
        rows.append(f"| {kind} | {share:,.1f} | | {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} | "
                    f"{percentile(times, 0.99):.0f} | {tally.errors.get(kind, 0)} | {sql} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--people", type=int, default=seeding.Sizes.people)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the database seeded last time")
    parser.add_argument("--render-cache", choices=("on", "off", "both"), default="on",
                        help="both: the portal twice, without then with portal/render_cache.py, back to back")
    options = parser.parse_args()
    urls = [seeding.default_url()]
    if os.environ.get("PORTAL_BENCH_DATABASE_URL"):
        urls.append(os.environ["PORTAL_BENCH_DATABASE_URL"])
    for database_url in urls:
        run(database_url, options)


def run(database_url: str, options: argparse.Namespace) -> None:
    engine_name = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    if options.skip_seed and seeding.seeded_people(database_url) < options.people:
        raise SystemExit(f"{engine_name}: no seeded trust of {options.people:,} people to reuse (the other "
                         "benchmarks empty the same database): run without --skip-seed")
    if not options.skip_seed:
        started = time.perf_counter()
        app = seeding.bench_app(database_url)
        seeding.reset_schema(app)
        rows = seeding.seed(app, seeding.Sizes(people=options.people, carers=options.people * 4 // 5))
        print(f"Seeded {rows:,} rows ({options.people:,} service users) on {engine_name} "
              f"in {time.perf_counter() - started:.1f} s", flush=True)

    with gunicorn("bench.hello:app", {}) as port:
        hello, hello_elapsed = asyncio.run(drive(port, None, options.users, options.seconds))
    hello_rate = len(hello.times["hello"]) / hello_elapsed

    settings = ("off", "on") if options.render_cache == "both" else (options.render_cache,)
    for render_cache in settings:
        portal_env = {"PORTAL_ENV": "development", "PORTAL_DATABASE_URL": database_url, "PORTAL_DEMO_DATA": "false",
                      "PORTAL_BENCH_COUNT_QUERIES": "1", "PORTAL_BENCH_RENDER_CACHE": render_cache}
        results = []
        with gunicorn("portal:create_app()", portal_env) as port:
            for scenario in SCENARIOS:
                results.append((scenario.name, *asyncio.run(drive(port, scenario, options.users, options.seconds))))

        print(f"\n{engine_name}, render cache {render_cache}, gunicorn with {WORKERS} sync workers, "
              f"{options.users} people at once, {options.seconds:g} s per scenario, "
              f"{os.cpu_count()} CPU cores shared with this client\n")
        print("| Scenario / page | req/s | ratio to hello | p50 ms | p95 ms | p99 ms | errors | SQL per request |")
        print("|---|---|---|---|---|---|---|---|")
        print(f"| bare Flask hello | {hello_rate:,.0f} | 1.000 | {percentile(hello.times['hello'], 0.5):.0f} | "
              f"{percentile(hello.times['hello'], 0.95):.0f} | {percentile(hello.times['hello'], 0.99):.0f} | "
              f"{sum(hello.errors.values())} | |")
        for name, tally, elapsed in results:
            print("\n".join(table_rows(name, tally, elapsed, hello_rate)), flush=True)

if __name__ == "__main__":
    main()
