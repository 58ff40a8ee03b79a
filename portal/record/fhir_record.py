"""FhirRecord: the clinical record as a FHIR R4 server (UK Core), over HTTPS with JSON.

Every change is sent in transaction Bundles whose entries are conditional: creates carry
``ifNoneExist`` on the portal's business identifier, and updates are ``PUT <Type>/<id>`` with
``If-Match`` on the version just read, after checking the record does not already hold this or a
newer message's data (``_write_unless_older``). So sending the same message twice — say after a
response was lost — never makes a duplicate, and a message processed late never overwrites newer
data. The Bundle's own identifier is the outbox message id (``<id>-<part>`` for the parts of one).

Every entry of the server's answer decides the outcome, not the HTTP status alone: a message is
delivered only when the server confirmed every entry (``_check_entries``). No Bundle is larger than
``max_entries`` (servers refuse large transactions with conditional entries: Medplum's atomic mode
takes 8): a larger message goes as ordered parts, each idempotent by identifier, and references
from a later part to a resource made in an earlier one become conditional references.

Inbound, ``find_patient`` reads demographics, ``care_allocation`` the named key worker, team and
pathway (CareTeam, EpisodeOfCare, Practitioner), ``related_persons`` the carers.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from portal.record import care_team_resource as ctr
from portal.record import carers, contract
from portal.record import fhir_resources as fr
from portal.record import statement_of_care_resource as soc
from portal.record.port import (
    CareAllocation,
    CarerPush,
    PatientDetails,
    PermanentError,
    PractitionerDetails,
    RelatedPersonDetails,
    TransientError,
)

Resource = dict[str, Any]
FHIR_JSON = "application/fhir+json"
RETRY_STATUSES = {409, 412, 429}
# Medplum refuses a transaction with conditional entries and more than 8 entries when it runs
# transactions atomically ("Transaction requires strict isolation but has too many entries").
DEFAULT_MAX_ENTRIES = 8
# Read, decide, write with If-Match; a 412 means someone wrote in between: read again and decide again.
WRITE_TRIES = 3


class VersionConflict(TransientError):
    """412: the resource changed since it was read (``If-Match``)."""


class BearerToken(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class ClientCredentials(httpx.Auth):
    """OAuth 2.0 client credentials (client_secret_post); the token is cached until shortly before expiry."""

    requires_response_body = True

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str = "",
                 timeout: float = 10.0, verify: bool | str = True) -> None:
        self.token_url, self.client_id, self.client_secret, self.scope = token_url, client_id, client_secret, scope
        self.timeout, self.verify = timeout, verify
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def _fetch(self) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._expires_at:
                return self._token
            data = {"grant_type": "client_credentials", "client_id": self.client_id,
                    "client_secret": self.client_secret}
            if self.scope:
                data["scope"] = self.scope
            try:
                response = httpx.post(self.token_url, data=data, timeout=self.timeout, verify=self.verify)
            except httpx.HTTPError as error:
                raise TransientError(f"token endpoint unreachable: {type(error).__name__}") from error
            if response.status_code >= 500 or response.status_code == 429:
                raise TransientError(f"token endpoint answered {response.status_code}")
            if response.status_code != 200:
                raise TransientError(f"token request refused ({response.status_code}): check FHIR client credentials")
            body = response.json()
            self._token = str(body["access_token"])
            self._expires_at = time.monotonic() + max(int(body.get("expires_in", 300)) - 30, 5)
            return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._fetch()}"
        response = yield request
        if response.status_code == 401:  # expired or revoked early: one fresh token, one more try
            with self._lock:
                self._token = None
            request.headers["Authorization"] = f"Bearer {self._fetch()}"
            yield request


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def _version_of(resource: Resource, etag: str | None = None) -> str:
    if etag:
        return etag.removeprefix("W/").strip('"')
    return str(resource.get("meta", {}).get("versionId", ""))


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(str(p) for p in parts))}"


class FhirRecord:
    def __init__(self, base_url: str, identifier_base: str, *, auth: httpx.Auth | None = None,
                 timeout: float = 10.0, connect_timeout: float = 5.0, verify: bool | str = True,
                 transport: httpx.BaseTransport | None = None, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 2:
            raise ValueError("a transaction must be allowed at least 2 entries")
        self.systems = fr.Systems(identifier_base)
        self.max_entries = max_entries
        self._published: set[str] = set()  # Questionnaire canonicals known to be in the record
        self.client = httpx.Client(
            base_url=base_url.rstrip("/") + "/", auth=auth, verify=verify, transport=transport,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            headers={"Accept": FHIR_JSON, "Content-Type": FHIR_JSON},
        )

    def close(self) -> None:
        self.client.close()

    # HTTP ---------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, json: Resource | None = None,
                 params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        try:
            response = self.client.request(method, url, json=json, params=params, headers=headers)
        except httpx.TimeoutException as error:
            raise TransientError(f"{method} {url.split('?')[0] or 'transaction'}: timed out") from error
        except httpx.TransportError as error:  # refused, reset, dropped: the request may or may not have landed
            raise TransientError(f"{method} {url.split('?')[0] or 'transaction'}: {type(error).__name__}") from error
        status = response.status_code
        if status < 300:
            return response
        reason = f"{method} {url.split('?')[0] or 'transaction'}: HTTP {status}. {_outcome_text(response)}".strip()
        if status == 412:
            raise VersionConflict(reason)
        if status in RETRY_STATUSES or status >= 500 or status == 401:
            raise TransientError(reason, retry_after_seconds(response.headers.get("Retry-After")))
        raise PermanentError(reason)

    def _search(self, resource_type: str, params: Mapping[str, str]) -> list[Resource]:
        bundle = self._request("GET", resource_type, params=params).json()
        return [entry["resource"] for entry in bundle.get("entry", [])
                if entry.get("resource", {}).get("resourceType") == resource_type
                and entry.get("search", {}).get("mode", "match") == "match"]

    def _by_identifier(self, resource_type: str, system: str, value: object) -> Resource | None:
        found = self._search(resource_type, {"identifier": f"{system}|{value}"})
        if len(found) > 1:
            raise PermanentError(f"{len(found)} {resource_type} resources share one portal identifier")
        return found[0] if found else None

    def _transaction(self, message_id: int | str, entries: list[Resource]) -> list[Resource]:
        """One transaction; the responses of its entries, in order, once the server confirmed every one."""
        if len(entries) > self.max_entries:
            raise PermanentError(f"a transaction of {len(entries)} entries is over the limit of {self.max_entries}")
        bundle = fr.validate({
            "resourceType": "Bundle", "type": "transaction",
            "identifier": fr.identifier(self.systems("outbox-message"), message_id),
            "entry": entries,
        })
        result = self._request("POST", "", json=bundle).json()
        responses = [entry.get("response", {}) for entry in result.get("entry", [])]
        if len(responses) != len(entries):
            raise TransientError("transaction response does not match the request")
        _check_entries(entries, responses)
        return responses

    def _transaction_in_parts(self, message_id: int, entries: list[Resource], first_part: int = 1) -> list[Resource]:
        """Send create entries in order, in transactions of at most ``max_entries``. A reference to an
        entry made in an earlier part becomes a conditional reference by that entry's identifier, so
        each part stands alone and a retry (which resends every part) changes nothing already there.
        The message counts as delivered only once every part is."""
        if len(entries) <= self.max_entries and first_part == 1:
            return self._transaction(message_id, entries)
        by_urn = {entry["fullUrl"]: _search_url(entry["resource"]) for entry in entries
                  if str(entry.get("fullUrl", "")).startswith("urn:uuid:") and entry["request"]["method"] == "POST"}
        responses: list[Resource] = []
        for number, start in enumerate(range(0, len(entries), self.max_entries), start=first_part):
            part = entries[start:start + self.max_entries]
            in_part = {entry.get("fullUrl") for entry in part}
            earlier = {urn: url for urn, url in by_urn.items() if urn not in in_part}
            responses += self._transaction(f"{message_id}-{number}", [_rereference(e, earlier) for e in part])
        return responses

    def _not_in_record(self, entries: list[Resource]) -> list[Resource]:
        """The create entries whose resource the record does not hold yet (searched by identifier, a few at a time)."""
        missing: list[Resource] = []
        for start in range(0, len(entries), 20):
            chunk = entries[start:start + 20]
            kinds = {entry["resource"]["resourceType"] for entry in chunk}
            found: set[tuple[str, str]] = set()
            for kind in kinds:
                idents = [_first_identifier(e["resource"]) for e in chunk if e["resource"]["resourceType"] == kind]
                query = ",".join(f"{i['system']}|{i['value']}" for i in idents)
                for resource in self._search(kind, {"identifier": query, "_count": str(len(idents))}):
                    found |= {(str(i.get("system")), str(i.get("value"))) for i in _identifiers(resource)}
            missing += [e for e in chunk
                        if (_first_identifier(e["resource"])["system"], _first_identifier(e["resource"])["value"])
                        not in found]
        return missing

    def _create(self, resource: Resource, url: str | None = None) -> Resource:
        ident = _first_identifier(resource)
        return {"fullUrl": url or _urn(resource["resourceType"], ident["system"], ident["value"]),
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"],
                            "ifNoneExist": fr.identifier_query(ident["system"], ident["value"])}}

    def _replace(self, current: Resource, resource: Resource) -> Resource:
        """A transaction entry that replaces ``current`` with ``resource``, only if nobody wrote in between."""
        url = f"{current['resourceType']}/{current['id']}"
        return {"fullUrl": url, "resource": {**resource, "id": current["id"]},
                "request": {"method": "PUT", "url": url, "ifMatch": f'W/"{_version_of(current)}"'}}

    # Reading ------------------------------------------------------------------------------

    def _patient(self, nhs_number: str) -> Resource | None:
        return self._by_identifier("Patient", fr.NHS_NUMBER_SYSTEM, nhs_number)

    def find_patient(self, nhs_number: str) -> PatientDetails | None:
        resource = self._patient(nhs_number)
        if resource is None:
            return None
        return PatientDetails(nhs_number=nhs_number, version=_version_of(resource), **fr.patient_details(resource))

    def care_allocation(self, nhs_number: str) -> CareAllocation:
        """The named key worker from the patient's active CareTeams (a participant whose role is key
        worker, as the portal writes it: ``fr.key_worker_care_team``), else an active EpisodeOfCare's
        care manager; the team that CareTeam names; the pathway from the active EpisodeOfCare's type.
        Where several name a key worker, the one who took over last counts."""
        patient = self._patient(nhs_number)
        if patient is None:
            return CareAllocation()
        now = datetime.now(UTC)
        reference = f"Patient/{patient['id']}"
        candidates: list[tuple[datetime | None, Resource, str]] = []  # (since, member, team name)
        teams = self._search("CareTeam", {"patient": reference})
        for team in teams:
            if team.get("status", "active") != "active" or not fr.is_current(team.get("period"), now):
                continue
            for participant in team.get("participant", []):
                if fr.is_key_worker(participant) and fr.is_current(participant.get("period"), now) \
                        and participant.get("member"):
                    since = fr.instant(participant.get("period", {}).get("start")) or fr.key_worker_changed_at(team)
                    candidates.append((since, participant["member"], fr.care_team_team_name(team)))
        all_episodes = self._search("EpisodeOfCare", {"patient": reference})
        episodes = [episode for episode in all_episodes if episode.get("status") == "active"]
        pathway = next((name for name in map(fr.episode_pathway_name, episodes) if name), "")
        under_care, discharged_on = fr.under_care(all_episodes)
        if not candidates:
            candidates = [(fr.instant(e.get("period", {}).get("start")), e["careManager"], "")
                          for e in episodes if e.get("careManager")]
        # The members only once the record holds the portal's own care team: a CareTeam of the record's
        # that names just the key worker must not take everyone else out of the care team.
        # (Each member's Practitioner is read only then.)
        care_team_system = self.systems("care-team")
        care_team = ctr.members_of(teams, now, self.systems, self._practitioner) if any(
            i.get("system") == care_team_system for team in teams for i in team.get("identifier", [])) else None
        if not candidates:
            return CareAllocation(pathway_name=pathway, under_care=under_care, discharged_on=discharged_on,
                                  care_team=care_team)
        since, member, team_name = max(candidates, key=lambda c: c[0] or datetime.min.replace(tzinfo=UTC))
        return CareAllocation(key_worker=self._practitioner(member), key_worker_since=since, team_name=team_name,
                              pathway_name=pathway, under_care=under_care, discharged_on=discharged_on,
                              care_team=care_team)

    def _practitioner(self, member: Resource, depth: int = 0) -> PractitionerDetails:
        """Who a reference names: a logical reference by identifier (as the portal writes it), or a
        Practitioner or PractitionerRole on the server, read for its identifiers."""
        display = str(member.get("display", ""))
        if isinstance(member.get("identifier"), dict) and member["identifier"].get("value"):
            return PractitionerDetails(display, (str(member["identifier"]["value"]),))
        kind, _, resource_id = str(member.get("reference", "")).partition("/")
        if kind not in ("Practitioner", "PractitionerRole") or not resource_id or depth > 1:
            return PractitionerDetails(display)
        try:
            resource = self._request("GET", f"{kind}/{resource_id}").json()
        except PermanentError:  # gone from the record: an unknown practitioner
            return PractitionerDetails(display)
        if kind == "PractitionerRole":
            found = self._practitioner(resource.get("practitioner") or {}, depth + 1)
            return PractitionerDetails(found.name or display, found.identifiers)
        identifiers = tuple(str(i["value"]) for i in resource.get("identifier", []) if i.get("value"))
        return PractitionerDetails(fr.practitioner_name(resource) or display, identifiers)

    def related_persons(self, nhs_number: str) -> list[RelatedPersonDetails]:
        patient = self._patient(nhs_number)
        if patient is None:
            return []
        link_system = self.systems("carer-link")
        found = []
        for resource in self._search("RelatedPerson", {"patient": f"Patient/{patient['id']}"}):
            if resource.get("active") is False or not _is_carer(resource):
                continue
            link = next((i["value"] for i in resource.get("identifier", []) if i.get("system") == link_system), None)
            carer_id = int(link.split("-")[0]) if link and link.split("-")[0].isdigit() else None
            found.append(RelatedPersonDetails(resource_id=str(resource["id"]), version=_version_of(resource),
                                              carer_id=carer_id, values=carers.record_values(resource)))
        return found

    # Writing ------------------------------------------------------------------------------

    def send_questionnaire_response(self, message_id: int, payload: contract.QuestionnaireResponseSubmitted) -> None:
        """The first version is created with its score Observations (in parts if there are many).
        A correction amends the same resources (same identifiers), whatever happened to the first
        version: the response, then each Observation, each written (or created, if the first never
        arrived) unless the record holds this or a newer correction, so a retry finishes what is left."""
        self._publish_questionnaire(message_id, payload["instrument"], payload["instrument_version"])
        response = fr.questionnaire_response(payload, self.systems)
        ident = response["identifier"]
        if payload["version"] == 1:
            url = _urn("QuestionnaireResponse", ident["system"], ident["value"])
            observations = fr.score_observations(payload, self.systems, url)
            self._transaction_in_parts(message_id, [self._create(response, url), *map(self._create, observations)])
            return
        older = self._older_message(message_id)
        self._write_unless_older(message_id, fr.stamped(response, self.systems, message_id), older)
        reference = fr.search_url("QuestionnaireResponse", ident["system"], ident["value"])
        for observation in fr.score_observations(payload, self.systems, reference):
            self._write_unless_older(message_id, fr.stamped(observation, self.systems, message_id), older)

    def _publish_questionnaire(self, message_id: int, instrument: str, version: str) -> None:
        """Make sure the Questionnaire a response names is in the record (once per worker process)."""
        canonical = fr.questionnaire_canonical(instrument, version, self.systems)
        if canonical in self._published:
            return
        resource = fr.questionnaire(instrument, version, self.systems)
        entry = {"fullUrl": _urn("Questionnaire", canonical), "resource": resource,
                 "request": {"method": "POST", "url": "Questionnaire",
                             "ifNoneExist": f"url={quote(resource['url'], safe=':/')}&version={resource['version']}"}}
        self._transaction(f"{message_id}-questionnaire", [entry])
        self._published.add(canonical)

    def send_goal(self, message_id: int, payload: contract.GoalChanged) -> None:
        """The Goal, unless a newer message has written it, with a GBO Observation for each rating the
        record does not hold yet (a goal's tenth rating sends one Observation, not ten). A late or
        repeated message changes nothing: the newer one carried every rating."""
        goal = fr.stamped(fr.goal(payload, self.systems), self.systems, message_id)
        self._write_unless_older(
            message_id, goal, self._older_message(message_id),
            related=lambda reference: [self._create(r) for r in fr.goal_ratings(payload, self.systems, reference)])

    def send_care_plan(self, message_id: int, payload: contract.CarePlanAgreed) -> None:
        self._transaction(message_id, [self._create(fr.care_plan(payload, self.systems))])

    def send_session_summary(self, message_id: int, payload: contract.SessionSummary) -> None:
        summary = fr.stamped(fr.session_summary(payload, self.systems), self.systems, message_id)
        self._write_unless_older(message_id, summary, self._older_message(message_id))

    def send_flag(self, message_id: int, payload: contract.FlagRaised) -> None:
        """The Flag, or its new tier when a later answer made it more urgent (the same ``flag_id``
        raised again); never over a newer message's write, so a resent raise cannot reopen a closed flag."""
        flag = fr.stamped(fr.flag(payload, self.systems), self.systems, message_id)
        self._write_unless_older(message_id, flag, self._older_message(message_id))

    def clear_flag(self, message_id: int, payload: contract.FlagAcknowledged) -> None:
        current = self._by_identifier("Flag", self.systems("flag"), payload["flag_id"])
        if current is None:
            raise PermanentError(f"flag {payload['flag_id']} is not in the record")
        if current.get("status") == "inactive":
            return  # cleared already, perhaps by a try whose response was lost
        now = datetime.now(UTC).isoformat(timespec="seconds")
        cleared = fr.stamped(fr.cleared_flag(current, payload, self.systems, now), self.systems, message_id)
        self._transaction(message_id, [self._replace(current, cleared)])

    def send_consent(self, message_id: int, payload: contract.ConsentChanged) -> None:
        consent = fr.stamped(fr.consent(payload, self.systems), self.systems, message_id)
        self._write_unless_older(message_id, consent, self._older_message(message_id))

    def _older_message(self, message_id: int) -> Callable[[Resource], bool]:
        """True when the record already holds what this message, or a newer one, wrote."""
        return lambda current: message_id <= fr.stamp_of(current, self.systems)

    def send_key_worker(self, message_id: int, payload: contract.KeyWorkerChanged) -> None:
        team = fr.key_worker_care_team(payload, self.systems)
        changed_at = fr.key_worker_changed_at(team)

        def is_older(current: Resource) -> bool:
            theirs = fr.key_worker_changed_at(current)
            return changed_at is not None and theirs is not None and changed_at <= theirs

        self._write_unless_older(message_id, team, is_older)

    def send_safety_plan(self, message_id: int, payload: contract.SafetyPlanUpdated) -> None:
        plan = fr.safety_plan(payload, self.systems)
        position = fr.safety_plan_position(plan, self.systems)
        self._write_unless_older(
            message_id, plan, lambda current: position <= fr.safety_plan_position(current, self.systems))

    def send_care_team(self, message_id: int, payload: contract.CareTeamChanged) -> None:
        team = fr.stamped(ctr.care_team(payload, self.systems), self.systems, message_id)
        self._write_unless_older(message_id, team, self._older_message(message_id))

    def send_statement_of_care(self, message_id: int, payload: contract.StatementOfCareAgreed) -> None:
        """Each agreed version replaces the last in one DocumentReference; never an older over a newer."""
        document = fr.stamped(soc.statement_of_care(payload, self.systems), self.systems, message_id)
        self._write_unless_older(message_id, document, self._older_message(message_id))

    def _write_unless_older(self, message_id: int, resource: Resource, is_older: Callable[[Resource], bool],
                            related: Callable[[str], list[Resource]] = lambda reference: []) -> None:
        """Write a resource the portal identifies by its business identifier, unless the record already
        holds this or a newer one: a message sent twice, or processed late (after its lease ran out, or
        by a server that finished a request the worker had given up on), never puts older data back.

        Read, decide, then ``PUT`` with ``If-Match`` on the version read, so nothing written in between
        is overwritten: a 412 means read again and decide again. ``related(reference)`` gives entries
        that go in the same transaction and refer to the resource (a goal's ratings)."""
        ident = _first_identifier(resource)  # a list on most resources, one on some
        kind = resource["resourceType"]
        for _ in range(WRITE_TRIES):
            current = self._by_identifier(kind, ident["system"], ident["value"])
            if current is None:
                entry = self._create(resource)
                responses = self._transaction_in_parts(message_id, [entry, *related(entry["fullUrl"])])
                if not str(responses[0].get("status", "")).startswith("201"):
                    # Made by someone else between our read and our create (perhaps our own earlier try):
                    # read again next time and compare, rather than assume ours is the newer.
                    raise TransientError(f"{kind} appeared meanwhile: comparing again")
                return
            if is_older(current):
                return
            replace = self._replace(current, resource)
            new_related = self._not_in_record(related(replace["fullUrl"]))
            if fr.same_content(current, resource, self.systems):  # nothing new but perhaps the related entries
                if new_related:
                    self._transaction_in_parts(message_id, new_related)
                return
            try:
                # The replacement first, alone with what fits; the rest refer to it by its id.
                head = new_related[:self.max_entries - 1]
                self._transaction(message_id, [replace, *head])
            except VersionConflict:
                continue
            if rest := new_related[len(head):]:
                self._transaction_in_parts(message_id, rest, first_part=2)
            return
        raise TransientError(f"{kind} kept changing while it was written: trying again later")

    def update_related_person(self, message_id: int, payload: contract.RelatedPersonUpdated,
                              snapshot: Mapping[str, str]) -> CarerPush:
        """Merge the portal's change into what the record holds now; never overwrite a change made there.
        The RelatedPerson carries the id of the outbox message that last wrote it: a message older than
        that one (resent, or processed late) changes nothing, so an old phone number never comes back."""
        data: Mapping[str, Any] = payload
        fields = [name for name in carers.CARER_FIELDS if name in data]
        mine = {name: str(data[name] or "") for name in fields}
        link_value = fr.carer_link_value(data["carer_id"], data["nhs_number"])
        current = self._by_identifier("RelatedPerson", self.systems("carer-link"), link_value)
        if current is None:
            resource = fr.with_stamp(fr.related_person(data, self.systems, None, mine), self.systems, message_id)
            responses = self._transaction(message_id, [self._create(resource)])
            return _pushed(responses[0], resource, {})
        if message_id < fr.stamp_of(current, self.systems):  # equal: our own earlier try landed; merge as usual
            return CarerPush(str(current["id"]), _version_of(current), carers.record_values(current), {},
                             applied=False)
        merged = carers.merge(snapshot, mine, carers.record_values(current, fields))
        if not merged.to_record:
            return CarerPush(str(current["id"]), _version_of(current), carers.record_values(current), merged.conflicts)
        resource = fr.with_stamp(fr.related_person(data, self.systems, current, merged.to_record),
                                 self.systems, message_id)
        replace = self._replace(current, resource)
        responses = self._transaction(message_id, [replace])
        return _pushed(responses[0], replace["resource"], merged.conflicts)


def _pushed(response: Resource, resource: Resource, conflicts: Mapping[str, tuple[str, str]]) -> CarerPush:
    location = str(response.get("location", ""))  # RelatedPerson/<id>/_history/<version>
    parts = location.split("/")
    resource_id = parts[1] if len(parts) > 1 else str(resource.get("id", ""))
    version = _version_of({}, response.get("etag")) or (parts[3] if len(parts) > 3 else "")
    return CarerPush(resource_id, version, carers.record_values(resource), conflicts)


def _is_carer(resource: Resource) -> bool:
    return any(coding.get("code") == "Carer" for concept in resource.get("relationship", [])
               for coding in concept.get("coding", []))


def _outcome_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return outcome_summary(body) if isinstance(body, dict) else ""


# What the record said, for an administrator ---------------------------------------------------

_NHS_NUMBER = re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?\b")
_EMAIL = re.compile(r"[^\s@'\"]+@[^\s@'\"]+")
_LONG_NUMBER = re.compile(r"\+?\d[\d ]{5,}\d")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def redact(text: str) -> str:
    """Take out what could identify someone: NHS numbers, dates, email addresses, phone numbers
    and anything quoted (servers quote the values they refuse, names among them)."""
    for pattern, replacement in ((_QUOTED, "\u2026"), (_EMAIL, "[email]"), (_DATE, "[date]"),
                                 (_NHS_NUMBER, "[number]"), (_LONG_NUMBER, "[number]")):
        text = pattern.sub(replacement, text)
    return text


def outcome_summary(outcome: Mapping[str, Any]) -> str:
    """An OperationOutcome as an administrator can act on it: for each issue its severity, code,
    where (FHIRPath expression or location) and the server's message, with personal data removed."""
    parts = []
    for issue in outcome.get("issue", [])[:3]:
        if not isinstance(issue, dict):
            continue
        where = ", ".join(map(str, issue.get("expression") or issue.get("location") or []))
        message = str(issue.get("diagnostics") or issue.get("details", {}).get("text") or "")
        text = f"{issue.get('severity', 'error')} {issue.get('code', '')}".strip()
        if where:
            text += f" at {where}"
        if message:
            text += f": {message}"
        parts.append(redact(text))
    return "; ".join(parts)


def _check_entries(entries: list[Resource], responses: list[Resource]) -> None:
    """Raise unless the server confirmed every entry (a 2xx status). One refused entry decides for
    the message: 409, 412, 429 and 5xx are worth trying again; any other 4xx will not change."""
    refused = []
    for number, (entry, response) in enumerate(zip(entries, responses, strict=True), start=1):
        status_text = str(response.get("status", "")).strip()
        code = int(status_text[:3]) if status_text[:3].isdigit() else 0
        if 200 <= code < 300:
            continue
        kind = entry.get("resource", {}).get("resourceType") or entry["request"]["url"].split("/")[0].split("?")[0]
        outcome = response.get("outcome")
        detail = outcome_summary(outcome) if isinstance(outcome, dict) else ""
        text = f"entry {number} ({kind}): {status_text or 'no status'}"
        refused.append((code, f"{text}. {detail}" if detail else text))
    if not refused:
        return
    reason = "The record refused " + "; ".join(text for _, text in refused)
    if any(code == 412 for code, _ in refused):
        raise VersionConflict(reason)
    if all(code in RETRY_STATUSES or code >= 500 for code, _ in refused):
        raise TransientError(reason)
    raise PermanentError(reason)


def _first_identifier(resource: Resource) -> Resource:
    ident = resource["identifier"]
    return ident[0] if isinstance(ident, list) else ident  # type: ignore[no-any-return]


def _identifiers(resource: Resource) -> list[Resource]:
    ident = resource.get("identifier", [])
    return ident if isinstance(ident, list) else [ident]


def _search_url(resource: Resource) -> str:
    ident = _first_identifier(resource)
    return fr.search_url(resource["resourceType"], ident["system"], ident["value"])


def _rereference(entry: Resource, urls: Mapping[str, str]) -> Resource:
    """The entry with each reference to an ``urn:uuid`` in ``urls`` replaced by its conditional reference."""
    if not urls:
        return entry

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {key: walk(child) for key, child in value.items()}
            if isinstance(out.get("reference"), str) and out["reference"] in urls:
                out["reference"] = urls[out["reference"]]
            return out
        if isinstance(value, list):
            return [walk(child) for child in value]
        return value

    return {**entry, "resource": walk(entry["resource"])}
