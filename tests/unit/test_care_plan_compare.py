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


def test_a_goal_rating_change_shows_as_a_change() -> None:
    result = compare(_content({}, [("Sleep", 3)]), _content({}, [("Sleep", 6)]))
    assert [line.change for line in result["goals"]] == ["added", "removed"]
    assert result["goals"][0].text == "Sleep (6/10)"
