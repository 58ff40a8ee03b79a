"""Words for the caseload analysis: why someone needs a new key worker, what is overdue, and the
CSV's headings. Built once per page, so templates only loop and print."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.presenters.caseload import instrument_titles
from portal.services import caseload_analysis as analysis


def problem_labels() -> dict[str, str]:
    return {
        analysis.NO_KEY_WORKER: _("No key worker"),
        analysis.LEFT: _("Key worker has left"),
        analysis.NOT_REGISTERED: _("Key worker has no professional registration"),
        analysis.AWAY: _("Key worker is away"),
    }


def overdue_label(code: str, instrument_id: str, titles: dict[str, str]) -> str:
    if code == "measure_overdue":
        return _("%(measure)s overdue", measure=titles.get(instrument_id, instrument_id))
    if code == "gbo_overdue":
        return _("Goal review overdue")
    if code == "care_plan_overdue":
        return _("Care plan review overdue")
    if code == "safety_flag_overdue":
        return _("Urgent flag still open after the next working day")
    return code.replace("_", " ")


def overdue_labels(found: analysis.Analysis) -> dict[tuple[str, str], str]:
    titles = instrument_titles()
    keys = set(found.overdue) | {(i.code, i.instrument_id) for p in found.people for i in p.overdue}
    return {key: overdue_label(*key, titles) for key in keys}


def show_labels() -> dict[str, str]:
    return {"all": _("Everyone"), "key_worker_left": _("No key worker, or their key worker has left, is away or "
                                                       "has no registration"),
            "overdue": _("Something overdue")}


def csv_labels() -> dict[str, str]:
    return {
        "key_worker": _("Key worker"), "profession": _("Profession"), "registered": _("Professional registration"),
        "status": _("Key worker status"), "pathway": _("Care pathway"), "people": _("People"),
        "overdue_people": _("People with something overdue"), "yes": _("Yes"), "no": _("No"),
        "here": _("Working"), analysis.LEFT: _("Left"), analysis.AWAY: _("Away"),
        analysis.NOT_REGISTERED: _("Working"), "no_key_worker": _("No key worker"), "no_pathway": _("No pathway"),
    }
