"""``shift add|list|import``, ``deploy``, ``gaps`` and ``suggest``: the roster and its gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from store import gaps as gap_model
from store import roster
from store.clock import hours_between, local_iso
from store.suggest import suggest as suggest_options

from .agenda_cmd import resolve_window
from .context import Env, pass_env
from .output import ExitCode, created, emit, info, output_options
from .params import DATE, TIME, InputPath

GAP_COLUMNS = (
    "start",
    "end",
    "unit",
    "qualification",
    "required",
    "available",
    "shortfall",
    "activities",
)


def gap_dict(gap: gap_model.Gap) -> dict[str, Any]:
    return {
        "start": local_iso(datetime.fromtimestamp(gap.start, UTC)),
        "end": local_iso(datetime.fromtimestamp(gap.end, UTC)),
        "unit": gap.unit,
        "qualification": gap.qualification,
        "required": gap.required,
        "available": gap.available,
        "shortfall": gap.shortfall,
        "activities": list(gap.activities),
        "posts": list(gap.posts),
    }


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
            "hours": hours_between(s.start_at, s.end_at),
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


def _default_window(
    env: Env, day: date | None, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime]:
    first, last = resolve_window(env, day, start, end)
    first = first or env.clock.now()
    last = last or first + timedelta(hours=48)
    return first, last


@click.command()
@click.option("--date", "day", type=DATE, help="One local day.")
@click.option("--from", "start", type=TIME, help="From (default: now).")
@click.option("--to", "end", type=TIME, help="Until (default: 48 hours after --from).")
@click.option("--unit", help="Only this unit.")
@click.option("--fail-on-gap", is_flag=True, help="Exit 3 when there is any gap.")
@click.option("--unplanned", is_flag=True, help="List activities with no concept instead.")
@click.option("--violations", is_flag=True, help="List deployments that break a rule instead.")
@output_options
@pass_env
def gaps(
    env: Env,
    day: date | None,
    start: datetime | None,
    end: datetime | None,
    unit: str | None,
    fail_on_gap: bool,
    unplanned: bool,
    violations: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Where the roster falls short, per unit and qualification (exact)."""
    store = env.store()
    first, last = _default_window(env, day, start, end)
    if unplanned:
        emit(
            [{"id": i} for i in gap_model.unplanned_activities(store, first, last)],
            fmt,
            output,
            ("id",),
        )
        return
    if violations:
        emit(
            roster.deployment_violations(store, first, last),
            fmt,
            output,
            ("activity", "callsign", "problem"),
        )
        return
    found = gap_model.find_gaps(store, first, last, unit=unit)
    emit([gap_dict(g) for g in found], fmt, output, GAP_COLUMNS)
    unplanned_count = len(gap_model.unplanned_activities(store, first, last))
    info(f"{len(found)} gaps; {unplanned_count} activities without a concept (gaps --unplanned).")
    if fail_on_gap and found:
        raise click.exceptions.Exit(ExitCode.FOUND)


@click.command()
@click.argument("activity_id")
@output_options
@pass_env
def suggest(env: Env, activity_id: str, fmt: str, output: str | None) -> None:
    """What can still be done for an uncovered activity, never below its level."""
    rows = [
        {
            "kind": o.kind,
            "option": o.description,
            "cost": o.cost,
            "feasible": o.feasible,
            "reason": o.reason,
        }
        for o in suggest_options(env.store(), activity_id)
    ]
    emit(rows, fmt, output, ("kind", "option", "cost", "feasible", "reason"))


COMMANDS = [shift, deploy, gaps, suggest]
