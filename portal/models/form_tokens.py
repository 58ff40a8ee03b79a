"""One-time form tokens: each form that creates something carries one, kept here once used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class UsedFormToken(Base):
    """A form that made something. The same form sent again (a double tap, or Back and send)
    carries the same token and makes nothing new (``services/once.py``)."""

    __tablename__ = "used_form_token"
    __table_args__ = (UniqueConstraint("user_id", "token", name="uq_used_form_token_user_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    token: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
