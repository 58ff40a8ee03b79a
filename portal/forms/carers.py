"""Forms used by more than one audience for carers: consent (service user, key worker) and
inviting a carer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, ValidationError

from portal.forms import messages
from portal.forms.fields import CheckboxesField, EmailField, NHSWidget, StringField
from portal.forms.reminders import invitation_mobile_field, send_invitation_field
from portal.forms.validators import Email, MaxLength, Required
from portal.models import CarerConsent
from portal.services.consent import SCOPES, Scope, ordered, scopes_of

NOTHING = "nothing"


def consent_choices(first_name: str | None) -> list[SelectChoice]:
    """What a carer may see, in words: about the person by name (for staff), or, with no name,
    spoken to the person themselves ("Your goals")."""
    if first_name is None:
        labels = {
            "involvement": _l("That you are under the team, and who your key worker is"),
            "goals": _l("Your goals and how they are going"),
            "care_plan": _l("Your care plan"),
            "safety_plan": _l("Your safety plan"),
            "questionnaire_results": _l("Your questionnaire results (DIALOG and ReQoL-10), in plain words"),
        }
    else:
        labels = {
            "involvement": _l("That %(name)s is under the team, and who their key worker is", name=first_name),
            "goals": _l("%(name)s's goals and how they are going", name=first_name),
            "care_plan": _l("%(name)s's care plan", name=first_name),
            "safety_plan": _l("%(name)s's safety plan", name=first_name),
            "questionnaire_results": _l("%(name)s's questionnaire results (DIALOG and ReQoL-10), in plain words",
                                        name=first_name),
        }
    return [SelectChoice(scope.value, str(labels[scope.value])) for scope in SCOPES] + [
        SelectChoice(NOTHING, str(_l("Nothing")))
    ]


def consent_labels(first_name: str | None, decision: CarerConsent | None) -> list[str]:
    """What one consent decision lets the carer see, in words, in the form's order (empty: nothing)."""
    allowed = scopes_of(decision)
    return [choice.label for choice in consent_choices(first_name) if choice.value in allowed]


def consent_changes(first_name: str | None, carer_name: str,
                    history: list[CarerConsent]) -> list[tuple[CarerConsent, str]]:
    """Each decision (newest first, as ``consent.history`` gives them) with what it changed from
    the one before, in words: who made it, what the carer can now see and can no longer see."""
    changes = []
    for decision, before in zip(history, [*history[1:], None][:len(history)], strict=True):
        now, then = scopes_of(decision), scopes_of(before)
        labels = {choice.value: choice.label for choice in consent_choices(first_name)}
        added = [labels[scope] for scope in ordered(now - then)]
        removed = [labels[scope] for scope in ordered(then - now)]
        words = [str(_l("Told the team in person.") if decision.in_person else
                     _l("You changed it.") if first_name is None else _l("%(name)s changed it.", name=first_name))]
        if added:
            words.append(str(_l("%(carer)s can now see: %(what)s.", carer=carer_name, what="; ".join(added))))
        if removed:
            words.append(str(_l("%(carer)s can no longer see: %(what)s.", carer=carer_name, what="; ".join(removed))))
        if not added and not removed:
            words.append(str(_l("Nothing changed.")))
        changes.append((decision, " ".join(words)))
    return changes


def consent_form(first_name: str | None, current: frozenset[Scope]) -> ConsentForm:
    """The consent form for one carer, showing the consent in force until it is submitted."""
    form = ConsentForm()
    form.scopes.choices = consent_choices(first_name)
    if not form.is_submitted():
        form.scopes.data = ordered(current) or [NOTHING]
    return form


class ConsentForm(FlaskForm):
    scopes = CheckboxesField(_l("What may they see?"), widget=NHSWidget("checkboxes_field", exclusive=[NOTHING]))

    def validate_scopes(self, field: CheckboxesField) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError(str(messages.CHOOSE_WHAT_CARER_SEES))
        if NOTHING in chosen and len(chosen) > 1:
            raise ValidationError(str(messages.CONSENT_NOTHING_AND_MORE))

    @property
    def chosen_scopes(self) -> list[str]:
        return [value for value in (self.scopes.data or []) if value != NOTHING]


class InviteCarerForm(FlaskForm):
    name = StringField(_l("Their name"), validators=[Required(messages.ENTER_CARER_NAME), MaxLength(120)])
    relationship = StringField(
        _l("How are they related?"), description=_l("For example, mother, partner, friend or neighbour"),
        validators=[Required(messages.ENTER_THEIR_RELATIONSHIP), MaxLength(40)],
    )
    email = EmailField(
        _l("Their email address"), description=_l("They will use this to sign in"),
        validators=[Required(messages.ENTER_EMAIL), Email()],
    )
    send_by = send_invitation_field()
    mobile = invitation_mobile_field()
