from flask import Blueprint

bp = Blueprint("carer", __name__, url_prefix="/carer")

from portal.blueprints.carer import feedback_views, information_views, reminder_views, views  # noqa: E402,F401
