"""The key worker's home page says when carers have sent something new."""

from __future__ import annotations

from tests import factories
from tests.conftest import PageRequest


def test_new_carer_messages_are_counted_and_linked(app, service_user, carer, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    assert as_key_worker.get("staff.home").select_one("#new-carer-contributions") is None
    factories.create_contribution(carer, service_user)
    panel = as_key_worker.get("staff.home").select_one("#new-carer-contributions")
    assert panel.get_text(strip=True) == "1 new message from a carer"
    assert panel.a["href"] == as_key_worker.url("staff.new_carer_contributions")
