"""Forms for carers: their details, their views for the team, adding someone they care for."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, ValidationError

from portal.forms import messages
from portal.forms.fields import BooleanField, EmailField, RadioField, StringField, TelField, TextAreaField
from portal.forms.once import OnceForm
from portal.forms.validators import Email, MaxLength, Required, UKPhone, UKPostcode
from portal.models import CONTRIBUTION_PARTS, Carer, CarerLink, ContactMethod
from portal.risk_rules import carer_tier


class DetailsForm(FlaskForm):
    name = StringField(_l("Your full name"), validators=[Required(messages.ENTER_YOUR_NAME), MaxLength(120)])
    mobile = TelField(_l("Mobile number (optional)"), validators=[UKPhone(mobile_only=True)])
    phone = TelField(_l("Other phone number (optional)"), description=_l("For example, a landline"),
                     validators=[UKPhone()])
    email = EmailField(_l("Email address (optional)"), validators=[Email(), MaxLength(254)])
    address = TextAreaField(_l("Address (optional)"), validators=[MaxLength(400)])
    postcode = StringField(_l("Postcode (optional)"), validators=[UKPostcode()])
    preferred_contact = RadioField(_l("How would you like the team to contact you? (optional)"), validators=[])
    contact_times = StringField(
        _l("When is a good time to contact you? (optional)"), description=_l("For example, weekday evenings"),
        validators=[MaxLength(200)],
    )
    language = StringField(_l("What language would you like to use? (optional)"), validators=[MaxLength(60)])
    interpreter_needed = BooleanField(_l("I need an interpreter"))
    young_carer = BooleanField(_l("I am under 18"), description=_l("We call this being a young carer"))

    def validate_preferred_contact(self, field: RadioField) -> None:
        needs = {
            ContactMethod.PHONE.value: (bool(self.phone.data or self.mobile.data), messages.CONTACT_NEEDS_PHONE),
            ContactMethod.TEXT.value: (bool(self.mobile.data), messages.CONTACT_NEEDS_MOBILE),
            ContactMethod.EMAIL.value: (bool(self.email.data), messages.CONTACT_NEEDS_EMAIL),
            ContactMethod.LETTER.value: (bool(self.address.data and self.postcode.data),
                                         messages.CONTACT_NEEDS_ADDRESS),
        }
        chosen = str(field.data or "")
        if chosen in needs and not needs[chosen][0]:
            raise ValidationError(str(needs[chosen][1]))

    def relationship_fields(self) -> list[Any]:
        return [field for field in self if field.name.startswith("relationship_")]


def details_form(carer: Carer, links: list[CarerLink], **kwargs: Any) -> DetailsForm:
    """The details form, with a "how are you related to ..." question for each person they care for."""

    class Form(DetailsForm):
        pass

    for link in links:
        setattr(Form, f"relationship_{link.id}", StringField(
            _l("How are you related to %(name)s?", name=link.service_user.first_name),
            description=_l("For example, mother, partner, friend or neighbour"),
            default=link.relationship_type,
            validators=[Required(messages.ENTER_RELATIONSHIP), MaxLength(40)],
        ))
    form = Form(obj=carer, **kwargs)
    form.preferred_contact.choices = [
        SelectChoice(ContactMethod.PHONE.value, str(_l("Phone call"))),
        SelectChoice(ContactMethod.TEXT.value, str(_l("Text message"))),
        SelectChoice(ContactMethod.EMAIL.value, str(_l("Email"))),
        SelectChoice(ContactMethod.LETTER.value, str(_l("Letter"))),
    ]
    if not form.is_submitted():
        form.preferred_contact.data = carer.preferred_contact.value if carer.preferred_contact else None  # type: ignore[assignment]
    return form


PART_LABELS = {
    "how_things_have_been": _l("How have things been?"),
    "what_helps": _l("What helps?"),
    "warning_signs": _l("What early warning signs do you notice when things are getting harder?"),
    "worries": _l("Is there anything you are worried about?"),
    "wanted_from_team": _l("What would you like from the team?"),
    "own_needs": _l("How are you? What do you need as a carer?"),
}


class ContributionForm(OnceForm):
    how_things_have_been = TextAreaField(PART_LABELS["how_things_have_been"], validators=[MaxLength(2000)])
    how_things_have_been_private = BooleanField(_l("Do not share this with the person I care for"))
    what_helps = TextAreaField(PART_LABELS["what_helps"], validators=[MaxLength(2000)])
    what_helps_private = BooleanField(_l("Do not share this with the person I care for"))
    warning_signs = TextAreaField(PART_LABELS["warning_signs"], validators=[MaxLength(2000)])
    warning_signs_private = BooleanField(_l("Do not share this with the person I care for"))
    worries = TextAreaField(PART_LABELS["worries"], validators=[MaxLength(2000)])
    worries_private = BooleanField(_l("Do not share this with the person I care for"))
    # A worry reaches a member of staff as a flag, urgent or routine as the carer says (issue 13).
    worry_urgency = RadioField(
        _l("How urgent does it feel?"),
        choices=[SelectChoice("now", _l("I am worried about their safety now")),
                 SelectChoice("next_appointment", _l("It can wait until their next appointment"))],
        validators=[],
    )
    wanted_from_team = TextAreaField(PART_LABELS["wanted_from_team"], validators=[MaxLength(2000)])
    wanted_from_team_private = BooleanField(_l("Do not share this with the person I care for"))
    own_needs = TextAreaField(PART_LABELS["own_needs"], validators=[MaxLength(2000)])
    own_needs_private = BooleanField(_l("Do not share this with the person I care for"))
    wants_carers_assessment = BooleanField(
        _l("I would like a carer's assessment"),
        description=_l("The council will talk with you about the support you need as a carer. It is free."),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any((getattr(self, part).data or "").strip() for part in CONTRIBUTION_PARTS) \
                and not self.wants_carers_assessment.data:
            self.how_things_have_been.errors = [str(messages.ENTER_CONTRIBUTION)]
            return False
        if (self.worries.data or "").strip() and not self.worry_urgency.data:
            self.worry_urgency.errors = [str(messages.CHOOSE_WORRY_URGENCY)]
            return False
        return True

    def worry_tier(self) -> str | None:
        """The tier the carer chose for their worry (None: no worry written)."""
        if not (self.worries.data or "").strip():
            return None
        return carer_tier(str(self.worry_urgency.data))

    def parts(self) -> dict[str, str]:
        return {part: getattr(self, part).data or "" for part in CONTRIBUTION_PARTS}

    def private_parts(self) -> set[str]:
        return {part for part in CONTRIBUTION_PARTS if getattr(self, f"{part}_private").data}


class AddPersonForm(FlaskForm):
    code = StringField(_l("Invitation code"), description=_l("12 letters and numbers, like ABCD-2345-EFGH"),
                       validators=[Required(messages.ENTER_CODE)])
    relationship = StringField(
        _l("How are you related to the person you care for?"),
        description=_l("For example, mother, partner, friend or neighbour"),
        validators=[Required(messages.ENTER_RELATIONSHIP), MaxLength(40)],
    )
