"""Turn goals, care plans and sessions into what the templates show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import charts
from portal.dates import format_when
from portal.models import Goal, GoalStatus
from portal.services import goals


def status_label(status: GoalStatus) -> tuple[str, str]:
    """Text and NHS.UK tag colour."""
    return {
        GoalStatus.DRAFT: (_("Draft: not agreed yet"), "nhsuk-tag--grey"),
        GoalStatus.ACTIVE: (_("Working on it"), "nhsuk-tag--blue"),
        GoalStatus.ACHIEVED: (_("Achieved"), "nhsuk-tag--green"),
        GoalStatus.STOPPED: (_("Stopped"), "nhsuk-tag--white"),
    }[status]


def helper_labels(codes: list[str], name: str | None = None) -> list[str]:
    """Who will help, said by the person ("Me", "My team") or, with their name, about them."""
    if name is None:
        labels = {"me": _("Me"), "team": _("My team"), "carer": _("My carer or family"),
                  "other": _("Another organisation")}
    else:
        labels = {"me": name, "team": _("The team"), "carer": _("%(name)s's carer or family", name=name),
                  "other": _("Another organisation")}
    return [labels[c] for c in codes if c in labels]


def progress_sentence(progress: goals.Progress | None, name: str | None = None) -> str:
    """Progress said to the person, or (with their name, for staff) about them."""
    if progress is None:
        return _("Not rated yet.")
    if len(progress.ratings) == 1:
        return _("Started at %(rating)s out of 10.", rating=progress.first)
    if name is not None:
        if progress.direction == "up":
            return ngettext("Up %(num)d point since %(name)s started.", "Up %(num)d points since %(name)s started.",
                            progress.points, name=name)
        if progress.direction == "down":
            return ngettext("Down %(num)d point since %(name)s started.",
                            "Down %(num)d points since %(name)s started.", progress.points, name=name)
        return _("No change since %(name)s started.", name=name)
    if progress.direction == "up":
        return ngettext("Up %(num)d point since you started.", "Up %(num)d points since you started.",
                        progress.points)
    if progress.direction == "down":
        return ngettext("Down %(num)d point since you started.", "Down %(num)d points since you started.",
                        progress.points)
    return _("No change since you started.")


def reliable_label(progress: goals.Progress | None, name: str | None = None) -> str:
    if progress is None or len(progress.ratings) < 2:
        return ""
    return {
        "improvement": _("This is a real improvement."),
        "deterioration": (_("This is a real drop. Talk it through with %(name)s.", name=name) if name is not None
                          else _("This is a real drop. Talk it through with your key worker.")),
        "no reliable change": _("Not a big enough change yet to be sure."),
    }[progress.reliable]


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    status_text: str
    status_class: str
    last_rating: int | None
    progress: str
    reliable: str
    review_due: bool
    helpers: list[str]
    rated_by: str
    # Ratings after the first that the person made on their own: kept, but not a review.
    not_reviews: frozenset[int] = frozenset()


def goal_card(goal: Goal, today: date, about: str | None = None) -> GoalCard:
    """A goal as its card shows it: to the person, or (``about`` their first name) to staff."""
    progress = goals.progress(goal)
    text, css = status_label(goal.status)
    last = goal.ratings[-1] if goal.ratings else None
    return GoalCard(
        goal=goal, status_text=text, status_class=css, last_rating=last.rating if last else None,
        progress=progress_sentence(progress, about), reliable=reliable_label(progress, about),
        review_due=goals.review_is_due(goal, today), helpers=helper_labels(goal.who_will_help, about),
        rated_by=last.rated_by_role.value if last else "",
        not_reviews=frozenset(r.id for r in goal.ratings[1:] if not goals.counts_as_review(r)),
    )


def goal_chart(goal: Goal) -> charts.LineChart | None:
    if len(goal.ratings) < 2:
        return None
    points = [(format_when(r.rated_at, "short_day"), r.rating) for r in goal.ratings]
    progress = goals.progress(goal)
    marks: dict[int, Any] = {len(points) - 1: progress.reliable} if progress else {}
    return charts.line_chart(points, minimum=0, maximum=10, marks=marks)
