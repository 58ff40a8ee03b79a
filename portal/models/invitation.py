"""Single-use invitations, handed over in person until messaging exists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow
from portal.models.people import Role, _role_enum


class Invitation(Base):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_role_enum())
    service_user_id: Mapped[int | None] = mapped_column(ForeignKey("service_user.id"))
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carer.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
