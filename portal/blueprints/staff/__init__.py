from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.blueprints import coproduction  # noqa: E402
from portal.blueprints.staff import (  # noqa: E402,F401
    care_team_note_views,
    care_team_views,
    carers_views,
    caseload_analysis_views,
    caseload_views,
    dashboard_views,
    discharge_views,
    identity_check_views,
    information_views,
    measures_views,
    record_views,
    reminder_views,
    report_views,
    risk_views,
    safety_plan_views,
    staff_record_views,
    statement_of_care_views,
    team_update_views,
    team_views,
    views,
)
from portal.blueprints.staff.care_team_access import care_team_context, guard_care_team_members  # noqa: E402

coproduction.register(bp, "staff")
bp.before_request(guard_care_team_members)
bp.context_processor(care_team_context)
