from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.blueprints.admin import account_views, notify_views, staff_views, sync_views, team_lead_views, views  # noqa: E402,F401
