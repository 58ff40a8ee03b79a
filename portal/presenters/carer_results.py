"""A person's latest DIALOG and ReQoL-10 as their carer reads them (issue 15), when the person has
chosen to share their questionnaire results: the averages and the areas they want more help with, the
ReQoL-10 score and what it means, and the change since last time. Built on the service user's own
results presenter (``portal/presenters/measures.py``); no answer to a single question beyond that."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.models import MeasureResponse, ServiceUser
from portal.presenters import measures as present
from portal.services import measures, settings


@dataclass(frozen=True)
class CarerResults:
    dialog: dict[str, Any] | None  # submitted_at, quality_of_life, treatment_satisfaction, more_help_topics
    reqol10: dict[str, Any] | None  # submitted_at, total, cutoff, in_support_range, previous_total, change


def _presented(person: ServiceUser, response: MeasureResponse | None) -> dict[str, Any] | None:
    if response is None:
        return None
    instrument = settings.instrument(response.instrument_id)
    result = present.results(instrument, response, measures.history(person, response.instrument_id))
    if result["kind"] == "dialog":
        return {"submitted_at": response.submitted_at, "quality_of_life": result["quality_of_life"],
                "treatment_satisfaction": result["treatment_satisfaction"],
                "more_help_topics": result["more_help_topics"]}
    return {"submitted_at": response.submitted_at, "total": result["total"], "cutoff": result["cutoff"],
            "in_support_range": result["clinical_range"], "previous_total": result["previous_total"],
            "change": result["change"]}


def carer_results(person: ServiceUser, dialog: MeasureResponse | None, reqol: MeasureResponse | None) -> CarerResults:
    return CarerResults(dialog=_presented(person, dialog), reqol10=_presented(person, reqol))
