"""``capacity``: supply against demand, the letter's reinforcements, restrictions per week, and
what-if scenarios."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import click

from store import capacity as model
from store.catalogue import list_reinforcements, list_units, reinforcement_totals
from store.subjects import MAX_LEVEL

from .context import Env, pass_env
from .output import ExitCode, emit, output_options
from .params import TIME, NumberParam

#: How many persons or officers a scenario adds, removes or lends.
COUNT = click.IntRange(1, model.MAX_SCENARIO_COUNT)


def _window(
    env: Env, start: datetime | None, end: datetime | None, default_days: int = 7
) -> tuple[datetime, datetime]:
    first = start or env.clock.now()
    return first, end or first + timedelta(days=default_days)


@click.group(invoke_without_command=True)
@click.option("--from", "start", type=TIME, help="From (default: now).")
@click.option("--to", "end", type=TIME, help="Until (default: seven days after --from).")
@click.option("--by", type=click.Choice(model.GROUPINGS), default="unit", show_default=True)
@click.option(
    "--hours-per-fte",
    type=NumberParam(0, 168),
    default=model.DEFAULT_HOURS_PER_FTE,
    show_default=True,
    help="Weekly hours of one FTE.",
)
@click.option(
    "--fail-above",
    type=NumberParam(0, 1_000_000),
    help="Exit 3 when any occupancy exceeds this ratio.",
)
@output_options
@click.pass_context
def capacity(
    ctx: click.Context,
    start: datetime | None,
    end: datetime | None,
    by: str,
    hours_per_fte: float,
    fail_above: float | None,
    fmt: str,
    output: str | None,
) -> None:
    """Supply against demand: hours, shortfall, occupancy (and subcommands below)."""
    if ctx.invoked_subcommand is not None:
        return
    env = ctx.find_object(Env)
    assert env is not None
    store = env.store()
    first, last = _window(env, start, end)
    rows = model.capacity_report(store, first, last, by=by, hours_per_fte=hours_per_fte)
    organisation = {u.code: u.organisation for u in list_units(store)}
    data: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {by: row.key}
        if by == "unit":
            item["organisation"] = organisation.get(row.key, "")
        item.update(
            supply_hours=row.supply_hours,
            demand_hours=row.demand_hours,
            shortfall_hours=row.shortfall_hours,
            occupancy=row.occupancy,
            supply_fte=row.supply_fte,
            shortfall_fte=row.shortfall_fte,
        )
        data.append(item)
    columns = [
        by,
        *(["organisation"] if by == "unit" else []),
        "supply_hours",
        "demand_hours",
        "shortfall_hours",
        "occupancy",
        "supply_fte",
        "shortfall_fte",
    ]
    emit(data, fmt, output, columns)
    if fail_above is not None and any((r.occupancy or 0) > fail_above for r in rows):
        raise click.exceptions.Exit(ExitCode.FOUND)


@capacity.command("reinforcements")
@click.option("--totals", is_flag=True, help="Only the totals per organisation and overall.")
@output_options
@pass_env
def reinforcements(env: Env, totals: bool, fmt: str, output: str | None) -> None:
    """The capacity reinforcements in the minister's letter (FTE, exact)."""
    store = env.store()
    if totals:
        rows = [
            {"organisation": org, "fte": fte} for org, fte in reinforcement_totals(store).items()
        ]
        emit(rows, fmt, output, ("organisation", "fte"))
        return
    rows = [
        {
            "funding_line": r.funding_line,
            "organisation": r.organisation,
            "purpose": r.purpose,
            "fte": r.fte,
        }
        for r in list_reinforcements(store)
    ]
    emit(rows, fmt, output, ("funding_line", "organisation", "purpose", "fte"))


@capacity.command("restrictions")
@click.option("--from", "start", type=TIME, help="From (default: 28 days ago).")
@click.option("--to", "end", type=TIME, help="Until (default: now).")
@output_options
@pass_env
def restrictions(
    env: Env, start: datetime | None, end: datetime | None, fmt: str, output: str | None
) -> None:
    """Facilitation restrictions per unit and week, per reason."""
    last = end or env.clock.now() + timedelta(days=1)
    first = start or last - timedelta(days=28)
    rows = model.restriction_report(env.store(), first, last)
    emit(rows, fmt, output, ("unit", "week", "capacity", "threat", "tbp_choice", "total"))


@capacity.command("scenario")
@click.option("--from", "start", type=TIME, help="From (default: now).")
@click.option("--to", "end", type=TIME, help="Until (default: seven days after --from).")
@click.option("--add-persons", type=COUNT, help="Add N protected persons (with --level).")
@click.option(
    "--level", type=click.IntRange(0, MAX_LEVEL), help="Threat level of the added persons."
)
@click.option("--add-officers", type=COUNT, help="Add N officers (five day shifts a week).")
@click.option(
    "--add-fte",
    type=NumberParam(0, model.MAX_SCENARIO_COUNT),
    help="Add FTE (rounded to whole officers).",
)
@click.option("--remove-officers", type=COUNT, help="Remove N officers.")
@click.option("--lend", type=COUNT, help="Lend N officers from --unit to --to-unit.")
@click.option("--unit", required=True, help="The unit the change concerns.")
@click.option("--to-unit", help="The receiving unit (with --lend).")
@click.option(
    "--qualification",
    "qualifications",
    multiple=True,
    help="Qualifications of added officers (default: those the unit is short of).",
)
@output_options
@pass_env
def scenario(
    env: Env,
    start: datetime | None,
    end: datetime | None,
    add_persons: int | None,
    level: int | None,
    add_officers: int | None,
    add_fte: float | None,
    remove_officers: int | None,
    lend: int | None,
    unit: str,
    to_unit: str | None,
    qualifications: tuple[str, ...],
    fmt: str,
    output: str | None,
) -> None:
    """What-if: the projected shortfall against the baseline, per unit. Writes nothing."""
    from store.errors import BadInput

    changes = []
    if add_persons:
        changes.append(model.Change("add_persons", add_persons, unit.upper(), level=level))
    if add_officers or add_fte:
        count = (add_officers or 0) + round(add_fte or 0)
        changes.append(
            model.Change("add_officers", count, unit.upper(), qualifications=qualifications)
        )
    if remove_officers:
        changes.append(model.Change("remove_officers", remove_officers, unit.upper()))
    if lend:
        changes.append(
            model.Change("lend", lend, unit.upper(), to_unit=to_unit.upper() if to_unit else None)
        )
    if not changes:
        raise BadInput(
            "Describe a change: --add-persons, --add-officers, --add-fte, "
            "--remove-officers or --lend."
        )
    first, last = _window(env, start, end)
    rows = model.run_scenario(env.store(), changes, first, last)
    emit(
        [
            {
                "unit": r.unit,
                "baseline_shortfall_hours": r.baseline_shortfall_hours,
                "scenario_shortfall_hours": r.scenario_shortfall_hours,
                "change_hours": r.change_hours,
            }
            for r in rows
        ],
        fmt,
        output,
        ("unit", "baseline_shortfall_hours", "scenario_shortfall_hours", "change_hours"),
    )


COMMANDS = [capacity]
