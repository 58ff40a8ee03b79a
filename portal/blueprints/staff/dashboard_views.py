"""The CMHF dashboard for team leads (issue 16): a page with server-rendered charts, each with its
table, a period picker, and the same figures as CSV (counts under 5 suppressed: a download can
travel beyond the team)."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles
from portal.blueprints.staff import bp
from portal.blueprints.staff import dashboard_presenters as presenter
from portal.blueprints.staff.report_views import ReportPeriodForm, chosen_period
from portal.models import Role
from portal.services import dashboard, outcomes, team_leadership


def _dashboard() -> tuple[ReportPeriodForm, dashboard.Dashboard]:
    today = date.today()
    form, start, end = chosen_period(today)
    teams = team_leadership.chosen_teams(current_user, request.args.get("team"))
    return form, dashboard.team_dashboard(current_user, start, end, today, teams)


def _period_args(board: dashboard.Dashboard) -> dict[str, int | str]:
    args: dict[str, int | str] = {}
    for name, day in (("start", board.start), ("end", board.end)):
        args.update({f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year})
    if request.args.get("team"):
        args["team"] = str(request.args["team"])
    return args


@bp.get("/dashboard")
@roles(Role.TEAM_LEAD)
def team_dashboard() -> str:
    form, board = _dashboard()
    return render_template(
        "staff/team_dashboard.html", form=form if form.errors else None, period_form=form, board=board,
        figures={figure.key: figure for figure in presenter.figures(board)}, csv_args=_period_args(board),
        paired_chart=presenter.paired_chart(board),
        change_charts={m: presenter.change_chart(board, m) for m in board.outcomes.measures},
        feedback_chart=presenter.feedback_chart(board), change_labels=presenter.change_labels(),
        theme_labels=presenter.theme_labels(), measure_names=presenter.MEASURE_NAMES,
        thresholds=outcomes.thresholds(), min_days=outcomes.min_days(), breakdowns=presenter.breakdowns(board),
        teams_led=team_leadership.teams_led(current_user), team_choice=request.args.get("team", ""),
        words=presenter.breakdown_words(),
    )


@bp.get("/dashboard.csv")
@roles(Role.TEAM_LEAD)
def team_dashboard_csv() -> Response:
    board = _dashboard()[1]
    rows = [(figure.label, figure.shown_count(beyond_team=True), figure.out_of)
            for figure in presenter.figures(board)] + presenter.breakdown_csv_rows(board)
    body = dashboard.to_csv([(_("Team"), board.team_name, None), (_("From"), board.start.isoformat(), None),
                             (_("To"), board.end.isoformat(), None), *rows],
                            [_("Measure"), _("Count (fewer than 5 left out)"), _("Out of")])
    response = Response(body, mimetype="text/csv")
    filename = f"dashboard-{board.start.isoformat()}-to-{board.end.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
