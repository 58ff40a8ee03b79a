"""Is the portal able to serve? Used by load balancers."""

from __future__ import annotations

import contextlib

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db


def database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        with contextlib.suppress(SQLAlchemyError):  # hands the broken connection back to the pool
            db.session.rollback()
        return False
