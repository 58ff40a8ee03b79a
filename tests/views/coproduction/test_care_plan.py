"""The brief care plan: written by both, agreed as numbered versions, compared and printed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import CarePlanEntry, CarePlanVersion, OutboxMessage, Section
from portal.services import care_plans, goals
from tests import factories
from tests.conftest import PageRequest
from tests.pages import error_messages


def _add(client: PageRequest, prefix: str, section: str, text: str, **values) -> None:  # type: ignore[no-untyped-def]
    data = {"text": text}
    if section == "other_support":
        data["support_kind"] = "section_117"
    client.post(f"{prefix}.add_care_plan_entry", _data=data, _expected_status=303, section=section, **values)


def test_each_part_shows_whose_words_it_is_and_goals_are_live(app, service_user, key_worker, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goals.draft_goal(service_user.user, service_user, text="Sleep better", first_rating=3)
    _add(as_service_user, "me", "what_matters", "My cat and my garden")
    _add(as_key_worker, "staff", "team_will_do", "Phone every Friday", service_user_id=service_user.id)
    _add(as_key_worker, "staff", "other_support", "Aftercare from the council", service_user_id=service_user.id)

    page = as_service_user.get("me.care_plan")
    entries = {li.get_text(" ", strip=True).split(" · ")[0] for li in page.select("li.portal-entry")}
    assert "My cat and my garden Your words" in entries
    assert "Phone every Friday Key worker's words" in entries
    assert "Section 117 aftercare: Aftercare from the council Key worker's words" in entries
    assert [card.h3.get_text(strip=True) for card in page.select(".nhsuk-card")] == ["Sleep better"]
    staff_page = as_key_worker.get("staff.care_plan", service_user_id=service_user.id)
    assert "Service user's words" in staff_page.get_text()


def test_agreeing_freezes_a_numbered_version_and_later_edits_start_a_new_draft(app, service_user, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    _add(as_service_user, "me", "i_will_do", "Walk every morning")
    review = date.today() + timedelta(days=180)
    as_key_worker.post("staff.agree_care_plan", _data={"next_review_on-day": review.day, "next_review_on-month": review.month,
                                                        "next_review_on-year": review.year},
                       _expected_status=303, service_user_id=service_user.id)
    entry = db.session.scalar(select(CarePlanEntry))
    as_service_user.post("me.edit_care_plan_entry", _data={"text": "Walk every evening", "version": str(entry.version)},
                         _expected_status=303, entry_id=entry.id)
    as_service_user.post("me.agree_care_plan", _expected_status=303, _data={
        "next_review_on-day": review.day, "next_review_on-month": review.month, "next_review_on-year": review.year})

    first, second = db.session.scalars(select(CarePlanVersion).order_by(CarePlanVersion.number))
    assert (first.number, first.agreed_by_role.value, second.number, second.agreed_by_role.value) == (
        1, "key_worker", 2, "service_user")
    assert first.content["sections"]["i_will_do"][0]["text"] == "Walk every morning"
    assert second.content["sections"]["i_will_do"][0]["text"] == "Walk every evening"
    assert first.next_review_on == review
    kinds = [m.kind for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds.count("care_plan.agreed") == 2

    page = as_service_user.get("me.care_plan_versions", older=1, newer=2)
    added = [li.get_text(" ", strip=True) for li in page.select(".portal-diff--added")]
    removed = [li.get_text(" ", strip=True) for li in page.select(".portal-diff--removed")]
    assert added == ["Added Walk every evening"]
    assert removed == ["Removed Walk every morning"]


def test_nothing_new_to_agree_is_said_plainly(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.get("me.agree_care_plan")
    assert "There is nothing new to agree" in page.get_text()


def test_review_more_than_a_year_away_is_refused_and_keeps_the_date(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    _add(as_service_user, "me", "what_matters", "Family")
    later = date.today() + timedelta(days=400)
    page = as_service_user.post("me.agree_care_plan", _data={
        "next_review_on-day": later.day, "next_review_on-month": later.month, "next_review_on-year": later.year})
    assert error_messages(page) == ["The next review must be within a year from today"]
    assert page.select_one("#next_review_on-year")["value"] == str(later.year)
    assert care_plans.versions(service_user) == []


def test_two_edits_from_the_same_version_never_overwrite_silently(app, service_user, as_team_lead: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    _add(as_key_worker, "staff", "team_will_do", "Music", service_user_id=service_user.id)
    entry = db.session.scalar(select(CarePlanEntry))
    version = str(entry.version)
    as_team_lead.post("staff.edit_care_plan_entry", _data={"text": "Music and football", "version": version},
                      _expected_status=303, service_user_id=service_user.id, entry_id=entry.id)
    page = as_key_worker.post("staff.edit_care_plan_entry", _data={"text": "Music and art", "version": version},
                              service_user_id=service_user.id, entry_id=entry.id)
    assert "Music and football" in page.select_one("#conflict").get_text()
    assert page.select_one("textarea[name=text]").get_text().strip() == "Music and art"
    db.session.refresh(entry)
    assert entry.text == "Music and football"


def test_the_print_view_of_a_version_has_the_whole_plan(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    _add(as_service_user, "me", "adjustments", "Text me before visits")
    care_plans.agree(service_user.user, service_user)
    page = as_service_user.get("me.care_plan_version", number=1)
    assert "Text me before visits" in page.select_one(".portal-print-page").get_text()
    as_service_user.get("me.care_plan_version", _expected_status=404, number=2)


def test_someone_elses_care_plan_entry_is_not_found(app, service_user, key_worker, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    other = factories.create_service_user(key_worker=key_worker)
    entry = care_plans.add_entry(key_worker.user, other, Section.WHAT_MATTERS, "Private")
    as_service_user.get("me.edit_care_plan_entry", _expected_status=404, entry_id=entry.id)
    as_service_user.get("me.add_care_plan_entry", _expected_status=404, section="not_a_section")


def test_other_support_says_what_kind_it_is(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    page = as_service_user.post("me.add_care_plan_entry", _data={"text": "Help with my flat"}, section="other_support")
    assert error_messages(page) == ["Choose the kind of support"]
    assert "Help with my flat" in page.select_one("textarea[name=text]").get_text()


def test_comparing_needs_two_different_versions(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "Family")
    care_plans.agree(service_user.user, service_user)
    # With one version there is nothing to compare: no error about a form that is not there.
    assert error_messages(as_service_user.get("me.care_plan_versions", older=1, newer=1)) == []
    care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "Music")
    care_plans.agree(service_user.user, service_user)
    page = as_service_user.get("me.care_plan_versions", older=2, newer=2)
    assert error_messages(page) == ["Choose two different versions to compare"]


def test_only_the_side_whose_words_they_are_may_change_or_remove_them(app, service_user, key_worker, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    theirs = care_plans.add_entry(key_worker.user, service_user, Section.TEAM_WILL_DO,
                                  "Priya will see Sam every two weeks")
    own = care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My cat")

    page = as_service_user.get("me.care_plan")
    assert page.select_one(f"#entry-{theirs.id} a") is None
    assert "Only the team can change this" in page.select_one(f"#entry-{theirs.id}").get_text()
    assert page.select_one(f"#entry-{own.id} a").get_text(strip=True).startswith("Change")
    as_service_user.get("me.edit_care_plan_entry", _expected_status=403, entry_id=theirs.id)
    as_service_user.post("me.edit_care_plan_entry", _data={"text": "Never", "version": str(theirs.version)},
                         _expected_status=403, entry_id=theirs.id)
    as_service_user.post("me.remove_care_plan_entry", _data={"version": str(theirs.version)},
                         _expected_status=403, entry_id=theirs.id)
    db.session.refresh(theirs)
    assert (theirs.text, theirs.removed_at) == ("Priya will see Sam every two weeks", None)

    # And the other way round: the team does not rewrite the person's own words.
    staff_page = as_key_worker.get("staff.care_plan", service_user_id=service_user.id)
    assert staff_page.select_one(f"#entry-{own.id} a") is None
    assert staff_page.select_one(f"#entry-{theirs.id} a") is not None
    as_key_worker.post("staff.edit_care_plan_entry", _data={"text": "A dog", "version": str(own.version)},
                       _expected_status=403, service_user_id=service_user.id, entry_id=own.id)


def test_removing_a_part_asks_first(app, service_user, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    entry = care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My garden")
    edit = as_service_user.get("me.edit_care_plan_entry", entry_id=entry.id)
    assert not [b for b in edit.select("button") if "Remove" in b.get_text()]
    link = next(a for a in edit.select("a") if a.get_text(strip=True) == "Remove this part")
    assert link["href"] == as_service_user.url("me.remove_care_plan_entry", entry_id=entry.id)

    confirm = as_service_user.get("me.remove_care_plan_entry", entry_id=entry.id)
    assert confirm.h1.get_text(strip=True).endswith("Are you sure you want to remove this part?")
    assert "My garden" in confirm.get_text()
    db.session.refresh(entry)
    assert entry.removed_at is None

    as_service_user.post("me.remove_care_plan_entry", _data={"version": str(entry.version)}, _expected_status=303,
                         entry_id=entry.id)
    db.session.refresh(entry)
    assert entry.removed_at is not None


def test_a_draft_goal_is_marked_as_a_draft_in_the_agreed_version(app, service_user, key_worker, as_service_user: PageRequest, as_key_worker: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goals.draft_goal(service_user.user, service_user, text="Sleep better", first_rating=3)
    care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My cat")

    agree_page = as_service_user.get("me.agree_care_plan")
    assert "1 of your goals is still a draft" in agree_page.get_text(" ", strip=True)
    care_plans.agree(service_user.user, service_user)

    for page in (as_service_user.get("me.care_plan_version", number=1),
                 as_key_worker.get("staff.care_plan_version", service_user_id=service_user.id, number=1)):
        goal_line = next(li for li in page.select(".portal-print-page li") if "Sleep better" in li.get_text())
        assert "Draft: not agreed yet" in goal_line.get_text(" ", strip=True)


def test_comparing_shows_a_re_rated_goal_as_its_rating_change(app, service_user, key_worker, as_service_user: PageRequest) -> None:  # type: ignore[no-untyped-def]
    goal = goals.draft_goal(service_user.user, service_user, text="Sleep better", first_rating=5)
    care_plans.add_entry(service_user.user, service_user, Section.WHAT_MATTERS, "My cat")
    care_plans.agree(service_user.user, service_user)
    goals.rate_goal(service_user.user, service_user, goal, 8)
    care_plans.agree(service_user.user, service_user, next_review_on=date.today() + timedelta(days=100))

    page = as_service_user.get("me.care_plan_versions", older=1, newer=2)
    lines = [li.get_text(" ", strip=True) for li in page.select("li.portal-diff") if "Sleep better" in li.get_text()]
    assert lines == ["Changed Draft: not agreed yet Sleep better Rating went from 5 to 8 out of 10"]
