"""Gender and ethnic group in words (both come from the clinical record: portal/outcome_rules.py
has the groups). Used by the dashboard's equality breakdown and the person's copy of their information."""

from __future__ import annotations

from flask_babel import gettext as _

from portal import outcome_rules


def gender_labels() -> dict[str, str]:
    return {"female": _("Female"), "male": _("Male"), "other": _("Other"), "unknown": _("Not known")}


def ethnic_group_labels() -> dict[str, str]:
    """NHS Data Dictionary broad groups (outcome_rules.ETHNIC_GROUPS)."""
    return {"white": _("White"), "mixed": _("Mixed or multiple ethnic groups"),
            "asian": _("Asian or Asian British"), "black": _("Black or Black British"),
            "other": _("Other ethnic group"), "not_stated": _("Not stated"), "unknown": _("Not known")}


def gender_words(gender: str | None) -> str:
    return gender_labels()[outcome_rules.gender_group(gender or "")]


def ethnic_group_words(code: str | None) -> str:
    return ethnic_group_labels()[outcome_rules.ethnic_group(code or "")]
