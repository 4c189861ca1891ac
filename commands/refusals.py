"""The store's refusals as the command line words them: the sentence of ``words.errors``, or,
where the way to put it right is an option of a command, a sentence that names that option.

The store's own messages name no option (the console has none); this table is where the
command line's vocabulary meets the store's facts. Every sentence goes through ``_``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.errors import StoreError
from words import _
from words.errors import sentence


def _template(text: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda params: text.format(**params)


def _nothing_to_change(params: Mapping[str, Any]) -> str:
    options = ", ".join(f"--{field}" for field in params["fields"])
    return _("Nothing to change; give at least one of {options}.").format(options=options)


#: Error code → the command line's sentence (naming the option to give).
CLI_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "no_threat_assessment": _template(
        _(
            "{subject} has no threat assessment yet, so no required level or package; "
            "record one first with `schildwacht threat assess {subject} --level N`."
        )
    ),
    "nothing_to_change": _nothing_to_change,
    "move_needs_restriction": _template(
        _(
            "Changing the time or place of '{title}' is a restriction (rule R5): record it with "
            "`activity restrict` (reason and deciding authority), or, when the agenda was "
            "simply wrong, say why with --correction REASON."
        )
    ),
    "move_needs_start": _template(_("A move needs the new start (--start).")),
    "relocation_needs_place": _template(_("A relocation needs the new place (--location).")),
    "restriction_needs_authority": _template(
        _("A restriction names the deciding authority (rule R5); give --authority.")
    ),
    "clearance_needs_reason": _template(_("Say why the entry is cleared (--reason).")),
    "assessment_request_needs_person": _template(
        _("A request for a new threat assessment names the person (--person).")
    ),
    "supersede_needs_reason": _template(
        _("--supersedes needs --reason T: why the new handover replaces the signed one.")
    ),
    "lend_needs_unit": _template(
        _("Lending names the unit that receives the officers (--to-unit).")
    ),
    "persons_need_level": _template(
        _("Adding protected persons needs their threat level (--level).")
    ),
    "secret_change_needs_old": _template(
        _(
            "Changing {callsign}'s secret needs the old one (SCHILDWACHT_SECRET, or typed when "
            "asked); someone with staff rights can reset a forgotten one with --reset."
        )
    ),
    "demo_needs_empty_database": _template(
        _(
            "demo fills an empty database, and this one already has {subjects} protected "
            "subjects; use a new --db path."
        )
    ),
    "database_is_folder": _template(
        _("{path} is a directory; --db needs the path of a database file.")
    ),
    "database_not_a_file": _template(
        _(
            "{path} is not a regular file (a device, a pipe or a socket); --db needs the path "
            "of a database file."
        )
    ),
    "database_exists": _template(
        _("A database already exists at {path}; use it, or choose another path with --db.")
    ),
    "no_database": _template(
        _(
            "There is no Schildwacht database at {path}; create one with `schildwacht init` "
            "(or point --db at an existing one)."
        )
    ),
    "no_acting_person": _template(
        _("No acting person: pass --user CALLSIGN or run `schildwacht init`.")
    ),
    "unknown_actor": _template(
        _(
            "No person with callsign {callsign} in this database; pass --user with a callsign "
            "from `schildwacht staff list`."
        )
    ),
    "not_encrypted": _template(
        _(
            "This database is not encrypted; create an encrypted one with `init --encrypt` and "
            "move the data with a backup."
        )
    ),
    "window_end_twice": _template(_("Give --to or --days, not both.")),
    "window_end_before_start": _template(_("--to must not lie before --from.")),
    "window_days_out_of_range": _template(_("--days must be between 1 and {most}.")),
    "too_many_occurrences": _template(
        _(
            "{head}, more than the limit of {limit} (--max-occurrences); nothing was imported. "
            "Import a shorter window (--days or --to) or raise the limit."
        )
    ),
    "already_signed": _template(
        _(
            "The period {period} was already signed by {signed_by} at {signed_at} (handover "
            "{handover}); sign again only to supersede it, with a reason (handover sign "
            "--supersedes {handover} --reason T)."
        )
    ),
    "report_issued": _template(
        _(
            "Report {report} is issued and cannot change; draft one that supersedes it "
            "(--supersedes)."
        )
    ),
}


def refusal(error: StoreError) -> str:
    """The sentence the command line prints for a store error (after ``Error: ``)."""
    words = CLI_SENTENCES.get(error.code or "")
    return sentence(error) if words is None else words(error.params)
