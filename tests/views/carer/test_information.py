"""A carer's own information: who has seen it, and a copy of their details and views."""

from __future__ import annotations

import json

from flask import Flask

from portal.services import audit
from tests import factories
from tests.conftest import PageRequest


def test_carer_sees_who_has_seen_their_details(app: Flask, carer, key_worker, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    audit.record_now(key_worker.user.id, "carer_details_updated", "carer", carer.id)
    home = as_carer.get("carer.home")
    assert {a["href"] for a in home.select("#your-information a")} == {"/carer/information/seen",
                                                                       "/carer/information/copy"}
    page = as_carer.get("carer.access_history")
    text = page.select_one("#access-history").get_text()
    assert "Someone from the care team" in text and "Changed your contact details" in text
    assert "Kim Keyworker" not in text


def test_carer_copy_has_their_views_and_not_the_persons_record(app: Flask, carer, service_user, as_carer: PageRequest) -> None:  # type: ignore[no-untyped-def]
    factories.create_contribution(carer, service_user, private=("worries",), worries="Just for the team")
    page = as_carer.get("carer.information_copy")
    assert page.h1.get_text(strip=True) == "A copy of your information"
    assert "Just for the team" in page.get_text() and service_user.nhs_number not in page.get_text()
    response = as_carer.client.post("/carer/information/copy/download")
    copy = json.loads(response.data)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert copy["about"] == "carer" and copy["views_sent"][0]["parts"]["worries"]["only_for_the_team"] is True
