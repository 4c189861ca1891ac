"""``staff add|list|qualify|role|secret``: officers on the roster and users of the console,
their qualifications and roles, and their secrets on this laptop."""

from __future__ import annotations

from typing import Any

import click

from store import access
from store.access import ROLES
from store.errors import BadInput
from store.proof import has_secret
from store.staff import (
    Staff,
    add_staff,
    list_staff,
    normalise_callsign,
    parse_qualification,
    set_qualification,
    set_role,
    set_secret,
)
from words import _
from words import access as access_words

from .context import Env, ask_secret, new_secret, pass_env
from .output import created, creating, emit, info, output_options


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
    help=_("A qualification, optionally with its last valid day: CODE[:YYYY-MM-DD]."),
)
@pass_env
def staff_add(
    env: Env, callsign: str, name: str, unit: str, role: str, qualifications: tuple[str, ...]
) -> None:
    """Add a person, with their first secret on this laptop from SCHILDWACHT_NEW_SECRET (or asked
    twice on a terminal). Without one they cannot act here until `staff secret` sets it."""
    store = env.store()
    access.require(store.actor, "staff.write")  # before asking anyone for a secret
    secret = new_secret(normalise_callsign(callsign), optional=True)
    with creating(store):
        person = add_staff(
            store,
            callsign,
            unit=unit,
            role=role,
            name=name,
            qualifications=[parse_qualification(q) for q in qualifications],
            secret=secret,
        )
    said = (
        _("Added {callsign} ({role}, {unit}).")
        if secret
        else _(
            "Added {callsign} ({role}, {unit}); no secret yet, so nobody can act as {callsign} "
            "here until `schildwacht staff secret {callsign}` sets one."
        )
    )
    created(
        person.id,
        said.format(
            callsign=person.callsign, role=access_words.role(person.role), unit=person.unit
        ),
    )


@staff.command("secret")
@click.argument("callsign", required=False)
@click.option(
    "--reset",
    is_flag=True,
    help=_("Replace a forgotten secret (needs staff rights; recorded as a reset)."),
)
@pass_env
def staff_secret(env: Env, callsign: str | None, reset: bool) -> None:
    """Set or change a secret on this laptop: your own, or CALLSIGN's.

    The old secret comes from SCHILDWACHT_SECRET and the new one from SCHILDWACHT_NEW_SECRET (or
    both are asked on a terminal). A person created on another laptop has no secret here yet:
    someone with staff rights (planner, shift leader, admin) sets a first one in their presence.
    """
    store = env.store()
    target = normalise_callsign(callsign) if callsign else store.actor.callsign
    old = None
    if has_secret(store.conn, target) and not reset:
        old = ask_secret(target)
    new = new_secret(target, optional=False)
    if new is None:
        raise BadInput(code="new_secret_needed", callsign=target)
    action = set_secret(store, target, new, old=old, reset=reset)
    done = {
        "staff.secret_first": _("{callsign} has a secret on this laptop now."),
        "staff.secret_reset": _("{callsign}'s secret was reset; the reset is in the audit trail."),
        "staff.secret": _("{callsign}'s secret was changed."),
    }
    info(done[action].format(callsign=target))


@staff.command("role")
@click.argument("callsign")
@click.argument("role", type=click.Choice(ROLES))
@pass_env
def staff_role(env: Env, callsign: str, role: str) -> None:
    """Give a person another role (an admin's role only by an admin)."""
    with creating(env.store()):
        person = set_role(env.store(), callsign, role)
    created(
        person.id,
        _("{callsign} is now {role}.").format(
            callsign=person.callsign, role=access_words.role(person.role)
        ),
    )


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
    said = (
        _("{callsign}: {qualification} valid through {until}.")
        if until
        else _("{callsign}: {qualification} valid without an end date.")
    )
    info(
        said.format(
            callsign=person.callsign,
            qualification=code,
            until=until.isoformat() if until else "",
        )
    )


COMMANDS = [staff]
