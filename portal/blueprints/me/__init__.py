from flask import Blueprint

bp = Blueprint("me", __name__, url_prefix="/me")

from portal.blueprints import coproduction  # noqa: E402
from portal.blueprints.me import (  # noqa: E402,F401
    carers_views,
    feedback_views,
    information_views,
    reminder_views,
    safety_plan_views,
    statement_of_care_views,
    views,
)

coproduction.register(bp, "me")
