"""``gaps``: where the roster falls short, and what breaks a rule.

Its own module so that a scripted ``gaps`` loads only the gap computation (see cli.py's lazy
table); the rules behind ``--violations`` are imported when asked for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import click

from store import gaps as gap_model
from store import machine
from store.errors import BadInput
from words import _, counts, ngettext

from .context import Env, pass_env
from .output import ExitCode, emit, info, output_options, quiet
from .params import DATE, TIME, checked_period, resolve_window
from .records import GAP_COLUMNS, gap_dicts


def _default_window(
    env: Env, day: date | None, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime]:
    first, last = resolve_window(env, day, start, end)
    first = first or env.command_clock().now()
    last = last or first + timedelta(hours=48)
    return checked_period(first, last, given=(start is not None, end is not None))


@click.command()
@click.option("--date", "day", type=DATE, help=_("One local day."))
@click.option("--from", "start", type=TIME, help=_("From (default: now)."))
@click.option("--to", "end", type=TIME, help=_("Until (default: 48 hours after --from)."))
@click.option("--unit", help=_("Only this unit (an unknown unit is an error, exit 2)."))
@click.option(
    "--fail-on-gap",
    is_flag=True,
    help=_(
        "Exit 3 when any row is listed (a gap; with --unplanned or --violations, one of those)."
    ),
)
@click.option(
    "--unplanned",
    is_flag=True,
    help=_("List activities with no concept instead (not with --violations)."),
)
@click.option(
    "--violations",
    is_flag=True,
    help=_("List deployments that break a rule instead (not with --unplanned)."),
)
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
    """Where the roster falls short, per unit and qualification (exact).

    --unplanned and --violations list instead the activities without a concept and the
    deployments that break a rule now (such as a qualification whose lapse was recorded after
    the deployment); --unit filters them too.
    """
    if unplanned and violations:  # two lists of other columns: never one shown, one dropped
        raise BadInput(code="gaps_unplanned_and_violations")
    store = env.store()
    store.refuse_damaged_tables(machine.GAP_TABLES)  # as the fast path (commands/fast.py)
    first, last = _default_window(env, day, start, end)
    if unplanned:
        from store.agenda import list_activities
        from store.clock import local_iso

        ids = gap_model.unplanned_activities(store, first, last, unit=unit)
        window = {a.id: a for a in list_activities(store, start=first, end=last)}  # one query
        rows = [
            {
                "id": i,
                "person": window[i].person,
                "title": window[i].title,
                "start": local_iso(window[i].start_at),
                "end": local_iso(window[i].end_at),
            }
            for i in ids
        ]
        emit(rows, fmt, output, ("id", "person", "title", "start", "end"))
        _fail_on(fail_on_gap, rows)
        return
    if violations:
        from store.staffing import deployment_violations  # only this listing needs the rules
        from words.deployments import phrase

        listed = [
            {**found, "problem": phrase(found["problem"])}
            for found in deployment_violations(store, first, last, unit=unit)
        ]
        emit(listed, fmt, output, ("activity", "callsign", "problem"))
        _fail_on(fail_on_gap, listed)
        return
    found = gap_model.find_gaps(store, first, last, unit=unit)
    emit(gap_dicts(found), fmt, output, GAP_COLUMNS)
    if not quiet():  # the counts are for the person: a script with --quiet does not wait for them
        unplanned_count = len(gap_model.unplanned_activities(store, first, last, unit=unit))
        posts = len(gap_model.posts_below_required(store, first, last, unit=unit))
        broken = 0
        if gap_model.any_deployed(store, first, last, unit=unit):
            from store.staffing import deployment_violations  # the rules, only when needed

            broken = len(deployment_violations(store, first, last, unit=unit))
        summary = counts.gaps_summary(len(found), unplanned_count)
        said = (
            ngettext(
                "{summary} (gaps --unplanned); {posts} standing post below the required level "
                "(re-plan it: post list --below, post assign).",
                "{summary} (gaps --unplanned); {posts} standing posts below the required level "
                "(re-plan them: post list --below, post assign).",
                posts,
            )
            if posts
            else _("{summary} (gaps --unplanned).")
        )
        # a deployment that breaks a rule (a lapse recorded later, R8) is not a gap: named
        # here so "0 gaps" is never the whole story; --fail-on-gap still means gaps
        said = said[:-1] + "{broken}." if broken else said
        info(said.format(summary=summary, posts=posts, broken=counts.broken_deployments(broken)))
    _fail_on(fail_on_gap, found)


def _fail_on(fail_on_gap: bool, rows: list[Any]) -> None:
    """--fail-on-gap: exit 3 when any row is listed (gaps, unplanned activities, violations)."""
    if fail_on_gap and rows:
        raise click.exceptions.Exit(ExitCode.FOUND)


COMMANDS = [gaps]
