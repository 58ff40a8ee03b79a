"""Forms for answering outcome measures, one question per screen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.forms import messages
from portal.forms.fields import RadioField
from portal.forms.validators import Required
from portal.instruments.definition import Item

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class AnswerForm(FlaskForm):
    answer = RadioField(validators=[Required(messages.CHOOSE_ANSWER)])
    more_help = RadioField(_l("Do you want more help in this area?"),
                           validators=[Required(messages.CHOOSE_MORE_HELP)])

    @classmethod
    def for_item(cls, item: Item, follow_up: str | None, **kwargs: object) -> AnswerForm:
        form = cls(**kwargs)
        form.answer.label.text = item.text
        form.answer.choices = [SelectChoice(str(option.value), option.label) for option in item.options]
        if follow_up:
            form.more_help.label.text = follow_up
            form.more_help.choices = YES_NO
        else:
            del form.more_help
        # The question, its options and the follow-up are the instrument's, not the person's: the
        # rendered radios are kept per state (portal/render_cache.py).
        form.answer.render_cache = True
        if follow_up:
            form.more_help.render_cache = True
        return form

    def chosen_value(self) -> int | None:
        return int(self.answer.data) if self.answer.data not in (None, "") else None

    def chosen_more_help(self) -> bool | None:
        if self.more_help is None or self.more_help.data in (None, ""):
            return None
        return self.more_help.data == "yes"
