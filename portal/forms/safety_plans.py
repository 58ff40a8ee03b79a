"""Forms for the safety plan: one step at a time (service user), or all seven (key worker)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from portal.forms import messages
from portal.forms.fields import HiddenField, TextAreaField
from portal.forms.validators import MaxLength
from portal.models import SAFETY_PLAN_STEPS
from portal.presenters.safety_plans import BY_CODE
from portal.services.safety_plans import STEP_MAX_LENGTH


class VersionedForm(FlaskForm):
    """Carries the version of the plan the person started from (0: there was no plan)."""

    version = HiddenField()

    def based_on(self) -> int:
        try:
            return max(int(self.version.data or 0), 0)
        except (TypeError, ValueError):
            return 0


class SafetyPlanStepForm(VersionedForm):
    text = TextAreaField(validators=[MaxLength(STEP_MAX_LENGTH)])


class SafetyPlanForm(VersionedForm):
    """All seven steps on one page, for the key worker writing it with the person in a session."""

    def steps(self) -> dict[str, str]:
        return {code: self[code].data or "" for code in SAFETY_PLAN_STEPS}

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.based_on() == 0 and not any(text.strip() for text in self.steps().values()):
            self.form_errors.append(str(messages.ENTER_ANY_SAFETY_PLAN_STEP))
            return False
        return ok


for _code in SAFETY_PLAN_STEPS:
    setattr(SafetyPlanForm, _code, TextAreaField(
        BY_CODE[_code].title, description=BY_CODE[_code].hint, validators=[MaxLength(STEP_MAX_LENGTH)],
    ))


class ConfirmForm(FlaskForm):
    """A button and its CSRF token, nothing else."""
