"""Each score series' first and latest points, kept in step with the scores (issue 16).

A series is a person's DIALOG quality-of-life means, their ReQoL-10 totals, or one goal's GBO
ratings (portal/outcome_rules.py). Counting paired measures and reliable change needs only each
series' first and latest points, so for a period ending today the database works out each person's
change from one row per series here instead of reading every score. portal/services/outcome_series.py
keeps this table in step on every flush that touches a response, a goal or a rating; it is never
written anywhere else, and can be rebuilt from the scores at any time.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class OutcomeSeries(Base):
    __tablename__ = "outcome_series"
    __table_args__ = (UniqueConstraint("service_user_id", "series_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(20))  # dialog, reqol10 or gbo
    series_key: Mapped[str] = mapped_column(String(40))  # the instrument id, or "gbo:<goal id>"
    first_on: Mapped[date]  # dates in UTC, as the scores' times are stored
    first_score: Mapped[float] = mapped_column(Float)
    latest_on: Mapped[date]
    latest_score: Mapped[float] = mapped_column(Float)
    points: Mapped[int]  # 1, or 2 for two points or more
    days_apart: Mapped[int]  # from the first point to the latest
