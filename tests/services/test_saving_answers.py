"""Saving over an answer already saved: each part given (the choice, "more help") replaces what was
there, a part not given keeps it, both times move on, and the safety check reads the new answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.instruments import safety
from portal.models import MeasureAnswer, MeasureResponse, SafetyFlag
from portal.services import measures
from tests import factories


def _stored(response_id: int) -> tuple[int, bool | None]:
    db.session.expire_all()
    answer = db.session.scalars(select(MeasureAnswer).where(MeasureAnswer.response_id == response_id)).one()
    return answer.value, answer.more_help


def test_a_part_not_given_keeps_what_was_saved(app) -> None:
    person = factories.create_service_user(key_worker=factories.create_staff())
    response = measures.start_or_resume(person.user, person, "dialog")
    first = measures.questions(measures.instrument_for("dialog"))[0]

    measures.save_answer(person.user, response, first, 3)
    assert _stored(response.id) == (3, None)
    measures.save_answer(person.user, response, first, None, more_help=True)  # "more help" chosen alone
    assert _stored(response.id) == (3, True)
    measures.save_answer(person.user, response, first, 6)  # a new choice, "more help" not sent
    assert _stored(response.id) == (6, True)
    measures.save_answer(person.user, response, first, 2, more_help=False)
    assert _stored(response.id) == (2, False)


def test_saving_over_an_answer_moves_its_time_and_the_responses_on(app) -> None:
    person = factories.create_service_user(key_worker=factories.create_staff())
    response = measures.start_or_resume(person.user, person, "dialog")
    first = measures.questions(measures.instrument_for("dialog"))[0]
    measures.save_answer(person.user, response, first, 3, more_help=False)
    db.session.expire_all()
    response = db.session.get_one(MeasureResponse, response.id)
    answered_before, updated_before = response.answers[0].answered_at, response.updated_at

    measures.save_answer(person.user, response, first, None, more_help=True)

    db.session.expire_all()
    again = db.session.get_one(MeasureResponse, response.id)
    assert again.answers[0].answered_at == again.updated_at  # both written with the same time
    assert updated_before <= again.updated_at < updated_before + timedelta(minutes=1)
    assert again.answers[0].answered_at >= answered_before


def test_changing_an_answer_to_a_worrying_one_is_checked_as_changed(app) -> None:
    """The safety check reads the loaded answer straight after the UPDATE: it must see the new value."""
    person = factories.create_service_user(key_worker=factories.create_staff())
    response = measures.start_or_resume(person.user, person, "reqol10")
    item = next(i for i in measures.questions(measures.instrument_for("reqol10")) if i.code == safety.REQOL_ITEM_CODE)
    calm = measures.save_answer(person.user, response, item, 0)
    assert calm.tier is None

    worrying = measures.save_answer(person.user, response, item, 3)

    assert worrying.tier is not None
    assert db.session.scalar(select(func.count()).select_from(SafetyFlag)) == 1
