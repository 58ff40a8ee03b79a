"""The team report for team leads: a page with server-rendered charts, and the same figures as CSV."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import ValidationError

from portal import charts
from portal.access import roles
from portal.blueprints.staff import bp
from portal.forms import messages
from portal.forms.fields import DateField
from portal.models import Role
from portal.presenters import caseload as presenter
from portal.services import settings
from portal.services import team_report as reports


def _optional_date(form: FlaskForm, field: DateField) -> None:
    if field.parse_error:
        raise ValidationError(str(messages.DATE_FORMAT))


class ReportPeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    start = DateField(_l("From"), description=_l("For example, 1 4 2025"), validators=[_optional_date])
    end = DateField(_l("To"), description=_l("For example, 31 3 2026"), validators=[_optional_date])

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and self.start.data > field.data:
            raise ValidationError(str(messages.PERIOD_START_AFTER_END))


def chosen_period(today: date) -> tuple[ReportPeriodForm, date, date]:
    """The period picker of the report and the dashboard: the form (what was typed, kept when it is
    wrong) and the period it gives (the default one while nothing valid was chosen)."""
    form = ReportPeriodForm(formdata=request.args)
    form.start.render_cache = form.end.render_cache = True  # dates of a period: nothing personal
    valid = form.validate()
    start, end = reports.period(form.start.data if valid else None, form.end.data if valid else None, today)
    if not any(f"{name}-day" in request.args for name in ("start", "end")) or valid:
        form.start.process(None, start)
        form.end.process(None, end)
    return form, start, end


def _report() -> tuple[ReportPeriodForm, reports.TeamReport]:
    form, start, end = chosen_period(date.today())
    return form, reports.team_report(current_user, start, end)


@bp.get("/team/report")
@roles(Role.TEAM_LEAD)
def team_report() -> str:
    form, report = _report()
    return render_template(
        "staff/team_report.html", form=form if form.errors else None, period_form=form, report=report,
        csv_args=_period_args(report), figures=_figures(report),
    )


def _figures(report: reports.TeamReport) -> Markup:
    """The figures, charts and tables: rendered once per language while the report is kept."""

    def render() -> str:
        labels = presenter.report_labels()
        return render_template(
            "staff/_team_report_figures.html", report=report, labels=labels,
            reqol_threshold=settings.reqol_reliable_change(),
            figures_chart=charts.bar_chart(
                [(i, str(labels[f.key]), f.percent) for i, f in enumerate(report.figures) if f.percent is not None],
                minimum=0, maximum=100,
                highlighted={i for i, f in enumerate(report.figures) if f.percent is not None and f.percent < 50},
            ),
            changes_chart=charts.bar_chart(
                [(i, str(labels[f.key]), f.percent) for i, f in enumerate(report.reqol_changes)
                 if f.percent is not None],
                minimum=0, maximum=100,
            ),
        )

    key = (str(get_locale()), settings.reqol_reliable_change())
    return Markup(report.html.get(key, render))  # nosec B704 # the template's autoescaped output


@bp.get("/team/report.csv")
@roles(Role.TEAM_LEAD)
def team_report_csv() -> Response:
    _, report = _report()
    body = reports.to_csv(report, presenter.report_labels())
    filename = f"team-report-{report.start.isoformat()}-to-{report.end.isoformat()}.csv"
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _period_args(report: reports.TeamReport) -> dict[str, int]:
    args = {}
    for name, day in (("start", report.start), ("end", report.end)):
        args.update({f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year})
    return args
