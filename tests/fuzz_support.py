"""What the form fuzz (tests/views/test_form_fuzz.py) needs: the form endpoints and who may use
them, read from the app; a small world whose rows fill every id in those URLs; the forms each
page shows; hostile values and the raw requests that carry them; and the checks on what was stored.

Everything is derived from ``app.url_map`` and the pages themselves, so a new form is fuzzed
without anyone adding it here; an id the world cannot fill fails the fuzz loudly.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from sqlalchemy import String, Text, text
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from portal.access import ACCESS_ATTRIBUTE, PUBLIC, SIGNED_IN
from portal.extensions import db
from portal.forms.validators import MaxLength
from portal.models import (
    AssignmentSource,
    Base,
    CarerDetailConflict,
    IdentityCheck,
    IdentityProvider,
    KeyWorkerAssignment,
    Role,
    Section,
    User,
)
from portal.notify.tokens import make_stop_token
from portal.services import care_sessions, care_team, measures, settings
from portal.services import statement_of_care as statements
from tests import factories
from tests import workspace_factories as workspace

ANONYMOUS = "anonymous"
SIGNED_IN_ROLES = tuple(role.value for role in Role)
ROLES = (ANONYMOUS, *SIGNED_IN_ROLES)

# Our marker: if it comes back as markup, something was not escaped.
MARK = "fz7q"
SCRIPT = f"<script>{MARK}</script>"
RAW_MARKERS = (f"<script>{MARK}".encode(), f"<img src=x onerror={MARK}".encode())


# The endpoints -------------------------------------------------------------------------------

def form_rules(app: Flask) -> list[Rule]:
    """Every rule that accepts POST: each is a form (or a button) someone can send."""
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())),
                  key=lambda rule: rule.endpoint)


def roles_for(app: Flask, endpoint: str) -> tuple[str, ...]:
    """Who can reach the view, from what ``portal/access.py`` set on it."""
    access = getattr(app.view_functions[endpoint], ACCESS_ATTRIBUTE)
    if access == PUBLIC:
        return (ANONYMOUS,)
    if access == SIGNED_IN:
        return SIGNED_IN_ROLES
    return tuple(sorted(role.value for role in access))


# A world to fill the URLs --------------------------------------------------------------------

@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, Any]


def build_world(role: str | None = None) -> World:
    """A team with its lead and two key workers, a service user with everything the URLs name
    (goal, care plan entry, safety plan, an open session with a DIALOG+ area and an action, a
    questionnaire being answered, a flag, a carer with consent and views, a record conflict, a
    handover note, a failed outbox message) — new rows each time, so each form gets its own.
    The action is in the words of ``role``'s side (only they may change it): the service user's
    own for the service user, the key worker's for everyone else."""
    today = date.today()
    team = factories.create_team()
    lead = factories.create_staff(team, Role.TEAM_LEAD)
    key_worker = factories.create_staff(team, Role.KEY_WORKER)
    previous = factories.create_staff(team, Role.KEY_WORKER)
    person = factories.create_service_user(team, key_worker=key_worker)
    carer = factories.create_carer(person)
    factories.create_consent(carer, person, ("involvement", "goals", "care_plan", "safety_plan"))
    contribution = factories.create_contribution(carer, person)
    goal = workspace.create_goal(person, ratings=((today - timedelta(days=30), 3),))
    workspace.create_care_plan(person, agreed_on=today - timedelta(days=30))
    workspace.create_safety_plan(person)
    flag = workspace.create_flag(person)
    dead = workspace.create_dead_message(person)
    conflict = CarerDetailConflict(service_user_id=person.id, carer_id=carer.id, field="phone",
                                   portal_value="01632960111", record_value="01632960222")
    handover = KeyWorkerAssignment(service_user_id=person.id, key_worker_id=key_worker.id,
                                   previous_key_worker_id=previous.id, handover_on=today,
                                   handover_note="Likes morning calls", recorded_by_id=lead.user_id,
                                   source=AssignmentSource.PORTAL)
    db.session.add_all([conflict, handover])
    admin = factories.create_user(Role.ADMIN)
    db.session.commit()
    assert key_worker.user is not None and person.user is not None
    session = care_sessions.start(key_worker.user, person)
    dialog = settings.instrument("dialog")
    area = care_sessions.pick_area(key_worker.user, session, dialog.items[0].code)
    writer = person.user if role == Role.SERVICE_USER.value else key_worker.user
    action = care_sessions.add_action(writer, person, session, "me", "Walk to the shop")
    response = measures.start_or_resume(person.user, person, "dialog")
    consultant = factories.create_staff(factories.create_team())
    member = care_team.add_member(key_worker.user, person, consultant.id, "consultant_psychiatrist", "Medicines")
    statement = statements.start(key_worker.user, person, "clinic_letter")  # issue 15
    check = IdentityCheck(service_user_id=person.id, provider=IdentityProvider.NHS_LOGIN,
                          subject=f"nhs-login-{person.id}", birthdate_given=date(1980, 1, 1))
    db.session.add(check)
    db.session.commit()
    return World(
        users={ANONYMOUS: None, Role.SERVICE_USER.value: person.user, Role.CARER.value: carer.user,
               Role.KEY_WORKER.value: key_worker.user, Role.TEAM_LEAD.value: lead.user, Role.ADMIN.value: admin},
        ids={"service_user_id": person.id, "carer_id": carer.id, "goal_id": goal.id, "entry_id": action.id,
             "session_id": session.id, "area_id": area.id, "response_id": response.id, "position": 1,
             "contribution_id": contribution.id, "flag_id": flag.id, "conflict_id": conflict.id,
             "assignment_id": handover.id, "staff_member_id": key_worker.id, "message_id": dead.id,
             "user_id": key_worker.user.id, "member_id": member.id, "check_id": check.id, "statement_id": statement.id,
             "lead_id": lead.id,
             "section": Section.I_WILL_DO.value, "step": "warning_signs", "instrument_id": "dialog",
             "token": make_stop_token(_secret_key(), "service_user", person.id)},
    )


def _secret_key() -> str:
    from flask import current_app

    return str(current_app.config["SECRET_KEY"])


def unfilled(rule: Rule, world: World) -> list[str]:
    return sorted(set(rule.arguments) - set(world.ids))


def url_for_rule(app: Flask, rule: Rule, world: World) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, {name: world.ids[name] for name in rule.arguments},
                         method="POST" if "POST" in (rule.methods or ()) else "GET")


def signed_in_client(app: Flask, user: User | None, signed_in_as: dict[str, Any] | None = None) -> FlaskClient:
    """A client signed in as ``user``. The first time for a role (``signed_in_as`` empty) it signs
    in as a person does (``tests.conftest.sign_in``: the password, a code where asked) and keeps
    what the session then holds in ``signed_in_as``; after that it starts from that session with
    only the user changed, so each new world costs no password check (argon2, ~0.15 s)."""
    from tests.conftest import sign_in

    client = app.test_client()
    if user is None:
        return client
    db.session.commit()
    if signed_in_as is None or not signed_in_as:
        sign_in(client, user)
        if signed_in_as is not None:
            with client.session_transaction() as session:
                signed_in_as.update(session)
        return client
    with client.session_transaction() as session:
        session.update(signed_in_as)
        session["_user_id"] = user.get_id()
    return client


# The forms each page shows -------------------------------------------------------------------

@dataclass
class FormFields:
    """Field name → the values the page offered for it (option values, a hidden value, a button's)."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        offered = self.fields.setdefault(name, [])
        if value not in offered and len(offered) < 20:
            offered.append(value)


def forms_on_pages(app: Flask, new_client: Callable[[], FlaskClient], role: str, world: World,
                   broken_pages: list[str]) -> dict[str, FormFields]:
    """Open every page this role may open (ids from the world), each with a client of its own (a
    page may end the session it was opened with), and read each POST form on it, keyed by the
    endpoint its action names. A page that fails is added to ``broken_pages``."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, FormFields] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or unfilled(rule, world):
            continue
        if role not in roles_for(app, rule.endpoint) and not (role != ANONYMOUS and _is_public(app, rule)):
            continue
        url = adapter.build(rule.endpoint, {n: world.ids[n] for n in rule.arguments})
        response = new_client().get(url)
        if response.status_code >= 500:
            broken_pages.append(f"GET {url} ({rule.endpoint}) → {response.status_code}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for form in page.find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            actions = {form.get("action") or "", *(tag.get("formaction") for tag in form.find_all(formaction=True)),
                       *(tag.get("hx-post") for tag in form.find_all(attrs={"hx-post": True}))}
            for action in actions:
                endpoint = _endpoint_of(adapter, str(action))
                if endpoint is not None:
                    _read_form(form, found.setdefault(endpoint, FormFields()))
        for tag in page.find_all(True):  # a URL a page's script posts to, like data-stay-url
            for name, value in tag.attrs.items():
                if name.startswith("data-") and name.endswith("-url") and (endpoint := _endpoint_of(adapter, value)):
                    found.setdefault(endpoint, FormFields())
    return found


def _is_public(app: Flask, rule: Rule) -> bool:
    return getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE) == PUBLIC


def _endpoint_of(adapter: Any, action: str) -> str | None:
    if not action:
        return None
    try:
        endpoint, _ = adapter.match(urlsplit(action).path, method="POST")
    except HTTPException:
        return None
    return str(endpoint)


def _read_form(form: Any, into: FormFields) -> None:
    for tag in form.find_all(["input", "textarea", "select", "button"]):
        name = tag.get("name")
        if not name:
            continue
        if tag.name == "select":
            for option in tag.find_all("option"):
                into.add(name, str(option.get("value", option.get_text())))
        elif tag.name == "textarea":
            into.add(name, tag.get_text())
        else:
            into.add(name, str(tag.get("value", "")))


# Hostile values -------------------------------------------------------------------------------

HUGE = 100_000
FIXED_HOSTILE: tuple[bytes, ...] = tuple(value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
                                         for value in (
    # huge strings, one of them 100 KB of our markup
    "x" * HUGE, (SCRIPT * (HUGE // len(SCRIPT) + 1))[:HUGE], "é" * (HUGE // 2), "1" * HUGE,
    # control characters
    "\x00", "ab\x00cd", "\x01\x02\x1b[31m\x7f\x85", "\r\n\t \u2028", "\u202eevil", "\ufeff",
    # lone surrogates and bytes that are not UTF-8
    "\ud800", "a\udfffb", b"\xff\xfe", b"\xc0\xaf", b"abc\x80", b"\xf4\x90\x80\x80",
    # markup
    SCRIPT, f'"><script>{MARK}</script>', f"'><img src=x onerror={MARK}>", "{{ 7*7 }}{% raw %}", "javascript:alert(1)",
    # SQL
    "' OR '1'='1", "1; DROP TABLE user_account; --", "%' --", "\\", "%_%",
    # numbers out of range or not numbers at all
    str(2**63), str(2**63 - 1), str(2**31), str(-(2**63) - 1), "-1", "1e309", "-1e309", "NaN", "inf", "-0",
    "0x10", "1_000", "٣", "１", str(10**30),
    # dates with 23-digit parts
    "1" * 23, "0" * 23, "9" * 23,
    "", " ",
))


def hostile_values() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(FIXED_HOSTILE),
        st.text(max_size=40).map(lambda value: value.encode("utf-8", "surrogatepass")),
        st.binary(max_size=24),
    )


@dataclass
class Submission:
    pairs: list[tuple[str, bytes]]
    encoding: str  # "urlencoded", "multipart" (one field sent as a file) or "json"
    htmx: bool
    json_value: Any = None  # in JSON, the first field's value is this instead: a number, a list, null

    def describe(self) -> str:
        shown = [(name, value[:40] + (b"..." if len(value) > 40 else b"")) for name, value in self.pairs]
        return f"{self.encoding}{' HX' if self.htmx else ''} {shown!r}"


@st.composite
def submissions(draw: st.DrawFn, fields: FormFields) -> Submission:
    """Each field missing, as offered, hostile or sent more than once; sometimes a field the form
    does not have; sent as a form, as multipart with a file where text was expected, or as JSON."""
    pairs: list[tuple[str, bytes]] = []
    for name, offered in sorted(fields.fields.items()):
        offered_value = st.sampled_from([value.encode() for value in offered]) if offered else hostile_values()
        how = draw(st.sampled_from(("missing", "offered", "hostile", "hostile", "repeated")))
        if how == "offered":
            pairs.append((name, draw(offered_value)))
        elif how == "hostile":
            pairs.append((name, draw(hostile_values())))
        elif how == "repeated":
            pairs.extend((name, draw(st.one_of(offered_value, hostile_values())))
                         for _ in range(draw(st.integers(2, 3))))
    if draw(st.booleans()):
        pairs.append((draw(st.sampled_from(("id", "user_id", "role", "__class__", "version[]", SCRIPT))),
                      draw(hostile_values())))
    return Submission(pairs=pairs, encoding=draw(st.sampled_from(("urlencoded", "urlencoded", "multipart", "json"))),
                      htmx=draw(st.booleans()), json_value=draw(st.sampled_from(JSON_WRONG_TYPES)))


JSON_WRONG_TYPES: tuple[Any, ...] = (None, 2**63, -1, 1e308, float("nan"), float("inf"), True, [], {}, [1, "a", None],
                                     {"$ne": ""}, "\ud800")


def send(client: FlaskClient, url: str, submission: Submission) -> Any:
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{url}"} if submission.htmx else {}
    if submission.encoding == "urlencoded":
        body = "&".join(f"{quote_from_bytes(name.encode())}={quote_from_bytes(value)}"
                        for name, value in submission.pairs)
        return client.post(url, data=body.encode(), headers=headers,
                           content_type="application/x-www-form-urlencoded")
    if submission.encoding == "multipart":
        data: dict[str, Any] = {}
        for index, (name, value) in enumerate(submission.pairs):
            data.setdefault(name, []).append(
                (BytesIO(value), "upload.txt") if index == 0 else value.decode("utf-8", "replace"))
        return client.post(url, data=data, headers=headers, content_type="multipart/form-data")
    body_json: dict[str, Any] = {}
    for name, value in submission.pairs:  # bytes that are not UTF-8 arrive as lone surrogates ("\udcff")
        body_json.setdefault(name, []).append(value.decode("utf-8", "surrogateescape"))
    if submission.pairs:
        body_json[submission.pairs[0][0]] = submission.json_value
    return client.post(url, data=json.dumps(body_json), headers=headers, content_type="application/json")


# What reaches the database ---------------------------------------------------------------------

# Tables a refused form may still write to, and why.
WRITTEN_WHEN_REFUSED = {
    "audit_event",  # who looked at which record: a page shown again with its errors is still a look
}


def table_names() -> list[str]:
    return [table.name for table in Base.metadata.sorted_tables if table.name not in WRITTEN_WHEN_REFUSED]


def row_counts(tables: list[str]) -> dict[str, int]:
    selects = ", ".join(f'(SELECT count(*) FROM "{name}") AS "{name}"' for name in tables)
    row = db.session.execute(text(f"SELECT {selects}")).one()
    return dict(zip(tables, row, strict=True))


def longest_form_text() -> int:
    """The most any form lets anyone write in one box (its MaxLength validators): a longer text in
    any text column came in past a form."""
    limits = [0]
    for form_class in _subclasses(_flask_form()):
        for value in vars(form_class).values():
            if isinstance(value, UnboundField):
                limits += [validator.max for validator in value.kwargs.get("validators") or ()
                           if isinstance(validator, MaxLength)]
    return max(limits)


def _flask_form() -> type:
    from flask_wtf import FlaskForm

    import portal.blueprints  # noqa: F401  (the forms are imported with their blueprints)

    return FlaskForm


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def too_long_rows(text_limit: int) -> list[str]:
    """Columns holding a value longer than the column (``String(n)``) or than any form allows."""
    limits: dict[str, tuple[str, str, int]] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                limits[f"c{len(limits)}"] = (table.name, column.name, column.type.length)
            elif isinstance(column.type, Text):
                limits[f"c{len(limits)}"] = (table.name, column.name, text_limit)
    selects = ", ".join(f'(SELECT max(length("{column}")) FROM "{table}") AS {key}'
                        for key, (table, column, _) in limits.items())
    longest = db.session.execute(text(f"SELECT {selects}")).one()._asdict()
    return [f"{table}.{column} holds {longest[key]} characters (limit {limit})"
            for key, (table, column, limit) in limits.items() if (longest[key] or 0) > limit]


# Errors the app caught and logged ------------------------------------------------------------

class _Caught(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error, where = record.exc_info[1], "?"
            tb = record.exc_info[2]
            while tb is not None:  # the deepest frame of ours
                if "/portal/" in tb.tb_frame.f_code.co_filename:
                    where = f"{_short(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
                tb = tb.tb_next
            self.errors.append(f"{type(error).__name__}: {str(error)[:160]} (at {where})")


def _short(path: str) -> str:
    return re.sub(r"^.*?/(portal|tests)/", r"\1/", path)


@contextmanager
def caught_errors(app: Flask) -> Iterator[list[str]]:
    handler = _Caught()
    app.logger.addHandler(handler)
    try:
        yield handler.errors
    finally:
        app.logger.removeHandler(handler)
