"""The team report: correct figures for fixtures we control, the CSV, access and query counts."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.services import caseload_cache
from tests import factories
from tests import workspace_factories as make
from tests.conftest import PageRequest
from tests.pages import error_messages

PERIOD = {"start-day": "1", "start-month": "1", "start-year": "2025",
          "end-day": "31", "end-month": "12", "end-year": "2025"}


def _team_in_2025(team: Any, service_user: Any, key_worker: Any) -> None:
    """Four people; the comments say what each adds to the figures for 2025."""
    a = service_user  # key worker
    b = factories.create_service_user(key_worker=key_worker, given_name="Bea", family_name="Brown")
    c = factories.create_service_user(team, given_name="Cai", family_name="Cole")  # no key worker
    d = factories.create_service_user(team, given_name="Dee", family_name="Dunn")  # no key worker, nothing else

    make.create_response(a, "dialog", date(2025, 11, 1))  # within 6 and 12 months of 31 Dec
    make.create_response(b, "dialog", date(2025, 3, 1))  # within 12 months only
    make.create_response(c, "dialog", date(2026, 1, 15))  # after the period: not counted

    make.create_response(a, "reqol10", date(2025, 2, 1), {"total": 15})
    make.create_response(a, "reqol10", date(2025, 11, 1), {"total": 22})  # +7: reliable improvement
    make.create_response(b, "reqol10", date(2025, 3, 1), {"total": 30})
    make.create_response(b, "reqol10", date(2025, 10, 1), {"total": 24})  # -6: reliable deterioration
    make.create_response(c, "reqol10", date(2025, 5, 1), {"total": 20})  # only one: no change to count

    # Reviews due 1 Apr (done 30 Mar: on time), then 30 Jun, 30 Sep, 30 Dec (missed): 1 of 4.
    make.create_goal(a, agreed_on=date(2025, 1, 1), ratings=((date(2025, 1, 1), 2), (date(2025, 3, 30), 4)))
    make.create_goal(b, agreed_on=date(2025, 11, 1), ratings=((date(2025, 11, 1), 3),))  # due Feb 2026
    make.create_goal(d, agreed_on=None, ratings=())  # a draft: not counted

    make.create_care_plan(a, agreed_on=date(2025, 6, 1))  # reviewed within 12 months
    make.create_care_plan(b, agreed_on=date(2024, 6, 1))  # not

    jo = factories.create_carer(a, name="Jo")
    jo.details_confirmed_on = date(2025, 5, 1)  # confirmed within 12 months
    factories.create_carer(b, name="Kai")  # never confirmed
    db.session.commit()


EXPECTED = {
    "key_worker": ("2", "4", "50%"),
    "dialog_6_months": ("1", "4", "25%"),
    "dialog_12_months": ("2", "4", "50%"),
    "reqol_6_months": ("2", "4", "50%"),
    "reqol_12_months": ("3", "4", "75%"),
    "gbo_reviews_on_time": ("1", "4", "25%"),
    "care_plan_reviewed": ("1", "4", "25%"),
    "carers_identified": ("2", "4", "50%"),
    "carer_details_confirmed": ("1", "2", "50%"),
}


def test_the_report_page_shows_the_right_figures(app: Flask, team: Any, service_user: Any, key_worker: Any,
                                                 as_team_lead: PageRequest) -> None:
    _team_in_2025(team, service_user, key_worker)
    page = as_team_lead.get("staff.team_report", **PERIOD)

    figures = {row["id"].removeprefix("figure-"): tuple(td.get_text(strip=True) for td in row.select("td"))
               for row in page.select("#report-figures tbody tr")}
    assert figures == EXPECTED
    changes = {row["id"].removeprefix("figure-"): tuple(td.get_text(strip=True) for td in row.select("td"))
               for row in page.select("#report-changes tbody tr")}
    assert changes == {"improvement": ("1", "50%"), "no-reliable-change": ("0", "0%"),
                       "deterioration": ("1", "50%")}
    assert "From 1 January 2025 to 31 December 2025." in page.get_text()
    assert len(page.select("svg.portal-chart__svg")) == 2
    assert page.select_one("#team-figures-title").get_text().startswith("Percentage of people")
    csv_link = page.find("a", string="Download these figures (CSV)")["href"]
    assert csv_link.startswith("/staff/team/report.csv?") and "end-year=2025" in csv_link


def test_the_trusts_reliable_change_threshold_is_used_and_stated(app: Flask, team: Any, service_user: Any,
                                                                  key_worker: Any, as_team_lead: PageRequest,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a trust that counts only a change of 7 points or more as reliable
    monkeypatch.setitem(app.config, "REQOL_RELIABLE_CHANGE", 7)
    _team_in_2025(team, service_user, key_worker)
    page = as_team_lead.get("staff.team_report", **PERIOD)
    changes = {row["id"].removeprefix("figure-"): tuple(td.get_text(strip=True) for td in row.select("td"))
               for row in page.select("#report-changes tbody tr")}
    # Then +7 is still an improvement, but -6 is no longer a reliable deterioration
    assert changes == {"improvement": ("1", "50%"), "no-reliable-change": ("1", "50%"),
                       "deterioration": ("0", "0%")}
    assert "A change of 7 points or more is a reliable change." in page.get_text()


def test_the_report_downloads_as_csv_with_the_same_figures(app: Flask, team: Any, service_user: Any,
                                                           key_worker: Any, team_lead_client: Any) -> None:
    _team_in_2025(team, service_user, key_worker)
    response = team_lead_client.get("/staff/team/report.csv", query_string=PERIOD)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="team-report-2025-01-01-to-2025-12-31.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[:5] == [["Team", "Test Team"], ["From", "2025-01-01"], ["To", "2025-12-31"], [],
                        ["Measure", "People or reviews", "Out of", "Percent"]]
    assert rows[5:] == [
        ["People with a key worker", "2", "4", "50"],
        ["DIALOG done in the last 6 months", "1", "4", "25"],
        ["DIALOG done in the last 12 months", "2", "4", "50"],
        ["ReQoL-10 done in the last 6 months", "2", "4", "50"],
        ["ReQoL-10 done in the last 12 months", "3", "4", "75"],
        ["Goal reviews done on time", "1", "4", "25"],
        ["Care plans reviewed in the last 12 months", "1", "4", "25"],
        ["People with a carer recorded", "2", "4", "50"],
        ["Carers' details confirmed in 12 months (of people with carers)", "1", "2", "50"],
        ["ReQoL-10: reliable improvement", "1", "2", "50"],
        ["ReQoL-10: no reliable change", "0", "2", "0"],
        ["ReQoL-10: reliable deterioration", "1", "2", "50"],
    ]


def test_an_empty_team_has_nobody_to_count(app: Flask, team_lead: Any, as_team_lead: PageRequest) -> None:
    page = as_team_lead.get("staff.team_report")
    assert page.select_one("#figure-key_worker").select("td")[-1].get_text(strip=True) == "Nobody to count"


def test_a_wrong_period_is_explained(app: Flask, team_lead: Any, as_team_lead: PageRequest) -> None:
    page = as_team_lead.get("staff.team_report", **{**PERIOD, "start-year": "2026", "end-day": "x"})
    assert error_messages(page) == ["Enter a real date, like 27 3 2027"]
    assert page.select_one("#end-day")["value"] == "x"
    backwards = as_team_lead.get("staff.team_report", **{**PERIOD, "start-year": "2026"})
    assert error_messages(backwards) == ["The start date must be on or before the end date"]


def test_only_team_leads_see_the_report(app: Flask, as_key_worker: PageRequest, as_service_user: PageRequest) -> None:
    as_key_worker.get("staff.team_report", _expected_status=403)
    as_key_worker.get("staff.team_report_csv", _expected_status=403)
    as_service_user.get("staff.team_report", _expected_status=403)


def _busy(team: Any, key_worker: Any, number: int) -> None:
    person = factories.create_service_user(team, key_worker=key_worker if number % 2 else None)
    make.create_response(person, "dialog", date(2025, 6, 1))
    make.create_response(person, "reqol10", date(2025, 2, 1), {"total": 15})
    make.create_response(person, "reqol10", date(2025, 8, 1), {"total": 15 + number % 10})
    make.create_goal(person, agreed_on=date(2025, 1, 1), ratings=((date(2025, 1, 1), 2), (date(2025, 4, 1), 3)))
    make.create_care_plan(person, agreed_on=date(2025, 3, 1))
    factories.create_carer(person, with_account=False)


def test_the_report_uses_a_fixed_number_of_queries(app: Flask, team: Any, key_worker: Any,
                                                   team_lead_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caseload_cache.kept(), "limit", 0)  # work each one out: nothing kept between requests
    for number in range(5):
        _busy(team, key_worker, number)
    db.session.commit()
    with make.count_queries() as small:
        assert team_lead_client.get("/staff/team/report", query_string=PERIOD).status_code == 200
    for number in range(5, 50):
        _busy(team, key_worker, number)
    db.session.commit()
    with make.count_queries() as large:
        assert team_lead_client.get("/staff/team/report.csv", query_string=PERIOD).status_code == 200
    with make.count_queries() as large_page:
        assert team_lead_client.get("/staff/team/report", query_string=PERIOD).status_code == 200
    assert large_page() == small()
    assert large() <= small()
