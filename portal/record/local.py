"""LocalRecord: the portal's own database is the clinical record, so the portal runs standalone.

Every change is already stored in the portal's tables when its outbox message is written, so
delivering a message only confirms it; reading the record reads those same tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from portal.extensions import db
from portal.models import CarerLink, ServiceUser
from portal.record import carers, contract
from portal.record.port import CareAllocation, CarerPush, PatientDetails, RelatedPersonDetails


class LocalRecord:
    def _person(self, nhs_number: str) -> ServiceUser | None:
        return db.session.scalar(select(ServiceUser).where(ServiceUser.nhs_number == nhs_number))

    def find_patient(self, nhs_number: str) -> PatientDetails | None:
        person = self._person(nhs_number)
        if person is None:
            return None
        return PatientDetails(
            nhs_number=nhs_number, given_name=person.given_name, family_name=person.family_name,
            birth_date=person.date_of_birth.isoformat(), phone=person.phone, email=person.email,
            address=person.address, postcode=person.postcode,
        )

    def care_allocation(self, nhs_number: str) -> CareAllocation:
        return CareAllocation()  # the portal's own key worker, team and pathway are the record's

    def related_persons(self, nhs_number: str) -> list[RelatedPersonDetails]:
        person = self._person(nhs_number)
        if person is None:
            return []
        links = db.session.scalars(select(CarerLink).where(CarerLink.service_user_id == person.id))
        return [RelatedPersonDetails(resource_id=f"carer-link-{link.id}", version="", carer_id=link.carer_id,
                                     values=carers.portal_values(link.carer, link)) for link in links]

    def update_related_person(self, message_id: int, payload: contract.RelatedPersonUpdated,
                              snapshot: Mapping[str, str]) -> CarerPush:
        values = {name: str(value or "") for name, value in payload.items() if name in carers.CARER_FIELDS}
        return CarerPush(resource_id=f"carer-{payload['carer_id']}", version="", record_values=values, conflicts={})

    def send_questionnaire_response(self, message_id: int, payload: contract.QuestionnaireResponseSubmitted) -> None:
        pass

    def send_goal(self, message_id: int, payload: contract.GoalChanged) -> None:
        pass

    def send_care_plan(self, message_id: int, payload: contract.CarePlanAgreed) -> None:
        pass

    def send_session_summary(self, message_id: int, payload: contract.SessionSummary) -> None:
        pass

    def send_flag(self, message_id: int, payload: contract.FlagRaised) -> None:
        pass

    def clear_flag(self, message_id: int, payload: contract.FlagAcknowledged) -> None:
        pass

    def send_consent(self, message_id: int, payload: contract.ConsentChanged) -> None:
        pass

    def send_key_worker(self, message_id: int, payload: contract.KeyWorkerChanged) -> None:
        pass  # ServiceUser.key_worker_id and the KeyWorkerAssignment history are the record

    def send_safety_plan(self, message_id: int, payload: contract.SafetyPlanUpdated) -> None:
        pass  # SafetyPlan and its SafetyPlanRevisions are the record

    def send_statement_of_care(self, message_id: int, payload: contract.StatementOfCareAgreed) -> None:
        pass  # StatementOfCare and its versions are the record

    def send_care_team(self, message_id: int, payload: contract.CareTeamChanged) -> None:
        pass  # CareTeamMember rows are the record

    def close(self) -> None:
        pass
