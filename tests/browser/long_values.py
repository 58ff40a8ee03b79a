"""Real-world long values for the browser suite (issue 19 item 16): fresh demo data is short and
tidy, and overflow at 320 px only shows with long names, long addresses, long codes and many rows.

``add_long_values()`` adds, beside the demo people: someone on Priya's caseload with a long
double-barrelled name, a carer of Sam's with a long name, relationship and email address, goals and
care plan words with long unbroken words (a web address), and a screen of audit events with the
longest action and record codes the portal writes, at the widest ids.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Goal, GoalStatus, Role, Section, ServiceUser, StaffMember, User
from portal.models.goals import AuthorRole
from portal.services import care_plans
from tests import factories

PORTAL = Path(__file__).resolve().parents[2] / "portal"
LONG_NAME = ("Maximilian-Bartholomew", "Featherstonehaugh-Cholmondeley-Worthington")
LONG_EMAIL = "jo.featherstonehaugh-cholmondeley@northshire-community-mental-health.nhs.example"
LONG_WORD = "https://www.northshire-community-mental-health.nhs.example/services/recovery-college/courses"
MANY_ROWS = 60  # more than the administrator's page shows (50)


def longest_audit_codes() -> list[tuple[str, str]]:
    """The longest (action, record type) pairs the portal's code writes to the audit trail."""
    pairs = set()
    for path in PORTAL.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        pairs.update(re.findall(r'audit\.record(?:_now)?\([^,]+, "([a-z_]+)", "([a-z_]+)"', text))
    return sorted(pairs, key=lambda pair: -len(pair[0]) - len(pair[1]))[:5]


def add_long_values() -> None:
    """Add the long values to the demo data (call after ``load_demo_data()``, in an app context)."""
    priya = db.session.scalar(select(StaffMember).join(User, User.id == StaffMember.user_id)
                              .where(User.email == "key.worker@example.test"))
    sam = db.session.scalar(select(ServiceUser).filter_by(given_name="Samuel"))
    assert priya is not None and sam is not None, "load the demo data first"
    person = factories.create_service_user(key_worker=priya, given_name=LONG_NAME[0], family_name=LONG_NAME[1],
                                           preferred_name="Maximilian-Bartholomew", pronouns="they/them",
                                           email=LONG_EMAIL, date_of_birth=date(1987, 11, 23))
    carer = factories.create_carer(sam, relationship="Step-grandmother and appointee",
                                   name="Josephine Featherstonehaugh-Cholmondeley")
    carer.email = LONG_EMAIL
    db.session.add(Goal(service_user_id=sam.id, text=f"Find a course I like on {LONG_WORD}",
                        written_by_id=sam.user_id, owner=AuthorRole.SERVICE_USER, status=GoalStatus.DRAFT))
    care_plans.add_entry(sam.user, sam, Section.WHAT_MATTERS, f"The recovery college: {LONG_WORD}")
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    codes = longest_audit_codes()
    for number in range(MANY_ROWS):
        action, record_type = codes[number % len(codes)]
        db.session.add(AuditEvent(actor_user_id=admin.id if admin else None, action=action,
                                  record_type=record_type, record_id=2_147_483_000 + number))
    db.session.add(AuditEvent(actor_user_id=person.user_id, action="x" * 60, record_type="y" * 40,
                              record_id=2_147_483_647))  # the widest the columns hold
    db.session.commit()
