"""FhirRecord: the clinical record as a FHIR R4 server (UK Core), over HTTPS with JSON.

Every change is one transaction Bundle whose entries are conditional: creates carry
``ifNoneExist`` on the portal's business identifier, and updates are ``PUT <Type>/<id>`` with
``If-Match`` on the version just read, after checking the record does not already hold this or a
newer message's data (``_write_unless_older``). So sending the same message twice — say after a
response was lost — never makes a duplicate, and a message processed late never overwrites newer
data. The Bundle's own identifier is the outbox message id.

Inbound, ``find_patient`` reads demographics, ``care_allocation`` the named key worker, team and
pathway (CareTeam, EpisodeOfCare, Practitioner), ``related_persons`` the carers.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from portal.record import carers, contract
from portal.record import fhir_resources as fr
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
                 transport: httpx.BaseTransport | None = None) -> None:
        self.systems = fr.Systems(identifier_base)
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
        reason = f"{method} {url.split('?')[0] or 'transaction'}: HTTP {status} {_outcome_text(response)}".strip()
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

    def _transaction(self, message_id: int, entries: list[Resource]) -> list[Resource]:
        bundle = fr.validate({
            "resourceType": "Bundle", "type": "transaction",
            "identifier": fr.identifier(self.systems("outbox-message"), message_id),
            "entry": entries,
        })
        result = self._request("POST", "", json=bundle).json()
        responses = [entry.get("response", {}) for entry in result.get("entry", [])]
        if len(responses) != len(entries):
            raise TransientError("transaction response does not match the request")
        return responses

    def _create(self, resource: Resource, url: str | None = None) -> Resource:
        ident = resource["identifier"]
        ident = ident[0] if isinstance(ident, list) else ident
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
        for team in self._search("CareTeam", {"patient": reference}):
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
        if not candidates:
            return CareAllocation(pathway_name=pathway, under_care=under_care, discharged_on=discharged_on)
        since, member, team_name = max(candidates, key=lambda c: c[0] or datetime.min.replace(tzinfo=UTC))
        return CareAllocation(key_worker=self._practitioner(member), key_worker_since=since, team_name=team_name,
                              pathway_name=pathway, under_care=under_care, discharged_on=discharged_on)

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
        """The first version is created with its score Observations. A correction amends the same
        resources (same identifiers): the Observations first, then the response, each written only
        if the record does not hold this or a newer correction, so a retry finishes what is left."""
        response = fr.questionnaire_response(payload, self.systems)
        ident = response["identifier"]
        current = (self._by_identifier("QuestionnaireResponse", ident["system"], ident["value"])
                   if payload["version"] > 1 else None)
        if current is None:
            url = _urn("QuestionnaireResponse", ident["system"], ident["value"])
            observations = fr.score_observations(payload, self.systems, url)
            self._transaction(message_id, [self._create(response, url), *map(self._create, observations)])
            return
        older = self._older_message(message_id)
        for observation in fr.score_observations(payload, self.systems, f"QuestionnaireResponse/{current['id']}"):
            self._write_unless_older(message_id, fr.stamped(observation, self.systems, message_id), older)
        self._write_unless_older(message_id, fr.stamped(response, self.systems, message_id), older)

    def send_goal(self, message_id: int, payload: contract.GoalChanged) -> None:
        """The Goal, unless a newer message has written it, with a GBO Observation per rating (created
        only if new). A late or repeated message changes nothing: the newer one carried every rating."""
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
        self._transaction(message_id, [self._create(fr.flag(payload, self.systems))])

    def clear_flag(self, message_id: int, payload: contract.FlagAcknowledged) -> None:
        current = self._by_identifier("Flag", self.systems("flag"), payload["flag_id"])
        if current is None:
            raise PermanentError(f"flag {payload['flag_id']} is not in the record")
        if current.get("status") == "inactive":
            return  # cleared already, perhaps by a try whose response was lost
        cleared = fr.cleared_flag(current, datetime.now(UTC).isoformat(timespec="seconds"))
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

    def _write_unless_older(self, message_id: int, resource: Resource, is_older: Callable[[Resource], bool],
                            related: Callable[[str], list[Resource]] = lambda reference: []) -> None:
        """Write a resource the portal identifies by its business identifier, unless the record already
        holds this or a newer one: a message sent twice, or processed late (after its lease ran out, or
        by a server that finished a request the worker had given up on), never puts older data back.

        Read, decide, then ``PUT`` with ``If-Match`` on the version read, so nothing written in between
        is overwritten: a 412 means read again and decide again. ``related(reference)`` gives entries
        that go in the same transaction and refer to the resource (a goal's ratings)."""
        ident = resource["identifier"]
        ident = ident[0] if isinstance(ident, list) else ident  # a list on most resources, one on some
        kind = resource["resourceType"]
        for _ in range(WRITE_TRIES):
            current = self._by_identifier(kind, ident["system"], ident["value"])
            if current is None:
                entry = self._create(resource)
                responses = self._transaction(message_id, [entry, *related(entry["fullUrl"])])
                if not str(responses[0].get("status", "")).startswith("201"):
                    # Made by someone else between our read and our create (perhaps our own earlier try):
                    # read again next time and compare, rather than assume ours is the newer.
                    raise TransientError(f"{kind} appeared meanwhile: comparing again")
                return
            if is_older(current):
                return
            replace = self._replace(current, resource)
            if fr.same_content(current, resource, self.systems):  # nothing new but perhaps the related entries
                if entries := related(replace["fullUrl"]):
                    self._transaction(message_id, entries)
                return
            try:
                self._transaction(message_id, [replace, *related(replace["fullUrl"])])
                return
            except VersionConflict:
                continue
        raise TransientError(f"{kind} kept changing while it was written: trying again later")

    def update_related_person(self, message_id: int, payload: contract.RelatedPersonUpdated,
                              snapshot: Mapping[str, str]) -> CarerPush:
        """Merge the portal's change into what the record holds now; never overwrite a change made there."""
        data: Mapping[str, Any] = payload
        fields = [name for name in carers.CARER_FIELDS if name in data]
        mine = {name: str(data[name] or "") for name in fields}
        link_value = fr.carer_link_value(data["carer_id"], data["nhs_number"])
        current = self._by_identifier("RelatedPerson", self.systems("carer-link"), link_value)
        if current is None:
            resource = fr.related_person(data, self.systems, None, mine)
            responses = self._transaction(message_id, [self._create(resource)])
            return _pushed(responses[0], resource, {})
        merged = carers.merge(snapshot, mine, carers.record_values(current, fields))
        if not merged.to_record:
            return CarerPush(str(current["id"]), _version_of(current), carers.record_values(current), merged.conflicts)
        resource = fr.related_person(data, self.systems, current, merged.to_record)
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
    """The first issue's code from an OperationOutcome (never diagnostics: they may name a patient)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    issues = body.get("issue", []) if isinstance(body, dict) else []
    return f"({issues[0].get('code', '')})" if issues and isinstance(issues[0], dict) else ""
