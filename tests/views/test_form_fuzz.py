"""Property-based fuzz of every form (issue 14): no hostile submission is a server error, comes
back unescaped, or stores what it should not.

Every rule in ``app.url_map`` that accepts POST is sent, by each role its view lets in (anonymous
for ``@public``), ``MAX_EXAMPLES`` submissions built by hypothesis from the fields of the forms
the pages show for it: each field missing, as offered, hostile (100 KB, control characters, lone
surrogates and bytes that are not UTF-8, ``<script>``, SQL, 2**63, 1e309, NaN, 23-digit date
parts) or repeated, with or without an unknown field, as a form, as multipart with a file where
text was expected, or as JSON, with ``HX-Request`` on or off. CSRF is off in testing, so a
submission is as valid as one with a token. Each form gets a world of its own (new rows), so
one form's success (ending a session, signing out) does not starve the next.

A submission must not be answered 5xx (or log an unhandled error); must not bring our marker
back as markup; when refused (4xx, or the form shown again with its errors) must add or remove
no row; and after each form's examples no column holds more than its ``String(n)`` or, for text,
more than the longest any form allows.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzz_support import (
    ANONYMOUS,
    RAW_MARKERS,
    ROLES,
    FormFields,
    Submission,
    build_world,
    caught_errors,
    form_rules,
    forms_on_pages,
    longest_form_text,
    roles_for,
    row_counts,
    send,
    signed_in_client,
    submissions,
    table_names,
    too_long_rows,
    unfilled,
    url_for_rule,
)

MAX_EXAMPLES = 15

# Form endpoints no page shows this world's people a form for: why, and the fields the form has
# (from its WTForms class), so they are still fuzzed with the right names.
NO_FORM_ON_ANY_PAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "public.notify_delivery_receipt": ("GOV.UK Notify posts JSON here; no person sees a form", ("id", "status")),
    "me.stop_showing_on_this_phone": ("shown only on a phone trusted to show the safety plan signed out", ()),
    "me.trust_this_phone": ("offered only where the trust turns SAFETY_PLAN_ON_TRUSTED_DEVICE on", ()),
    "me.forget_this_phone": ("shown only on a phone that was trusted", ()),
    "me.forget_all_phones": ("shown only once a phone was trusted", ()),
    "me.correct_measure": ("shown on a submitted answer; the world's questionnaire is being answered", ()),
    "me.submit_measure": ("shown once every question is answered", ()),
    "staff.submit_measure": ("shown once every question is answered", ()),
    "staff.answer_measure": ("the world's questionnaire is the person's own, not one done with staff",
                             ("answer", "more_help", "autosave")),
    "me.review_session_action": ("shown for actions agreed in an earlier session", ("note",)),
    "staff.review_session_action": ("shown for actions agreed in an earlier session", ("note",)),
    "staff.agree_goal": ("shown for a draft goal; the world's goal is active", ("agreement", "on_behalf_reason", "version")),
    "staff.invite": ("offered for a person with no account; the world's service user has one",
                     ("invitee", "email", "send_by")),
    "staff.reopen_service_user": ("shown for a discharged person", ()),
    "staff.confirm_handover_read": ("shown only to the key worker the handover is for, not the team lead", ()),
    "auth.second_step": ("shown between the password and the page, to someone with a second step", ("code",)),
    "auth.set_up_second_step": ("shown between the password and the page, to staff with no second step yet",
                                ("code",)),
    "auth.replace_recovery_codes": ("shown once a second step is on; the world's carer has none", ()),
    "auth.turn_off_second_step": ("shown once a second step is on, to those who may turn it off", ()),
    "auth.link_nhs_login_by_invitation": ("shown after an NHS login sign-in that matched nobody (needs the "
                                          "provider: tests/views/auth/test_nhs_login_and_cis2.py sends the form)",
                                          ("email", "code")),
    "auth.reset_password": ("opened from the link in a password-reset email; the world's token is not one "
                            "(tests/views/auth/test_forgotten_password.py sends the form)",
                            ("new_password", "confirm_password")),
}

# Form endpoints whose URL names something the world cannot fill (none today: add one only with a reason).
CANNOT_FILL: dict[str, str] = {}

EXAMPLES_RUN: dict[str, int] = {}


def _refused(response: object) -> bool:
    status = response.status_code  # type: ignore[attr-defined]
    if status >= 400:
        return True
    body = response.get_data()  # type: ignore[attr-defined]
    return status == 200 and (b"nhsuk-error-summary" in body or b"nhsuk-error-message" in body)


def _fuzz(app: Flask, client: FlaskClient, url: str, fields: FormFields, tables: list[str]) -> tuple[list[str], int]:
    """Send ``MAX_EXAMPLES`` submissions to one form; what went wrong, and how many were sent."""
    found: list[str] = []
    examples = 0

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(submission=submissions(fields))
    def fuzz(submission: Submission) -> None:
        nonlocal examples
        examples += 1
        before = row_counts(tables)
        with caught_errors(app) as errors:
            try:
                response = send(client, url, submission)
            except Exception as error:  # noqa: BLE001 - an error the app did not catch is a finding too
                found.append(f"raised {type(error).__name__}: {str(error)[:160]} ← {submission.describe()}")
                return
        status = response.status_code
        if status >= 500 or errors:
            found.append(f"{status} {errors} ← {submission.describe()}")
        body = response.get_data()
        if any(marker in body for marker in RAW_MARKERS):
            found.append(f"our marker came back unescaped ← {submission.describe()}")
        if _refused(response) and (after := row_counts(tables)) != before:
            changed = {name: (before[name], after[name]) for name in tables if before[name] != after[name]}
            found.append(f"refused ({status}) but rows changed {changed} ← {submission.describe()}")

    fuzz()
    return found, examples


@pytest.mark.parametrize("role", ROLES)
def test_no_form_breaks_on_hostile_input(app: Flask, role: str) -> None:
    rules = [rule for rule in form_rules(app) if role in roles_for(app, rule.endpoint)]
    if role != ANONYMOUS:
        assert rules, f"no form endpoint lets {role} in: the walk of the URL map found nothing"
    first = build_world(role)
    broken_pages: list[str] = []
    signed_in_as: dict[str, object] = {}
    offered = forms_on_pages(app, lambda: signed_in_client(app, first.users[role], signed_in_as), role, first,
                             broken_pages)
    tables, text_limit = table_names(), longest_form_text()
    failures: list[str] = [f"a page the forms are read from fails: {page}" for page in broken_pages]
    examples = 0
    for rule in rules:
        if missing := unfilled(rule, first):
            if rule.endpoint not in CANNOT_FILL:
                failures.append(f"{rule.endpoint}: the fuzz cannot fill {missing} (teach build_world, "
                                f"or add it to CANNOT_FILL with a reason)")
            continue
        fields = offered.get(rule.endpoint)
        if fields is None and rule.endpoint in NO_FORM_ON_ANY_PAGE:
            fields = FormFields({name: [] for name in NO_FORM_ON_ANY_PAGE[rule.endpoint][1]})
        elif fields is None:
            failures.append(f"{rule.endpoint}: no page shows {role} a form for it (add it to NO_FORM_ON_ANY_PAGE "
                            f"with a reason if that is right)")
        world = build_world(role)
        client = signed_in_client(app, world.users[role], signed_in_as)
        url = url_for_rule(app, rule, world)
        found, count = _fuzz(app, client, url, fields or FormFields(), tables)
        examples += count
        found += too_long_rows(text_limit)
        failures += [f"{rule.endpoint} as {role}: {problem}" for problem in dict.fromkeys(found)]
    EXAMPLES_RUN[role] = examples
    print(f"\nform fuzz as {role}: {len(rules)} form endpoints, {examples} examples")  # noqa: T201
    assert failures == [], "\n".join(failures)
