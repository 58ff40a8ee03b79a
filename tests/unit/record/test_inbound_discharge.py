"""Discharge comes in from the record's EpisodeOfCare resources: finished (all of them) is a
discharge on the last end date, an active one (a new referral) reopens; no episodes say nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from portal.record import fhir_resources as fr
from portal.services.record_sync import pull_patient
from tests import factories


def _episode(status: str, end: str | None = None) -> dict[str, object]:
    return {"resourceType": "EpisodeOfCare", "status": status,
            **({"period": {"start": "2024-01-01", "end": end}} if end else {})}


@pytest.mark.parametrize(("episodes", "said"), [
    ([], (None, None)),
    ([_episode("entered-in-error")], (None, None)),
    ([_episode("active")], (True, None)),
    ([_episode("finished", "2026-03-01"), _episode("waitlist")], (True, None)),
    ([_episode("finished", "2025-06-30"), _episode("finished", "2026-03-01T10:00:00Z")], (False, date(2026, 3, 1))),
    ([_episode("finished")], (False, None)),
])
def test_what_episodes_of_care_say(episodes: list[dict[str, object]], said: tuple[bool | None, date | None]) -> None:
    assert fr.under_care(episodes) == said


def test_a_discharge_in_the_record_takes_the_person_off_and_a_new_referral_brings_them_back(  # type: ignore[no-untyped-def]
        app, fhir_server, record) -> None:
    person = factories.create_service_user()
    fhir_server.add_patient(person.nhs_number)
    patient = {"reference": f"Patient/{fhir_server.resources('Patient')[0]['id']}"}
    fhir_server.put({**_episode("finished", "2026-10-31"), "patient": patient})

    first = pull_patient(record, person)
    again = pull_patient(record, person)

    assert first.discharge_changed and not again.discharge_changed
    assert person.discharged_on == date(2026, 10, 31)

    fhir_server.put({**_episode("active"), "patient": patient})
    assert pull_patient(record, person).discharge_changed
    assert person.discharged_on is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == person.id,
                                                                 AuditEvent.actor_user_id.is_(None)))
    assert [a for a in actions if "discharged" in a or "reopened" in a] == [
        "service_user_discharged_from_record", "service_user_reopened_from_record"]
