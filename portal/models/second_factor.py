"""A second step at sign-in: an authenticator app's 6-digit code (TOTP), and one-time recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class SecondFactor(Base):
    """An authenticator app someone set up. Staff must have one (``services/second_factor.py``)."""

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    # RFC 6238 shared secret, base32 (160 bits). See README "Second step at sign-in" on keeping it.
    secret: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last 30-second step a code was accepted for: the same code cannot be used twice.
    last_used_step: Mapped[int | None]


class RecoveryCode(Base):
    """One of 10 single-use codes for when the phone is lost; only a hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
