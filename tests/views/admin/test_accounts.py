"""The administrator's accounts page at a trust's scale: staff (who must have a second step) and
anyone who turned one on, searchable by email address, never thousands of rows on one page."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, SecondFactor
from portal.services import admin as admin_service
from tests import factories


def test_service_users_without_a_second_step_are_not_listed(admin_client: FlaskClient, key_worker) -> None:  # type: ignore[no-untyped-def]
    plain = factories.create_user(Role.SERVICE_USER, email="plain.person@example.test")
    careful = factories.create_user(Role.SERVICE_USER, email="careful.person@example.test", second_factor=True)
    db.session.commit()
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    assert key_worker.user.email in page and careful.email in page
    assert plain.email not in page


def test_search_by_email_and_at_most_50_at_once(admin_client: FlaskClient) -> None:
    for number in range(55):
        factories.create_user(Role.KEY_WORKER, email=f"worker{number:02d}@example.test")
    db.session.commit()
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    assert page.count("Reset second step</button>") + page.count("Reset second step<span") == 50
    assert "Search to find the others" in page
    found = admin_client.get("/admin/accounts?q=WORKER07").get_data(as_text=True)
    assert "worker07@example.test" in found and "worker08@example.test" not in found
    assert 'value="WORKER07"' in found  # the search stays in the box
    nothing = admin_client.get("/admin/accounts?q=%25").get_data(as_text=True)  # a wildcard is just a character
    assert "worker07@example.test" not in nothing and "No accounts match" in nothing


def test_the_count_of_recovery_codes_left_is_one_number(key_worker) -> None:  # type: ignore[no-untyped-def]
    from portal.services import second_factor

    codes = second_factor.new_recovery_codes(key_worker.user)
    assert second_factor.recovery_codes_left(key_worker.user) == len(codes) == 10
    assert db.session.scalar(select(SecondFactor.user_id)) == key_worker.user.id
    assert admin_service.accounts_with_second_step("nobody-here")[0] == []
