"""Who has seen my information, in plain words (reading age about 9).

Each audit action code has a phrase that finishes "<who> ...": "looked at your safety plan".
``PHRASES`` speaks to a service user; ``CARER_PHRASES`` to a carer, for the codes a carer can be
shown. ``tests/services/test_access_history.py`` reads every call to the audit trail in
``portal/`` and fails for a code with no phrase here, so a new code cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.services.access_history import AccessEvent, AccessPage, Actor, Who

SERVICE_USER = "service_user"
CARER = "carer"

# The person's own account: the same words for service users and carers.
_ACCOUNT_PHRASES: dict[str, Any] = {
    "sign_in_failed": _l("tried to sign in"),
    "signed_in": _l("signed in"),
    "signed_out": _l("signed out"),
    "password_changed": _l("changed your password"),
    "language_changed": _l("changed the language of your account"),
    "second_factor_set_up": _l("set up a second check when signing in"),
    "second_factor_used": _l("signed in with a second check"),
    "recovery_code_used": _l("signed in with a backup code"),
    "recovery_codes_replaced": _l("made new backup codes for signing in"),
    "second_factor_turned_off": _l("turned off the second check when signing in"),
    "second_factor_reset": _l("reset the second check when signing in"),
    "password_reset_requested": _l("asked for a link to set a new password"),
    "password_reset": _l("set a new password with a link"),
    "signed_in_with_nhs_login": _l("signed in with NHS login"),
    "external_sign_in_refused": _l("tried to sign in with NHS login, but it could not be checked"),
    "signed_in_with_cis2": _l("signed in with an NHS smartcard or NHS Care Identity"),
    "nhs_login_linked": _l("started using NHS login to sign in"),
    "cis2_linked": _l("started using NHS Care Identity to sign in"),
    "role_changed_from_cis2": _l("changed role when signing in with NHS Care Identity"),
}

PHRASES: dict[str, Any] = {
    # Signing in and invitations
    **_ACCOUNT_PHRASES,
    "invitation_created": _l("made an invitation to join the portal"),
    "invitation_replaced": _l("replaced an invitation to join the portal"),
    "invitation_accepted": _l("joined the portal with an invitation"),
    "invitation_queued_sms": _l("sent an invitation by text message"),
    "invitation_queued_email": _l("sent an invitation by email"),
    # You and your key worker
    "service_user_viewed": _l("opened your page"),
    "service_user_discharged": _l("wrote down that you left the team's care"),
    "service_user_reopened": _l("wrote down that you are back in the team's care"),
    "service_user_discharged_from_record": _l("wrote down that you left the team's care"),
    "service_user_reopened_from_record": _l("wrote down that you are back in the team's care"),
    "demographics_updated_from_record": _l("updated your name, address or phone number"),
    "team_updated_from_record": _l("updated which team looks after you"),
    "pathway_updated_from_record": _l("updated your care pathway"),
    "key_worker_changed": _l("changed your key worker"),
    "care_team_member_added": _l("added someone to your care team"),
    "care_team_member_removed": _l("took someone out of your care team"),
    "care_team_member_added_from_record": _l("added someone to your care team, as your health record says"),
    "care_team_member_removed_from_record": _l("took someone out of your care team, as your health record says"),
    "care_team_note_added": _l("wrote a note about you for your care team"),
    "statement_of_care_started": _l("started writing a statement of care about you"),
    "statement_of_care_draft_saved": _l("saved what they are writing in a statement of care about you"),
    "statement_of_care_goal_reviewed": _l("looked at one of your goals with you in a statement of care"),
    "statement_of_care_agreed": _l("agreed a statement of care about you"),
    "statement_of_care_viewed": _l("read a statement of care about you"),
    "identity_check_viewed": _l("looked at a check of who signed in with NHS login as you"),
    "identity_check_opened": _l("asked your key worker to check who signed in with NHS login"),
    "identity_check_linked": _l("checked who you are and let you sign in with NHS login"),
    "identity_check_refused": _l("checked an NHS login and found it was not you"),
    "handover_note_viewed": _l("read the notes passed on when your key worker changed"),
    "handover_note_read": _l("said they had read the notes passed on when your key worker changed"),
    "outbox_message_retried": _l("tried again to send your information to your health record"),
    # Questionnaires
    "measure_started": _l("started a questionnaire"),
    "measure_answered": _l("answered a question in a questionnaire"),
    "measure_submitted": _l("sent a questionnaire"),
    "measure_correction_started": _l("started to correct a questionnaire"),
    "measure_assigned": _l("asked you to fill in a questionnaire"),
    "measure_deferred": _l("decided a questionnaire can wait"),
    # Goals
    "goal_created": _l("wrote a goal"),
    "goal_agreed": _l("agreed a goal"),
    "goal_changed": _l("changed a goal"),
    "goal_rated": _l("rated a goal"),
    "goal_achieved": _l("marked a goal as reached"),
    "goal_stopped": _l("stopped a goal"),
    # Care plan
    "care_plan_entry_added": _l("added something to your care plan"),
    "care_plan_entry_changed": _l("changed part of your care plan"),
    "care_plan_entry_removed": _l("took something out of your care plan"),
    "care_plan_action_reviewed": _l("checked how a step in your care plan went"),
    "care_plan_agreed": _l("agreed your care plan"),
    # Safety plan
    "safety_plan_viewed": _l("looked at your safety plan"),
    "safety_plan_created": _l("started your safety plan"),
    "safety_plan_updated": _l("changed your safety plan"),
    "safety_plan_reviewed": _l("went through your safety plan"),
    "safety_plan_device_added": _l("let a phone show your safety plan"),
    "safety_plan_viewed_on_device": _l("opened your safety plan on a phone"),
    "safety_plan_device_removed": _l("stopped a phone showing your safety plan"),
    # Sessions
    "care_session_started": _l("started a session with you"),
    "care_session_notes_saved": _l("wrote notes in a session"),
    "dialog_plus_area_picked": _l("picked a topic to talk about in a session"),
    "dialog_plus_area_saved": _l("wrote about a topic in a session"),
    "care_session_ended": _l("ended a session"),
    # Answers that worried us
    "safety_flag_raised": _l("passed one of your answers to your team to check on you"),
    "safety_flag_made_urgent": _l("marked one of your answers as urgent to check"),
    "safety_flag_escalated": _l("told more of your team about one of your answers"),
    "safety_flag_overdue": _l("told a team leader one of your answers still needs checking"),
    "safety_flag_viewed": _l("looked at one of your answers that worried us"),
    "safety_flag_acknowledged": _l("checked on you after one of your answers"),
    # Carers
    "carer_added": _l("added a carer to your record"),
    "carer_added_from_record": _l("added a carer to your record"),
    "carer_linked": _l("joined the portal as your carer"),
    "carer_consent_changed": _l("changed what a carer can see"),
    "carer_viewed_shared": _l("looked at what you share with them"),
    "carer_viewed_results": _l("looked at the questionnaire results you share with them"),
    "carer_details_updated": _l("changed a carer's contact details"),
    "carer_details_confirmed": _l("checked a carer's contact details"),
    "carer_updated_from_record": _l("updated a carer's details"),
    "carer_conflict_resolved": _l("chose which of a carer's details are right"),
    "carer_mobile_added_by_inviter": _l("added a carer's mobile number"),
    "carer_contribution_added": _l("told the team how things are"),
    "carer_contribution_viewed": _l("read what a carer told the team"),
    "carer_contribution_acknowledged": _l("marked what a carer told the team as read"),
    "carer_contribution_into_care_plan": _l("put what a carer told the team into your care plan"),
    # Reminders
    "reminders_stopped": _l("stopped your reminders"),
    "reminder_preferences_changed": _l("changed how you get reminders"),
    "reminder_queued": _l("got a reminder ready to send you"),
    # Staff's own settings (never about a service user; here so every code has words)
    "duty_rota_changed": _l("changed the duty rota"),
    "staff_notification_choice_changed": _l("changed how they hear about answers that worry us"),
    "staff_away_changed": _l("changed the days they are away"),
    "staff_registration_changed": _l("changed a member of staff's profession or registration"),
    "team_leadership_added": _l("gave a team lead another team to lead"),
    "team_leadership_removed": _l("took another team away from a team lead"),
    # This page and the copy of your information
    "access_history_viewed": _l("looked at who has seen your information"),
    "information_copy_viewed": _l("looked at a copy of all your information"),
    "information_downloaded": _l("downloaded a copy of all your information"),
    "subject_access_copy_viewed": _l("made a copy of all your information because it was asked for"),
    "subject_access_downloaded": _l("downloaded a copy of all your information because it was asked for"),
}

CARER_PHRASES: dict[str, Any] = {
    **_ACCOUNT_PHRASES,
    "invitation_created": _l("made an invitation for you to join the portal"),
    "invitation_replaced": _l("replaced an invitation for you to join the portal"),
    "invitation_accepted": _l("joined the portal with an invitation"),
    "invitation_queued_sms": _l("sent you an invitation by text message"),
    "invitation_queued_email": _l("sent you an invitation by email"),
    "carer_added": _l("added you as a carer"),
    "carer_added_from_record": _l("added you as a carer"),
    "carer_linked": _l("linked you to the person you care for"),
    "carer_consent_changed": _l("changed what you can see"),
    "carer_details_updated": _l("changed your contact details"),
    "carer_details_confirmed": _l("checked your contact details are right"),
    "carer_updated_from_record": _l("updated your details"),
    "carer_conflict_resolved": _l("chose which of your details are right"),
    "carer_mobile_added_by_inviter": _l("added your mobile number"),
    "carer_contribution_added": _l("told the team how things are"),
    "carer_contribution_viewed": _l("read what you told the team"),
    "carer_contribution_acknowledged": _l("marked what you told the team as read"),
    "carer_contribution_into_care_plan": _l("put what you told the team into a care plan"),
    "reminders_stopped": _l("stopped your reminders"),
    "reminder_preferences_changed": _l("changed how you get reminders"),
    "reminder_queued": _l("got a reminder ready to send you"),
    "access_history_viewed": _l("looked at who has seen your information"),
    "information_copy_viewed": _l("looked at a copy of all your information"),
    "information_downloaded": _l("downloaded a copy of all your information"),
}


def who(event: AccessEvent, audience: str) -> str:
    actor = event.actor
    if actor.kind == Who.SELF:
        return _("You")
    if actor.kind == Who.KEY_WORKER:
        return _("%(name)s, your key worker", name=actor.name)
    if actor.kind == Who.EARLIER_KEY_WORKER:
        return _("%(name)s, who was your key worker", name=actor.name)
    if actor.kind == Who.CARE_TEAM:
        return _("%(name)s, %(role)s in your care team", name=actor.name, role=str(actor.role).lower())
    if actor.kind == Who.TEAM_LEAD:
        return _("%(name)s, a team leader", name=actor.name)
    if actor.kind == Who.STAFF:
        return _("Someone from the care team") if audience == CARER else _(
            "%(name)s, from the care team", name=actor.name)
    if actor.kind == Who.CARER:
        return _("%(name)s, your carer", name=actor.name)
    if actor.kind == Who.CARED_FOR:
        return _("%(name)s, who you care for", name=actor.name)
    if actor.kind == Who.ADMIN:
        return _("An administrator")
    if actor.kind == Who.SYSTEM:
        return _("The clinical record system")
    if actor.kind == Who.PORTAL:
        return _("The portal itself")
    return _("Someone")


def what(event: AccessEvent, audience: str) -> str:
    table = CARER_PHRASES if audience == CARER else PHRASES
    phrase = str(table.get(event.action) or _("did something with your information"))
    return phrase[:1].upper() + phrase[1:]


@dataclass(frozen=True)
class Line:
    """One event as a page (or the copy) shows it."""

    number: int
    at: datetime
    who: str
    what: str
    action: str


def lines(page: AccessPage, audience: str) -> list[Line]:
    return [Line(number, e.at, who(e, audience), what(e, audience), e.action)
            for number, e in enumerate(page.events, start=1)]


def with_words(copy: dict[str, Any], audience: str) -> dict[str, Any]:
    """A copy (``services/data_export.py``) with each "who has seen" event also in plain words."""
    for item in copy["who_has_seen"]:
        event = AccessEvent(0, datetime.fromisoformat(item["at"]), item["action"], item["record_type"], None,
                            Actor(item["who"]["kind"], item["who"]["name"] or ""))
        item["in_words"] = f"{who(event, audience)}: {what(event, audience)}"
    return copy
