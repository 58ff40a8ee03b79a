from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.blueprints import coproduction  # noqa: E402
from portal.blueprints.staff import (  # noqa: E402,F401
    carers_views,
    caseload_views,
    discharge_views,
    identity_check_views,
    information_views,
    measures_views,
    record_views,
    reminder_views,
    report_views,
    risk_views,
    safety_plan_views,
    team_views,
    views,
)

coproduction.register(bp, "staff")
