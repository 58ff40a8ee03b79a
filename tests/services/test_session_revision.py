"""The open session's revision tells both screens something changed: two changes made at once, in
two requests, must both move it on, or a screen keeps showing what it had."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import CareSession
from portal.services import care_sessions, measures
from tests import factories


def _revision(session_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(CareSession.revision).where(CareSession.id == session_id))


def test_an_answer_and_a_note_saved_at_once_both_move_the_revision_on(app) -> None:
    key_worker = factories.create_staff()
    person = factories.create_service_user(key_worker=key_worker)
    session_id = care_sessions.start(key_worker.user, person).id
    before = _revision(session_id)

    # The key worker's request has read the session (and its revision) and is writing a note...
    with Session(db.engine, expire_on_commit=False) as other_request:
        their_view = other_request.get_one(CareSession, session_id)
        assert their_view.revision == before
        # ...when the person's phone saves a DIALOG answer, in its own request.
        response = measures.start_or_resume(person.user, person, "dialog")
        measures.save_answer(person.user, response, measures.questions(measures.instrument_for("dialog"))[0], 5)
        assert _revision(session_id) == before + 1
        care_sessions.save_notes(key_worker.user, their_view, "Talked about sleep", based_on_version=their_view.notes_version)
        other_request.commit()

    assert _revision(session_id) == before + 2


def test_each_change_in_one_request_moves_it_on_once(app) -> None:
    key_worker = factories.create_staff()
    person = factories.create_service_user(key_worker=key_worker)
    session = care_sessions.start(key_worker.user, person)
    before = _revision(session.id)
    care_sessions.save_notes(key_worker.user, session, "First", based_on_version=session.notes_version)
    care_sessions.save_notes(key_worker.user, session, "Second", based_on_version=session.notes_version)
    assert _revision(session.id) == before + 2
