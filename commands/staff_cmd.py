"""``staff add|list|role``: officers on the roster and users of the console."""

from __future__ import annotations

from typing import Any

import click

from store.access import ROLES
from store.staff import Staff, add_staff, list_staff, parse_qualification, set_role

from .context import Env, pass_env
from .output import created, emit, output_options


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


@staff.command("role")
@click.argument("callsign")
@click.argument("role", type=click.Choice(ROLES))
@pass_env
def staff_role(env: Env, callsign: str, role: str) -> None:
    """Give a person another role (an admin's role only by an admin)."""
    person = set_role(env.store(), callsign, role)
    created(person.id, f"{person.callsign} is now {person.role.replace('_', ' ')}.")


@staff.command("list")
@click.option("--unit")
@click.option("--role", type=click.Choice(ROLES))
@output_options
@pass_env
def staff_list(env: Env, unit: str | None, role: str | None, fmt: str, output: str | None) -> None:
    """List people with their unit, role and qualifications."""
    rows = [staff_dict(s) for s in list_staff(env.store(), unit=unit, role=role)]
    emit(rows, fmt, output, ("callsign", "name", "unit", "role", "qualifications"))


COMMANDS = [staff]
