"""What the privacy notice shows, taken from the rules and settings the portal really runs with.

Who may see what is decided elsewhere, and the notice follows it:
- staff: ``services/people.py`` ``staff_scope`` (the key worker; the team lead sees the whole team),
  and the duty page in ``services/risk.py`` (anyone in the team sees the team's open flags);
- carers: ``services/consent.py`` ``SCOPES``, one sentence each below (a new scope without one fails);
- administrators: ``services/admin.py`` and the admin pages (counts, the audit trail by id, reminder
  messages with addresses shortened, the sync queue by id).
``tests/views/public/test_privacy_notice.py`` checks each rule next to what the notice says about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.models import Role
from portal.services.consent import SCOPES, Scope

# What a carer may be shown, as the notice tells the service user, one sentence per consent scope.
CARER_SCOPE_TEXT = {
    Scope.INVOLVEMENT: _l("that you are under the team, and who your key worker is"),
    Scope.GOALS: _l("your goals and how they are going"),
    Scope.CARE_PLAN: _l("your agreed care plan"),
    Scope.SAFETY_PLAN: _l("your safety plan"),
    Scope.QUESTIONNAIRE_RESULTS: _l("your questionnaire results, in plain words"),
}

# The Information Commissioner's Office, for complaints about how the trust uses information.
ICO_COMPLAINT_URL = "https://ico.org.uk/make-a-complaint/"
ICO_COMPLAINT_URL_TEXT = "ico.org.uk/make-a-complaint"
ICO_PHONE = "0303 123 1113"

# The Records Management Code of Practice 2021, Appendix II, "Mental health records" (see config.py).
CODE_RETENTION_YEARS = 20
CODE_RETENTION_YEARS_AFTER_DEATH = 10

# "Who has seen my information" and "Download my information" for service users (and carers, signed
# in as one): linked only when the page exists, so the notice never links to a page that is not there.
ACCESS_HISTORY_ENDPOINT = "me.access_history"
INFORMATION_COPY_ENDPOINT = "me.information_copy"
CARER_ENDPOINTS = {ACCESS_HISTORY_ENDPOINT: "carer.access_history", INFORMATION_COPY_ENDPOINT: "carer.information_copy"}


@dataclass(frozen=True)
class PrivacyNotice:
    data_protection_contact: str
    retention_years: int
    retention_years_after_death: int
    retention_follows_code: bool
    carer_can_see: list[str]
    sends_to_clinical_record: bool
    reminders_by_notify: bool
    safety_plan_cookie: bool
    access_history_url: str | None
    information_copy_url: str | None
    ico_url: str = ICO_COMPLAINT_URL
    ico_url_text: str = ICO_COMPLAINT_URL_TEXT
    ico_phone: str = ICO_PHONE


def url_if_page_exists(endpoint: str) -> str | None:
    """The page's address when the portal has that page, else None (the notice then says it in words)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint)


def _own_page(endpoint: str) -> str | None:
    """The service user's page, or the carer's own one to a signed-in carer; none to staff and
    administrators (they have no such page of their own: the notice names it in words)."""
    if current_user.is_authenticated and current_user.role is Role.CARER:
        endpoint = CARER_ENDPOINTS[endpoint]
    elif current_user.is_authenticated and current_user.role is not Role.SERVICE_USER:
        return None
    return url_if_page_exists(endpoint)


def privacy_notice() -> PrivacyNotice:
    config = current_app.config
    years, after_death = int(config["RETENTION_YEARS"]), int(config["RETENTION_YEARS_AFTER_DEATH"])
    return PrivacyNotice(
        data_protection_contact=str(config.get("DATA_PROTECTION_CONTACT") or "").strip(),
        retention_years=years,
        retention_years_after_death=after_death,
        retention_follows_code=(years, after_death) == (CODE_RETENTION_YEARS, CODE_RETENTION_YEARS_AFTER_DEATH),
        carer_can_see=[str(CARER_SCOPE_TEXT[scope]) for scope in SCOPES],
        sends_to_clinical_record=config.get("RECORD_ADAPTER") == "fhir",
        reminders_by_notify=config.get("NOTIFIER") == "govuk_notify",
        safety_plan_cookie=bool(config.get("SAFETY_PLAN_ON_TRUSTED_DEVICE")),
        access_history_url=_own_page(ACCESS_HISTORY_ENDPOINT),
        information_copy_url=_own_page(INFORMATION_COPY_ENDPOINT),
    )
