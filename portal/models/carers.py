"""What a service user lets each carer see, and what carers tell the team.

Consent is never overwritten: each change is a new ``CarerConsent`` row, and the latest row
for a carer link is the consent in force (no row at all means the carer may see nothing).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.people import Carer, CarerLink, Role, ServiceUser, _role_enum

# The parts of a carer's contribution, in the order they are asked.
CONTRIBUTION_PARTS = (
    "how_things_have_been",
    "what_helps",
    "warning_signs",
    "worries",
    "wanted_from_team",
    "own_needs",
)


class CarerConsent(Base):
    """One decision by the service user about one carer: what that carer may see from now on."""

    __tablename__ = "carer_consent"
    __table_args__ = (Index("ix_carer_consent_link_changed", "carer_link_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_link_id: Mapped[int] = mapped_column(ForeignKey("carer_link.id"))
    involvement: Mapped[bool] = mapped_column(default=False)
    goals: Mapped[bool] = mapped_column(default=False)
    care_plan: Mapped[bool] = mapped_column(default=False)
    safety_plan: Mapped[bool] = mapped_column(default=False)
    questionnaire_results: Mapped[bool] = mapped_column(default=False)  # DIALOG and ReQoL-10 (issue 15)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_role: Mapped[Role] = mapped_column(_role_enum())
    # Given in person to a member of staff, who recorded it (rather than chosen in the portal).
    in_person: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    link: Mapped[CarerLink] = relationship()


class CarerContribution(Base):
    """A carer's views for the care plan review. Parts marked private are never shown to the
    service user (nor brought into their care plan); the key worker sees the mark."""

    __tablename__ = "carer_contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id"), index=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    how_things_have_been: Mapped[str] = mapped_column(Text, default="")
    how_things_have_been_private: Mapped[bool] = mapped_column(default=False)
    what_helps: Mapped[str] = mapped_column(Text, default="")
    what_helps_private: Mapped[bool] = mapped_column(default=False)
    warning_signs: Mapped[str] = mapped_column(Text, default="")
    warning_signs_private: Mapped[bool] = mapped_column(default=False)
    worries: Mapped[str] = mapped_column(Text, default="")
    worries_private: Mapped[bool] = mapped_column(default=False)
    wanted_from_team: Mapped[str] = mapped_column(Text, default="")
    wanted_from_team_private: Mapped[bool] = mapped_column(default=False)
    own_needs: Mapped[str] = mapped_column(Text, default="")
    own_needs_private: Mapped[bool] = mapped_column(default=False)
    # A request for a carer's assessment under the Care Act 2014, s.10.
    wants_carers_assessment: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None]
    brought_into_care_plan_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    brought_into_care_plan_at: Mapped[datetime | None]

    carer: Mapped[Carer] = relationship()
    service_user: Mapped[ServiceUser] = relationship()

    def text_of(self, part: str) -> str:
        if part not in CONTRIBUTION_PARTS:
            raise KeyError(part)
        return str(getattr(self, part))

    def is_private(self, part: str) -> bool:
        if part not in CONTRIBUTION_PARTS:
            raise KeyError(part)
        return bool(getattr(self, f"{part}_private"))

