"""``shift add|list|import``, ``deploy`` and ``suggest``: the roster and what can still be done."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from store import roster, staffing, validate
from store.agenda import RESTRICTION_REASONS
from store.clock import json_times, local_iso
from store.db import Store
from store.errors import BadInput
from store.suggest import Option, apply_suggestion
from store.suggest import suggest as suggest_options
from words import _, ngettext
from words.deployments import phrase
from words.facts import reason
from words.suggestions import cost, describe

from .context import Env, pass_env
from .output import created, creating, emit, info, output_options, printed
from .params import DATE, TIME, InputPath, WholeParam, resolve_window


@click.group()
def shift() -> None:
    """The roster: shifts of officers."""


@shift.command("add")
@click.argument("callsign")
@click.option("--start", type=TIME, required=True)
@click.option("--end", type=TIME, required=True)
@pass_env
def shift_add(env: Env, callsign: str, start: datetime, end: datetime) -> None:
    """Add a shift (at most 14 hours; 11 hours' rest from the officer's other shifts)."""
    with creating(env.store()):
        made = roster.add_shift(env.store(), callsign, start=start, end=end)
    created(made.id, _("Shift for {callsign} added.").format(callsign=made.callsign))


@shift.command("list")
@click.option("--unit", help=_("Only this unit's officers (an unknown unit is an error, exit 2)."))
@click.option(
    "--callsign", help=_("Only this officer's (an unknown callsign is an error, exit 2).")
)
@click.option("--date", "day", type=DATE)
@click.option("--from", "start", type=TIME)
@click.option("--to", "end", type=TIME)
@output_options
@pass_env
def shift_list(
    env: Env,
    unit: str | None,
    callsign: str | None,
    day: date | None,
    start: datetime | None,
    end: datetime | None,
    fmt: str,
    output: str | None,
) -> None:
    """List shifts with their real length in hours."""
    window = resolve_window(env, day, start, end)
    rows = [
        {
            "id": s.id,
            "callsign": s.callsign,
            "unit": s.unit,
            "start": local_iso(s.start_at),
            "end": local_iso(s.end_at),
            "hours": s.hours,
        }
        for s in roster.list_shifts(
            env.store(), start=window[0], end=window[1], unit=unit, callsign=callsign
        )
    ]
    emit(rows, fmt, output, ("id", "callsign", "unit", "start", "end", "hours"))


@shift.command("import")
@click.argument("file", type=InputPath())
@click.option(
    "--max-shifts",
    type=WholeParam(1, roster.MAX_MAX_SHIFTS),
    default=roster.DEFAULT_MAX_SHIFTS,
    show_default=True,
    help=_("Refuse a file with more shifts than this."),
)
@pass_env
def shift_import(env: Env, file: Path, max_shifts: int) -> None:
    """Import a roster CSV (callsign,start,end); any bad line imports nothing."""
    report = roster.import_shifts(env.store(), file, max_shifts=max_shifts)
    info(
        ngettext(
            "{file}: {n} shift imported.", "{file}: {n} shifts imported.", report.imported
        ).format(file=file.name, n=report.imported)
    )


def _still_open(store: Store, activity_id: str) -> None:
    """What the activity still lacks after a deployment or a release, one line each."""
    for short in staffing.staffing_shortfalls(store, activity_id):
        said = phrase(staffing.shortfall_problem(short))
        info(_("Still open: {shortfall}.").format(shortfall=said))


@click.command()
@click.argument("activity_id")
@click.argument("callsigns", nargs=-1)
@click.option(
    "--release",
    "released",
    metavar="CALLSIGN",
    multiple=True,
    help=_(
        "End this officer's deployment on the activity instead (repeatable: all or none;"
        " needs --reason)."
    ),
)
@click.option("--reason", help=_("Why the deployment ends (with --release)."))
@pass_env
def deploy(
    env: Env,
    activity_id: str,
    callsigns: tuple[str, ...],
    released: tuple[str, ...],
    reason: str | None,
) -> None:
    """Put officers on an activity (on duty, qualified, free, rested); the whole group must
    fill a slot each, whatever the order named; slots it leaves open are listed after.
    Officers already deployed who fill nothing (a lapse recorded later, a move past their
    shift) do not block others. `deploy ID --release CALLSIGN --reason TEXT` ends a
    deployment, audited with the reason (repeat --release for several: all or none); it
    syncs like the deployment did."""
    store = env.store()
    if released:
        if callsigns:
            raise click.UsageError(_("Name officers to deploy or to --release, not both."))
        if not reason:
            raise click.UsageError(_("--release needs --reason TEXT (why the deployment ends)."))
        gone = roster.release_group(store, activity_id, list(released), reason)
        info(_("Released {officers}.").format(officers=", ".join(d.callsign for d in gone)))
        _still_open(store, gone[0].activity_id)
        return
    if reason is not None:
        raise click.UsageError(_("--reason goes with --release CALLSIGN."))
    if not callsigns:
        raise click.UsageError(_("Name at least one officer to deploy (or --release CALLSIGN)."))
    with creating(store):
        made = staffing.deploy(store, activity_id, list(callsigns))
    info(_("Deployed {officers}.").format(officers=", ".join(d.callsign for d in made)))
    _still_open(store, made[0].activity_id)
    for deployment in made:
        printed(deployment.id)


def option_dict(n: int, option: Option) -> dict[str, Any]:
    return {
        "n": None if option.action == "none" else n,  # nothing to apply: no number
        "token": option.token,
        "option": describe(option.what),
        "action": option.action,
        "callsign": option.callsign,
        "team": list(option.team),
        "concept": option.concept,
        "changes_concept": option.changes_concept,
        "start": local_iso(option.start),
        "end": local_iso(option.end),
        "shift_minutes": option.shift_minutes,
        "cost": cost(option.price),
        "feasible": option.feasible,
        "partial": option.partial,
        "reason": reason("", option.fact),
        # the same as facts ({code, params}), for scripts that must not parse words
        "what": json_times(option.what),
        "price": dict(option.price),
        "why": json_times(option.fact) if option.fact is not None else None,
    }


@click.command()
@click.argument("activity_id")
@click.option(
    "--apply",
    "apply_n",
    metavar="N[:TOKEN]",
    help=_("Carry out option N; with the TOKEN listed beside it, only if it is still that option."),
)
@click.option(
    "--expect",
    metavar="TOKEN",
    help=_("The token of the option shown as N (the same as --apply N:TOKEN)."),
)
@click.option(
    "--reason",
    type=click.Choice(RESTRICTION_REASONS),
    default="capacity",
    show_default=True,
    help=_("Reason of a move (a restriction, R5)."),
)
@click.option("--authority", help=_("The deciding authority of a move (a restriction, R5)."))
@output_options
@pass_env
def suggest(
    env: Env,
    activity_id: str,
    apply_n: str | None,
    expect: str | None,
    reason: str,
    authority: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """What can still be done for an uncovered activity or one that needs re-planning, never
    below its level; --apply N carries out option N (a move also needs --authority), and
    --apply N:TOKEN (or --expect TOKEN) only while option N is still the one listed with
    that token."""
    store = env.store()
    if apply_n is None:
        if expect is not None:
            raise BadInput(code="expect_without_apply")
        options = suggest_options(store, activity_id)
        emit(
            [option_dict(n, o) for n, o in enumerate(options, start=1)],
            fmt,
            output,
            ("n", "token", "action", "option", "cost", "feasible", "reason"),
        )
        return
    n, token = _numbered(apply_n, expect)
    with creating(store):
        chosen, item = apply_suggestion(
            store, activity_id, n=n, token=token, reason=reason, authority=authority
        )
    info(_("Done: {option}.").format(option=describe(chosen.what)))
    printed(item.id)


def _numbered(text: str, expect: str | None) -> tuple[int, str | None]:
    """``N`` or ``N:TOKEN`` of --apply, with --expect's token (both must agree)."""
    number, colon, token = text.strip().partition(":")
    n = validate.whole_text(number.strip(), "--apply", low=-(2**63), high=2**63 - 1)
    if (colon and not token.strip()) or (expect is not None and not expect.strip()):
        raise BadInput(code="empty_token")
    if token and expect and token.strip().lower() != expect.strip().lower():
        raise BadInput(code="tokens_differ")
    return n, (token or expect or None)


COMMANDS = [shift, deploy, suggest]
