"""``shift add|list|import``, ``deploy`` and ``suggest``: the roster and what can still be done."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from store import roster
from store.agenda import RESTRICTION_REASONS
from store.clock import local_iso
from store.errors import BadInput
from store.suggest import Option, apply_option
from store.suggest import suggest as suggest_options

from .context import Env, pass_env
from .output import created, emit, info, output_options
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
    made = roster.add_shift(env.store(), callsign, start=start, end=end)
    created(made.id, f"Shift for {made.callsign} added.")


@shift.command("list")
@click.option("--unit")
@click.option("--callsign")
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
@pass_env
def shift_import(env: Env, file: Path) -> None:
    """Import a roster CSV (callsign,start,end); any bad line imports nothing."""
    report = roster.import_shifts(env.store(), file)
    info(f"{file.name}: {report.imported} shifts imported.")


@click.command()
@click.argument("activity_id")
@click.argument("callsigns", nargs=-1, required=True)
@pass_env
def deploy(env: Env, activity_id: str, callsigns: tuple[str, ...]) -> None:
    """Put officers on an activity (on duty, qualified, free, rested)."""
    made = roster.deploy(env.store(), activity_id, list(callsigns))
    info(f"Deployed {', '.join(d.callsign for d in made)}.")
    for deployment in made:
        click.echo(deployment.id)


def option_dict(n: int, option: Option) -> dict[str, Any]:
    return {
        "n": n,
        "option": option.description,
        "action": option.action,
        "callsign": option.callsign,
        "concept": option.concept,
        "start": local_iso(option.start),
        "end": local_iso(option.end),
        "shift_minutes": option.shift_minutes,
        "cost": option.cost,
        "feasible": option.feasible,
        "partial": option.partial,
        "reason": option.reason,
    }


@click.command()
@click.argument("activity_id")
@click.option(
    "--apply",
    "apply_n",
    type=WholeParam(-(2**63), 2**63 - 1),
    metavar="N",
    help="Carry out option N.",
)
@click.option(
    "--reason",
    type=click.Choice(RESTRICTION_REASONS),
    default="capacity",
    show_default=True,
    help="Reason of a move (a restriction, R5).",
)
@click.option("--authority", help="The deciding authority of a move (a restriction, R5).")
@output_options
@pass_env
def suggest(
    env: Env,
    activity_id: str,
    apply_n: int | None,
    reason: str,
    authority: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """What can still be done for an uncovered activity or one that needs re-planning, never
    below its level; --apply N carries out option N (a move also needs --authority)."""
    store = env.store()
    options = suggest_options(store, activity_id)
    if apply_n is None:
        emit(
            [option_dict(n, o) for n, o in enumerate(options, start=1)],
            fmt,
            output,
            ("n", "action", "option", "cost", "feasible", "reason"),
        )
        return
    if not 1 <= apply_n <= len(options):
        raise BadInput(f"There is no option {apply_n}; choose 1 to {len(options)}.")
    chosen = options[apply_n - 1]
    item = apply_option(store, activity_id, chosen, reason=reason, authority=authority)
    info(f"Done: {chosen.description}.")
    click.echo(item.id)


COMMANDS = [shift, deploy, suggest]
