"""``capacity``: supply against demand, the letter's reinforcements, restrictions per week, and
what-if scenarios."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import click

from store import capacity as model
from store.catalogue import list_reinforcements, list_units, reinforcement_totals
from store.errors import BadInput
from store.subjects import MAX_LEVEL
from store.validate import latest_moment, visible
from words import _

from .context import Env, pass_env
from .output import ExitCode, emit, info, output_options
from .params import TIME, NumberParam, TenthsParam, WholeParam, checked_period

#: How many persons or officers a scenario adds, removes or lends.
COUNT = WholeParam(1, model.MAX_SCENARIO_COUNT)


def _window(
    env: Env, start: datetime | None, end: datetime | None, default_days: int = 7
) -> tuple[datetime, datetime]:
    first = start or env.command_clock().now()
    # a default end past 2099 ends with the range instead (as ``gaps`` does)
    last = end or min(first + timedelta(days=default_days), latest_moment())
    return checked_period(first, last, given=(start is not None, end is not None))


@click.group(invoke_without_command=True)
@click.option("--from", "start", type=TIME, help=_("From (default: now)."))
@click.option("--to", "end", type=TIME, help=_("Until (default: seven days after --from)."))
@click.option("--by", type=click.Choice(model.GROUPINGS), default="unit", show_default=True)
@click.option(
    "--hours-per-fte",
    type=NumberParam(model.MIN_HOURS_PER_FTE, model.MAX_HOURS_PER_FTE),
    default=model.DEFAULT_HOURS_PER_FTE,
    show_default=True,
    help=_(
        "Weekly hours of one FTE (1-168); FTE is over the period, or per day (--by day)"
        " over that day's own hours."
    ),
)
@click.option(
    "--fail-above",
    type=NumberParam(0, 1_000_000),
    help=_("Exit 3 when any occupancy exceeds this ratio."),
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
            demand_assumed_hours=row.demand_assumed_hours,
            shortfall_assumed_hours=row.shortfall_assumed_hours,
            # JSON only (not a column): the occupancy left empty is infinite, not unknown
            demand_without_supply=row.occupancy is None and row.demand_hours > 0,
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
        "demand_assumed_hours",
        "shortfall_assumed_hours",
    ]
    emit(data, fmt, output, columns)
    if fail_above is not None:
        _fail_above(rows, fail_above)


def _fail_above(rows: list[model.CapacityRow], limit: float) -> None:
    """Exit 3 when an occupancy exceeds ``limit``; demand without supply (occupancy empty,
    infinite) exceeds every limit. Says which, on stderr."""
    over = [
        r.key if r.occupancy is not None else _("{key} (demand without supply)").format(key=r.key)
        for r in rows
        if (r.occupancy is None and r.demand_hours > 0)
        or (r.occupancy is not None and r.occupancy > limit)
    ]
    if over:
        said = _("Occupancy above {limit}: {over}.")
        info(visible(said.format(limit=f"{limit + 0.0:g}", over=", ".join(over))))  # never "-0"
        raise click.exceptions.Exit(ExitCode.FOUND)


@capacity.command("reinforcements")
@click.option("--totals", is_flag=True, help=_("Only the totals per organisation and overall."))
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
@click.option("--from", "start", type=TIME, help=_("From (default: 28 days ago)."))
@click.option("--to", "end", type=TIME, help=_("Until (default: now)."))
@output_options
@pass_env
def restrictions(
    env: Env, start: datetime | None, end: datetime | None, fmt: str, output: str | None
) -> None:
    """Facilitation restrictions per unit and week, per reason."""
    last = end or env.command_clock().now() + timedelta(days=1)
    first = start or last - timedelta(days=28)
    checked_period(first, last, given=(start is not None, end is not None))
    rows = model.restriction_report(env.store(), first, last)
    emit(rows, fmt, output, ("unit", "week", "capacity", "threat", "tbp_choice", "total"))


@capacity.command("scenario")
@click.option("--from", "start", type=TIME, help=_("From (default: now)."))
@click.option("--to", "end", type=TIME, help=_("Until (default: seven days after --from)."))
@click.option(
    "--change",
    "changes",
    multiple=True,
    metavar="KIND:ARGS",
    help=_(
        "A change; repeat to combine: lend:N:FROM:TO, add-officers:N:UNIT[:Q+Q], "
        "add-fte:F:UNIT, remove-officers:N:UNIT, add-persons:N:LEVEL[:UNIT]."
    ),
)
@click.option("--add-persons", type=COUNT, help=_("Add N protected persons (with --level)."))
@click.option(
    "--level",
    type=WholeParam(0, MAX_LEVEL, digits_only=True),
    help=_("Threat level of the added persons."),
)
@click.option("--add-officers", type=COUNT, help=_("Add N officers (five day shifts a week)."))
@click.option(
    "--add-fte",
    type=TenthsParam(model.MIN_FTE, model.MAX_SCENARIO_COUNT),
    help=_("Add FTE (0.5 to 1,000; whole officers, half up: 0.5 is one officer)."),
)
@click.option("--remove-officers", type=COUNT, help=_("Remove N officers."))
@click.option("--lend", type=COUNT, help=_("Lend N officers from --unit to --to-unit."))
@click.option("--unit", help=_("The unit the change concerns (the default unit of --change)."))
@click.option("--to-unit", help=_("The receiving unit (with --lend)."))
@click.option(
    "--qualification",
    "qualifications",
    multiple=True,
    help=_("Qualifications of added officers (default: those the unit is short of)."),
)
@output_options
@pass_env
def scenario(
    env: Env,
    start: datetime | None,
    end: datetime | None,
    changes: tuple[str, ...],
    add_persons: int | None,
    level: int | None,
    add_officers: int | None,
    add_fte: Decimal | None,
    remove_officers: int | None,
    lend: int | None,
    unit: str | None,
    to_unit: str | None,
    qualifications: tuple[str, ...],
    fmt: str,
    output: str | None,
) -> None:
    """What-if: the projected shortfall against the baseline, per unit, with the officers lent
    in and out (lending picks only officers the lending unit can spare: those who reduce the
    two units' shortfall together). Writes nothing."""
    single = _SingleChanges(add_persons, level, add_officers, add_fte, remove_officers, lend)
    wanted = _changes(changes, single, unit, to_unit, qualifications)
    first, last = _window(env, start, end)
    rows = model.run_scenario(env.store(), wanted, first, last)
    _tell_lent(rows, wanted)
    emit([_scenario_row(r) for r in rows], fmt, output, SCENARIO_COLUMNS)


SCENARIO_COLUMNS = (
    "unit",
    "baseline_shortfall_hours",
    "scenario_shortfall_hours",
    "change_hours",
    "lent_in",
    "lent_out",
)


class _SingleChanges(NamedTuple):
    """The options that each describe one change of the unit named by --unit."""

    add_persons: int | None
    level: int | None
    add_officers: int | None
    add_fte: Decimal | None
    remove_officers: int | None
    lend: int | None


def _changes(
    texts: tuple[str, ...],
    single: _SingleChanges,
    unit: str | None,
    to_unit: str | None,
    qualifications: tuple[str, ...],
) -> list[model.Change]:
    """The scenario's changes: each --change, then those of the single options (--unit).
    Spaces around a code are dropped, as everywhere else (rev14m F6)."""
    unit, to_unit = (unit.strip() if unit else unit), (to_unit.strip() if to_unit else to_unit)
    qualifications = tuple(q.strip() for q in qualifications)
    wanted = [model.Change.parse(text, unit) for text in texts]
    given = (single.add_persons, single.add_officers, single.add_fte)
    for option, value, needs, by in (  # an option that only qualifies a change it lacks
        ("--to-unit", to_unit, "--lend", single.lend),
        ("--level", single.level, "--add-persons", single.add_persons),
        ("--qualification", qualifications, "--add-officers or --add-fte", given[1] or given[2]),
    ):
        if value not in (None, ()) and not by:
            raise BadInput(code="option_without_change", option=option, needs=needs)
    if any((*given, single.remove_officers, single.lend)) and not unit:
        raise BadInput(code="change_needs_unit")
    home = (unit or "").upper()
    if single.add_persons:
        wanted.append(model.Change("add_persons", single.add_persons, home, level=single.level))
    if single.add_officers or single.add_fte:
        count = (single.add_officers or 0) + model.fte_officers(single.add_fte or 0)
        wanted.append(model.Change("add_officers", count, home, qualifications=qualifications))
    if single.remove_officers:
        wanted.append(model.Change("remove_officers", single.remove_officers, home))
    if single.lend:
        receiver = to_unit.upper() if to_unit else None
        wanted.append(model.Change("lend", single.lend, home, to_unit=receiver))
    if not wanted:
        raise BadInput(code="no_scenario_change")
    return wanted


def _tell_lent(rows: list[model.ScenarioRow], wanted: list[model.Change]) -> None:
    """On stderr: who is lent to whom, and where fewer officers are lent than asked (only
    those the lending unit can spare)."""
    for row in rows:
        if row.lent_in:
            info(
                _("Lent to {unit}: {officers}.").format(
                    unit=row.unit, officers=", ".join(row.lent_in)
                )
            )
    asked: dict[str, tuple[int, list[str]]] = {}  # a unit named in several lends: once
    for change in wanted:
        if change.kind == "lend":
            count, to_units = asked.get(change.unit, (0, []))
            asked[change.unit] = (count + change.count, [*to_units, str(change.to_unit)])
    for unit, (count, to_units) in asked.items():
        given = sum(len(r.lent_out) for r in rows if r.unit == unit)
        on_duty = sum(r.on_duty for r in rows if r.unit == unit)
        to = ", ".join(dict.fromkeys(to_units))
        if given == 0:
            info(
                _(
                    "No officer of {unit} would reduce {to}'s shortfall more than {unit}'s "
                    "would grow without them; nobody is lent."
                ).format(unit=unit, to=to)
            )
        elif given < count:  # why fewer: how many are on duty, and how many of them help
            info(
                _(
                    "{count} officers of {unit} were asked for; {unit} has {on_duty} on duty "
                    "in the period, and only {given} of them would reduce {to}'s shortfall "
                    "more than {unit}'s would grow without them (the others hold no "
                    "qualification {to} is short of then, or {unit} needs them more); only "
                    "they are lent."
                ).format(given=given, count=count, unit=unit, to=to, on_duty=on_duty)
            )


def _scenario_row(row: model.ScenarioRow) -> dict[str, Any]:
    """One unit's row of the scenario's output."""
    return {
        "unit": row.unit,
        "baseline_shortfall_hours": row.baseline_shortfall_hours,
        "scenario_shortfall_hours": row.scenario_shortfall_hours,
        "change_hours": row.change_hours,
        "lent_in": list(row.lent_in),
        "lent_out": list(row.lent_out),
    }


COMMANDS = [capacity]
