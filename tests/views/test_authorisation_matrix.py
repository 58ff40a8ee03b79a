"""The authorisation matrix (issue 14): every endpoint × every role × whose record it is.

Generated from ``app.url_map``, so a new endpoint is covered without anyone adding it here. Each
rule is requested by GET (where it takes GET) and by POST with an empty form (where it takes POST;
CSRF is off in testing, so the form is as valid as one with a token) by each of these people:

    signed_out, service_user (Sam), discharged_service_user (Dee), carer_with_consent,
    carer_without_consent, carer_consent_withdrawn (all three Sam's carers), key_worker, team_lead, admin,
    care_team_member (Sam's consultant, in his care team: his care pages, and 403 for the rest of
    his pages, which stay with the key worker and team lead)

with its arguments filled from each subject's records (``tests/authorisation_world.py``): ``own``
(Sam, on the key worker's caseload), ``same_team`` (a colleague's), ``other_team``, ``former``
(handed over from the key worker to a colleague) and ``discharged`` (Dee, the key worker's,
discharged). Rules naming two records are also requested with one of them swapped for another
subject's (a goal of Alex's under Sam's URL): the classic way to reach someone else's record.

What each request should get, from the view's ``access_roles`` (``portal/access.py``) and who the
record belongs to:

- public: anything but a server error;
- signed out: a redirect to the sign-in page;
- signed in with a role the view does not take: 403;
- someone else's record: 404 (the same answer as a record that does not exist);
- their own: not refused (for a discharged person, 403 "may see but may not do" counts too).

Any other answer fails — above all an unexpected allow (a 2xx, or a 3xx to anywhere but the
sign-in page, for someone who should be refused) and any 5xx. Every response, whatever its
status, must also not show a subject's family name or content marker (their goal, care plan,
safety plan, notes, carer's words) to someone who may not see that subject, nor (to a carer) the
key worker and team that only the ``involvement`` consent shares. A refused POST must change
nothing: the audit trail is counted after each one, and every table is compared before and after
each endpoint's refused POSTs.

Counts (measured when this was written; each test's assertion message gives the live ones): 152
endpoints (Flask's static files left out), 86 of them taking POST; 9 roles × 5 subjects, plus the
swapped-record cases. Where whose record it is cannot change the answer (a public page, or a role
the access decorator refuses before any record is loaded) one subject, taken in turn, stands for
all five. About 1,900 GETs in 1,500 cases, 1,300 refused POSTs and 430 allowed POSTs: some 3,600
requests, under a minute on one core.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule

from portal.access import ACCESS_ATTRIBUTE, PUBLIC, SIGNED_IN
from portal.blueprints.staff.care_team_access import CO_WRITE, NOTES, READ
from portal.extensions import db, limiter
from portal.models import AuditEvent, Base, Role
from tests.authorisation_world import (
    CONSTANT_ARGUMENTS,
    FAMILY_NAMES,
    RECORD_ARGUMENTS,
    SUBJECTS,
    World,
    build_world,
    content_marker,
)
from tests.conftest import _empty_tables, sign_in

# Flask's own static files: no record, no access declaration (test_meta excludes them too).
NOT_ROUTES = {"static"}

# Pages whose records anyone in the person's team may see, not only their key worker: flags, as
# anyone in the team may be on duty (portal/blueprints/staff/risk_views.py, services/risk.py).
TEAM_SCOPE = {"staff.duty", "staff.flag", "staff.acknowledge_flag"}
# A handover note is for the key worker it hands over to, while the person is still theirs; team
# leads read handovers in the key worker history (services/handover.py, _addressed_to).
ADDRESSEE_SCOPE = {"staff.handover_note", "staff.confirm_handover_read"}
# What a carer sent the team is theirs to read again, nobody else's: the world's message is Cora's.
AUTHOR_SCOPE = {"carer.sent_contribution"}
# Pages a carer opens only while the person shares that section with them (issue 15): the results
# page is not there at all (404) for a carer Sam never gave, or took back, consent to see them.
CONSENT_SCOPE = {"carer.shared_results"}

TEAM = ("own", "same_team", "former", "discharged")  # the key worker's and team lead's team
CARERS = ("carer_with_consent", "carer_without_consent", "carer_consent_withdrawn")
SERVICE_USERS = ("service_user", "discharged_service_user")
FOREIGN = ("same_team", "other_team")  # swapped into one argument of a URL that names two records
SIGN_IN_PATH = "/login"
SIGNS_OUT = {"auth.logout"}  # its success is the sign-in page

# The POSTs send an empty form, except where an empty one is answered 404 by the page itself
# (not by an access check), so an allowed POST would look refused.
FORMS: dict[str, dict[str, str]] = {
    "me.pick_dialog_area": {"item_code": "mental_health"},  # a DIALOG area; "" is no area (404)
    "staff.pick_dialog_area": {"item_code": "mental_health"},
    # A rating the form accepts, so the goal in the URL is looked up (an empty form is answered
    # 400 before the goal is read: no one's goal is shown, but the goal's check is never reached).
    "me.rate_session_goal": {"rating": "5", "version": "1"},
    "staff.rate_session_goal": {"rating": "5", "version": "1"},
}

ANY, SIGN_IN, FORBIDDEN, NOT_FOUND, ALLOW = "anything but a 5xx", "sign-in", "403", "404", "allowed"
# A care team member (issue 15) on their person's page that stays with the key worker and team lead.
NOT_FOR_MEMBERS = "403 (a care team member)"
MEMBER = "care_team_member"  # Sam's consultant, registered: in his care team, not on any caseload
MEMBER_PAGES = READ | CO_WRITE | NOTES


# The world, once per module ------------------------------------------------------------------------

@dataclass
class Matrix:
    app: Flask
    world: World
    clients: dict[str, FlaskClient]


@pytest.fixture(scope="module")
def matrix(_app: Flask) -> Iterator[Matrix]:
    assert _app.config["WTF_CSRF_ENABLED"] is False, "the POSTs rely on CSRF being off in testing"
    phones = _app.config["SAFETY_PLAN_ON_TRUSTED_DEVICE"]
    _app.config["SAFETY_PLAN_ON_TRUSTED_DEVICE"] = True  # so the safety-plan-on-this-phone pages are there
    with _app.app_context():
        limiter.reset()
        try:
            yield Matrix(_app, build_world(), {})
        finally:
            db.session.rollback()
            db.session.remove()
            _empty_tables()
            limiter.reset()
            _app.config["SAFETY_PLAN_ON_TRUSTED_DEVICE"] = phones


@pytest.fixture(autouse=True)
def signed_in(matrix: Matrix) -> None:
    """Everyone signed in afresh for each test: the last requests of the one before (public sign-in
    pages, signing out) may have ended their sessions."""
    matrix.clients = {actor: (sign_in(matrix.app.test_client(), user) if user is not None
                              else matrix.app.test_client()) for actor, user in matrix.world.actors.items()}


# Who may see what ---------------------------------------------------------------------------------

def role_of(matrix: Matrix, actor: str) -> Role | None:
    user = matrix.world.actors[actor]
    return user.role if user is not None else None


def visible_subjects(matrix: Matrix, actor: str, endpoint: str) -> set[str]:
    """Whose records this person may open on this endpoint."""
    role = role_of(matrix, actor)
    if actor == MEMBER:  # their home page lists the care teams they are in
        return {"own"} if endpoint in MEMBER_PAGES or endpoint == "staff.home" else set()
    if role is Role.SERVICE_USER:
        return {matrix.world.own_subject[actor]}
    if role is Role.CARER and endpoint in AUTHOR_SCOPE | CONSENT_SCOPE:
        return {"own"} if actor == "carer_with_consent" else set()
    if role is Role.CARER:
        return {"own"}  # all three carers care for Sam; consent limits what they are shown, not the page
    if endpoint in ADDRESSEE_SCOPE:
        return {"own", "discharged"} if role is Role.KEY_WORKER else set()  # handed over to the key worker
    if role is Role.TEAM_LEAD or (role is Role.KEY_WORKER and endpoint in TEAM_SCOPE):
        return set(TEAM)
    if role is Role.KEY_WORKER:
        return {"own", "discharged"}  # their caseload; the former key worker has lost Fran
    if role is Role.ADMIN and endpoint.startswith("admin."):
        return set(SUBJECTS)  # the admin pages show ids only
    return set()


def forbidden_markers(matrix: Matrix, actor: str, endpoint: str) -> dict[str, str]:
    """Text that must not appear in any answer this person gets from this endpoint → whose it is."""
    world, role = matrix.world, role_of(matrix, actor)
    named = visible_subjects(matrix, actor, endpoint)
    if role is Role.CARER:
        shown = {"own"} if actor == "carer_with_consent" else set()  # the consent in force
    elif role is Role.ADMIN:
        shown = set()
    else:
        shown = named
    markers: dict[str, str] = {}
    for subject in set(SUBJECTS) - named:
        markers[FAMILY_NAMES[subject]] = f"{subject}'s name"
    for subject in set(SUBJECTS) - shown:
        markers[content_marker(subject)] = f"{subject}'s records"
    if role is Role.CARER:  # what only the involvement consent shares: the key worker and the team
        for subject in set(SUBJECTS) - shown:
            for text in (world.key_worker_names[subject], world.team_names[subject]):
                markers[text] = f"{subject}'s key worker or team (involvement)"
        for subject in shown:
            markers.pop(world.key_worker_names[subject], None)
            markers.pop(world.team_names[subject], None)
    return markers


# Filling in URLs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    subject: str  # whose records fill the URL
    swapped: str = ""  # the argument filled with a FOREIGN subject's record instead ("" for none)
    foreign: str = ""


def routes(app: Flask) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint not in NOT_ROUTES),
                  key=lambda rule: (rule.endpoint, rule.rule))


def methods_of(rule: Rule) -> list[str]:
    return [method for method in ("GET", "POST") if method in (rule.methods or ())]


def unfillable(rule: Rule) -> list[str]:
    return [name for name in rule.arguments if name not in RECORD_ARGUMENTS and name not in CONSTANT_ARGUMENTS]


def record_arguments(rule: Rule) -> list[str]:
    return sorted(name for name in rule.arguments if name in RECORD_ARGUMENTS)


def cases(matrix: Matrix, rule: Rule, actor: str, turn: int) -> list[Case]:
    names = record_arguments(rule)
    if not names:
        return [Case("own")]  # the URL is the same whoever's record it is about: the person's own pages
    if expected(matrix, rule, actor, Case("own")) in (ANY, SIGN_IN, FORBIDDEN):
        # Whose record it is cannot change this answer (the access decorator answers before any
        # record is loaded, or the page is public): one subject stands for all, in turn.
        return [Case(SUBJECTS[turn % len(SUBJECTS)])]
    found = [Case(subject) for subject in SUBJECTS]
    if len(names) > 1:
        found += [Case("own", name, foreign) for name in names for foreign in FOREIGN]
    return found


def urls(matrix: Matrix, rule: Rule, case: Case) -> list[str]:
    """Every URL for this case (a product where the subject has several records of a kind)."""
    choices: dict[str, list[Any]] = {name: [value] for name, value in CONSTANT_ARGUMENTS.items()
                                     if name in rule.arguments}
    for name in record_arguments(rule):
        subject = case.foreign if name == case.swapped else case.subject
        choices[name] = RECORD_ARGUMENTS[name](matrix.world, subject)
    names = sorted(choices)
    built = []
    for values in itertools.product(*(choices[name] for name in names)):
        result = rule.build(dict(zip(names, values, strict=True)), append_unknown=False)
        assert result is not None, f"{rule.endpoint}: could not build {rule.rule} from {dict(zip(names, values, strict=True))}"
        built.append(result[1])
    return built


# What each request should get ----------------------------------------------------------------------

def expected(matrix: Matrix, rule: Rule, actor: str, case: Case) -> str:
    access = getattr(matrix.app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE)
    if access == PUBLIC:
        return ANY
    role = role_of(matrix, actor)
    if role is None:
        return SIGN_IN
    if access == SIGNED_IN:
        return ALLOW
    if role not in access:
        return FORBIDDEN
    if not record_arguments(rule):
        return ALLOW
    if (actor == MEMBER and case.subject == "own" and "service_user_id" in rule.arguments
            and rule.endpoint not in MEMBER_PAGES):
        # Refused on the person's URL before any other record in it is looked up, so a swapped
        # record gets the same 403 (and is skipped: see every_case).
        return NOT_FOR_MEMBERS
    if case.swapped:
        return NOT_FOUND  # a record that is not the person's in the URL: never theirs
    return ALLOW if case.subject in visible_subjects(matrix, actor, rule.endpoint) else NOT_FOUND


def is_sign_in(response: Any) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and \
        urlsplit(response.headers.get("Location", "")).path == SIGN_IN_PATH


def is_allowed(response: Any, endpoint: str = "") -> bool:
    """Past the access checks: a page, a redirect (not to sign in), or a form's own refusal."""
    status = response.status_code
    signed_out = is_sign_in(response) and endpoint not in SIGNS_OUT
    return (200 <= status < 400 and not signed_out) or status in (400, 409, 422)


def problem(response: Any, expectation: str, case: Case) -> str | None:
    """What is wrong with this answer to one request, if anything (an ALLOW is judged per case)."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if expectation == SIGN_IN and not (is_sign_in(response) or status == 401):
        return f"{status} {response.headers.get('Location', '')}, not sent to sign in".strip()
    if expectation == NOT_FOR_MEMBERS and status != 403:
        kind = "UNEXPECTED ALLOW" if is_allowed(response) else "wrong refusal"
        return f"{kind}: {status}, not 403 (a care team member may not do this)"
    if expectation == FORBIDDEN and status != 403:
        return f"{status} {response.headers.get('Location', '')}, not 403 (wrong role)".strip()
    if expectation == NOT_FOUND and status != 404:
        kind = "UNEXPECTED ALLOW" if is_allowed(response) else "wrong refusal"
        return f"{kind}: {status} {response.headers.get('Location', '')}, not 404 (not theirs)".strip()
    return None


def case_allowed(responses: list[Any], case: Case, endpoint: str) -> bool:
    """An allowed case: at least one of its URLs is allowed (a subject's records of one kind suit
    different pages: a questionnaire done alone or together); a discharged person's record may
    answer 403, "may see but may not do"."""
    return any(is_allowed(r, endpoint) or (r.status_code == 403 and case.subject == "discharged") for r in responses)


def leaks(response: Any, markers: dict[str, str]) -> list[str]:
    if not response.mimetype or not response.mimetype.startswith(("text/", "application/json")):
        return []
    body = response.get_data(as_text=True)
    return sorted({whose for text, whose in markers.items() if text in body})


@dataclass
class Run:
    requests: int = 0
    cases: int = 0
    failures: list[str] | None = None

    def __post_init__(self) -> None:
        self.failures = []

    def fail(self, text: str) -> None:
        assert self.failures is not None
        self.failures.append(text)

    def report(self, what: str) -> str:
        assert self.failures is not None
        shown = "\n".join(self.failures[:60])
        more = f"\n… and {len(self.failures) - 60} more" if len(self.failures) > 60 else ""
        return f"{len(self.failures)} problems in {self.requests} requests ({self.cases} cases, {what}):\n{shown}{more}"


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {table.name: [tuple(row) for row in db.session.execute(
        select(table).order_by(*table.primary_key.columns))] for table in Base.metadata.sorted_tables}


def changed_tables(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


def request_case(matrix: Matrix, run: Run, rule: Rule, method: str, actor: str, case: Case,
                 markers: dict[str, str], *, check_audit: bool = False) -> list[Any]:
    expectation = expected(matrix, rule, actor, case)
    client, responses = matrix.clients[actor], []
    run.cases += 1
    where = f"{method} {rule.endpoint} as {actor} on {case.subject}'s record" + (
        f" with {case.swapped} of {case.foreign}'s" if case.swapped else "")
    for url in urls(matrix, rule, case):
        audit_before = audit_count() if check_audit else 0
        response = client.open(url, method=method, data=FORMS.get(rule.endpoint, {}) if method == "POST" else None)
        run.requests += 1
        responses.append(response)
        wrong = problem(response, expectation, case)
        if wrong:
            run.fail(f"{where} ({url}): {wrong}")
        for whose in leaks(response, markers):
            run.fail(f"{where} ({url}): {response.status_code} shows {whose}")
        if check_audit and audit_count() != audit_before:
            run.fail(f"{where} ({url}): a refused POST wrote to the audit trail")
    if expectation == ALLOW and not case_allowed(responses, case, rule.endpoint):
        run.fail(f"{where}: refused ({', '.join(str(r.status_code) for r in responses)}), expected allowed")
    return responses


def every_case(matrix: Matrix, method: str) -> list[tuple[Rule, str, Case]]:
    """Public pages (the sign-in pages may start a fresh sign-in) and signing out come last: they
    may end the session of whoever requests them."""
    found = []
    for number, rule in enumerate(routes(matrix.app)):
        if method not in methods_of(rule):
            continue
        for turn, actor in enumerate(matrix.world.actors, start=number):
            for case in cases(matrix, rule, actor, turn):
                if case.swapped and expected(matrix, rule, actor, case) != NOT_FOUND:
                    continue  # a swapped record only matters to someone the view lets in
                found.append((rule, actor, case))
    found.sort(key=lambda item: (expected(matrix, *item) == ANY, item[0].endpoint in SIGNS_OUT))
    return found


# The tests ----------------------------------------------------------------------------------------

def test_every_url_argument_names_a_record_or_is_a_listed_constant(matrix: Matrix) -> None:
    """A new endpoint with a new argument cannot escape the matrix: say how to fill it."""
    missing = {rule.endpoint: unfillable(rule) for rule in routes(matrix.app) if unfillable(rule)}
    assert missing == {}, (
        f"No way to fill these URL arguments: {missing}. Add each to RECORD_ARGUMENTS (an id of one of "
        "the subject's records) or, if it names no one's record, to CONSTANT_ARGUMENTS, in "
        "tests/authorisation_world.py")
    undeclared = [rule.endpoint for rule in routes(matrix.app)
                  if not hasattr(matrix.app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE)]
    assert undeclared == []


def test_the_markers_show_where_they_may(matrix: Matrix) -> None:
    """The leak check can fail: the markers it looks for are on the pages of those who may see them."""
    sam, world = matrix.world.subjects["own"], matrix.world

    def page(actor: str, url: str) -> str:
        response = matrix.clients[actor].get(url)
        assert response.status_code == 200, (actor, url, response.status_code)
        return response.get_data(as_text=True)

    goal_id = world.ids["own"]["goal_id"][0]
    assert content_marker("own") in page("key_worker", f"/staff/service-users/{sam.id}/goals/{goal_id}")
    assert content_marker("own") in page("service_user", "/me/safety-plan")
    shared = page("carer_with_consent", f"/carer/people/{sam.id}")
    assert content_marker("own") in shared and world.key_worker_names["own"] in shared
    for actor in ("carer_without_consent", "carer_consent_withdrawn"):
        assert content_marker("own") not in page(actor, f"/carer/people/{sam.id}")
    assert FAMILY_NAMES["same_team"] in page("team_lead", "/staff/")
    assert FAMILY_NAMES["same_team"] not in page("key_worker", "/staff/")


def test_every_get_answers_as_the_matrix_says(matrix: Matrix) -> None:
    run = Run()
    endpoints: set[str] = set()
    for rule, actor, case in every_case(matrix, "GET"):
        endpoints.add(rule.endpoint)
        request_case(matrix, run, rule, "GET", actor, case, forbidden_markers(matrix, actor, rule.endpoint))
    summary = f"GET: {len(endpoints)} endpoints × {len(matrix.world.actors)} roles × up to {len(SUBJECTS)} subjects"
    assert len(endpoints) > 80 and run.requests > 1500, run.report(summary)
    assert run.failures == [], run.report(summary)


def test_every_refused_post_is_refused_and_changes_nothing(matrix: Matrix) -> None:
    run = Run()
    by_rule: dict[str, tuple[Rule, list[tuple[str, Case]]]] = {}
    for rule, actor, case in every_case(matrix, "POST"):
        if expected(matrix, rule, actor, case) in (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOR_MEMBERS):
            by_rule.setdefault(rule.rule, (rule, []))[1].append((actor, case))
    for rule, refused in by_rule.values():
        before = snapshot()
        for actor, case in refused:
            request_case(matrix, run, rule, "POST", actor, case, forbidden_markers(matrix, actor, rule.endpoint),
                         check_audit=True)
        db.session.rollback()  # read afresh
        changed = changed_tables(before, snapshot())
        if changed:
            run.fail(f"POST {rule.endpoint}: refused requests changed {', '.join(changed)}")
    summary = f"refused POSTs to {len(by_rule)} endpoints"
    assert len(by_rule) > 60 and run.requests > 800, run.report(summary)
    assert run.failures == [], run.report(summary)


def test_every_allowed_post_gets_past_the_access_checks(matrix: Matrix) -> None:
    """Last: these may change the world (an empty form changes little, but a button-only form acts).
    Signing out goes last of all, as it ends that person's session."""
    run = Run()
    allowed = [(rule, actor, case) for rule, actor, case in every_case(matrix, "POST")
               if expected(matrix, rule, actor, case) in (ALLOW, ANY)]
    for rule, actor, case in allowed:
        request_case(matrix, run, rule, "POST", actor, case, forbidden_markers(matrix, actor, rule.endpoint))
    summary = f"allowed POSTs to {len({rule.endpoint for rule, _, _ in allowed})} endpoints"
    assert run.requests > 100, run.report(summary)
    assert run.failures == [], run.report(summary)
