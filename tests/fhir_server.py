"""A small FHIR R4 server for tests and demos: a real threaded HTTP server on 127.0.0.1.

It keeps resources in memory with versions (``meta.versionId``, ``ETag``, ``If-Match``), does
conditional create (``If-None-Exist`` / ``ifNoneExist``), conditional update
(``PUT Type?identifier=…``), search by ``identifier`` and ``patient``, and atomic transaction
Bundles with ``urn:uuid`` and conditional (``Patient?identifier=…``) references. An update that
changes nothing makes no new version, as real servers do.

It can be told to fail (``FaultPlan``): 500s, 429 with Retry-After, timeouts (it waits longer than
the client, then hangs up without doing anything), dropped connections, "succeed but lose the
response" (it commits, then hangs up), "process late" (it waits longer than the client, *then*
commits and hangs up: the request lands after the client gave up, perhaps after a newer one),
and ``down()``/``up()`` to refuse connections for a while. Like real servers it can also answer a
transaction with 200 while refusing an entry (``refuse_entry``: a 400 and an OperationOutcome;
``busy_entry``: a 429), refuse resources a ``refuse`` function names (its own validator), and refuse
transactions with conditional entries beyond ``max_transaction_entries`` (Medplum's atomic mode: 8). ``FaultPlan.script`` fixes the faults for
the next requests, in order; ``before_transaction`` runs a test's own write just before a
transaction, as another writer would. ``name_key_worker`` writes a CareTeam as a trust's record
would (a Practitioner with a professional registration, a managing organisation for the team).

``log`` lists every transaction that changed something, in order, by the Bundle's identifier:
the fault test reads it to prove each message arrived exactly once, in order.

Run it for a demo: ``python -m tests.fhir_server --port 8090 --demo`` (loads the demo patients).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

Resource = dict[str, Any]
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
_CONDITIONAL = re.compile(r"^([A-Za-z]+)\?(.+)$")


class FhirError(Exception):
    def __init__(self, status: int, code: str, diagnostics: str = "") -> None:
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics = status, code, diagnostics


@dataclass
class FaultPlan:
    """Shares of requests (0-1) that fail in each way; the rest succeed."""

    error_500: float = 0.0
    too_many: float = 0.0
    retry_after: str = "0"
    timeout: float = 0.0
    timeout_seconds: float = 0.5
    drop: float = 0.0
    lose_response: float = 0.0
    late: float = 0.0
    late_seconds: float = 0.5
    # A transaction answered 200 with one entry refused (a 400 and an OperationOutcome), as real servers
    # do when they process entries one by one: nothing of that transaction is kept.
    refuse_entry: float = 0.0
    busy_entry: float = 0.0  # the same with "429 Too Many Requests" for the entry: worth trying again
    script: list[str] = field(default_factory=list)  # faults for the next requests, in order ("ok" = none)
    seed: int = 1
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def draw(self) -> str:
        if self.script:
            return self.script.pop(0)
        roll = self.rng.random()
        for name in ("error_500", "too_many", "timeout", "drop", "lose_response", "late", "refuse_entry",
                     "busy_entry"):
            share = getattr(self, name)
            if roll < share:
                return name
            roll -= share
        return "ok"


def _strip(resource: Resource) -> Resource:
    return {k: v for k, v in resource.items() if k not in {"id", "meta"}}


class Store:
    """Resources by type and id, each a list of versions (the last is current)."""

    def __init__(self) -> None:
        self.versions: dict[str, dict[str, list[Resource]]] = {}
        self.next_id = 1
        self.journal: list[tuple[str, str]] | None = None  # writes to undo if a transaction fails
        self.by_identifier: dict[tuple[str, str], set[str]] = {}  # (type, value) -> ids; checked on use

    def current(self, resource_type: str, resource_id: str) -> Resource | None:
        history = self.versions.get(resource_type, {}).get(resource_id)
        return history[-1] if history else None

    def all(self, resource_type: str) -> list[Resource]:
        return [history[-1] for history in self.versions.get(resource_type, {}).values()]

    def search(self, resource_type: str, params: dict[str, str]) -> list[Resource]:
        if "identifier" in params:
            ids = set().union(*(self.by_identifier.get((resource_type, value.rpartition("|")[2]), set())
                                for value in params["identifier"].split(",")))
            found = [r for r in (self.current(resource_type, i) for i in sorted(ids, key=int)) if r is not None]
        else:
            found = self.all(resource_type)
        for name, value in params.items():
            if name.startswith("_"):
                continue
            if name == "identifier":  # one of several system|value pairs, comma-separated
                wanted = [part.rpartition("|") for part in value.split(",")]
                found = [r for r in found if any(
                    i.get("value") == code and (not system or i.get("system") == system)
                    for i in _identifiers(r) for system, _, code in wanted)]
            elif name in ("url", "version"):
                found = [r for r in found if r.get(name) == value]
            elif name in ("patient", "subject"):
                found = [r for r in found if value in (r.get("patient", {}).get("reference"),
                                                       r.get("subject", {}).get("reference"))]
            else:
                raise FhirError(400, "not-supported", f"search parameter {name} is not supported")
        return found

    def write(self, resource_type: str, resource: Resource, resource_id: str | None = None) -> tuple[Resource, bool]:
        """Create or update; returns (stored, changed). No new version when nothing changed."""
        resource = copy.deepcopy(resource)
        resource["resourceType"] = resource_type
        if resource_id is None:
            resource_id = str(self.next_id)
            self.next_id += 1
        history = self.versions.setdefault(resource_type, {}).setdefault(resource_id, [])
        if history and _strip(history[-1]) == _strip(resource):
            return history[-1], False
        resource["id"] = resource_id
        resource["meta"] = {**resource.get("meta", {}), "versionId": str(len(history) + 1),
                            "lastUpdated": datetime.now(UTC).isoformat(timespec="milliseconds")}
        history.append(resource)
        for ident in _identifiers(resource):
            self.by_identifier.setdefault((resource_type, str(ident.get("value"))), set()).add(resource_id)
        if self.journal is not None:
            self.journal.append((resource_type, resource_id))
        return resource, True

    def undo(self, journal: list[tuple[str, str]]) -> None:
        for resource_type, resource_id in reversed(journal):
            history = self.versions[resource_type][resource_id]
            history.pop()
            if not history:
                del self.versions[resource_type][resource_id]


def _identifiers(resource: Resource) -> list[Resource]:
    value = resource.get("identifier", [])
    return value if isinstance(value, list) else [value]


def _query(text: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def _etag(resource: Resource) -> str:
    return f'W/"{resource["meta"]["versionId"]}"'


class FhirTestServer:
    def __init__(self, port: int = 0, faults: FaultPlan | None = None, max_transaction_entries: int | None = None,
                 refuse: Callable[[Resource], str | None] | None = None) -> None:
        self.store = Store()
        # Like Medplum's atomic mode: a transaction with conditional entries and more entries than this is refused.
        self.max_transaction_entries = max_transaction_entries
        # A validator of our own: a reason to refuse a resource (its entry answers 400 inside a 200), or None.
        self.refuse = refuse
        self.faults = faults or FaultPlan()
        self.lock = threading.RLock()
        self.log: list[str] = []  # Bundle identifiers of transactions that changed something
        self.received: list[str] = []  # Bundle identifiers of every transaction processed
        self.requests = 0
        self.fault_counts: dict[str, int] = {}
        self.connections: set[socket.socket] = set()
        self.before_transaction: Callable[[Resource], None] | None = None  # called once, then cleared
        self.late_in_flight = 0  # "late" requests still waiting to be processed
        self.late_outcomes: list[int] = []  # the status each "late" request got (nobody heard it)
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Life cycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/fhir"

    def start(self) -> FhirTestServer:
        handler = type("Handler", (_Handler,), {"server_state": self})
        httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        httpd.daemon_threads = True
        self._port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        """Stop listening: connections are refused until ``up()``."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self.lock:  # kept-alive connections too: a server that is down answers nothing
            for connection in list(self.connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self.connections.clear()

    def up(self) -> None:
        if self._httpd is None:
            self.start()

    stop = down

    def __enter__(self) -> FhirTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.down()

    # Data ---------------------------------------------------------------------------------

    def add_patient(self, nhs_number: str, **values: Any) -> Resource:
        resource = {"resourceType": "Patient",
                    "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": nhs_number}], **values}
        with self.lock:
            return self.store.write("Patient", resource)[0]

    def put(self, resource: Resource) -> Resource:
        with self.lock:
            return self.store.write(resource["resourceType"], resource, resource.get("id"))[0]

    def name_key_worker(self, nhs_number: str, name: str, registration: str, since: str, team: str = "",
                        registration_system: str = "https://fhir.hl7.org.uk/Id/nmc-pin") -> Resource:
        """What a trust's record holds when it names a key worker: a Practitioner (found or added by
        registration) as the key-worker participant of an active CareTeam for the patient."""
        with self.lock:
            [patient] = self.store.search("Patient", {"identifier": f"{NHS_NUMBER_SYSTEM}|{nhs_number}"})
            found = self.store.search("Practitioner", {"identifier": f"{registration_system}|{registration}"})
            practitioner = found[0] if found else self.store.write("Practitioner", {
                "resourceType": "Practitioner", "identifier": [{"system": registration_system, "value": registration}],
                "name": [{"text": name}]})[0]
            care_team: Resource = {
                "resourceType": "CareTeam", "status": "active", "subject": {"reference": f"Patient/{patient['id']}"},
                "participant": [{"role": [{"text": "Key worker"}],
                                 "member": {"reference": f"Practitioner/{practitioner['id']}", "display": name},
                                 "period": {"start": since}}]}
            if team:
                care_team["managingOrganization"] = [{"display": team}]
            return self.store.write("CareTeam", care_team)[0]

    def wait_for_late(self, seconds: float = 5.0) -> None:
        """Wait until every "late" request has been processed."""
        deadline = time.monotonic() + seconds
        while self.late_in_flight and time.monotonic() < deadline:
            time.sleep(0.01)

    @property
    def messages(self) -> list[int]:
        """Outbox message ids in the order their changes arrived: a message sent in parts
        (``<id>-<part>``, ``<id>-questionnaire``) counts once, where its first part arrived."""
        seen: list[int] = []
        for value in self.log:
            message_id = int(value.split("-")[0])
            if message_id not in seen:
                seen.append(message_id)
        return seen

    def resources(self, resource_type: str) -> list[Resource]:
        with self.lock:
            return copy.deepcopy(self.store.all(resource_type))

    def by_identifier(self, resource_type: str, system: str, value: str) -> list[Resource]:
        with self.lock:
            return copy.deepcopy(self.store.search(resource_type, {"identifier": f"{system}|{value}"}))

    def history(self, resource_type: str, resource_id: str) -> list[Resource]:
        with self.lock:
            return copy.deepcopy(self.store.versions.get(resource_type, {}).get(resource_id, []))

    # FHIR interactions --------------------------------------------------------------------

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: Resource | None
               ) -> tuple[int, dict[str, str], Resource | None]:
        parts = [p for p in path.split("/") if p][1:]  # drop the "fhir" prefix
        with self.lock:
            if method == "GET" and parts == ["metadata"]:
                return 200, {}, {"resourceType": "CapabilityStatement", "status": "active", "kind": "instance",
                                 "fhirVersion": "4.0.1", "format": ["json"]}
            if method == "GET" and len(parts) == 1:
                found = self.store.search(parts[0], _query(query))
                return 200, {}, {"resourceType": "Bundle", "type": "searchset", "total": len(found),
                                 "entry": [{"resource": r, "search": {"mode": "match"}} for r in found]}
            if method == "GET" and len(parts) == 2:
                resource = self.store.current(parts[0], parts[1])
                if resource is None:
                    raise FhirError(404, "not-found")
                return 200, {"ETag": _etag(resource)}, resource
            if method == "POST" and not parts:
                return self._transaction(body or {}, refuse_one=headers.get("x-fault", ""))
            if body is None:
                raise FhirError(400, "invalid", "a body is needed")
            if method == "POST" and len(parts) == 1:
                status, resource, _ = self._create(parts[0], body, headers.get("if-none-exist", ""), {})
                return status, _location(resource), resource
            if method == "PUT" and len(parts) == 1 and query:
                status, resource, _ = self._conditional_update(parts[0], body, query, {})
                return status, _location(resource), resource
            if method == "PUT" and len(parts) == 2:
                status, resource, _ = self._update(parts[0], parts[1], body, headers.get("if-match", ""), {})
                return status, _location(resource), resource
        raise FhirError(400, "not-supported", f"{method} {path} is not supported")

    def _create(self, resource_type: str, body: Resource, if_none_exist: str, urns: dict[str, str]
                ) -> tuple[int, Resource, bool]:
        if if_none_exist:
            existing = self.store.search(resource_type, _query(if_none_exist))
            if len(existing) > 1:
                raise FhirError(412, "duplicate", "more than one match for If-None-Exist")
            if existing:
                return 200, existing[0], False
        resource, _ = self.store.write(resource_type, self._resolve(body, urns))
        return 201, resource, True

    def _conditional_update(self, resource_type: str, body: Resource, query: str, urns: dict[str, str]
                            ) -> tuple[int, Resource, bool]:
        existing = self.store.search(resource_type, _query(query))
        if len(existing) > 1:
            raise FhirError(412, "multiple-matches", "more than one match for a conditional update")
        resource_id = existing[0]["id"] if existing else None
        resource, changed = self.store.write(resource_type, self._resolve(body, urns), resource_id)
        return (200 if existing else 201), resource, changed

    def _update(self, resource_type: str, resource_id: str, body: Resource, if_match: str, urns: dict[str, str]
                ) -> tuple[int, Resource, bool]:
        current = self.store.current(resource_type, resource_id)
        if if_match and (current is None or _etag(current) != if_match):
            raise FhirError(412, "conflict", "the resource has changed (If-Match)")
        resource, changed = self.store.write(resource_type, self._resolve(body, urns), resource_id)
        return (200 if current else 201), resource, changed

    def _resolve(self, resource: Resource, urns: dict[str, str]) -> Resource:
        def walk(value: Any) -> Any:
            if isinstance(value, dict):
                out = {k: walk(v) for k, v in value.items()}
                reference = out.get("reference")
                if isinstance(reference, str):
                    out["reference"] = self._reference(reference, urns)
                return out
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        return walk(resource)  # type: ignore[no-any-return]

    def _reference(self, reference: str, urns: dict[str, str]) -> str:
        if reference.startswith("urn:uuid:"):
            if reference not in urns:
                raise FhirError(400, "invalid", "reference to an entry not in this transaction")
            return urns[reference]
        conditional = _CONDITIONAL.match(reference)
        if conditional:
            found = self.store.search(conditional.group(1), _query(conditional.group(2)))
            if len(found) != 1:
                raise FhirError(412, "not-found", f"conditional reference matched {len(found)} resources")
            return f"{conditional.group(1)}/{found[0]['id']}"
        return reference

    def _transaction(self, bundle: Resource, refuse_one: str = "") -> tuple[int, dict[str, str], Resource]:
        if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "transaction":
            raise FhirError(400, "invalid", "POST to the base needs a transaction Bundle")
        entries = bundle.get("entry", [])
        conditional = any(e["request"].get("ifNoneExist") or "?" in e["request"]["url"] for e in entries)
        if self.max_transaction_entries is not None and conditional and len(entries) > self.max_transaction_entries:
            raise FhirError(400, "invalid", "Transaction requires strict isolation but has too many entries")
        refusals = [(n, self.refuse(e["resource"])) for n, e in enumerate(entries) if self.refuse and "resource" in e]
        refusals = [(n, reason) for n, reason in refusals if reason]
        status = "429 Too Many Requests" if refuse_one == "busy_entry" else "400 Bad Request"
        if refuse_one and entries:
            # As a careless server might: the diagnostics name the patient.
            refusals.append((len(entries) - 1, "injected refusal for 'Sam Taylor' 9990010005 born 1990-05-14"))
        if refusals:  # answered 200, but the refused entries say so and nothing is kept
            self.received.append(str(bundle.get("identifier", {}).get("value", "")))
            refused = dict(refusals)
            return 200, {}, {"resourceType": "Bundle", "type": "transaction-response", "entry": [
                {"response": {"status": status, "outcome": _outcome(
                    "invalid" if status.startswith("400") else "throttled", refused[n],
                    f"{e.get('resource', {}).get('resourceType', 'Bundle')}.identifier")}}
                if n in refused else {"response": {"status": "200 OK"}}
                for n, e in enumerate(entries)]}
        self.received.append(str(bundle.get("identifier", {}).get("value", "")))
        hook, self.before_transaction = self.before_transaction, None
        if hook is not None:
            hook(bundle)
        self.store.journal = journal = []
        urns: dict[str, str] = {}
        responses = []
        changed_any = False
        try:
            for entry in bundle.get("entry", []):
                request = entry["request"]
                url, _, query = request["url"].partition("?")
                body = entry.get("resource")
                if request["method"] == "POST":
                    status, resource, changed = self._create(url, body, request.get("ifNoneExist", ""), urns)
                elif request["method"] == "PUT" and query:
                    status, resource, changed = self._conditional_update(url, body, query, urns)
                elif request["method"] == "PUT":
                    type_name, resource_id = url.split("/")
                    status, resource, changed = self._update(type_name, resource_id, body,
                                                             request.get("ifMatch", ""), urns)
                else:
                    raise FhirError(400, "not-supported", f"{request['method']} in a transaction")
                if entry.get("fullUrl", "").startswith("urn:uuid:"):
                    urns[entry["fullUrl"]] = f"{resource['resourceType']}/{resource['id']}"
                changed_any |= changed
                responses.append({"response": {
                    "status": {200: "200 OK", 201: "201 Created"}[status],
                    "location": f"{resource['resourceType']}/{resource['id']}/_history/{resource['meta']['versionId']}",
                    "etag": _etag(resource)}})
        except FhirError:
            self.store.undo(journal)  # all or nothing
            raise
        finally:
            self.store.journal = None
        if changed_any:
            self.log.append(str(bundle.get("identifier", {}).get("value", "")))
        return 200, {}, {"resourceType": "Bundle", "type": "transaction-response", "entry": responses}


def _location(resource: Resource) -> dict[str, str]:
    return {"Location": f"{resource['resourceType']}/{resource['id']}/_history/{resource['meta']['versionId']}",
            "ETag": _etag(resource)}


class _Handler(BaseHTTPRequestHandler):
    server_state: FhirTestServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body in one go, no 40 ms delayed-ACK stalls
    wbufsize = -1

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        with self.server_state.lock:
            self.server_state.connections.add(self.connection)

    def finish(self) -> None:
        with self.server_state.lock:
            self.server_state.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def _serve(self, method: str) -> None:
        state = self.server_state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with state.lock:
            state.requests += 1
            fault = state.faults.draw()
            state.fault_counts[fault] = state.fault_counts.get(fault, 0) + 1
        if fault == "error_500":
            return self._send(500, {}, _outcome("exception", "injected failure"))
        if fault == "too_many":
            return self._send(429, {"Retry-After": state.faults.retry_after}, _outcome("throttled", "slow down"))
        if fault == "timeout":
            time.sleep(state.faults.timeout_seconds)
            return self._hang_up()
        if fault == "drop":
            return self._hang_up()
        if fault == "late":
            with state.lock:
                state.late_in_flight += 1
            time.sleep(state.faults.late_seconds)
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if fault in ("refuse_entry", "busy_entry"):
            headers["x-fault"] = fault
        try:
            body = json.loads(raw) if raw else None
            status, headers, resource = state.handle(method, unquote(split.path), split.query, headers, body)
        except FhirError as error:
            if fault == "late":
                return self._processed_late(error.status)
            return self._send(error.status, {}, _outcome(error.code, error.diagnostics))
        except (ValueError, KeyError, TypeError) as error:
            if fault == "late":
                return self._processed_late(400)
            return self._send(400, {}, _outcome("invalid", f"bad request: {error!r}"))
        if fault == "late":
            return self._processed_late(status)
        if fault == "lose_response":
            return self._hang_up()
        self._send(status, headers, resource)

    def _processed_late(self, status: int) -> None:
        state = self.server_state
        with state.lock:
            state.late_outcomes.append(status)
            state.late_in_flight -= 1
        self._hang_up()

    def _hang_up(self) -> None:
        self.close_connection = True

    def _send(self, status: int, headers: dict[str, str], body: Resource | None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")


def _outcome(code: str, diagnostics: str, expression: str = "") -> Resource:
    issue: Resource = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


DEMO_PATIENTS = (
    ("9990010005", {"name": [{"use": "official", "family": "Taylor", "given": ["Samuel"]}],
                    "birthDate": "1990-05-14"}),
    ("9990010013", {"name": [{"use": "official", "family": "Morgan", "given": ["Alex"]}],
                    "birthDate": "1985-11-02"}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the test FHIR R4 server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--demo", action="store_true", help="load the demo patients (Sam Taylor, Alex Morgan)")
    args = parser.parse_args()
    server = FhirTestServer(args.port).start()
    if args.demo:
        for nhs_number, values in DEMO_PATIENTS:
            server.add_patient(nhs_number, **values)
    print(f"FHIR test server on {server.base_url} (Ctrl+C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.down()


if __name__ == "__main__":
    main()
