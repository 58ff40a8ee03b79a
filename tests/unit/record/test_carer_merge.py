"""The three-way merge of carer details: one-sided changes flow, two-sided changes wait for a person."""

from __future__ import annotations

from portal.record.carers import CARER_FIELDS, merge, record_values, write_record_values


def test_a_change_in_the_record_only_comes_to_the_portal() -> None:
    result = merge({"phone": "01632960001"}, {"phone": "01632960001"}, {"phone": "01632960999"})
    assert result.to_portal == {"phone": "01632960999"}
    assert result.to_record == {} and result.conflicts == {}
    assert result.snapshot == {"phone": "01632960999"}


def test_a_change_in_the_portal_only_goes_to_the_record() -> None:
    result = merge({"email": "old@example.test"}, {"email": "new@example.test"}, {"email": "old@example.test"})
    assert result.to_record == {"email": "new@example.test"}
    assert result.to_portal == {}


def test_different_changes_on_both_sides_are_a_conflict_and_nothing_is_overwritten() -> None:
    result = merge({"mobile": "07700900001"}, {"mobile": "07700900002"}, {"mobile": "07700900003"})
    assert result.conflicts == {"mobile": ("07700900002", "07700900003")}
    assert result.to_portal == {} and result.to_record == {}
    assert result.snapshot == {"mobile": "07700900001"}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    result = merge({"postcode": "LS1 4AP"}, {"postcode": "ls6 2ab"}, {"postcode": "LS6  2AB"})
    assert result.conflicts == {} and result.to_portal == {} and result.to_record == {}


def test_never_synced_and_different_is_a_conflict_because_neither_side_is_known_newer() -> None:
    assert merge({}, {"name": "Jo Taylor"}, {"name": "Joanne Taylor"}).conflicts == {
        "name": ("Jo Taylor", "Joanne Taylor")}


def test_every_field_in_the_table_round_trips_through_a_related_person() -> None:
    values = {"name": "Jo Taylor", "relationship": "Mother", "phone": "01632960001", "mobile": "07700900123",
              "email": "jo@example.test", "address": "1 Park Row, Leeds", "postcode": "LS1 4AP", "language": "Polish"}
    assert set(values) == set(CARER_FIELDS)
    resource: dict = {"resourceType": "RelatedPerson"}
    write_record_values(resource, values)
    assert record_values(resource) == values
    write_record_values(resource, {"mobile": ""})
    assert record_values(resource)["mobile"] == "" and record_values(resource)["phone"] == "01632960001"
