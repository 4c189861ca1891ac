"""``care record|list|history``: psychosocial care of the protected person and their household
(issue 20): per member the care modules of the package, each status with its day and who
recorded it. Not the content of care."""

from __future__ import annotations

from typing import Any

import click

from store import care
from store.clock import local_iso
from words import _
from words.care import STATUSES

from .context import Env, pass_env
from .output import created, creating, emit, output_options
from .params import DATE

CARE_COLUMNS = (
    "member",
    "relation",
    "module",
    "status",
    "offered",
    "accepted",
    "declined",
    "ended",
    "in_package",
)
HISTORY_COLUMNS = ("id", "member", "module", "status", "on", "note", "recorded_at", "recorded_by")


@click.group(name="care")
def care_group() -> None:
    """Psychosocial care of the protected person and their household (shift leaders, planners,
    admins): which module of the package is offered, accepted, declined or ended, and when."""


@care_group.command("record")
@click.argument("code")
@click.option("--member", required=True, help=_("self, or a member's code (MEREL-P1)."))
@click.option(
    "--module",
    required=True,
    help=_("The care module: its name, or a part naming one (partner, children, relocation)."),
)
@click.option("--status", type=click.Choice(care.STATUSES), required=True)
@click.option("--on", "on", type=DATE, help=_("The day it took effect (default: today)."))
@click.option("--note", default="", help=_("A short note (no content of care)."))
@pass_env
def care_record(
    env: Env, code: str, member: str, module: str, status: str, on: Any, note: str
) -> None:
    """Record a status of a care module for a member; the history is kept, never overwritten."""
    store = env.store()
    with creating(store):
        record = care.record_care(
            store, code, member=member, module=module, status=status, on=on, note=note
        )
    created(
        record.id,
        _("{module} for {member}: {status} on {on}.").format(
            module=record.module,
            member=record.member,
            status=STATUSES.get(record.status, record.status),
            on=record.on.isoformat(),
        ),
    )


@care_group.command("list")
@click.argument("code")
@output_options
@pass_env
def care_list(env: Env, code: str, fmt: str, output: str | None) -> None:
    """Per member and module of the package: the current status and the day of each step."""
    rows = [
        {
            "member": s.member,
            "relation": s.relation,
            "module": s.module,
            "status": s.status or "not_offered",
            **{
                step: (s.days[step].isoformat() if step in s.days else None)
                for step in care.STATUSES
            },
            "in_package": s.in_package,
        }
        for s in care.care_overview(env.store(), code)
    ]
    emit(rows, fmt, output, CARE_COLUMNS)


@care_group.command("history")
@click.argument("code")
@output_options
@pass_env
def care_history(env: Env, code: str, fmt: str, output: str | None) -> None:
    """Every care record of the person and their household, oldest day first."""
    rows = [
        {
            "id": r.id,
            "member": r.member,
            "module": r.module,
            "status": r.status,
            "on": r.on.isoformat(),
            "note": r.note,
            "recorded_at": local_iso(r.recorded_at),
            "recorded_by": r.recorded_by,
        }
        for r in care.care_history(env.store(), code)
    ]
    emit(rows, fmt, output, HISTORY_COLUMNS)


COMMANDS = [care_group]
