"""Who has seen my information: the audit trail, for one person, in plain words."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from portal.extensions import db
from portal.models import AuditEvent, FlagSource, GoalStatus, IdentityProvider, SafetyFlag, User
from portal.models.base import utcnow
from portal.notify.rules import Channel
from portal.presenters import access_history as words
from portal.services import access_history, goals
from tests import factories

PORTAL = Path(__file__).resolve().parents[2] / "portal"
AUDIT_CALL = re.compile(r"\baudit\.record(?:_now)?\(")

# Action codes built with an f-string, and every value each can take. A new f-string code fails
# the test below until it is added here (and each value gets a phrase).
DYNAMIC_CODES: dict[str, list[str]] = {
    "goal_{}": [GoalStatus.ACHIEVED.value, GoalStatus.STOPPED.value],
    "invitation_queued_{}": [channel.value for channel in Channel],
    "{}_linked": [provider.value for provider in IdentityProvider],
    "signed_in_with_{}": [provider.value for provider in IdentityProvider],
}


def _codes(node: ast.expr, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, where) | _codes(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        template = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        assert template in DYNAMIC_CODES, f"{where}: add the values of {template!r} to DYNAMIC_CODES"
        return {template.replace("{}", value) for value in DYNAMIC_CODES[template]}
    raise AssertionError(f"{where}: an audit action must be a literal code, not {ast.dump(node)[:80]}")


def _record_type(node: ast.expr | None) -> str | None:
    """The record type of a call: a literal, or None when worked out at run time."""
    if node is None:
        return ""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def audit_calls() -> list[tuple[str, str | None, str]]:
    """(action code, record type, where) for every audit.record(...) / audit.record_now(...) in portal/."""
    found: list[tuple[str, str | None, str]] = []
    for path in sorted(PORTAL.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        calls = 0
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("record", "record_now")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                calls += 1
                where = f"{path.relative_to(PORTAL.parent)}:{node.lineno}"
                arguments = {k.arg: k.value for k in node.keywords}
                action = node.args[1] if len(node.args) > 1 else arguments["action"]
                kind = node.args[2] if len(node.args) > 2 else arguments.get("record_type")
                found += [(code, _record_type(kind), where) for code in _codes(action, where)]
        assert calls == len(AUDIT_CALL.findall(source)), f"{path}: an audit call the test cannot read"
        assert "from portal.services.audit import" not in source, f"{path}: call audit.record(...) by its module"
    return found


def test_every_action_code_the_portal_records_has_a_phrase() -> None:
    calls = audit_calls()
    assert len(calls) > 60, "the scan found too few audit calls"
    assert {"goal_achieved", "goal_stopped", "invitation_queued_sms", "safety_flag_overdue",
            "reminders_stopped", "access_history_viewed"} <= {code for code, _, _ in calls}
    missing = sorted({f"{code} ({where})" for code, _, where in calls if code not in words.PHRASES})
    assert not missing, "no plain-English phrase for: " + ", ".join(missing)
    carer_missing = sorted({
        f"{code} ({where})" for code, kind, where in calls
        if (kind is None or kind in access_history.CARER_RECORD_TYPES) and code not in words.CARER_PHRASES
    })
    assert not carer_missing, "no carer's phrase for: " + ", ".join(carer_missing)


def test_the_phrase_check_catches_a_code_without_a_phrase() -> None:
    assert "goal_flown_away" not in words.PHRASES
    tree = ast.parse('audit.record(user.id, f"goal_{status.value}", "goal", 1)')
    call = tree.body[0].value  # type: ignore[attr-defined]
    assert _codes(call.args[1], "example") == {"goal_achieved", "goal_stopped"}
    bad = ast.parse('audit.record(user.id, f"thing_{x}")').body[0].value  # type: ignore[attr-defined]
    try:
        _codes(bad.args[1], "example")
    except AssertionError as error:
        assert "DYNAMIC_CODES" in str(error)
    else:
        raise AssertionError("an unknown f-string code was not caught")


def _event(actor: User | None, action: str, record_type: str, record_id: int, minutes_ago: int) -> AuditEvent:
    row = AuditEvent(actor_user_id=actor.id if actor else None, action=action, record_type=record_type,
                     record_id=record_id, at=utcnow() - timedelta(minutes=minutes_ago))
    db.session.add(row)
    db.session.flush()
    return row


def _actions(page: access_history.AccessPage) -> list[str]:
    return [item.action for item in page.events]


def test_only_the_persons_own_records_newest_first(app, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_service_user(key_worker=key_worker)
    own_goal = goals.draft_goal(service_user.user, service_user, text="Sleep better")
    other_goal = goals.draft_goal(other.user, other, text="Not Sam's")
    _event(key_worker.user, "goal_changed", "goal", own_goal.id, 30)
    _event(key_worker.user, "safety_plan_viewed", "service_user", service_user.id, 5)
    _event(key_worker.user, "goal_changed", "goal", other_goal.id, 1)
    _event(key_worker.user, "service_user_viewed", "service_user", other.id, 1)
    page = access_history.for_service_user(service_user)
    assert _actions(page) == ["goal_created", "safety_plan_viewed", "goal_changed"]  # goal_created: just now
    assert page.events[2].record_id == own_goal.id and not page.more


def test_who_did_it_in_plain_words(app, service_user, key_worker, carer, team_lead) -> None:  # type: ignore[no-untyped-def]
    admin = factories.create_user(factories.Role.ADMIN)
    for minutes, actor in enumerate([key_worker.user, carer.user, service_user.user, None, team_lead.user, admin]):
        _event(actor, "service_user_viewed", "service_user", service_user.id, minutes + 1)
    _event(None, "demographics_updated_from_record", "service_user", service_user.id, 10)
    page = access_history.for_service_user(service_user)
    with app.test_request_context():
        who = [words.who(item, words.SERVICE_USER) for item in page.events]
    assert who == ["Kim Keyworker, your key worker", "Jo Taylor, your carer", "You", "The portal itself",
                   "Lee Lead, a team leader", "An administrator", "The clinical record system"]


def test_an_earlier_key_worker_is_named_as_one(app, service_user, key_worker, team) -> None:  # type: ignore[no-untyped-def]
    from portal.models import AssignmentSource, KeyWorkerAssignment

    new = factories.create_staff(team, name="Nia New")
    db.session.add(KeyWorkerAssignment(service_user_id=service_user.id, key_worker_id=new.id,
                                       previous_key_worker_id=key_worker.id, handover_on=utcnow().date(),
                                       handover_note="Private to staff", source=AssignmentSource.PORTAL))
    service_user.key_worker_id = new.id
    _event(key_worker.user, "safety_plan_viewed", "service_user", service_user.id, 3)
    _event(new.user, "safety_plan_viewed", "service_user", service_user.id, 2)
    page = access_history.for_service_user(service_user)
    with app.test_request_context():
        assert [words.who(item, words.SERVICE_USER) for item in page.events] == [
            "Nia New, your key worker", "Kim Keyworker, who was your key worker"]
        assert words.what(page.events[0], words.SERVICE_USER) == "Looked at your safety plan"


def test_other_peoples_sign_ins_and_a_carers_own_account_stay_out(app, service_user, carer) -> None:  # type: ignore[no-untyped-def]
    _event(carer.user, "signed_in", "user", carer.user.id, 4)
    _event(carer.user, "carer_details_updated", "carer", carer.id, 3)
    _event(carer.user, "carer_viewed_shared", "service_user", service_user.id, 2)
    _event(service_user.user, "signed_in", "user", service_user.user.id, 1)
    assert _actions(access_history.for_service_user(service_user)) == ["signed_in", "carer_viewed_shared"]
    assert _actions(access_history.for_carer(carer)) == ["carer_details_updated", "signed_in"]


def test_a_carers_private_views_and_worries_stay_hidden_from_the_person(app, service_user, carer, key_worker) -> None:  # type: ignore[no-untyped-def]
    private = factories.create_contribution(carer, service_user, private=("worries",), worries="Keep this between us")
    shared = factories.create_contribution(carer, service_user, how_things_have_been="Better")
    flag = SafetyFlag(service_user_id=service_user.id, carer_contribution_id=private.id, reason="carer_worry",  # type: ignore[attr-defined]
                      source=FlagSource.CARER)
    db.session.add(flag)
    db.session.flush()
    _event(key_worker.user, "carer_contribution_viewed", "carer_contribution", private.id, 3)  # type: ignore[attr-defined]
    _event(key_worker.user, "safety_flag_viewed", "safety_flag", flag.id, 2)
    _event(key_worker.user, "carer_contribution_viewed", "carer_contribution", shared.id, 1)  # type: ignore[attr-defined]
    events = access_history.for_service_user(service_user).events
    assert [(e.action, e.record_id) for e in events] == [("carer_contribution_viewed", shared.id)]  # type: ignore[attr-defined]


def test_a_carer_sees_the_team_read_their_views_only_with_involvement(app, service_user, carer, key_worker) -> None:  # type: ignore[no-untyped-def]
    told = factories.create_contribution(carer, service_user)
    _event(carer.user, "carer_contribution_added", "carer_contribution", told.id, 3)  # type: ignore[attr-defined]
    _event(key_worker.user, "carer_contribution_viewed", "carer_contribution", told.id, 2)  # type: ignore[attr-defined]
    assert _actions(access_history.for_carer(carer)) == ["carer_contribution_added"]
    factories.create_consent(carer, service_user, ("involvement",))
    page = access_history.for_carer(carer)
    assert _actions(page) == ["carer_contribution_viewed", "carer_contribution_added"]
    with app.test_request_context():
        assert words.who(page.events[0], words.CARER) == "Someone from the care team"  # never which person's worker
        assert words.what(page.events[0], words.CARER) == "Read what you told the team"


def test_show_more_pages_through_everything(app, service_user, key_worker) -> None:  # type: ignore[no-untyped-def]
    for minutes in range(30):
        _event(key_worker.user, "service_user_viewed", "service_user", service_user.id, minutes + 1)
    first = access_history.for_service_user(service_user, shown=25)
    assert len(first.events) == 25 and first.more and first.next_shown == 50
    everything = access_history.for_service_user(service_user, shown=first.next_shown)
    assert len(everything.events) == 30 and not everything.more
    assert everything.events[0].at > everything.events[-1].at


def test_the_number_of_queries_does_not_grow_with_the_history(app, service_user, key_worker, carer) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Walk")

    def queries_for(count: int) -> int:
        for minutes in range(count):
            _event(key_worker.user, "goal_rated", "goal", goal.id, minutes + 1)
            _event(carer.user, "carer_viewed_shared", "service_user", service_user.id, minutes + 1)
        db.session.commit()
        db.session.expire_all()
        statements: list[Any] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            access_history.for_service_user(service_user, shown=200)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert queries_for(2) == queries_for(40)


def test_care_team_members_are_named_with_their_role_even_after_leaving(app, service_user, team_lead) -> None:  # type: ignore[no-untyped-def]
    from portal.services import care_team

    bello = factories.create_staff(factories.create_team(), name="Ade Bello")
    bello.registration = "GMC 1234567"
    peer = factories.create_staff(team_lead.team, name="Robin Peer")
    peer.registration = ""
    for staff, role in ((bello, "consultant_psychiatrist"), (peer, "peer_support_worker")):
        care_team.add_member(team_lead.user, service_user, staff.id, role, "Joining")
    _event(bello.user, "goal_viewed", "service_user", service_user.id, 3)
    _event(peer.user, "service_user_viewed", "service_user", service_user.id, 2)
    care_team.remove_member(team_lead.user, service_user, care_team.current_members(service_user)[1].id, "Left")
    page = access_history.for_service_user(service_user)
    with app.test_request_context():
        named = [(words.who(item, words.SERVICE_USER), words.what(item, words.SERVICE_USER)) for item in page.events]
    assert named[:2] == [("Lee Lead, a team leader", "Took someone out of your care team"),
                         ("Lee Lead, a team leader", "Added someone to your care team")]
    assert named[-2:] == [("Robin Peer, peer support worker in your care team", "Opened your page"),
                          ("Ade Bello, consultant psychiatrist in your care team", named[-1][1])]
