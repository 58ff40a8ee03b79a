"""The risk pathway for staff: the duty page, one flag and what was done about it, the duty rota
(team leads), and how each member of staff is told and when they are away.

Flags are seen by anyone in the person's team (any of them may be on duty), not only by the key
worker: the services scope every load to the signed-in member of staff's team (404 otherwise).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.blueprints.staff import risk_presenters as present
from portal.blueprints.staff.risk_forms import AwayForm, FlagOutcomeForm, NotificationChoiceForm
from portal.htmx import redirect_after_post
from portal.models import Role
from portal.notify.rules import Channel
from portal.services import people, risk
from portal.services.errors import NotFound


@bp.get("/duty")
@roles(*STAFF)
def duty() -> str:
    """The team's open flags: the most escalated first, then urgent, then oldest."""
    flags = risk.team_open_flags(current_user)
    return render_template("staff/duty.html", flags=[present.flag_row(f) for f in flags],
                           duty_worker=risk.duty_today(current_user), team=risk.team_of(current_user),
                           is_team_lead=current_user.role is Role.TEAM_LEAD)


def _flag_page(flag_id: int, form: FlagOutcomeForm) -> str:
    detail = risk.flag_detail(current_user, flag_id)
    return render_template("staff/flag.html", detail=detail, view=present.flag_view(detail), form=form)


@bp.get("/flags/<int:flag_id>")
@roles(*STAFF)
def flag(flag_id: int) -> str:
    return _flag_page(flag_id, FlagOutcomeForm())


@bp.post("/flags/<int:flag_id>/outcome")
@roles(*STAFF)
def acknowledge_flag(flag_id: int) -> str | Response:
    """Record what was done: an outcome, and a reason when no action was needed."""
    flagged = risk.flag_for_staff(current_user, flag_id, audit_view=False)
    if flagged.acknowledged_at is not None:
        flash(_("This was already recorded."), "info")
        return redirect_after_post(url_for("staff.flag", flag_id=flag_id))
    form = FlagOutcomeForm()
    if form.validate_on_submit():
        risk.acknowledge(current_user, flagged, str(form.outcome.data), form.outcome_note.data or "")
        flash(_("What was done is recorded and goes to the clinical record."), "info")
        return redirect_after_post(url_for("staff.duty"))
    return _flag_page(flag_id, form)


@bp.route("/team/rota", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def duty_rota() -> str | Response:
    """Who is on duty each day, two weeks at a time. A select per day: no JavaScript needed."""
    start = _start_day()
    form = FlaskForm()  # CSRF only: the days are read below
    staff = risk.team_staff(current_user)
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        chosen, errors = present.read_rota(request.form, start, {s.id for s in staff})
        if not errors:
            changed = risk.set_rota(current_user, chosen)
            flash(_("The duty rota is saved.") if changed else _("Nothing changed."), "info")
            return redirect_after_post(url_for("staff.duty_rota", start=start.isoformat()))
    days = risk.rota(current_user, start)
    return render_template("staff/duty_rota.html", days=present.rota_days(days, request.form if errors else None),
                           staff=staff, errors=errors, start=start,
                           previous=(start - timedelta(days=risk.ROTA_DAYS)).isoformat(),
                           following=(start + timedelta(days=risk.ROTA_DAYS)).isoformat(),
                           team=risk.team_of(current_user), form=form)


def _start_day() -> date:
    today = risk.local_today()
    try:
        start = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        return today
    # Only the coming weeks and a few back (for checking): nothing far off.
    return min(max(start, today - timedelta(days=28)), today + timedelta(days=365))


@bp.route("/notifications", methods=["GET", "POST"])
@roles(*STAFF)
def notification_choice() -> str | Response:
    """How I am told that something needs my attention, and when I am away."""
    me = people.staff_member_of(current_user)
    form = NotificationChoiceForm(data={"notify_by": me.notify_by.value, "mobile": me.mobile,
                                        "away_from": me.away_from, "away_until": me.away_until})
    if form.validate_on_submit():
        risk.save_notification_choice(current_user, Channel(str(form.notify_by.data)), form.mobile.data or "",
                                      away_from=form.away_from.data, away_until=form.away_until.data)
        flash(_("Saved. This is how you will be told."), "info")
        return redirect_after_post(url_for("staff.notification_choice"))
    return render_template("staff/notification_choice.html", form=form, me=me)


@bp.route("/team/members/<int:staff_member_id>/away", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def staff_away(staff_member_id: int) -> str | Response:
    """A team lead records when someone in their team is away."""
    member = risk.staff_for_away(current_user, staff_member_id)
    if member.user is None:
        raise NotFound
    form = AwayForm(data={"away_from": member.away_from, "away_until": member.away_until})
    if form.validate_on_submit():
        risk.set_away(current_user, member.id, form.away_from.data, form.away_until.data)
        flash(_("Saved. Flags about %(name)s's caseload go to the duty worker while they are away.",
                name=member.name), "info")
        return redirect_after_post(url_for("staff.duty_rota"))
    return render_template("staff/staff_away.html", form=form, member=member)
