"""A token per team that changes whenever anything its caseload shows changes (issue 18).

The caseload (portal/services/caseload.py) works out what needs attention for everyone in a team
from a dozen tables. portal/services/caseload_cache.py keeps what it worked out between requests,
keyed by this token: every flush that changes one of those facts for someone in the team gives the
team a new random token in the same transaction, so no instance can show a caseload older than
its database. A team with no row has had nothing changed through the portal since this table came.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class CaseloadGeneration(Base):
    __tablename__ = "caseload_generation"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
