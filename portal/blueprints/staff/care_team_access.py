"""What a care team member who is not the person's key worker or team lead may do on their pages.

``people.service_user_for_staff`` lets a current care team member open the person at all (404 for
anyone else). This decides the rest, for every staff page that names a service user, in one place:

- pages that read the person's care (``READ``) open for every member, and so does adding a note for
  the team (``NOTES``): "read and add notes" is what a member without a registration may do;
- pages that change it (``CO_WRITE``: goals, care plan, safety plan, questionnaires, sessions) work
  when ``people.may_change`` says so: a member with a professional registration, while the trust
  lets registered members co-write (``CARE_TEAM_REGISTERED_MAY_CHANGE``);
- everything else (discharge, invitations, carers' consent, reminders, record conflicts, a copy of
  their information, the care team itself) stays with the key worker and team lead: 403.

A new staff page is therefore closed to care team members until it is put in a list here.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, request
from flask_login import current_user

from portal.models import STAFF_ROLES
from portal.services import people
from portal.services.errors import NotFound

READ = frozenset({
    "staff.service_user", "staff.care_team_page", "staff.goals_page", "staff.goal_page", "staff.care_plan",
    "staff.care_plan_versions", "staff.care_plan_version", "staff.safety_plan", "staff.print_safety_plan",
    "staff.service_user_measures", "staff.measure_results", "staff.measure_support", "staff.check_measure",
    "staff.care_session", "staff.care_session_updates", "staff.session_summaries", "staff.service_user_timeline",
    "staff.statements_of_care", "staff.statement_of_care_version", "staff.print_statement_of_care",
})
CO_WRITE = frozenset({
    "staff.new_goal", "staff.edit_goal", "staff.agree_goal", "staff.close_goal", "staff.rate_goal",
    "staff.rate_session_goal", "staff.add_care_plan_entry", "staff.edit_care_plan_entry",
    "staff.remove_care_plan_entry", "staff.agree_care_plan", "staff.edit_safety_plan", "staff.review_safety_plan",
    "staff.start_session", "staff.end_session", "staff.add_session_action", "staff.review_session_action",
    "staff.pick_dialog_area", "staff.save_dialog_area", "staff.save_session_notes", "staff.assign_measure",
    "staff.defer_measure", "staff.answer_measure", "staff.start_session_measure", "staff.submit_measure",
    "staff.new_statement_of_care", "staff.write_statement_of_care", "staff.review_statement_goal",
})
# What every member may do, whatever their registration (issue 15): add a note for the team.
NOTES = frozenset({"staff.add_care_team_note"})
READING = frozenset({"GET", "HEAD"})


def guard_care_team_members() -> None:
    """Runs before every staff view; answers 403 for what a care team member may not do here."""
    service_user_id = (request.view_args or {}).get("service_user_id")
    if service_user_id is None or not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        return  # the view's own access check answers
    try:
        person = people.service_user_for_staff(current_user, service_user_id, audit_view=False)
    except NotFound:
        return  # not theirs to see: the view answers 404
    # Held for the request, so the view's own check finds the person loaded (the session keeps
    # only what something still refers to) and does not ask the database again.
    g.checked_person = person
    if people.is_key_worker_or_team_lead(current_user, person):
        return
    g.care_team_only = True
    g.read_only = not people.may_change(current_user, person)
    endpoint = request.endpoint or ""
    if endpoint in READ and request.method in READING:
        return
    if endpoint in CO_WRITE and not g.read_only:
        return
    if endpoint in NOTES:
        return
    abort(403)


def care_team_context() -> dict[str, Any]:
    """For staff templates: ``care_team_only`` (a care team member, not the key worker or team lead:
    hide what stays with them) and ``read_only`` (may not change this person's care: hide the
    links and forms that change it)."""
    return {"care_team_only": g.get("care_team_only", False), "read_only": g.get("read_only", False)}
