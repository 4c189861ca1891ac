"""``log add|list|clear``: the operational log (journaal)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from store import logbook
from store.clock import local_iso
from words import _

from .context import Env, pass_env
from .output import created, creating, emit, info, output_options, printed
from .params import DATE, TIME, WholeParam, resolve_window

LOG_COLUMNS = ("id", "at", "author", "kind", "person", "flagged", "text", "status")


def entry_dict(entry: logbook.LogEntry) -> dict[str, Any]:
    if entry.superseded_by:
        status = "superseded"
    elif entry.cleared_at:
        status = "cleared"
    elif entry.flagged:
        status = "open"
    else:
        status = ""
    return {
        "id": entry.id,
        "at": local_iso(entry.at),
        "author": entry.author if not entry.signed_by else f"{entry.author} via {entry.signed_by}",
        "signed_by": entry.signed_by,
        "kind": entry.kind,
        "person": entry.person,
        "activity": entry.activity_id,
        "flagged": entry.flagged,
        "text": entry.text,
        "status": status,
        "supersedes": entry.supersedes,
        "cleared_by": entry.cleared_by,
        "cleared_at": local_iso(entry.cleared_at),
        "clear_reason": entry.clear_reason,
    }


@click.group()
def log() -> None:
    """The operational log: append-only; flagged entries carry into every handover."""


@log.command("add")
@click.argument("text")
@click.option("--person", help=_("Code name the entry concerns."))
@click.option("--activity", "activity_id", help=_("Activity id the entry concerns."))
@click.option("--kind", type=click.Choice(logbook.KINDS), default="note", show_default=True)
@click.option("--flag", is_flag=True, help=_("Carry into every handover until cleared."))
@click.option("--supersedes", help=_("Id of the entry this one corrects."))
@pass_env
def log_add(
    env: Env,
    text: str,
    person: str | None,
    activity_id: str | None,
    kind: str,
    flag: bool,
    supersedes: str | None,
) -> None:
    """Write an entry in the operational log."""
    with creating(env.store()):
        entry = logbook.add_entry(
            env.store(),
            text,
            kind=kind,
            person=person,
            activity=activity_id,
            flagged=flag,
            supersedes=supersedes,
        )
    said = _("Logged {kind} (flagged).") if entry.flagged else _("Logged {kind}.")
    created(entry.id, said.format(kind=entry.kind))


@log.command("list")
@click.option("--person")
@click.option("--date", "day", type=DATE)
@click.option("--from", "start", type=TIME)
@click.option("--to", "end", type=TIME)
@click.option("--open", "open_only", is_flag=True, help=_("Only flagged entries not yet cleared."))
@click.option("--limit", type=WholeParam(1, logbook.MAX_LIST), help=_("At most N entries."))
@output_options
@pass_env
def log_list(
    env: Env,
    person: str | None,
    day: date | None,
    start: datetime | None,
    end: datetime | None,
    open_only: bool,
    limit: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """List log entries, newest first."""
    window = resolve_window(env, day, start, end)
    entries = logbook.list_entries(
        env.store(),
        start=window[0],
        end=window[1],
        person=person,
        open_flags_only=open_only,
        limit=limit,
    )
    emit([entry_dict(e) for e in entries], fmt, output, LOG_COLUMNS)


@log.command("clear")
@click.argument("entry_id")
@click.option("--reason", required=True, help=_("Why it no longer needs attention."))
@pass_env
def log_clear(env: Env, entry_id: str, reason: str) -> None:
    """Clear a flagged entry (shift leader); it stops carrying into handovers."""
    with creating(env.store()):
        entry = logbook.clear_entry(env.store(), entry_id, reason=reason)
    info(
        _(
            "Cleared the flag of log entry {id} (cleared by {person}); it no longer carries "
            "into handovers."
        ).format(id=entry.id[:8], person=entry.cleared_by)
    )
    printed(entry.id)


COMMANDS = [log]
