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
from .deployments import phrase, refused


def _choices(valid: list[str]) -> str:
    return ", ".join(valid) if valid else _("none in the catalogue; ask the planner")


def _below(p: Mapping[str, Any]) -> str:
    return _("provides {level} but {subject} requires {required} (rule R1)").format(**p)


def _package(p: Mapping[str, Any]) -> str:
    return _("not in {subject}'s package {package} (rule R3)").format(**p)


def _kind(p: Mapping[str, Any]) -> str:
    return _("serves {serves}, not {subject}, a protected {kind} (rule R3)").format(
        serves=_(" and ").join(p["serves"]), subject=p["subject"], kind=p["kind"]
    )


def _pilot(p: Mapping[str, Any]) -> str:
    scope = ", ".join(p["scope"]) or _("nowhere yet")
    return _("a pilot concept usable only in {scope}; {subject} is in {unit} (rule R4)").format(
        scope=scope, subject=p["subject"], unit=p["unit"]
    )


#: Why a concept may not go on a subject's activities (``store.agenda.ConceptOption.why``).
CONCEPT_WHY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "concept_below_required": _below,
    "concept_not_in_package": _package,
    "concept_wrong_kind": _kind,
    "concept_outside_pilot": _pilot,
    "no_package": lambda p: _(
        "{subject} has no threat assessment yet, so no package (rule R2)"
    ).format(**p),
}


def concept_why(why: str, params: Mapping[str, Any]) -> str:
    """Why a concept may not be chosen, in words: ``provides W2 but BEVER requires W3 (rule
    R1)``."""
    return CONCEPT_WHY[why](params)


def _concept(code: str) -> Callable[[Mapping[str, Any]], str]:
    def words(p: Mapping[str, Any]) -> str:
        return _("Concept {concept} {why}; choose one of: {choices}.").format(
            concept=p["concept"], why=concept_why(code, p), choices=_choices(p["valid"])
        )

    return words


def _reason(p: Mapping[str, Any]) -> str:
    from .facts import reason  # facts words concepts with this module's phrases

    return reason(str(p.get("reason") or ""), p.get("fact"))


def rows(count: int) -> str:
    """ "1 row", "2 rows": a count of rows in words."""
    return _("1 row") if count == 1 else _("{count} rows").format(count=count)


def _template(text: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda params: text.format(**params)


#: Error code → its sentence, for any face.
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "concept_below_required": _concept("concept_below_required"),
    "concept_not_in_package": _concept("concept_not_in_package"),
    "concept_wrong_kind": _concept("concept_wrong_kind"),
    "concept_outside_pilot": _concept("concept_outside_pilot"),
    "no_threat_assessment": _template(
        _(
            "{subject} has no threat assessment yet, so no required level or package; "
            "record one first."
        )
    ),
    "nothing_to_change": _template(_("Nothing to change; give at least one of: {fields}.")),
    "nothing_changed": _template(_("Nothing changed: '{title}' already has these values.")),
    "move_needs_restriction": _template(
        _(
            "Changing the time or place of '{title}' is a restriction (rule R5): record it as "
            "a restriction (reason and deciding authority), or, when the agenda was simply "
            "wrong, say why as a correction."
        )
    ),
    "move_needs_start": _template(_("A move needs the new start.")),
    "relocation_needs_place": _template(_("A relocation needs the new place.")),
    "move_changes_nothing": _template(
        _("A move gives the activity another time; these are its present times.")
    ),
    "relocation_changes_nothing": _template(
        _("A relocation gives the activity another place; this is its present place.")
    ),
    "restriction_needs_authority": _template(
        _("A restriction names the deciding authority (rule R5).")
    ),
    "restriction_into_past": _template(
        _(
            "A restriction decides what happens next: it cannot move '{title}' to {moment}, "
            "which has already passed (rule R5)."
        )
    ),
    "restriction_of_done": _template(
        _(
            "'{title}' is done: it has taken place, and a restriction decides what happens "
            "next (rule R5)."
        )
    ),
    "already_cancelled": _template(_("Activity {activity} is already cancelled.")),
    "not_deployed": lambda p: refused(p["problems"]),
    "concept_misfits_deployed": lambda p: _(
        "{concept} does not fit the officers deployed on the activity: {problems}."
    ).format(concept=p["concept"], problems="; ".join(phrase(q) for q in p["problems"])),
    "restriction_after_end": _template(
        _(
            "'{title}' ended at {moment}: a restriction decides what happens next, and an "
            "activity that is over has no next (rule R5)."
        )
    ),
    "correction_into_past": _template(
        _(
            "A correction cannot move '{title}' to {moment}, which has already passed, from a "
            "time that had not (rule R5); only a time already past may be corrected to another "
            "past time."
        )
    ),
    "move_keeps_start": _template(
        _(
            "A move gives the activity another start; to end it earlier, shorten it "
            "(a restriction never makes an activity longer)."
        )
    ),
    "empty_token": _template(
        _("The option's token is empty: give the token listed with the option, or none.")
    ),
    "activity_over": _template(_("'{title}' ended at {moment}; there is nothing to apply to it.")),
    "option_would_not_work": lambda p: _("That option would not work: {why}.").format(
        why=_reason(p)
    ),
    "clearance_needs_reason": _template(_("Say why the entry is cleared.")),
    "assessment_request_needs_person": _template(
        _("A request for a new threat assessment names the person.")
    ),
    "supersede_needs_reason": _template(
        _("Superseding a signed handover needs the reason why the new one replaces it.")
    ),
    "handover_withdrawn": _template(
        _(
            "Handover {handover} was withdrawn by {by} at {at} and is no longer in force; it "
            "cannot be accepted."
        )
    ),
    "handover_superseded": _template(
        _(
            "Handover {handover} was superseded by handover {newer}, signed by {by} at {at}, "
            "and is no longer in force; accept the newer one instead."
        )
    ),
    "signal_activity_of_another": _template(
        _(
            "The activity belongs to {activity_person}, not to {person}; name the person whose "
            "activity it is, or leave one of them out."
        )
    ),
    "lend_needs_unit": _template(_("Lending names the unit that receives the officers.")),
    "persons_need_level": _template(_("Adding protected persons needs their threat level.")),
    "secret_change_needs_old": _template(
        _(
            "Changing {callsign}'s secret needs the old one; someone with staff rights can "
            "reset a forgotten one."
        )
    ),
    "secret_repeat": _template(_("The new secret and its repeat differ; nothing was changed.")),
    "demo_needs_empty_database": _template(
        _(
            "The demo fills an empty database, and this one already has {subjects} protected "
            "subjects; use a new database."
        )
    ),
    "report_issued": _template(
        _("Report {report} is issued and cannot change; draft one that supersedes it.")
    ),
    "report_needs_scenario": _template(
        _("A signal report is issued only with at least one realistic scenario; add one first.")
    ),
    "unknown_subject": _template(_("No protected subject with code name {name}.")),
    "unknown_staff": _template(_("No person with callsign {callsign}.")),
    "unknown_person": _template(_("No person with callsign {callsign} in this database.")),
    "no_secret_yet": _template(
        _(
            "{callsign} has no secret on this laptop yet, so nobody can act as {callsign} "
            "here; someone with staff rights sets a first one in their presence."
        )
    ),
    "status_set_by_restriction": _template(
        _(
            "Status {status} is set by a restriction (rule R5): record a restriction, with a "
            "reason and the deciding authority."
        )
    ),
    "no_team": _template(
        _(
            "This device is not in a team yet: create one, or join one with an enrolment "
            "request and the admin's welcome bundle."
        )
    ),
    "already_in_team": _template(_("This device is already in a team.")),
    "no_single_device": _template(_("No single device in the roster matches {device}.")),
    "guards_changed": _template(
        _(
            "{path} was changed outside Schildwacht: its guards are not the ones this version "
            "makes ({found}). Rules such as R1 and the append-only audit trail may not hold in "
            "it. Nothing was opened. Repair the database to restore them, or restore the "
            "latest backup."
        )
    ),
    "catalogue_changed": _template(
        _(
            "{path} was changed outside Schildwacht: its reference catalogue (levels, concepts, "
            "packages, staffing, threat levels) is not the one it was made with, so R1 and R2 "
            "may not hold in it. Nothing was opened. Repair the database to restore it, or "
            "restore the latest backup."
        )
    ),
    "capture_missing": _template(
        _(
            "{path} lacks {count} sync capture triggers (e.g. {first}): something rewrote its "
            "tables outside Schildwacht, and changes made now would never reach the other "
            "laptops. Nothing was opened. Repair the database to re-install them and capture "
            "what changed meanwhile, or restore the latest backup."
        )
    ),
    "queue_malformed": lambda p: _(
        "This database was changed outside Schildwacht: its queue of changes to send holds "
        "{rows} no Schildwacht wrote ({first}). Nothing was written. Repairing the database "
        "removes them and captures what really changed."
    ).format(rows=rows(p["count"]), first=p["first"]),
    "log_malformed": _template(
        _(
            "This database's change log was changed outside Schildwacht: record #{seq} of "
            "device {device} ({what}) is not one Schildwacht wrote, so it cannot be sent. Nothing "
            "was written. Repairing the database sets it aside (the team then quarantines it); a "
            "record already sent needs the latest backup."
        )
    ),
    "segment_unreadable": _template(
        _(
            "This database's change log was changed outside Schildwacht: the changes "
            "{first}–{last} of device {device} cannot be read, so they cannot be sent. Nothing "
            "was written; restore the latest backup."
        )
    ),
    "segment_malformed": _template(
        _(
            "This database's change log was changed outside Schildwacht: segment {number} of "
            "device {device} is not one Schildwacht signed, so nothing can be sent. Nothing was "
            "written. Repairing the database sets it aside."
        )
    ),
    "bundle_target_twice": _template(_("Give either a bundle file or a sync folder, not both.")),
    "bundle_file_is_folder": _template(
        _("{path} is a folder; give a file, or the folder as a sync folder.")
    ),
    "resolve_needs_one_value": _template(_("Choose one of the values or enter one.")),
    "scenario_change_needs_unit": _template(
        _("{change} names no unit; write {form} or give the scenario's unit.")
    ),
    "more_occurrences_than_limit": _template(
        _("{head}, more than the limit of {limit}{most}; nothing was imported.")
    ),
}


def sentence(error: StoreError) -> str:
    """The error in words, in the reader's language where a catalogue has it."""
    words = SENTENCES.get(error.code or "")
    return str(error) if words is None else words(error.params)
