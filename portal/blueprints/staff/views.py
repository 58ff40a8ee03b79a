"""Pages for key workers and team leads."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import STAFF, roles
from portal.blueprints.staff import bp
from portal.blueprints.staff.forms import InvitationForm
from portal.models import Role
from portal.services import accounts, measures, people


@bp.get("/")
@roles(*STAFF)
def home() -> str:
    caseload = people.caseload(current_user)
    by_id = {person.id: person for person in caseload}
    flags = [(flag, by_id[flag.service_user_id]) for flag in measures.open_flags(list(by_id))]
    return render_template(
        "staff/home.html",
        caseload=caseload,
        flags=flags,
        without_key_worker=people.count_without_key_worker(current_user),
    )


@bp.get("/service-users/<int:service_user_id>")
@roles(*STAFF)
def service_user(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id)
    return render_template("staff/service_user.html", person=person, carer_links=people.carers_of(person))


def _invitee_choices(person) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    choices = []
    if person.user_id is None:
        choices.append(("service_user", person.display_name))
    for link in people.carers_of(person):
        if link.carer.user_id is None:
            choices.append((f"carer-{link.carer_id}", _("%(name)s (carer)", name=link.carer.name)))
    return choices


@bp.route("/service-users/<int:service_user_id>/invitation", methods=["GET", "POST"])
@roles(*STAFF)
def invite(service_user_id: int) -> str:
    person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    form = InvitationForm()
    form.invitee.choices = _invitee_choices(person)
    if form.validate_on_submit():
        if form.invitee.data == "service_user":
            created = accounts.create_invitation(
                current_user, form.email.data, Role.SERVICE_USER, service_user_id=person.id,
                days=current_app.config["INVITATION_DAYS"],
            )
        else:
            link = people.carer_link_for_staff(current_user, person.id, int(str(form.invitee.data).split("-")[1]))
            created = accounts.create_invitation(
                current_user, form.email.data, Role.CARER, carer_id=link.carer_id,
                days=current_app.config["INVITATION_DAYS"],
            )
        # Shown once, never stored in clear: no redirect, so the code is not in any URL.
        return render_template("staff/invitation_created.html", person=person, created=created)
    return render_template("staff/invite.html", person=person, form=form)
