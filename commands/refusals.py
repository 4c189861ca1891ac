"""The store's refusals as the command line words them: the sentence of ``words.errors``, or,
where the way to put it right is an option of a command, a sentence that names that option.

The store's own messages name no option (the console has none); this table is where the
command line's vocabulary meets the store's facts. Every sentence goes through ``_``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.errors import StoreError
from store.ics_bounds import FIELDS as ICS_FIELDS
from words import _
from words.errors import SENTENCES, rows, sentence, template


def _log_malformed(text: str) -> Callable[[Mapping[str, Any]], str]:
    """``{what}``: what is wrong with the record, a reason as kept (``words.quarantine``)."""

    def words(p: Mapping[str, Any]) -> str:
        from words.quarantine import said

        return text.format(**{**p, "what": said(p["what"])})

    return words


def _with_options(code: str, **options: str) -> Callable[[Mapping[str, Any]], str]:
    """The sentence every face says for ``code`` (``words.errors``), with the options that
    put it right named in its places for them."""
    return lambda params: SENTENCES[code]({**params, **options})


def _nothing_to_change(params: Mapping[str, Any]) -> str:
    options = ", ".join(f"--{field}" for field in params["fields"])
    return _("Nothing to change; give at least one of {options}.").format(options=options)


#: Error code → the command line's sentence (naming the option to give).
CLI_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "no_threat_assessment": template(
        _(
            "{subject} has no threat assessment yet, so no required level or package; "
            "record one first with `schildwacht threat assess {subject} --level N`."
        )
    ),
    "nothing_to_change": _nothing_to_change,
    "move_needs_restriction": template(
        _(
            "Changing the time or place of '{title}' is a restriction (rule R5): record it with "
            "`activity restrict` (reason and deciding authority), or, when the agenda was "
            "simply wrong, say why with --correction REASON."
        )
    ),
    "move_needs_start": template(_("A move needs the new start (--start).")),
    "relocation_needs_place": template(_("A relocation needs the new place (--location).")),
    "restriction_needs_authority": template(
        _("A restriction names the deciding authority (rule R5); give --authority.")
    ),
    "clearance_needs_reason": template(_("Say why the entry is cleared (--reason).")),
    "assessment_request_needs_person": template(
        _("A request for a new threat assessment names the person (--person).")
    ),
    "supersede_needs_reason": template(
        _("--supersedes needs --reason T: why the new handover replaces the signed one.")
    ),
    "signal_activity_of_another": template(
        _(
            "The activity belongs to {activity_person}, not to {person}: give --person "
            "{activity_person}, or leave out --person or --activity."
        )
    ),
    "lend_needs_unit": template(
        _("Lending names the unit that receives the officers (--to-unit).")
    ),
    "persons_need_level": template(
        _("Adding protected persons needs their threat level (--level).")
    ),
    "secret_change_needs_old": template(
        _(
            "Changing {callsign}'s secret needs the old one (SCHILDWACHT_SECRET, or typed when "
            "asked); someone with staff rights can reset a forgotten one with --reset."
        )
    ),
    "demo_needs_empty_database": template(
        _(
            "demo fills an empty database, and this one already has {subjects} protected "
            "subjects; use a new --db path."
        )
    ),
    "database_is_folder": template(
        _("{path} is a directory; --db needs the path of a database file.")
    ),
    "database_not_a_file": template(
        _(
            "{path} is not a regular file (a device, a pipe or a socket); --db needs the path "
            "of a database file."
        )
    ),
    "database_exists": template(
        _("A database already exists at {path}; use it, or choose another path with --db.")
    ),
    "no_database": template(
        _(
            "There is no Schildwacht database at {path}; create one with `schildwacht init` "
            "(or point --db at an existing one)."
        )
    ),
    "no_acting_person": template(
        _("No acting person: pass --user CALLSIGN or run `schildwacht init`.")
    ),
    "unknown_actor": template(
        _(
            "No person with callsign {callsign} in this database; pass --user with a callsign "
            "from `schildwacht staff list`."
        )
    ),
    "not_encrypted": template(
        _(
            "This database is not encrypted; create an encrypted one with `init --encrypt` and "
            "move the data with a backup."
        )
    ),
    "window_end_twice": template(_("Give --to or --days, not both.")),
    "window_end_before_start": template(_("--to must not lie before --from.")),
    "window_days_out_of_range": template(_("--days must be between 1 and {most}.")),
    "too_many_occurrences": _with_options(
        "too_many_occurrences",
        limit_option=" (--max-occurrences)",
        window_options=" (--days or --to)",
    ),
    "already_signed": template(
        _(
            "The period {period} was already signed by {signed_by} at {signed_at} (handover "
            "{handover}); sign again only to supersede it, with a reason (handover sign "
            "--supersedes {handover} --reason T)."
        )
    ),
    "report_issued": template(
        _(
            "Report {report} is issued and cannot change; draft one that supersedes it "
            "(--supersedes)."
        )
    ),
    "report_needs_scenario": template(
        _(
            "A signal report is issued only with at least one realistic scenario; "
            "add one with `intel scenario`."
        )
    ),
    "unknown_subject": template(
        _("No protected subject with code name {name}; see `schildwacht person list`.")
    ),
    "unknown_staff": template(
        _("No person with callsign {callsign}; see `schildwacht staff list`.")
    ),
    "unknown_person": template(
        _("No person with callsign {callsign} in this database; see `schildwacht staff list`.")
    ),
    "no_secret_yet": template(
        _(
            "{callsign} has no secret on this laptop yet, so nobody can act as {callsign} "
            "here; someone with staff rights sets a first one in their presence with "
            "`schildwacht staff secret {callsign}`."
        )
    ),
    "status_set_by_restriction": template(
        _(
            "Status {status} is set by a restriction (rule R5): use `activity restrict` with a "
            "reason and the deciding authority."
        )
    ),
    "no_team": template(
        _(
            "This device is not in a team yet: create one with `schildwacht team create`, or "
            "join one with `schildwacht device request` and the admin's welcome bundle."
        )
    ),
    "already_in_team": template(
        _("This device is already in a team; see `schildwacht team show`.")
    ),
    "no_single_device": template(
        _("No single device in the roster matches {device}; see `team show`.")
    ),
    "guards_changed": template(
        _(
            "{path} was changed outside Schildwacht: its guards are not the ones this version "
            "makes ({found}). Rules such as R1 and the append-only audit trail may not hold in "
            "it. Nothing was opened. Run `schildwacht db repair` to restore them, or restore "
            "the latest backup."
        )
    ),
    "catalogue_changed": template(
        _(
            "{path} was changed outside Schildwacht: its reference catalogue (levels, concepts, "
            "packages, staffing, threat levels) is not the one it was made with, so R1 and R2 "
            "may not hold in it. Nothing was opened. Run `schildwacht db repair` to restore "
            "it, or restore the latest backup."
        )
    ),
    "capture_missing": template(
        _(
            "{path} lacks {count} sync capture triggers (e.g. {first}): something rewrote its "
            "tables outside Schildwacht, and changes made now would never reach the other "
            "laptops. Nothing was opened. Run `schildwacht db repair` to re-install them and "
            "capture what changed meanwhile, or restore the latest backup."
        )
    ),
    "queue_malformed": lambda p: _(
        "This database was changed outside Schildwacht: its queue of changes to send holds "
        "{rows} no Schildwacht wrote ({first}). Nothing was written. Run `schildwacht db "
        "repair`: it removes them and captures what really changed."
    ).format(rows=rows(p["count"]), first=p["first"]),
    "log_malformed": _log_malformed(
        _(
            "This database's change log was changed outside Schildwacht: record #{seq} of "
            "device {device} ({what}) is not one Schildwacht wrote, so it cannot be sent. Nothing "
            "was written. Run `schildwacht db repair`: it sets the record aside (the team then "
            "quarantines it); a record already sent needs the latest backup."
        )
    ),
    "segment_malformed": template(
        _(
            "This database's change log was changed outside Schildwacht: segment {number} of "
            "device {device} is not one Schildwacht signed, so nothing can be sent. Nothing was "
            "written. Run `schildwacht db repair`: it sets the segment aside."
        )
    ),
    "bundle_target_twice": template(_("Give either --out FILE or --to DIR.")),
    "bundle_file_is_folder": template(_("{path} is a folder; use --to for folder mode.")),
    "resolve_needs_one_value": template(
        _("Choose one of the values (--choose N) or enter one (--value TEXT).")
    ),
    "scenario_change_needs_unit": template(
        _("{change} names no unit; write {form} or give --unit.")
    ),
    "too_many_shifts": template(
        _(
            "{file} holds {shifts} shifts, more than the limit of {limit} (--max-shifts); "
            "nothing was imported. Split the roster or raise the limit."
        )
    ),
    "more_occurrences_than_limit": _with_options(
        "more_occurrences_than_limit", limit_option=" (--max-occurrences)"
    ),
}


#: A value the store names by what it is (a refusal's ``field``) → the option that gives it.
OPTIONS = {
    ICS_FIELDS["calendar"]: "--calendar",
    ICS_FIELDS["from"]: "--from",
    ICS_FIELDS["to"]: "--to",
    ICS_FIELDS["days_end"]: "--days (its last day)",
    ICS_FIELDS["max_occurrences"]: "--max-occurrences",
}


def refusal(error: StoreError) -> str:
    """The sentence the command line prints for a store error (after ``Error: ``); a value the
    store names by what it is, named by its option."""
    option = OPTIONS.get(str(error.params.get("field")))
    if option is not None:
        named = StoreError(str(error), code=error.code, **{**error.params, "field": option})
        return refusal(named)
    words = CLI_SENTENCES.get(error.code or "")
    if words is None:
        return sentence(error)
    try:
        return words(error.params)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return sentence(error)  # words that do not fit the facts: the faces' own, never a crash
