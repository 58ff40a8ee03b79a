"""What the questionnaire and results pages show."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from portal.dates import format_when
from portal.instruments import dialog, reqol10
from portal.instruments.definition import Instrument, Item
from portal.models import MeasureResponse
from portal.services import measures, settings


@dataclass(frozen=True)
class Question:
    position: int
    total: int
    item: Item
    instrument: Instrument

    @property
    def progress(self) -> str:
        return _("Question %(number)d of %(total)d", number=self.position, total=self.total)

    @property
    def back_position(self) -> int | None:
        return self.position - 1 if self.position > 1 else None


def shown_in_english(instrument: Instrument) -> bool:
    """Whether the questionnaire's own words are in English on a page in another language
    (no checked translation): the page says why and marks them ``lang="en"``."""
    return instrument.language != settings.person_language()


def question(instrument: Instrument, item: Item, position: int) -> Question:
    return Question(position, len(measures.questions(instrument)), item, instrument)


@dataclass(frozen=True)
class SummaryRow:
    position: int
    question: str
    answer: str | None
    more_help: bool | None


def answer_summary(instrument: Instrument, response: MeasureResponse) -> list[SummaryRow]:
    answered = measures.answers_by_number(response)
    rows = []
    for position, item in enumerate(measures.questions(instrument), start=1):
        answer = answered.get(item.number)
        rows.append(SummaryRow(
            position=position,
            question=item.topic or item.text,
            answer=item.option(answer.value).label if answer else None,
            more_help=answer.more_help if answer else None,
        ))
    return rows


@dataclass(frozen=True)
class Average:
    """A DIALOG mean as a person reads it: one decimal place, and the answer it is closest to."""

    number: str  # "1.4"
    closest: str  # "Totally dissatisfied"


def average(instrument: Instrument, value: float | None) -> Average | None:
    if value is None:
        return None
    exact = Decimal(str(value))
    nearest = int(exact.quantize(Decimal("1"), ROUND_HALF_UP))
    return Average(format_decimal(exact.quantize(Decimal("0.1"), ROUND_HALF_UP), format="0.0"),
                   instrument.items[0].option(nearest).label)


def results(instrument: Instrument, response: MeasureResponse, history: list[MeasureResponse]) -> dict[str, Any]:
    answered = measures.answers_by_number(response)
    scores = response.scores or {}
    if response.instrument_id == "dialog":
        more_help = set(scores.get("more_help", []))
        return {
            "kind": "dialog",
            "label": dialog.LABEL,
            "bar_rows": [(item.number, item.topic or item.text, answered[item.number].value)
                         for item in instrument.items],
            "highlighted": frozenset(more_help),
            "more_help_topics": [item.topic or item.text for item in instrument.items if item.number in more_help],
            "quality_of_life": average(instrument, scores.get("quality_of_life")),
            "treatment_satisfaction": average(instrument, scores.get("treatment_satisfaction")),
        }
    scored = [r for r in history if r.scores]
    totals: list[int] = [(r.scores or {})["total"] for r in scored]
    points = [(format_when(r.submitted_at, "short_day"), total)
              for r, total in zip(scored, totals, strict=True)]
    threshold = settings.reqol_reliable_change()
    changes = [reqol10.reliable_change(before, after, threshold)
               for before, after in zip(totals, totals[1:], strict=False)]
    marks = {index: change for index, change in enumerate(changes, start=1) if change != "no reliable change"}
    # History is oldest first: the one before this response, if any, is what it is compared with.
    index = next((i for i, r in enumerate(scored) if r.id == response.id), None)
    previous_total = totals[index - 1] if index else None
    change = reqol10.reliable_change(previous_total, scores["total"], threshold) if previous_total is not None else None
    physical_item = instrument.item_by_code(reqol10.PHYSICAL_HEALTH_CODE)
    physical = answered.get(physical_item.number)
    return {
        "kind": "reqol10",
        "label": reqol10.LABEL,
        "total": scores["total"],
        # Kept with the scores since it was added; a response stored without it (an older one, or one
        # scored elsewhere) gets the same rule as reqol10.score, never a server error.
        "clinical_range": scores.get("clinical_range", scores["total"] < reqol10.CLINICAL_CUTOFF),
        "cutoff": reqol10.CLINICAL_CUTOFF,
        "previous_total": previous_total,
        "change": change,
        "points": points,
        "marks": marks,
        "physical_health": physical_item.option(physical.value).label if physical else None,
    }
