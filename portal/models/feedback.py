"""Feedback from service users and carers (the Friends and Family Test), and what the team did.

Anonymous by design (docs/adr/0004-outcomes-and-feedback.md): a ``Feedback`` row names the team and
whether a service user or a carer gave it, and the day, never the person, unless they asked to be
contacted (then ``contact_user_id``). What stops one person sending many in a day is a separate
``FeedbackReceipt``: a keyed hash of who and which team (HMAC with the portal's secret key), and the
day, with no id and no link to the feedback, so neither table says whose feedback is whose.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(20))  # feedback_rules.RESPONDENT_KINDS
    fft_answer: Mapped[str] = mapped_column(String(12))  # feedback_rules.FFT_ANSWERS
    went_well: Mapped[str] = mapped_column(Text, default="")
    could_be_better: Mapped[str] = mapped_column(Text, default="")
    given_on: Mapped[date] = mapped_column(Date, index=True)  # the day only: no time to match against
    # Only when the person asked to be contacted about it: then the team sees who it was.
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class FeedbackReceipt(Base):
    """Someone gave feedback to a team on a day: a keyed hash, not who."""

    __tablename__ = "feedback_receipt"

    giver_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    given_on: Mapped[date] = mapped_column(Date, primary_key=True)


class TeamUpdate(Base):
    """"You said, we did": what a team changed after feedback, written by its team lead."""

    __tablename__ = "team_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
