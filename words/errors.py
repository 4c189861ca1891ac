"""The store's refusals in words: each error code (``store.errors``) as a sentence.

``sentence`` words an error for any face; an error without a code (or with one this module
does not know yet) is shown by its own English sentence. A face may word a code its own way
(the command line names the option to give: ``commands/refusals.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.errors import StoreError

from . import _


def _choices(valid: list[str]) -> str:
    return ", ".join(valid) if valid else _("none in the catalogue; ask the planner")


def _concept(params: Mapping[str, Any], why: str) -> str:
    return _("Concept {concept} {why}; choose one of: {choices}.").format(
        concept=params["concept"], why=why, choices=_choices(params["valid"])
    )


def _below(p: Mapping[str, Any]) -> str:
    why = _("provides {level} but {subject} requires {required} (rule R1)").format(**p)
    return _concept(p, why)


def _package(p: Mapping[str, Any]) -> str:
    return _concept(p, _("not in {subject}'s package {package} (rule R3)").format(**p))


def _kind(p: Mapping[str, Any]) -> str:
    why = _("serves {serves}, not {subject}, a protected {kind} (rule R3)").format(
        serves=_(" and ").join(p["serves"]), subject=p["subject"], kind=p["kind"]
    )
    return _concept(p, why)


def _pilot(p: Mapping[str, Any]) -> str:
    scope = ", ".join(p["scope"]) or _("nowhere yet")
    why = _("a pilot concept usable only in {scope}; {subject} is in {unit} (rule R4)").format(
        scope=scope, subject=p["subject"], unit=p["unit"]
    )
    return _concept(p, why)


def _template(text: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda params: text.format(**params)


#: Error code → its sentence, for any face.
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "concept_below_required": _below,
    "concept_not_in_package": _package,
    "concept_wrong_kind": _kind,
    "concept_outside_pilot": _pilot,
    "no_threat_assessment": _template(
        _(
            "{subject} has no threat assessment yet, so no required level or package; "
            "record one first."
        )
    ),
    "nothing_to_change": _template(_("Nothing to change; give at least one of: {fields}.")),
    "move_needs_restriction": _template(
        _(
            "Changing the time or place of '{title}' is a restriction (rule R5): record it as "
            "a restriction (reason and deciding authority), or, when the agenda was simply "
            "wrong, say why as a correction."
        )
    ),
    "move_needs_start": _template(_("A move needs the new start.")),
    "relocation_needs_place": _template(_("A relocation needs the new place.")),
    "restriction_needs_authority": _template(
        _("A restriction names the deciding authority (rule R5).")
    ),
    "clearance_needs_reason": _template(_("Say why the entry is cleared.")),
    "assessment_request_needs_person": _template(
        _("A request for a new threat assessment names the person.")
    ),
    "supersede_needs_reason": _template(
        _("Superseding a signed handover needs the reason why the new one replaces it.")
    ),
    "lend_needs_unit": _template(_("Lending names the unit that receives the officers.")),
    "persons_need_level": _template(_("Adding protected persons needs their threat level.")),
    "secret_change_needs_old": _template(
        _(
            "Changing {callsign}'s secret needs the old one; someone with staff rights can "
            "reset a forgotten one."
        )
    ),
    "demo_needs_empty_database": _template(
        _(
            "The demo fills an empty database, and this one already has {subjects} protected "
            "subjects; use a new database."
        )
    ),
    "report_issued": _template(
        _("Report {report} is issued and cannot change; draft one that supersedes it.")
    ),
}


def sentence(error: StoreError) -> str:
    """The error in words, in the reader's language where a catalogue has it."""
    words = SENTENCES.get(error.code or "")
    return str(error) if words is None else words(error.params)
