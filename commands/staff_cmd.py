"""``staff add|list|qualify``: officers on the roster and users of the console."""

from __future__ import annotations

from typing import Any

import click

from store.access import ROLES
from store.staff import Staff, add_staff, list_staff, parse_qualification, set_qualification

from .context import Env, pass_env
from .output import created, emit, info, output_options


def staff_dict(staff: Staff) -> dict[str, Any]:
    return {
        "callsign": staff.callsign,
        "name": staff.name,
        "unit": staff.unit,
        "role": staff.role,
        "qualifications": [
            {"code": q.code, "valid_until": q.valid_until.isoformat() if q.valid_until else None}
            for q in staff.qualifications
        ],
    }


@click.group()
def staff() -> None:
    """People: officers on the roster and users of the console."""


@staff.command("add")
@click.argument("callsign")
@click.option("--name", default="")
@click.option("--unit", required=True)
@click.option("--role", type=click.Choice(ROLES), default="operator", show_default=True)
@click.option(
    "--qualification",
    "qualifications",
    multiple=True,
    help="A qualification, optionally with its last valid day: CODE[:YYYY-MM-DD].",
)
@pass_env
def staff_add(
    env: Env, callsign: str, name: str, unit: str, role: str, qualifications: tuple[str, ...]
) -> None:
    """Add a person."""
    person = add_staff(
        env.store(),
        callsign,
        unit=unit,
        role=role,
        name=name,
        qualifications=[parse_qualification(q) for q in qualifications],
    )
    created(person.id, f"Added {person.callsign} ({person.role}, {person.unit}).")


@staff.command("list")
@click.option("--unit")
@click.option("--role", type=click.Choice(ROLES))
@output_options
@pass_env
def staff_list(env: Env, unit: str | None, role: str | None, fmt: str, output: str | None) -> None:
    """List people with their unit, role and qualifications."""
    rows = [staff_dict(s) for s in list_staff(env.store(), unit=unit, role=role)]
    emit(rows, fmt, output, ("callsign", "name", "unit", "role", "qualifications"))


@staff.command("qualify")
@click.argument("callsign")
@click.argument("qualification")
@pass_env
def staff_qualify(env: Env, callsign: str, qualification: str) -> None:
    """Give a person a qualification or record its last valid day: CODE[:YYYY-MM-DD].

    A lapse recorded after a deployment does not undo it; `gaps --violations` lists the
    deployments it leaves without a valid qualification (rule R8).
    """
    code, until = parse_qualification(qualification)
    person = set_qualification(env.store(), callsign, code, until)
    info(
        f"{person.callsign}: {code} valid "
        + (f"through {until.isoformat()}." if until else "without an end date.")
    )


COMMANDS = [staff]
