"""Caseload tags are remembered per item and language (portal/presenters/caseload.py): a remembered
tag must read exactly as one worked out afresh, in every language, and never in another language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask_babel import force_locale

from portal.presenters import caseload as presenter
from portal.services.caseload import DUE, ESCALATED, INFO, OVERDUE, URGENT, Attention, CaseloadRow

CODES = ("no_key_worker", "discharged", "safety_flag_overdue", "safety_flag", "safety_flag_routine", "sync_problem",
         "measure_overdue", "measure_due", "measure_in_progress", "measure_deferred", "measure_not_recent",
         "gbo_overdue", "gbo_due", "goal_drafts", "no_goals", "care_plan_overdue", "care_plan_due", "no_care_plan",
         "adjustments_review", "no_safety_plan", "carer_contributions", "carer_details_unconfirmed")


def items() -> tuple[Attention, ...]:
    day = date.today() - timedelta(days=40)
    severities = (INFO, DUE, OVERDUE, URGENT, ESCALATED)
    found = [Attention(code, "measures", severities[n % 5], day, "dialog", count=n % 3 + 1)
             for n, code in enumerate(CODES)]
    return (*found, Attention("measure_not_recent", "measures", DUE, None, "reqol10"))


@pytest.mark.parametrize("language", ["en", "cy", "pl", "ar"])
def test_remembered_tags_read_as_fresh_ones_in_each_language(app: Flask, language: str) -> None:
    row = CaseloadRow(1, "Sam", "Taylor", "", "9990000018", None, "", items())
    titles = {"dialog": "DIALOG", "reqol10": "ReQoL-10"}
    with app.test_request_context(), force_locale(language):
        fresh = [presenter.Tag(presenter.attention_text(item, titles),
                               presenter.TAG_CLASSES.get(item.severity, "nhsuk-tag--grey")) for item in row.items]
        first, again = presenter.tags(row, titles), presenter.tags(row, titles)
    assert first == again == fresh
    assert len({tag.text for tag in fresh}) == len(fresh)


def test_a_tag_remembered_in_one_language_is_not_given_in_another(app: Flask) -> None:
    row = CaseloadRow(1, "Sam", "Taylor", "", "9990000018", None, "", items())
    titles = {"dialog": "DIALOG", "reqol10": "ReQoL-10"}
    with app.test_request_context():
        with force_locale("en"):
            english = presenter.tags(row, titles)
        with force_locale("cy"):
            welsh = presenter.tags(row, titles)
    assert english[0].text == "No key worker" and welsh[0].text != english[0].text
