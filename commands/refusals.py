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
from store.validate import visible
from words import _, ngettext
from words.counts import refused_of
from words.errors import SENTENCES, malformed, rows, sentence, signed_facts, template
from words.fields import named
from words.filled import joined


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


def _both_at_once(p: Mapping[str, Any]) -> str:
    """``activity edit`` of an activity's time and place at once without --correction: no one
    restriction records both (R5), so ``activity restrict`` takes them one at a time."""
    if p.get("may_correct", True):
        return _(
            "'{title}' gets another time and another place at once, which is no one "
            "restriction (rule R5): record them one at a time with `activity restrict`, or, "
            "when the agenda was simply wrong, say why with --correction REASON."
        ).format(title=p["title"])
    return SENTENCES["move_needs_restriction"](p)


def _ended_move(p: Mapping[str, Any]) -> str:
    """``activity edit`` of an activity that has ended, without --correction: of what has
    ended a restriction only moves it to a time still ahead (R5), so this is a correction."""
    if p.get("may_correct", True):
        return _(
            "'{title}' ended at {ended}: a restriction only moves it to a time still ahead "
            "(rule R5), so this change is a correction: say what was wrong with --correction "
            "REASON."
        ).format(**joined(p))
    return SENTENCES["move_needs_restriction"](p)


def _after_end(p: Mapping[str, Any]) -> str:
    """``activity restrict`` of an activity that has ended: what is wrong, and what may be
    done instead, by the options that do it (rev17q)."""
    fill = joined(p)
    correct = (
        _(
            " When the agenda was simply wrong, correct it instead: `activity edit` with "
            "--correction REASON."
        )
        if p.get("may_correct")
        else ""
    )
    if p.get("kind") == "moved" and "to" in p:
        return (
            _(
                "'{title}' ended at {moment}: a restriction may move it only to a time still "
                "ahead, and {to} has already passed (rule R5); give a later --start."
            ).format(**fill)
            + correct
        )
    return (
        _(
            "'{title}' ended at {moment}: what has taken place is not restricted any more "
            "(rule R5); a restriction may only move it (--kind moved) to a time still ahead."
        ).format(**fill)
        + correct
    )


def _nothing_to_change(params: Mapping[str, Any]) -> str:
    options = ", ".join(f"--{field}" for field in params["fields"])
    return _("Nothing to change; give at least one of {options}.").format(options=options)


def _import_not_clean(p: Mapping[str, Any]) -> str:
    """After ``sync import``: what was refused, quarantined, set aside or alarmed, in one
    sentence whose parts send the reader to the command that shows each."""
    parts = []
    if p["refused"]:
        parts.append(refused_of(p["refused"], p["files"]))
    if p["quarantined"]:
        parts.append(
            ngettext(
                "{n} change was quarantined (never applied; see `schildwacht sync quarantine`)",
                "{n} changes were quarantined (never applied; see `schildwacht sync quarantine`)",
                p["quarantined"],
            ).format(n=p["quarantined"])
        )
    if p["set_aside"]:
        parts.append(_("a device's changes were set aside (see the warning above)"))
    if p["alarms"]:
        parts.append(
            ngettext(
                "{n} alarm about an audit trail that was cut or rewritten or a change log that "
                "forked (see above; `schildwacht sync status`)",
                "{n} alarms about an audit trail that was cut or rewritten or a change log that "
                "forked (see above; `schildwacht sync status`)",
                p["alarms"],
            ).format(n=p["alarms"])
        )
    if p["over_limit"]:
        parts.append(
            _(
                "a device's changes waiting here passed the limit; its further changes are set "
                "aside (see the warning above)"
            )
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _sent_malformed(p: Mapping[str, Any]) -> str:
    """After ``sync export``: records in this laptop's change log no Schildwacht wrote."""
    from words.quarantine import said

    named = [f"#{seq} ({said(why)})" for seq, why in p["records"]]
    shown = ", ".join(named) + (" …" if p["count"] > len(named) else "")
    return visible(
        _(
            "This laptop's change log holds {count} records no Schildwacht wrote ({shown}): it "
            "was edited outside Schildwacht. They were sent, and the other laptops quarantine "
            "them; show this to the admin (`schildwacht db repair` sets them aside)."
        ).format(count=p["count"], shown=shown)
    )


#: Error code → the command line's sentence (naming the option to give).
CLI_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "no_threat_assessment": template(
        _(
            "{subject} has no threat assessment yet, so no required level or package; "
            "record one first with `schildwacht threat assess {subject} --level N`."
        )
    ),
    "nothing_to_change": _nothing_to_change,
    # Refusals of the command line itself (its options, environment and output).
    "fixed_now_without_offset": template(
        _("SCHILDWACHT_NOW must be a time with an offset, e.g. 2026-11-28T09:00:00Z.")
    ),
    "handover_period_half": template(
        _("Give both --from and --to, or neither (the shift now ending).")
    ),
    "reason_without_supersedes": template(_("--reason goes with --supersedes ID.")),
    "answer_accept_and_refuse": template(_("Give --accept N or --refuse, not both.")),
    "requests_open_and_answered": template(_("Give --open or --answered, not both.")),
    "gaps_unplanned_and_violations": template(
        _(
            "Give --unplanned or --violations, not both: each is its own list (run gaps twice;"
            " with --fail-on-gap each exits 3 when it lists a row)."
        )
    ),
    "answer_neither": template(_("Give --accept N (an option of the assessment) or --refuse.")),
    "answer_refusal_without_decision": template(
        _("A refusal is a restriction (R5): give --reason and --authority.")
    ),
    "answer_decision_without_refusal": template(_("--reason and --authority go with --refuse.")),
    "json_number_not_finite": template(
        _(
            "The result holds a number too large or too small to write as JSON (infinite or "
            "not a number); nothing was written. Check the numbers given to the command."
        )
    ),
    "date_and_window": template(_("Give either --date or --from/--to, not both.")),
    "expect_without_apply": template(_("--expect TOKEN goes with --apply N.")),
    "empty_token": template(
        _("An empty token checks nothing: give the token listed with the option.")
    ),
    "tokens_differ": template(_("--apply N:TOKEN and --expect TOKEN name two different tokens.")),
    "init_needs_secret": template(
        _(
            "init needs the operator's secret (at least 8 characters): set "
            "SCHILDWACHT_NEW_SECRET, or run it on a terminal to be asked."
        )
    ),
    "init_needs_passphrase": template(
        _(
            "init --encrypt needs the passphrase: set SCHILDWACHT_PASSPHRASE, or run it on a "
            "terminal to be asked."
        )
    ),
    "rekey_needs_passphrase": template(
        _(
            "db rekey needs the new passphrase: set SCHILDWACHT_NEW_PASSPHRASE, or run it on a "
            "terminal to be asked."
        )
    ),
    "new_secret_needed": template(
        _(
            "Give {callsign}'s new secret (at least 8 characters) in SCHILDWACHT_NEW_SECRET, "
            "or run this on a terminal to be asked."
        )
    ),
    "change_needs_unit": template(_("Name the unit the change concerns (--unit).")),
    "option_without_change": template(
        _("{option} goes with {needs}; give {needs} too, or leave {option} out.")
    ),
    "no_scenario_change": template(
        _(
            "Describe a change: --change KIND:ARGS (repeatable), --add-persons, --add-officers, "
            "--add-fte, --remove-officers or --lend."
        )
    ),
    "sent_malformed": _sent_malformed,
    "left_out_of_roster": template(
        _(
            "This laptop is not in the team's roster (the team keeps a roster without it): ask "
            "the admin to enrol it again with a new request (`schildwacht device request --out "
            "FILE`); its data is kept."
        )
    ),
    "import_not_clean": _import_not_clean,
    "move_needs_restriction": lambda p: (
        _ended_move(p)
        if p.get("ended")
        else _both_at_once(p)
        if p.get("both")
        else _(
            "Changing the time or place of '{title}' is a restriction (rule R5): record it with "
            "`activity restrict` (reason and deciding authority), or, when the agenda was "
            "simply wrong, say why with --correction REASON."
        )
        if p.get("may_restrict", True)
        else _(
            "'{title}' is cancelled: it takes no restriction (rule R5); a change of its time "
            "or place is a correction: say why with --correction REASON."
        )
        if p.get("status") == "cancelled"
        else _(
            "'{title}' is done: it takes no restriction (rule R5); a change of its time or "
            "place is a correction: say why with --correction REASON."
        )
        if p.get("status") == "done"
        else _(
            "Changing the time or place of '{title}' is a restriction (rule R5), which your "
            "role may not record: ask a planner or shift leader to record it with `activity "
            "restrict`, or, when the agenda was simply wrong, say why with --correction REASON."
        )
    ).format(title=p["title"]),
    "restriction_after_end": lambda p: _after_end(p),
    "move_needs_start": template(_("A move needs the new start (--start).")),
    "relocation_needs_place": template(_("A relocation needs the new place (--location).")),
    "restriction_needs_authority": template(
        _("A restriction names the deciding authority (rule R5); give --authority.")
    ),
    "restriction_needs_reason": template(
        _("A restriction names its reason (rule R5); give --reason (one of: {reasons}).")
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
    "already_signed": lambda p: _(
        "The period {period} was already signed by {signed_by} at {signed_at} (handover "
        "{handover}); sign again only to supersede it, with a reason (handover sign "
        "--supersedes {handover} --reason T)."
    ).format(**signed_facts(p)),
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
    "callsign_bound_elsewhere": template(
        _(
            "The team roster binds {callsign} to laptop {device}: {callsign} acts there, not "
            "here; act as yourself here, or revoke that laptop first (`schildwacht team revoke`)."
        )
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
    "table_lost": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} is gone, or lacks rows "
            "the change log says it holds; `db repair` would record them as deleted and send "
            "that to the team, so nothing was changed. Restore the latest backup."
        )
    ),
    "table_redefined": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} was made again with "
            "another definition than this version's, or holds rows that this version's does "
            "not take, which `db repair` cannot undo; nothing was changed. Restore the latest "
            "backup."
        )
    ),
    "table_reference_rewritten": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} refers to {refers} "
            "instead of {meant}: SQLite rewrote that reference when a tool renamed {meant} "
            "(and made it again), which `db repair` cannot undo; nothing was changed. Restore the "
            "latest backup."
        )
    ),
    "audit_trail_cut": template(
        _(
            "{path} was changed outside Schildwacht: its audit trail was emptied or cut "
            "(events are missing from it), which `db repair` cannot undo; nothing was changed. "
            "Restore the latest backup."
        )
    ),
    "repair_incomplete": template(
        _(
            "{path} was changed outside Schildwacht in a way `db repair` cannot put right: its "
            "guards still differ from this version's after it ({found}), so its repair was "
            "not recorded and the database stays shut. Restore the latest backup."
        )
    ),
    "table_replaced": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} was replaced by "
            "something else, which `db repair` cannot undo; nothing was changed. Restore the "
            "latest backup."
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
    "database_damaged": lambda p: SENTENCES["database_damaged"](p).replace(
        _("a repair of the database"), _("`schildwacht db repair`")
    ),
    "backup_of_damaged": lambda p: (
        SENTENCES["backup_of_damaged"](p)
        if p.get("encrypted")
        else _(
            "Cannot back up the database {where}: it is damaged ({malformed}), and a copy would "
            "carry the damage; no backup was written. Restore the latest backup, or let SQLite "
            "recover what it can still read: sqlite3 {where} .recover | sqlite3 recovered.db (then "
            "check it with schildwacht --db recovered.db audit verify)."
        ).format(where=p["where"], malformed=malformed(p))
        + (
            _(" When it names an index, `schildwacht db repair` rebuilds it from its table.")
            if p.get("check") == "integrity" and " index " in str(p.get("found", ""))
            else ""
        )
    ),
    "calendar_name_too_long": named(
        "calendar_name_too_long",
        template(
            _(
                "{field} has {length} characters, more than the {max_len} a calendar's name "
                "may have; nothing was imported. Name the calendar with --calendar NAME."
            )
        ),
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
        named = StoreError(code=error.code, **{**error.params, "field": option})
        return refusal(named)
    words = CLI_SENTENCES.get(error.code or "")
    if words is None:
        return sentence(error)
    try:
        return words(error.params)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return sentence(error)  # words that do not fit the facts: the faces' own, never a crash
