"""Carer details between the portal and the record: the field table and the three-way merge.

``CARER_FIELDS`` is the one place that says which carer detail lives where. To sync a new
detail (say the Carer model gains ``preferred_contact``), add a row: the portal side names the
model attribute, the FHIR side reads and writes it on a RelatedPerson. A row whose portal
attribute does not exist (yet) is skipped, so rows can be added before the model catches up.

The merge compares three values per field: what both sides agreed at the last sync (the
snapshot), the portal's value and the record's value. A change on one side is copied to the
other; a different change on both sides is a conflict for the key worker to decide, and nothing
is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Resource = dict[str, Any]


def _telecom_reader(system: str, use: str | None) -> Callable[[Resource], str]:
    def read(resource: Resource) -> str:
        for point in resource.get("telecom", []):
            if point.get("system") == system and (use is None or point.get("use") == use):
                return str(point.get("value", ""))
        return ""

    return read


def _telecom_writer(system: str, use: str | None) -> Callable[[Resource, str], None]:
    def write(resource: Resource, value: str) -> None:
        kept = [p for p in resource.get("telecom", [])
                if not (p.get("system") == system and (use is None or p.get("use") == use))]
        if value:
            kept.append({"system": system, "value": value, **({"use": use} if use else {})})
        if kept:
            resource["telecom"] = kept
        else:
            resource.pop("telecom", None)

    return write


def _read_name(resource: Resource) -> str:
    for name in resource.get("name", []):
        if name.get("text"):
            return str(name["text"])
        parts = [*name.get("given", []), name.get("family", "")]
        if any(parts):
            return " ".join(p for p in parts if p)
    return ""


def _write_name(resource: Resource, value: str) -> None:
    resource["name"] = [{"text": value}] if value else []
    if not value:
        resource.pop("name")


def _address_reader(key: str) -> Callable[[Resource], str]:
    def read(resource: Resource) -> str:
        addresses = resource.get("address", [])
        return str(addresses[0].get(key, "")) if addresses else ""

    return read


def _address_writer(key: str) -> Callable[[Resource, str], None]:
    def write(resource: Resource, value: str) -> None:
        addresses = resource.setdefault("address", [{}])
        if not addresses:
            addresses.append({})
        if value:
            addresses[0][key] = value
        else:
            addresses[0].pop(key, None)
        if not addresses[0]:
            resource.pop("address")

    return write


def _read_language(resource: Resource) -> str:
    for entry in resource.get("communication", []):
        if entry.get("language", {}).get("text"):
            return str(entry["language"]["text"])
    return ""


def _write_language(resource: Resource, value: str) -> None:
    if value:
        resource["communication"] = [{"language": {"text": value}, "preferred": True}]
    else:
        resource.pop("communication", None)


def _read_relationship(resource: Resource) -> str:
    for concept in resource.get("relationship", []):
        if concept.get("text"):
            return str(concept["text"])
    return ""


def _write_relationship(resource: Resource, value: str) -> None:
    from portal.record.fhir_resources import carer_relationship

    resource["relationship"] = [carer_relationship(value)]


@dataclass(frozen=True)
class CarerField:
    """One carer detail: where the portal keeps it and how a RelatedPerson carries it."""

    portal_model: str  # "carer" (Carer) or "link" (CarerLink, per service user)
    portal_attribute: str
    read: Callable[[Resource], str]
    write: Callable[[Resource, str], None]


CARER_FIELDS: dict[str, CarerField] = {
    "name": CarerField("carer", "name", _read_name, _write_name),
    "relationship": CarerField("link", "relationship_type", _read_relationship, _write_relationship),
    "phone": CarerField("carer", "phone", _telecom_reader("phone", "home"), _telecom_writer("phone", "home")),
    "mobile": CarerField("carer", "mobile", _telecom_reader("phone", "mobile"), _telecom_writer("phone", "mobile")),
    "email": CarerField("carer", "email", _telecom_reader("email", None), _telecom_writer("email", None)),
    "address": CarerField("carer", "address", _address_reader("text"), _address_writer("text")),
    "postcode": CarerField("carer", "postcode", _address_reader("postalCode"), _address_writer("postalCode")),
    "language": CarerField("carer", "language", _read_language, _write_language),
}


def synced_fields(carer: object, link: object) -> list[str]:
    """The fields in the table that the portal's models have today."""
    owners = {"carer": carer, "link": link}
    return [name for name, f in CARER_FIELDS.items() if hasattr(type(owners[f.portal_model]), f.portal_attribute)]


def portal_values(carer: object, link: object) -> dict[str, str]:
    owners = {"carer": carer, "link": link}
    return {
        name: str(getattr(owners[CARER_FIELDS[name].portal_model], CARER_FIELDS[name].portal_attribute) or "")
        for name in synced_fields(carer, link)
    }


def set_portal_value(carer: object, link: object, name: str, value: str) -> None:
    spec = CARER_FIELDS[name]
    setattr({"carer": carer, "link": link}[spec.portal_model], spec.portal_attribute, value)


def record_values(resource: Resource, fields: list[str] | None = None) -> dict[str, str]:
    return {name: CARER_FIELDS[name].read(resource) for name in (fields or list(CARER_FIELDS))}


def write_record_values(resource: Resource, values: Mapping[str, str]) -> None:
    for name, value in values.items():
        CARER_FIELDS[name].write(resource, value)


@dataclass
class Merge:
    to_portal: dict[str, str] = field(default_factory=dict)
    to_record: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (portal, record)
    snapshot: dict[str, str] = field(default_factory=dict)


def merge(snapshot: Mapping[str, str], portal: Mapping[str, str], record: Mapping[str, str]) -> Merge:
    """Three-way merge of carer details, field by field, for the fields the portal has.

    With no snapshot for a field (never synced) a difference is a conflict: neither side is
    known to be the newer one.
    """
    result = Merge()
    for name, mine in portal.items():
        theirs = record.get(name, "")
        base = snapshot.get(name)
        if _same(mine, theirs):
            result.snapshot[name] = theirs
        elif base is not None and _same(theirs, base):
            result.to_record[name] = mine
            result.snapshot[name] = mine
        elif base is not None and _same(mine, base):
            result.to_portal[name] = theirs
            result.snapshot[name] = theirs
        else:
            result.conflicts[name] = (mine, theirs)
            if base is not None:
                result.snapshot[name] = base
    return result


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()
