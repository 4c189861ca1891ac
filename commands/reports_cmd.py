"""``capacity reinforcements``: the letter's table of capacity reinforcements, with totals."""

from __future__ import annotations

import click

from store.catalogue import list_reinforcements, reinforcement_totals

from .context import Env, pass_env
from .output import emit, output_options


@click.group()
def capacity() -> None:
    """Capacity: supply against demand, and the letter's reinforcements."""


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


COMMANDS = [capacity]
