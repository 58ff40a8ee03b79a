"""People: accounts, teams, staff, service users and carers."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.notify.rules import Channel


class Role(enum.StrEnum):
    SERVICE_USER = "service_user"
    CARER = "carer"
    KEY_WORKER = "key_worker"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.KEY_WORKER, Role.TEAM_LEAD})


def _role_enum() -> Enum:
    return Enum(Role, name="role", native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(Base):
    """A sign-in account. The person behind it is a ServiceUser, Carer or StaffMember."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_role_enum())
    locale: Mapped[str] = mapped_column(String(10), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on sign-out and password change, so old session cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

    staff_member: Mapped[StaffMember | None] = relationship(back_populates="user")
    service_user: Mapped[ServiceUser | None] = relationship(back_populates="user")
    carer: Mapped[Carer | None] = relationship(back_populates="user")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        person = self.staff_member or self.service_user or self.carer
        return person.display_name if person else self.email

    # Flask-Login protocol, without importing Flask here.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class CarePathway(Base):
    """A pathway sets how often goals are reviewed (e.g. 12 months for lithium clinics)."""

    __tablename__ = "care_pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    goal_review_months: Mapped[int] = mapped_column(default=3)


class StaffMember(Base):
    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    profession: Mapped[str] = mapped_column(String(80))
    registration: Mapped[str] = mapped_column(String(40), default="")
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    # How they are told that something needs their attention (portal/services/risk.py): by email
    # to their sign-in address, or by text to this mobile.
    notify_by: Mapped[Channel] = mapped_column(
        Enum(Channel, name="staff_notify_by", native_enum=False, length=10,
             values_callable=lambda e: [m.value for m in e]), default=Channel.EMAIL)
    mobile: Mapped[str] = mapped_column(String(20), default="")
    # Away (leave, training): flags go to the duty worker instead. Both days included.
    away_from: Mapped[date | None]
    away_until: Mapped[date | None]

    user: Mapped[User | None] = relationship(back_populates="staff_member")
    team: Mapped[Team] = relationship()

    @property
    def display_name(self) -> str:
        return self.name

    def away_on(self, day: date) -> bool:
        """Away that day (no end date: until they say they are back)."""
        return self.away_from is not None and self.away_from <= day and (
            self.away_until is None or day <= self.away_until)


class ServiceUser(Base):
    __tablename__ = "service_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    given_name: Mapped[str] = mapped_column(String(80))
    family_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    date_of_birth: Mapped[date]
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    # From the clinical record only (FHIR Patient.gender and the UK Core ethnic category), for the
    # dashboard's equality breakdown, never shown per person there: "" where the record has none.
    gender: Mapped[str] = mapped_column(String(20), default="", server_default="")
    ethnic_category: Mapped[str] = mapped_column(String(4), default="", server_default="")
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    care_pathway_id: Mapped[int | None] = mapped_column(ForeignKey("care_pathway.id"))
    key_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"), index=True)
    # Discharged from the team's care on this day: off caseloads, nothing due, no reminders. The
    # person can still sign in and read their plans. None while they are under the team.
    discharged_on: Mapped[date | None]

    user: Mapped[User | None] = relationship(back_populates="service_user")
    team: Mapped[Team] = relationship()
    care_pathway: Mapped[CarePathway | None] = relationship()
    key_worker: Mapped[StaffMember | None] = relationship()
    carer_links: Mapped[list[CarerLink]] = relationship(back_populates="service_user")

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.given_name

    @property
    def discharged(self) -> bool:
        return self.discharged_on is not None


class ContactMethod(enum.StrEnum):
    """How a carer would like the team to get in touch."""

    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"


class Carer(Base):
    __tablename__ = "carer"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    preferred_contact: Mapped[ContactMethod | None] = mapped_column(
        Enum(ContactMethod, name="contact_method", native_enum=False, length=10,
             values_callable=lambda e: [m.value for m in e])
    )
    contact_times: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(60), default="")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    young_carer: Mapped[bool] = mapped_column(default=False)
    details_confirmed_on: Mapped[date | None]

    user: Mapped[User | None] = relationship(back_populates="carer")
    links: Mapped[list[CarerLink]] = relationship(back_populates="carer")

    @property
    def display_name(self) -> str:
        return self.name


class CarerLink(Base):
    """A carer cares for a service user, in a named relationship."""

    __tablename__ = "carer_link"
    __table_args__ = (UniqueConstraint("carer_id", "service_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id"))
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    relationship_type: Mapped[str] = mapped_column(String(40))

    carer: Mapped[Carer] = relationship(back_populates="links")
    service_user: Mapped[ServiceUser] = relationship(back_populates="carer_links")
