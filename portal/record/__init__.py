"""The clinical-record port, its adapters (LocalRecord, FhirRecord) and the outbox worker.

``record_from_config()`` picks the adapter from configuration (``RECORD_ADAPTER``).
Nothing here imports Flask views or `portal/services`: the inbound use cases (what the portal does with what
the record says) are in `portal/services/record_sync.py`, the commands in `portal/sync_cli.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.record.port import ClinicalRecord


def record_from_config(config: Mapping[str, Any]) -> ClinicalRecord:
    adapter = config.get("RECORD_ADAPTER", "local")
    if adapter == "local":
        from portal.record.local import LocalRecord

        return LocalRecord()
    if adapter == "fhir":
        from portal.record.fhir_record import BearerToken, ClientCredentials, FhirRecord

        verify: bool | str = config.get("FHIR_CA_BUNDLE") or bool(config.get("FHIR_VERIFY_TLS", True))
        timeout = float(config.get("FHIR_TIMEOUT_SECONDS", 10.0))
        auth: Any = None
        if config.get("FHIR_AUTH") == "bearer":
            auth = BearerToken(config["FHIR_BEARER_TOKEN"])
        elif config.get("FHIR_AUTH") == "client_credentials":
            auth = ClientCredentials(config["FHIR_TOKEN_URL"], config["FHIR_CLIENT_ID"],
                                     config["FHIR_CLIENT_SECRET"], config.get("FHIR_SCOPE", ""),
                                     timeout=timeout, verify=verify)
        return FhirRecord(config["FHIR_BASE_URL"], config["RECORD_IDENTIFIER_BASE"], auth=auth, timeout=timeout,
                          connect_timeout=float(config.get("FHIR_CONNECT_TIMEOUT_SECONDS", 5.0)), verify=verify,
                          max_entries=int(config.get("FHIR_MAX_TRANSACTION_ENTRIES", 8)))
    raise ValueError(f"RECORD_ADAPTER must be 'local' or 'fhir', not {adapter!r}")
