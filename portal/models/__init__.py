"""SQLAlchemy 2 typed models, one module per aggregate."""

from portal.models.audit import AuditEvent
from portal.models.base import Base
from portal.models.invitation import Invitation
from portal.models.measures import (
    CompletionMode,
    MeasureAnswer,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    ResponseStatus,
    SafetyFlag,
)
from portal.models.outbox import OutboxMessage, OutboxStatus
from portal.models.people import (
    STAFF_ROLES,
    CarePathway,
    Carer,
    CarerLink,
    Role,
    ServiceUser,
    StaffMember,
    Team,
    User,
)

__all__ = [
    "STAFF_ROLES",
    "AuditEvent",
    "Base",
    "CarePathway",
    "CompletionMode",
    "MeasureAnswer",
    "MeasureAssignment",
    "MeasureDeferral",
    "MeasureResponse",
    "ResponseStatus",
    "SafetyFlag",
    "Carer",
    "CarerLink",
    "Invitation",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "ServiceUser",
    "StaffMember",
    "Team",
    "User",
]
