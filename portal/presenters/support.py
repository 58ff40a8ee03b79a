"""What the support page tells someone after a worrying answer: exactly who will see it and
when, or, when nobody is told, not claiming anyone will (issue 13: truthful tiers)."""

from __future__ import annotations

from datetime import datetime

from portal.models import MeasureResponse
from portal.services import measures
from portal.services.risk import SupportNotice, support_notice


def notice_for(response: MeasureResponse, now: datetime | None = None) -> SupportNotice:
    """The notice for the answers saved in this response now (not as they were when first given)."""
    return support_notice(response.service_user_id, measures.safety_concern(response).tier, now)
