"""A session the key worker and service user look at together, and DIALOG+ areas worked on in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


class CareSession(Base):
    __tablename__ = "care_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    key_worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_version: Mapped[int] = mapped_column(default=1)
    dialog_response_id: Mapped[int | None] = mapped_column(ForeignKey("measure_response.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_sent_at: Mapped[datetime | None]
    # Bumped on any change in the session, so the other device knows to refresh.
    revision: Mapped[int] = mapped_column(default=1)

    areas: Mapped[list[DialogPlusArea]] = relationship(
        back_populates="care_session", cascade="all, delete-orphan", order_by="DialogPlusArea.id"
    )


class DialogPlusArea(Base):
    """One of up to 3 DIALOG areas picked in a session, with the four steps of DIALOG+."""

    __tablename__ = "dialog_plus_area"
    __table_args__ = (UniqueConstraint("care_session_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    care_session_id: Mapped[int] = mapped_column(ForeignKey("care_session.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    understanding: Mapped[str] = mapped_column(Text, default="")
    looking_forward: Mapped[str] = mapped_column(Text, default="")
    exploring_options: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    care_session: Mapped[CareSession] = relationship(back_populates="areas")
