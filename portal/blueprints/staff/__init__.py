from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.blueprints.staff import views  # noqa: E402,F401
from portal.blueprints.staff import measures_views  # noqa: E402,F401
