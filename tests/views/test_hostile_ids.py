"""Ids the database cannot hold never reach a view: generated from ``app.url_map``.

Every rule with an ``<int:…>`` argument is requested, as each role, with 2**63 (too big for
SQLite) and 2**31 (too big for PostgreSQL's ``integer``) in each int argument in turn, the others
naming real rows, by GET and by POST (an empty form; CSRF is off in testing, so the form is as
valid as one with a token) where the rule takes them. None may be a server error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter, Rule

from portal.models import Role
from portal.routing import MAX_ID
from tests import factories
from tests.conftest import sign_in

HOSTILE = (2**63, 2**31)
ROLES = ("service_user", "carer", "key_worker", "team_lead", "admin")
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def int_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if int_arguments(rule)]


def int_arguments(rule: Rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def path(rule: Rule, values: dict[str, Any]) -> str:
    """The rule's path with these values, written in as they are (no converter checks them)."""
    return _ARGUMENT.sub(lambda match: str(values.get(match["name"], "x")), rule.rule)


def test_every_int_route_still_matches_an_id_and_refuses_one_too_big(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    rules = int_rules(app)
    assert len(rules) > 50  # the walk found the portal's routes
    for rule in rules:
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]  # type: ignore[operator]
        for good in (1, MAX_ID):
            endpoint, values = adapter.match(path(rule, dict.fromkeys(int_arguments(rule), good)), method)
            assert endpoint == rule.endpoint and all(values[name] == good for name in int_arguments(rule))
        for name in int_arguments(rule):
            too_big = {**dict.fromkeys(int_arguments(rule), 1), name: MAX_ID + 1}
            with pytest.raises((NotFound, MethodNotAllowed)):  # 405 where the same path has another method's rule
                adapter.match(path(rule, too_big), method)


@pytest.fixture
def everyone(app: Flask) -> dict[str, Any]:
    """A small world: a team, its lead, a key worker, a service user with a carer who may see it all."""
    team = factories.create_team()
    team_lead = factories.create_staff(team, Role.TEAM_LEAD)
    key_worker = factories.create_staff(team, Role.KEY_WORKER)
    person = factories.create_service_user(team, key_worker=key_worker)
    carer = factories.create_carer(person)
    factories.create_consent(carer, person, ("involvement", "goals", "care_plan", "safety_plan"))
    return {
        "users": {"service_user": person.user, "carer": carer.user, "key_worker": key_worker.user,
                  "team_lead": team_lead.user, "admin": factories.create_user(Role.ADMIN)},
        "ids": {"service_user_id": person.id, "carer_id": carer.id, "staff_member_id": key_worker.id},
    }


@pytest.mark.parametrize("role", ROLES)
def test_ids_too_big_for_the_database_are_never_a_server_error(app: Flask, everyone: dict[str, Any],
                                                               role: str) -> None:
    client: FlaskClient = sign_in(app.test_client(), everyone["users"][role])
    failures, requests = [], 0
    for rule in int_rules(app):
        arguments = int_arguments(rule)
        known = {name: everyone["ids"].get(name, 1) for name in arguments}
        for name in arguments:
            for hostile in HOSTILE:
                url = path(rule, {**known, name: hostile})
                for method in sorted(rule.methods & {"GET", "POST"}):  # type: ignore[operator]
                    response = client.open(url, method=method, data={} if method == "POST" else None)
                    requests += 1
                    if response.status_code >= 500:
                        failures.append(f"{method} {url} → {response.status_code}")
    assert requests > 200
    assert failures == []
