"""Sign-in through NHS login or NHS CIS2: which portal account each provider's person is, and the
first sign-ins that did not match anyone, waiting for the key worker."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.people import ServiceUser, StaffMember, User


class IdentityProvider(enum.StrEnum):
    NHS_LOGIN = "nhs_login"
    CIS2 = "cis2"


def _provider_enum() -> Enum:
    return Enum(IdentityProvider, name="identity_provider", native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])


class ExternalIdentity(Base):
    """A provider's ``sub`` for a portal account: once linked, that person signs in as this account."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[IdentityProvider] = mapped_column(_provider_enum())
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class IdentityCheckOutcome(enum.StrEnum):
    LINKED = "linked"  # the key worker confirmed it is the person
    REFUSED = "refused"  # not the person: that NHS login stays unlinked


class IdentityCheck(Base):
    """Someone signed in with NHS login with a service user's NHS number but another date of birth.
    Nothing is shown to them until the key worker decides."""

    __tablename__ = "identity_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    provider: Mapped[IdentityProvider] = mapped_column(_provider_enum())
    subject: Mapped[str] = mapped_column(String(255), index=True)
    # The date of birth NHS login holds (from the NHS's Personal Demographics Service).
    birthdate_given: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    outcome: Mapped[IdentityCheckOutcome | None] = mapped_column(
        Enum(IdentityCheckOutcome, name="identity_check_outcome", native_enum=False, length=10,
             values_callable=lambda e: [m.value for m in e]))

    service_user: Mapped[ServiceUser] = relationship()
    resolved_by: Mapped[StaffMember | None] = relationship()
