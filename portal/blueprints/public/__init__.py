from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.blueprints.public import language_views, reminder_views, views  # noqa: E402,F401
