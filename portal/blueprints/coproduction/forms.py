"""Forms for goals, the care plan and the session view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, ValidationError

from portal.forms import messages
from portal.forms.fields import CheckboxesField, DateField, HiddenField, RadioField, StringField, TextAreaField
from portal.forms.once import OnceForm
from portal.forms.validators import MaxLength, RealDate, Required
from portal.services import care_plans

RATING_CHOICES = [SelectChoice(str(n), str(n)) for n in range(0, 11)]
WHO_WILL_HELP = [SelectChoice("me", _l("Me")), SelectChoice("team", _l("My team")),
                 SelectChoice("carer", _l("My carer or family")), SelectChoice("other", _l("Another organisation"))]


def staff_who_will_help(name: str) -> list[SelectChoice]:
    return [SelectChoice("me", name), SelectChoice("team", str(_l("The team"))),
            SelectChoice("carer", str(_l("%(name)s's carer or family", name=name))),
            SelectChoice("other", str(_l("Another organisation")))]


def staff_rating_words(field: RadioField, name: str) -> None:
    field.label.text = str(_l("How close is %(name)s to this goal now?", name=name))
    field.description = str(_l("0 means not started, 5 means half way, 10 means they have reached it."))


class VersionedForm(FlaskForm):
    """Carries the version the person started from, so a newer save is never overwritten."""

    version = HiddenField()

    def based_on(self) -> int:
        try:
            return int(self.version.data or 0)
        except ValueError:
            return 0


class GoalForm(VersionedForm):
    text = TextAreaField(
        _l("What is your goal?"),
        description=_l("Use your own words. For example: “Go to the shops on my own”."),
        validators=[Required(messages.ENTER_GOAL), MaxLength(500)],
    )
    what_will_help = TextAreaField(_l("What will help? (optional)"), validators=[MaxLength(2000)])
    who_will_help = CheckboxesField(_l("Who will help? (optional)"), choices=WHO_WILL_HELP)
    other_organisation = StringField(_l("Which organisation? (optional)"),
                                     description=_l("For example, a housing office or a walking group"),
                                     validators=[MaxLength(200)])

    def about(self, name: str) -> None:
        """Staff see the same form about the person, by name (``coproduction.render`` calls this)."""
        self.text.label.text = str(_l("What is %(name)s's goal?", name=name))
        self.text.description = str(_l("In %(name)s's own words. For example: “Go to the shops on my own”.",
                                       name=name))
        self.who_will_help.choices = staff_who_will_help(name)


class NewGoalForm(GoalForm, OnceForm):
    first_rating = RadioField(
        _l("How close are you to this goal now?"),
        description=_l("0 means not started, 5 means half way, 10 means you have reached it."),
        choices=RATING_CHOICES, validators=[Required(messages.CHOOSE_RATING)],
    )

    def about(self, name: str) -> None:
        super().about(name)
        staff_rating_words(self.first_rating, name)


class StaffGoalForm(NewGoalForm):
    agreement = RadioField(
        _l("How was this goal agreed?"),
        choices=[
            SelectChoice("together", _l("We agreed it together")),
            SelectChoice("on_behalf",
                         _l("I set it for the person, because they cannot agree it now (for example, in a crisis)")),
        ],
        validators=[Required(messages.CHOOSE_AGREEMENT)],
    )
    on_behalf_reason = TextAreaField(_l("Why was it set for the person?"), validators=[MaxLength(2000)])

    def validate_on_behalf_reason(self, field: TextAreaField) -> None:
        if self.agreement.data == "on_behalf" and not (field.data or "").strip():
            raise ValidationError(str(messages.ENTER_ON_BEHALF_REASON))


class AgreeGoalForm(VersionedForm):
    agreement = StaffGoalForm.agreement
    on_behalf_reason = StaffGoalForm.on_behalf_reason
    validate_on_behalf_reason = StaffGoalForm.validate_on_behalf_reason


class RatingForm(VersionedForm):
    rating = RadioField(
        _l("How close are you to this goal now?"),
        description=_l("0 means not started, 5 means half way, 10 means you have reached it."),
        choices=RATING_CHOICES, validators=[Required(messages.CHOOSE_RATING)],
    )
    note = TextAreaField(_l("Anything to add? (optional)"), validators=[MaxLength(2000)])

    def about(self, name: str) -> None:
        staff_rating_words(self.rating, name)


class CloseGoalForm(VersionedForm):
    ending = RadioField(
        _l("What happened with this goal?"),
        choices=[SelectChoice("achieved", _l("It was achieved")),
                 SelectChoice("stopped", _l("We stopped working on it"))],
        validators=[Required(messages.CHOOSE_GOAL_ENDING)],
    )
    reason = TextAreaField(_l("Why did you stop? (needed if you stopped)"), validators=[MaxLength(2000)])
    final_rating = RadioField(_l("Last rating, from 0 to 10"), choices=RATING_CHOICES,
                              validators=[Required(messages.CHOOSE_RATING)])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.ending.data == "stopped" and not (field.data or "").strip():
            raise ValidationError(str(messages.ENTER_STOP_REASON))


SUPPORT_KINDS = [SelectChoice("gp", _l("GP")), SelectChoice("social_care", _l("Social care")),
                 SelectChoice("housing", _l("Housing")), SelectChoice("voluntary", _l("Voluntary or community group")),
                 SelectChoice("section_117", _l("Section 117 aftercare")), SelectChoice("other", _l("Something else"))]


class EntryForm(VersionedForm, OnceForm):
    text = TextAreaField(_l("What do you want to add?"), validators=[Required(messages.ENTER_ENTRY), MaxLength(2000)])
    support_kind = RadioField(_l("What kind of support is it?"), choices=SUPPORT_KINDS,
                              validators=[Required(messages.CHOOSE_SUPPORT_KIND)])

    def about(self, name: str) -> None:
        self.text.label.text = str(_l("What should it say?"))


class RemoveForm(VersionedForm):
    pass


class AgreeCarePlanForm(FlaskForm):
    next_review_on = DateField(
        _l("When should we look at the plan again?"),
        description=_l("At least once a year. For example, 27 3 2027."),
        validators=[RealDate(lambda day, today: today < day <= care_plans.latest_review_allowed(today),
                             messages.REVIEW_WITHIN_A_YEAR)],
    )


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    older = IntegerField()
    newer = IntegerField()


class NotesForm(VersionedForm):
    notes = TextAreaField(_l("Notes we made together"), validators=[MaxLength(5000)])


class SessionRatingForm(VersionedForm):
    rating = RadioField(_l("Rating"), choices=RATING_CHOICES, validators=[Required(messages.CHOOSE_RATING)])


class AreaForm(VersionedForm):
    understanding = TextAreaField(_l("1. Understanding: why is it like this?"), validators=[MaxLength(2000)])
    looking_forward = TextAreaField(_l("2. Looking forward: what would be better?"), validators=[MaxLength(2000)])
    exploring_options = TextAreaField(_l("3. Exploring options: what could help?"), validators=[MaxLength(2000)])


def action_who(name: str | None) -> list[SelectChoice]:
    """Who does an action, said to the person ("I will") or about them ("Sam will")."""
    if name is None:
        return [SelectChoice("me", str(_l("I will"))), SelectChoice("team", str(_l("My team will")))]
    return [SelectChoice("me", str(_l("%(name)s will", name=name))), SelectChoice("team", str(_l("The team will")))]


class ActionForm(OnceForm):
    who = RadioField(_l("Who will do it?"),
                     choices=[SelectChoice("me", _l("I will")), SelectChoice("team", _l("My team will"))],
                     validators=[Required(messages.CHOOSE_ACTION_WHO)])
    text = TextAreaField(_l("4. Agreeing actions: what will be done?"),
                         validators=[Required(messages.ENTER_ACTION), MaxLength(2000)])
    item_code = HiddenField()

    def about(self, name: str) -> None:
        self.who.choices = action_who(name)


class ReviewActionForm(FlaskForm):
    note = TextAreaField(_l("How did it go?"), validators=[MaxLength(2000)])


class EndSessionForm(FlaskForm):
    summary = TextAreaField(
        _l("Session summary"),
        description=_l("Check this with the person. It goes to their record."),
        validators=[Required(messages.ENTER_SUMMARY), MaxLength(10000)],
    )
