from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Invitation, Role
from portal.models.base import utcnow
from portal.services import accounts
from tests import factories
from tests.conftest import PageRequest, sign_in
from tests.pages import error_messages


def test_change_password(app: Flask, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    as_key_worker.get("auth.change_password")
    data = {"current_password": factories.PASSWORD, "new_password": "a much longer password",
            "confirm_password": "a much longer password"}
    as_key_worker.post("auth.change_password", data, _expected_status=303)
    assert accounts.authenticate(key_worker.user.email, "a much longer password") is not None
    # The session that changed it stays signed in.
    as_key_worker.get("staff.home")


def test_change_password_errors_keep_the_page(as_key_worker: PageRequest) -> None:
    page = as_key_worker.post("auth.change_password", {
        "current_password": "wrong", "new_password": "short", "confirm_password": "different"})
    assert error_messages(page) == [
        "Your new password must be 12 characters or more",
        "The passwords do not match. Type the same password twice.",
    ]
    page = as_key_worker.post("auth.change_password", {
        "current_password": "wrong-password", "new_password": "long enough password",
        "confirm_password": "long enough password"})
    assert error_messages(page) == ["Your current password is not right"]


def test_changing_password_signs_out_other_sessions(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    phone = sign_in(app.test_client(), key_worker.user)
    laptop = sign_in(app.test_client(), key_worker.user)
    laptop.post("/account/password", data={"current_password": factories.PASSWORD,
                                           "new_password": "new password here", "confirm_password": "new password here"})
    assert laptop.get("/staff/").status_code == 200
    assert phone.get("/staff/").status_code == 302


def _invite_service_user(key_worker, service_user, email="sam@example.test"):  # type: ignore[no-untyped-def]
    return accounts.create_invitation(key_worker.user, email, Role.SERVICE_USER, service_user_id=service_user.id)


def test_invitation_code_is_stored_hashed(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False)
    created = _invite_service_user(key_worker, person)
    stored = db.session.scalar(select(Invitation))
    assert created.code.replace("-", "") not in stored.code_hash
    assert len(created.code) == 14


def test_accepting_an_invitation_creates_a_linked_account(app: Flask, key_worker, page_request: PageRequest) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False, given_name="Rae")
    created = _invite_service_user(key_worker, person)
    page_request.post("auth.accept_invitation", {
        "email": "SAM@example.test", "code": created.code.lower(), "new_password": "my new password",
        "confirm_password": "my new password"}, _expected_status=303)
    db.session.refresh(person)
    assert person.user is not None and person.user.role is Role.SERVICE_USER
    home = page_request.get("me.home")
    assert "Rae" in home.get_text()


def test_an_invitation_works_once(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False)
    created = _invite_service_user(key_worker, person)
    accounts.accept_invitation("sam@example.test", created.code, "my new password")
    with pytest.raises(accounts.InvitationProblem):  # a used code must not work again
        accounts.accept_invitation("sam@example.test", created.code, "my new password")


def test_an_expired_invitation_is_refused(app: Flask, key_worker, page_request: PageRequest) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False)
    created = accounts.create_invitation(key_worker.user, "late@example.test", Role.SERVICE_USER,
                                         service_user_id=person.id, now=utcnow() - timedelta(days=8))
    page = page_request.post("auth.accept_invitation", {
        "email": "late@example.test", "code": created.code, "new_password": "my new password",
        "confirm_password": "my new password"})
    assert error_messages(page)[0].startswith("This code does not work.")
    assert page.select_one("#email")["value"] == "late@example.test"
    db.session.refresh(person)
    assert person.user_id is None


def test_a_code_for_another_email_is_refused(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False)
    created = _invite_service_user(key_worker, person)
    with pytest.raises(accounts.InvitationProblem):  # the code is tied to the invited email
        accounts.accept_invitation("someone.else@example.test", created.code, "my new password")


def test_key_worker_invites_a_carer_and_sees_the_code_once(app: Flask, service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    carer = factories.create_carer(service_user, with_account=False, name="Pat")
    page = as_key_worker.get("staff.invite", service_user_id=service_user.id)
    choices = [i["value"] for i in page.select("input[name=invitee]")]
    assert choices == [f"carer-{carer.id}"]  # Sam already has an account
    page = as_key_worker.post("staff.invite", {"invitee": f"carer-{carer.id}", "email": "pat@example.test"},
                              service_user_id=service_user.id)
    code = page.select_one("#invitation-code").get_text(strip=True)
    user = accounts.accept_invitation("pat@example.test", code, "pat's new password")
    assert user.role is Role.CARER
    db.session.refresh(carer)
    assert carer.user_id == user.id


def test_invitation_form_errors(service_user, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    factories.create_carer(service_user, with_account=False)
    page = as_key_worker.post("staff.invite", {"invitee": "", "email": "bad"}, service_user_id=service_user.id)
    assert error_messages(page) == [
        "Choose who you are inviting",
        "Enter an email address in the correct format, like name@example.com",
    ]
    assert page.select_one("#email")["value"] == "bad"


def test_key_worker_cannot_invite_for_someone_else_s_service_user(app: Flask, key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_service_user(key_worker=factories.create_staff(key_worker.team), with_account=False)
    as_key_worker.get("staff.invite", _expected_status=404, service_user_id=other.id)
    as_key_worker.post("staff.invite", {"invitee": "service_user", "email": "x@example.test"},
                       _expected_status=404, service_user_id=other.id)
    assert db.session.scalar(select(Invitation)) is None


def test_a_new_code_for_the_same_person_replaces_the_unused_one(app: Flask, key_worker) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False)
    other = factories.create_service_user(key_worker=key_worker, with_account=False)
    lost = accounts.create_invitation(key_worker.user, "new.person@example.test", Role.SERVICE_USER,
                                      service_user_id=person.id)
    unrelated = accounts.create_invitation(key_worker.user, "someone.else@example.test", Role.SERVICE_USER,
                                           service_user_id=other.id)
    again = accounts.create_invitation(key_worker.user, "New.Person@example.test", Role.SERVICE_USER,
                                       service_user_id=person.id)
    with pytest.raises(accounts.InvitationProblem):
        accounts.usable_invitation(lost.code, "new.person@example.test", utcnow())
    assert accounts.usable_invitation(again.code, "new.person@example.test", utcnow()).id == again.invitation.id
    assert accounts.usable_invitation(unrelated.code, "someone.else@example.test", utcnow())  # not touched


@pytest.mark.parametrize(("password", "message"), [
    ("password1234", "This password is used by a lot of people or is easy to guess."),
    ("aaaaaaaaaaaa", "This password is used by a lot of people or is easy to guess."),
])
def test_a_common_new_password_is_refused_with_a_plain_reason(as_key_worker: PageRequest, password: str, message: str) -> None:
    page = as_key_worker.post("auth.change_password", {
        "current_password": factories.PASSWORD, "new_password": password, "confirm_password": password})
    assert error_messages(page)[0].startswith(message)


def test_a_new_password_made_of_your_own_email_address_is_refused(key_worker, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    password = key_worker.user.email
    page = as_key_worker.post("auth.change_password", {
        "current_password": factories.PASSWORD, "new_password": password, "confirm_password": password})
    assert error_messages(page)[0].startswith("Do not use your name or email address in your password.")
    assert accounts.authenticate(key_worker.user.email, factories.PASSWORD) is not None


def test_an_invitation_refuses_a_password_made_of_the_invited_persons_name(app: Flask, key_worker, page_request: PageRequest) -> None:  # type: ignore[no-untyped-def]
    person = factories.create_service_user(key_worker=key_worker, with_account=False, given_name="Rosalind")
    created = _invite_service_user(key_worker, person, email="r.k@example.test")
    page = page_request.post("auth.accept_invitation", {
        "email": "r.k@example.test", "code": created.code, "new_password": "Rosalind2026!!",
        "confirm_password": "Rosalind2026!!"})
    assert error_messages(page) == [
        "Do not use your name or email address in your password. Try 3 or 4 words that have nothing to do with you."]
    db.session.refresh(person)
    assert person.user_id is None
