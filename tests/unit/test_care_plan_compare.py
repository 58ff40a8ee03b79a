"""Comparing two agreed versions of a care plan (a plain function)."""

from portal.services.care_plans import Line, compare


def _content(sections: dict[str, list[str]], goals: list[tuple[str, int | None]] = ()) -> dict:  # type: ignore[assignment,type-arg]
    return {
        "sections": {name: [{"text": t, "author_role": "service_user"} for t in texts] for name, texts in sections.items()},
        "goals": [{"id": i, "text": text, "owner": "service_user", "last_rating": rating}
                  for i, (text, rating) in enumerate(goals)],
    }


def test_added_removed_and_kept_lines_per_section() -> None:
    older = _content({"i_will_do": ["Walk", "Cook"]})
    newer = _content({"i_will_do": ["Walk", "Swim"]})
    result = compare(older, newer)
    assert result["i_will_do"] == [Line("same", "Walk", "service_user"), Line("added", "Swim", "service_user"),
                                   Line("removed", "Cook", "service_user")]
    assert result["what_matters"] == []


def test_a_re_rated_goal_is_one_changed_line_with_both_ratings_not_removed_and_added() -> None:
    result = compare(_content({}, [("Sleep", 5), ("Walk", 2)]), _content({}, [("Sleep", 8), ("Walk", 2)]))
    assert result["goals"] == [Line("changed", "Sleep", "service_user", rating=8, rating_before=5),
                               Line("same", "Walk", "service_user", rating=2)]


def test_a_reworded_or_newly_agreed_goal_is_a_change_and_a_new_goal_is_added() -> None:
    older = _content({}, [("Sleep", 5)])
    newer = _content({}, [("Sleep through the night", 5), ("Cook", 1)])
    older["goals"][0]["status"] = "draft"
    newer["goals"][0]["status"] = "active"
    result = compare(older, newer)
    assert result["goals"] == [
        Line("changed", "Sleep through the night", "service_user", rating=5, text_before="Sleep", agreed_since=True),
        Line("added", "Cook", "service_user", rating=1),
    ]
    assert compare(newer, older)["goals"][1] == Line("removed", "Cook", "service_user", rating=1)
