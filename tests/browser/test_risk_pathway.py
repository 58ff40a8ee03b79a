"""The risk pathway end to end (issue 13, "Done when"): a worrying answer from Sam, and an urgent
worry from his mother Jo, each reach a member of staff who acts, in a time the person was told
truthfully; left unacknowledged, they go to the duty worker and the team lead; the outcome Priya
records closes the Flag in the clinical record.

Time is worked out when each test runs, never written in: the flag is raised by the live server
at the real "now"; what the page must say is worked out from ``risk.support_notice`` (or
``carer_notice``) for that moment; the scheduler (``flask --app portal risk run``: escalate, daily
digests, send) is then run in this process against the live server's database at the moments
that matter, passed as ``now`` (the team's next opening, the escalation deadline), so a run out
of hours or at a weekend passes too. Messages go through the configured notifier, the local one,
which records each message in ``local_message``. The clinical record is the project's test FHIR
server; the outbox worker (what ``flask sync run`` runs) drains the live server's outbox into it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from portal import risk_rules
from portal.extensions import db
from portal.models import (
    LocalMessage,
    OutboxMessage,
    SafetyFlag,
    ServiceUser,
    StaffMember,
    StaffNotification,
    User,
)
from portal.notify import notifier_from_config
from portal.notify.messages import STAFF_EMAIL_SUBJECT, STAFF_EMAIL_TEMPLATE
from portal.record import worker
from portal.record.fhir_record import FhirRecord
from portal.services import risk, settings
from tests.browser.conftest import (
    DEMO_PASSWORD,
    PHONE,
    Demo,
    Page,
    assert_accessible,
    enter_code_if_asked,
    expect,
    focused,
    sign_in,
)
from tests.fhir_server import FhirTestServer

PRIYA = "key.worker@example.test"  # Sam's key worker
TOM = "key.worker2@example.test"  # on the duty rota for the next two weeks (portal/services/demo.py)
HELEN = "team.lead@example.test"  # the team lead
SAM_NHS_NUMBER = "9990010005"
# What a message to staff must never carry: who, what about, how bad (STYLE: no clinical content).
CLINICAL = (
    "Sam",
    "Samuel",
    "Taylor",
    "Jo ",
    SAM_NHS_NUMBER,
    "ReQoL",
    "DIALOG",
    "life",
    "worr",
    "safety",
    "urgent",
    "routine",
    "carer",
    "goodbye",
    "guitar",
)


# The clinical record, the scheduler, the messages ----------------------------------------------------


@pytest.fixture
def fhir() -> Iterator[FhirTestServer]:
    """The test FHIR server, holding Sam's Patient as the trust's record would."""
    with FhirTestServer() as server:
        server.add_patient(SAM_NHS_NUMBER, name=[{"family": "Taylor", "given": ["Samuel"]}])
        yield server


def drain_outbox(app: Flask, fhir: FhirTestServer) -> None:
    """One pass of the outbox worker (``flask sync run --once``) into the FHIR record, against the
    live server's database: exactly what would carry the flags to the record had the live app been
    configured with ``RECORD_ADAPTER=fhir``."""
    with app.app_context():
        record = FhirRecord(fhir.base_url, app.config["RECORD_IDENTIFIER_BASE"], timeout=5, connect_timeout=5)
        try:
            worker.run(record, worker.SyncSettings.from_config(app.config), once=True)
        finally:
            record.close()
            db.session.remove()


def flag_messages_in_outbox(app: Flask, flag_id: int) -> list[tuple[str, str, str]]:
    """(kind, status, last error) of each outbox message about this flag, in order."""
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.like("flag.%")).order_by(OutboxMessage.id)
        ).all()
        found = [(m.kind, m.status.value, m.last_error) for m in rows if m.payload.get("flag_id") == flag_id]
        db.session.remove()
    return found


def record_flag(fhir: FhirTestServer, app: Flask, flag_id: int) -> dict[str, Any]:
    system = f"{app.config['RECORD_IDENTIFIER_BASE'].rstrip('/')}/flag"
    flags = fhir.by_identifier("Flag", system, str(flag_id))
    assert len(flags) == 1, f"expected one Flag {flag_id} in the record, found {flags}"
    return flags[0]


def outcome_in_record(flag: dict[str, Any]) -> dict[str, str]:
    """The parts of the Flag's ``…/StructureDefinition/flag-outcome`` extension: the ``outcome``
    code and whatever else it carries (who closed it, the note), by sub-extension url."""
    parts: dict[str, str] = {}
    for extension in flag.get("extension", []):
        if not str(extension.get("url", "")).endswith("/StructureDefinition/flag-outcome"):
            continue
        for part in extension.get("extension", []):
            coding = part.get("valueCoding") or next(
                iter((part.get("valueCodeableConcept") or {}).get("coding", [])), {}
            )
            parts[part.get("url", "")] = part.get("valueCode") or coding.get("code") or part.get("valueString", "")
    return parts


def assert_closed_in_record(app: Flask, fhir: FhirTestServer, flag_id: int, between: tuple[datetime, datetime]) -> None:
    """The Flag in the record is inactive, ended when Priya recorded what was done, with her outcome."""
    drain_outbox(app, fhir)
    in_record = record_flag(fhir, app, flag_id)
    assert in_record["status"] == "inactive", (in_record, flag_messages_in_outbox(app, flag_id))
    outcome = outcome_in_record(in_record)
    assert outcome.get("outcome") == "spoke_with_person", in_record
    assert outcome.get("closedBy") == "Priya Shah", in_record
    ended = datetime.fromisoformat(in_record["period"]["end"])
    assert between[0] - timedelta(seconds=1) <= ended <= between[1] + timedelta(seconds=1), in_record


def run_scheduler(app: Flask, now: datetime) -> None:
    """What ``flask --app portal risk run`` does (portal/risk_cli.py), at ``now`` instead of the clock."""
    with app.app_context():
        risk.escalate(now)
        risk.queue_digests(now)
        notifier = notifier_from_config(app.config, db.session)
        risk.send_due(notifier, now=now)
        db.session.remove()


@dataclass(frozen=True)
class Sent:
    to: str
    body: str

    @property
    def link_path(self) -> str:
        """Where the message's sign-in link goes on this server (path and query)."""
        match = re.search(r"https?://\S+", self.body)
        assert match, f"no link in {self.body!r}"
        parts = urlsplit(match.group(0))
        return f"{parts.path}?{parts.query}"

    @property
    def goes_to(self) -> str:
        """The page the sign-in link opens after signing in."""
        return unquote(self.link_path.partition("next=")[2])


def messages_to(app: Flask, email: str) -> list[Sent]:
    with app.app_context():
        rows = db.session.scalars(select(LocalMessage).where(LocalMessage.to == email).order_by(LocalMessage.id))
        sent = [Sent(row.to, row.body) for row in rows]
        db.session.remove()
    return sent


def assert_no_clinical_content(message: Sent) -> None:
    """The message is the staff template and nothing else but its sign-in link."""
    link = re.search(r"https?://\S+", message.body)
    assert link is not None
    template = f"{STAFF_EMAIL_SUBJECT}\n\n{STAFF_EMAIL_TEMPLATE}"
    assert message.body.replace(link.group(0), "((link))") == template, message.body
    for word in CLINICAL:
        assert word.lower() not in message.body.lower(), f"{word!r} in a message to staff: {message.body!r}"


@dataclass(frozen=True)
class Raised:
    id: int
    tier: str
    raised_at: datetime
    assignee: str
    routed_via: str


def the_only_open_flag(app: Flask, demo: Demo) -> Raised:
    with app.app_context():
        [flag] = db.session.scalars(
            select(SafetyFlag).where(SafetyFlag.service_user_id == demo.sam_id, SafetyFlag.acknowledged_at.is_(None))
        ).all()
        assignee = db.session.get_one(StaffMember, flag.assignee_id).name if flag.assignee_id else ""
        raised = Raised(flag.id, flag.tier.value, flag.raised_at, assignee, flag.routed_via)
        db.session.remove()
    return raised


def flag_state(app: Flask, flag_id: int) -> tuple[str | None, str | None, int]:
    """(outcome, who closed it, escalation stage)."""
    with app.app_context():
        flag = db.session.get_one(SafetyFlag, flag_id)
        closed_by = db.session.get_one(User, flag.acknowledged_by_id).email if flag.acknowledged_by_id else None
        state = (flag.outcome.value if flag.outcome else None, closed_by, flag.escalation_stage)
        db.session.remove()
    return state


def escalation_notifications(app: Flask, flag_id: int) -> list[tuple[str, str]]:
    """(kind, who) of each message queued about this flag, in order."""
    with app.app_context():
        rows = db.session.scalars(
            select(StaffNotification).where(StaffNotification.flag_id == flag_id).order_by(StaffNotification.id)
        ).all()
        told = [(row.kind.value, row.staff_member.name) for row in rows]
        db.session.remove()
    return told


def now_utc() -> datetime:
    return datetime.now(UTC)


def notices(app: Flask, demo: Demo, tier: str, moments: list[datetime], *, for_carer: bool) -> set[str]:
    """The sentence the page must show, for each moment the server may have worked it out at."""
    said = set()
    with app.test_request_context():
        for moment in moments:
            if for_carer:
                notice = risk.carer_notice(demo.sam_id, tier, moment)
                said.add(f"Thank you. {notice.who_capitalised} will see your worry {notice.when}.")
            else:
                notice = risk.support_notice(demo.sam_id, tier, moment)
                said.add(f"{notice.who_capitalised} will see your answer {notice.when}.")
            assert "Priya Shah" in notice.who and notice.when, notice
        db.session.remove()
    return said


def team_hours(app: Flask) -> risk_rules.WorkingHours:
    with app.app_context():
        return settings.working_hours()


# Staff, with a keyboard -------------------------------------------------------------------------------


def sign_in_from_message(page: Page, live_server: str, message: Sent, email: str) -> None:
    """Open the link in the message, sign in, and land where it pointed."""
    page.goto(f"{live_server}{message.link_path}")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    enter_code_if_asked(page, live_server, email)
    expect(page).to_have_url(f"{live_server}{message.goes_to}")


def tab_to(page: Page, target: Any, limit: int = 80) -> None:
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}; focus is on {focused(page)}")


def record_spoke_with_them_by_keyboard(page: Page, live_server: str, flag_id: int) -> None:
    """On the flag page: Tab to the outcomes, choose "I spoke with them", Tab to the button, Enter."""
    assert page.url == f"{live_server}/staff/flags/{flag_id}"
    tab_to(page, page.locator("input[name=outcome]").first)
    page.keyboard.press("Space")
    expect(page.get_by_label("I spoke with them", exact=True)).to_be_checked()
    button = page.get_by_role("button", name="Record what was done")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/staff/duty")
    expect(page.locator(".portal-flash")).to_contain_text("What was done is recorded")
    expect(page.locator(f"#flag-{flag_id}")).to_have_count(0)


# 1. Sam's answer ---------------------------------------------------------------------------------------


def test_sams_worrying_answer_reaches_priya_then_the_duty_worker_and_the_record_shows_what_was_done(
    phone: Page, new_page: Callable[..., Page], live_server: str, live_app: Flask, demo: Demo, fhir: FhirTestServer
) -> None:
    app, hours = live_app, team_hours(live_app)
    # Given Sam on ReQoL-10 question 6, on his phone
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/measures")
    phone.get_by_role("button", name="Start Recovering Quality of Life (ReQoL-10)").click()
    expect(phone).to_have_url(re.compile(r"/questions/\d+$"))
    phone.goto(re.sub(r"/questions/\d+$", "/questions/6", phone.url))
    expect(phone.locator("h1")).to_have_text("I thought my life was not worth living")
    # When he answers "Sometimes" and presses Continue
    before = now_utc()
    phone.get_by_label("Sometimes", exact=True).check()
    # (The autosave is let finish first: pressing Continue while it is in flight is its own test, below.)
    expect(phone.locator("#save-status")).to_contain_text("Your answer is saved")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator("h1")).to_have_text("Thank you for telling us")
    after = now_utc()
    # Then the page says truthfully who will see it and when: Priya, his key worker, before his next
    # appointment ("Sometimes" is routine by default), with the 24/7 options first when the team is closed
    said = notices(app, demo, "routine", [before, after], for_carer=False)
    main = phone.locator("main").inner_text()
    sentence = next((sentence for sentence in said if sentence in main), None)
    assert sentence, f"none of {said} in the support page:\n{main}"
    flag = the_only_open_flag(app, demo)
    assert (flag.tier, flag.assignee, flag.routed_via) == ("routine", "Priya Shah", "key_worker")
    if not hours.is_open(after):
        expect(phone.locator("#who-will-see")).to_contain_text("Your care team is closed now")
        assert main.index("day and night") < main.index(sentence)
    expect(phone.locator("main a[href^='tel:']").first).to_be_visible()
    assert_accessible(phone)
    # And the Flag is in the record, active
    drain_outbox(app, fhir)
    assert record_flag(fhir, app, flag.id)["status"] == "active", flag_messages_in_outbox(app, flag.id)

    # When the scheduler runs when the team is next open (now, in working hours)
    opening = hours.next_opening(after)
    run_scheduler(app, opening)
    # Then Priya is told, in the daily digest of routine flags, with no clinical content
    [to_priya] = messages_to(app, PRIYA)
    assert_no_clinical_content(to_priya)
    assert to_priya.goes_to == "/staff/duty"  # a digest: the duty page lists what is hers

    # Routine flags escalate after PORTAL_RISK_ROUTINE_ACKNOWLEDGE_WITHIN_DAYS working days (default 5;
    # urgent ones after 4 working hours): move time to just before that, then to it.
    with app.app_context():
        within = settings.routine_acknowledge_within()
    assert within is not None, "routine flags are never escalated in this configuration"
    deadline = hours.add_working_time(flag.raised_at, within)
    run_scheduler(app, deadline - timedelta(minutes=1))
    assert escalation_notifications(app, flag.id) == [], "escalated before the limit"
    assert messages_to(app, TOM) == messages_to(app, HELEN) == []
    run_scheduler(app, deadline)
    # Then the duty worker (Tom, on the demo rota) and Helen, the team lead, are told
    assert sorted(escalation_notifications(app, flag.id)) == [
        ("flag_escalated", "Helen Brooks"),
        ("flag_escalated", "Tom Okafor"),
    ]
    run_scheduler(app, hours.next_opening(deadline))  # staff messages go in working hours
    for email in (TOM, HELEN):
        [message] = messages_to(app, email)
        assert_no_clinical_content(message)
        assert message.goes_to == f"/staff/flags/{flag.id}"
    assert flag_state(app, flag.id) == (None, None, 1)

    # When Priya follows her message, signs in, and opens the flag from the duty page
    priya = new_page(**PHONE)
    sign_in_from_message(priya, live_server, to_priya, PRIYA)
    row = priya.locator(f"#flag-{flag.id}")
    expect(row).to_contain_text("Sam Taylor")
    expect(row).to_contain_text("Not acknowledged in time")
    assert_accessible(priya)
    link = row.get_by_role("link", name="Sam Taylor")
    tab_to(priya, link)
    priya.keyboard.press("Enter")
    expect(priya).to_have_url(f"{live_server}/staff/flags/{flag.id}")
    expect(priya.locator("h1")).to_contain_text("Life not worth living")
    assert_accessible(priya)
    # And records, with the keyboard only, that she spoke with him
    recorded_from = now_utc()
    record_spoke_with_them_by_keyboard(priya, live_server, flag.id)
    recorded_by = now_utc()
    # Then the flag is closed with what was done, by her
    assert flag_state(app, flag.id) == ("spoke_with_person", PRIYA, 1)
    # And the Flag in the record is closed with it
    assert_closed_in_record(app, fhir, flag.id, (recorded_from, recorded_by))


def test_choosing_an_answer_and_pressing_continue_at_once_never_shows_an_error(
    phone: Page, live_server: str, demo: Demo
) -> None:
    """Sam taps an answer and then Continue before the autosave has come back (a quick tap, a slow
    phone signal): the autosave and the Continue reach the server together. Both must save the
    answer; neither may fail. The autosave is held in the browser until Continue is sent, then both
    go, on every question of ReQoL-10 (question 6 among them)."""
    sign_in(phone, live_server, "service.user@example.test")
    phone.goto(f"{live_server}/me/measures")
    phone.get_by_role("button", name="Start Recovering Quality of Life (ReQoL-10)").click()
    expect(phone).to_have_url(re.compile(r"/questions/\d+$"))
    questions = re.sub(r"/questions/\d+$", "/questions/", phone.url)
    held: list[Any] = []
    statuses: list[tuple[str, int]] = []

    def autosave_waits_for_continue(route: Any) -> None:
        if route.request.method == "POST" and route.request.headers.get("hx-request"):
            held.append(route)
            return
        while held:
            held.pop().continue_()
        route.continue_()

    phone.route(re.compile(r"/questions/\d+$"), autosave_waits_for_continue)
    phone.on(
        "response",
        lambda r: statuses.append((f"{r.request.method} {r.url}", r.status)) if r.request.method == "POST" else None,
    )
    for position in range(1, 12):
        phone.goto(f"{questions}{position}")
        phone.locator("input[name=answer]").nth(1).check()  # the second answer: "Only occasionally" on 6
        phone.get_by_role("button", name="Continue").click()
        phone.wait_for_load_state("load")
        expect(phone.locator("h1")).not_to_have_text("Internal Server Error")
    phone.wait_for_timeout(200)  # the last autosave's answer
    assert [s for s in statuses if s[1] >= 500] == [], statuses


# 2. Jo's urgent worry ----------------------------------------------------------------------------------

JOS_WORRY = "He gave away his guitar and said goodbye to his sister."


def send_an_urgent_worry(page: Page, live_server: str, app: Flask, demo: Demo) -> tuple[set[str], Raised]:
    """Jo, on her phone, tells the team a worry about Sam's safety now. What the page must say
    (for the moments the server may have worked it out at), and the flag raised."""
    sign_in(page, live_server, "carer@example.test")
    page.get_by_role("link", name="Tell the team how things are with Sam").click()
    expect(page.locator("h1")).to_have_text("Tell the team how things are with Sam")
    page.get_by_label("Is there anything you are worried about?").fill(JOS_WORRY)
    page.get_by_label("I am worried about their safety now", exact=True).check()
    before = now_utc()
    page.get_by_role("button", name="Send to the team").click()
    expect(page.locator("h1")).to_contain_text("What Sam shares with you")
    after = now_utc()
    return notices(app, demo, "urgent", [before, after], for_carer=True), the_only_open_flag(app, demo)


def test_after_an_urgent_worry_jo_is_shown_crisis_options(
    phone: Page, live_server: str, live_app: Flask, demo: Demo
) -> None:
    # Given Jo has just told the team she is worried about Sam's safety now
    send_an_urgent_worry(phone, live_server, live_app, demo)
    # Then the page she lands on shows what to do if he needs help now: in the page itself, not
    # only in the footer that every page has
    main = phone.locator("main")
    expect(main.locator("a[href^='tel:']").first).to_be_visible()
    assert_accessible(phone)


def test_jos_urgent_worry_reaches_priya_at_once_then_the_duty_worker_and_the_record_shows_what_was_done(
    phone: Page, new_page: Callable[..., Page], live_server: str, live_app: Flask, demo: Demo, fhir: FhirTestServer
) -> None:
    app, hours = live_app, team_hours(live_app)
    # Given Jo, Sam's mother, on her phone
    # When she writes a worry, says it is about his safety now, and sends it
    said, flag = send_an_urgent_worry(phone, live_server, app, demo)
    # Then the page says truthfully who will see it and when (Priya, his key worker: today, by the
    # next working day, or when the team next opens)
    flash = phone.locator(".portal-flash").inner_text()
    assert any(sentence in flash for sentence in said), f"none of {said} in {flash!r}"
    assert (flag.tier, flag.assignee, flag.routed_via) == ("urgent", "Priya Shah", "key_worker")
    assert_accessible(phone)
    # And the Flag is in the record, active
    drain_outbox(app, fhir)
    assert record_flag(fhir, app, flag.id)["status"] == "active", flag_messages_in_outbox(app, flag.id)

    # When the scheduler runs as soon as it may: at once in working hours, else when the team opens
    told_at = hours.next_opening(flag.raised_at)
    run_scheduler(app, told_at)
    # Then Priya is told at once (urgent), with no clinical content, and a link to the flag
    [to_priya] = messages_to(app, PRIYA)
    assert_no_clinical_content(to_priya)
    assert to_priya.goes_to == f"/staff/flags/{flag.id}"
    assert escalation_notifications(app, flag.id) == [("flag_urgent", "Priya Shah")]

    # Urgent flags escalate after PORTAL_RISK_ACKNOWLEDGE_WITHIN_HOURS working hours (default 4):
    # move time to just before that, then to it.
    with app.app_context():
        deadline = risk_rules.escalation_times(flag.raised_at, hours, settings.acknowledge_within()).stage_1
    assert hours.working_time_between(flag.raised_at, deadline) == timedelta(hours=4)
    run_scheduler(app, deadline - timedelta(minutes=1))
    assert messages_to(app, TOM) == messages_to(app, HELEN) == []
    run_scheduler(app, deadline)
    # Then the duty worker (Tom) and Helen are told
    assert sorted(escalation_notifications(app, flag.id)) == [
        ("flag_escalated", "Helen Brooks"),
        ("flag_escalated", "Tom Okafor"),
        ("flag_urgent", "Priya Shah"),
    ]
    run_scheduler(app, hours.next_opening(deadline))  # staff messages go in working hours
    for email in (TOM, HELEN):
        [message] = messages_to(app, email)
        assert_no_clinical_content(message)
        assert message.goes_to == f"/staff/flags/{flag.id}"

    # When Priya follows her message to the flag, reads Jo's worry, and records that she spoke with Sam
    priya = new_page(**PHONE)
    sign_in_from_message(priya, live_server, to_priya, PRIYA)
    expect(priya.locator("h1")).to_contain_text("A carer's worry")
    expect(priya.locator("main")).to_contain_text(JOS_WORRY)
    assert_accessible(priya)
    recorded_from = now_utc()
    record_spoke_with_them_by_keyboard(priya, live_server, flag.id)
    recorded_by = now_utc()
    assert_accessible(priya)  # the duty page
    # Then the flag is closed with what was done, and so is the Flag in the record
    assert flag_state(app, flag.id) == ("spoke_with_person", PRIYA, 1)
    assert_closed_in_record(app, fhir, flag.id, (recorded_from, recorded_by))


def test_the_demo_data_starts_with_no_flags(live_app: Flask, demo: Demo) -> None:
    """The tests above take "the only open flag about Sam" to be the one they raised, and his NHS
    number to be the Patient put in the test record."""
    with live_app.app_context():
        assert db.session.scalars(select(SafetyFlag)).all() == []
        assert db.session.get(ServiceUser, demo.sam_id).nhs_number == SAM_NHS_NUMBER  # type: ignore[union-attr]
        db.session.remove()
