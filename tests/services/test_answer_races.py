"""Two saves of the same answer at once (the autosave of a choice and Continue pressed before it
answers) must both land, never an error: the one that loses the race saves over the winner's row."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm.attributes import set_committed_value

from portal.extensions import db
from portal.instruments import safety
from portal.models import MeasureAnswer, SafetyFlag
from portal.models.base import utcnow
from portal.services import measures
from tests import factories


def test_a_save_that_loses_the_race_to_insert_the_answer_saves_over_it(app) -> None:
    person = factories.create_service_user(key_worker=factories.create_staff())
    response = measures.start_or_resume(person.user, person, "reqol10")
    item = next(i for i in measures.questions(measures.instrument_for("reqol10"))
                if i.code == safety.REQOL_ITEM_CODE)
    # The other request inserted the answer and committed after this one had read "no answer yet".
    db.session.execute(insert(MeasureAnswer).values(response_id=response.id, item_code=item.code,
                                                    item_number=item.number, value=2, answered_at=utcnow()))
    db.session.commit()
    set_committed_value(response, "answers", [])

    measures.save_answer(person.user, response, item, 3)

    db.session.expire_all()
    assert db.session.scalars(select(MeasureAnswer.value).where(MeasureAnswer.response_id == response.id)).all() == [3]
    assert db.session.scalar(select(func.count()).select_from(SafetyFlag)) == 1
