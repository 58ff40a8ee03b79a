"""SQLAlchemy 2 typed models, one module per aggregate."""

from portal.models.audit import AuditEvent
from portal.models.base import Base
from portal.models.care_plans import CarePlan, CarePlanEntry, CarePlanVersion, Section, SupportKind
from portal.models.care_team import CareTeamMember
from portal.models.care_team_notes import CareTeamNote
from portal.models.carers import CONTRIBUTION_PARTS, CarerConsent, CarerContribution
from portal.models.caseload_generation import CaseloadGeneration
from portal.models.external_identity import (
    ExternalIdentity,
    IdentityCheck,
    IdentityCheckOutcome,
    IdentityProvider,
)
from portal.models.feedback import Feedback, FeedbackReceipt, TeamUpdate
from portal.models.form_tokens import UsedFormToken
from portal.models.goals import Agreement, AuthorRole, Goal, GoalChange, GoalRating, GoalStatus
from portal.models.handover import AssignmentSource, KeyWorkerAssignment
from portal.models.invitation import Invitation
from portal.models.measures import (
    CompletionMode,
    FlagOutcome,
    FlagSource,
    FlagTier,
    MeasureAnswer,
    MeasureAssignment,
    MeasureDeferral,
    MeasureResponse,
    ResponseStatus,
    SafetyFlag,
)
from portal.models.outbox import OutboxMessage, OutboxStatus
from portal.models.outcome_series import OutcomeSeries
from portal.models.password_reset import PasswordReset
from portal.models.people import (
    STAFF_ROLES,
    CarePathway,
    Carer,
    CarerLink,
    ContactMethod,
    Role,
    ServiceUser,
    StaffMember,
    Team,
    User,
)
from portal.models.record import (
    CarerDetailConflict,
    CarerRecordLink,
    ConflictStatus,
    PatientRecordSync,
    RecordSyncProblem,
)
from portal.models.reminders import (
    ConsentSource,
    ContactPreference,
    LocalMessage,
    NotificationStatus,
    ReminderNotification,
)
from portal.models.risk import DutyShift, StaffNotification, StaffNotificationKind
from portal.models.safety_plans import SAFETY_PLAN_STEPS, SafetyPlan, SafetyPlanDevice, SafetyPlanRevision
from portal.models.second_factor import RecoveryCode, SecondFactor
from portal.models.sessions import CareSession, DialogPlusArea
from portal.models.statement_of_care import StatementOfCare, StatementOfCareVersion
from portal.models.team_leadership import TeamLeadership

__all__ = [
    "StatementOfCare",
    "StatementOfCareVersion",
    "Feedback",
    "FeedbackReceipt",
    "TeamUpdate",
    "ExternalIdentity",
    "IdentityCheck",
    "IdentityCheckOutcome",
    "IdentityProvider",
    "PasswordReset",
    "RecoveryCode",
    "SecondFactor",
    "UsedFormToken",
    "ConsentSource",
    "ContactPreference",
    "LocalMessage",
    "NotificationStatus",
    "ReminderNotification",
    "CONTRIBUTION_PARTS",
    "CarerConsent",
    "CarerContribution",
    "ContactMethod",
    "SAFETY_PLAN_STEPS",
    "Agreement",
    "AuthorRole",
    "CarePlan",
    "CareTeamMember",
    "CareTeamNote",
    "CarePlanEntry",
    "CarePlanVersion",
    "CareSession",
    "DialogPlusArea",
    "Goal",
    "GoalChange",
    "GoalRating",
    "GoalStatus",
    "SafetyPlan",
    "SafetyPlanDevice",
    "SafetyPlanRevision",
    "Section",
    "SupportKind",
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
    "FlagOutcome",
    "FlagSource",
    "FlagTier",
    "DutyShift",
    "StaffNotification",
    "StaffNotificationKind",
    "Carer",
    "CarerLink",
    "Invitation",
    "AssignmentSource",
    "KeyWorkerAssignment",
    "OutcomeSeries",
    "CaseloadGeneration",
    "OutboxMessage",
    "OutboxStatus",
    "CarerDetailConflict",
    "CarerRecordLink",
    "ConflictStatus",
    "PatientRecordSync",
    "RecordSyncProblem",
    "Role",
    "ServiceUser",
    "StaffMember",
    "Team",
    "TeamLeadership",
    "User",
]
