"""``decision add|list`` (the work-process ledger), ``audit list|verify`` and ``backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from store import audit, decisions, machine, witness
from store.clock import local_iso
from store.db import backup_database, is_encrypted
from store.errors import IntegrityFailure
from store.signers import Signers
from store.validate import shown, visible
from words import _

from .context import Env, pass_env
from .output import created, creating, emit, info, output_options
from .params import OutputPath, WholeParam

DECISION_COLUMNS = (
    "id",
    "person",
    "step",
    "rationale",
    "authority",
    "document",
    "adopted_at",
    "adopted_by",
    "tailored",
    "supersedes",
)


def decision_dict(record: decisions.Decision) -> dict[str, Any]:
    return {
        "id": record.id,
        "person": record.person,
        "step": record.step,
        "rationale": record.rationale,
        "authority": record.authority,
        "document": record.document,
        "adopted_at": local_iso(record.adopted_at),
        "adopted_by": record.adopted_by,
        "tailored": record.tailored,
        "supersedes": record.supersedes,
        "superseded_by": record.superseded_by,
    }


@click.group()
def decision() -> None:
    """The integrated work process: decision, execution, monitoring (R6)."""


@decision.command("add")
@click.option("--person", required=True, help=_("Code name of the protected subject."))
@click.option("--step", type=click.Choice(decisions.STEPS), required=True)
@click.option("--rationale", required=True, help=_("Why (required, R6)."))
@click.option(
    "--authority",
    required=True,
    help=_("nctv (national domain), prosecutor or mayor (local), e.g. mayor:Havenstad."),
)
@click.option("--document", required=True, help=_("The document reference."))
@click.option("--tailored", help=_("A tailored exception (maatwerk), with its reason."))
@click.option("--supersedes", help=_("Id of the record this one corrects."))
@pass_env
def decision_add(
    env: Env,
    person: str,
    step: str,
    rationale: str,
    authority: str,
    document: str,
    tailored: str | None,
    supersedes: str | None,
) -> None:
    """Adopt a work-process record (authority only); records are never edited."""
    with creating(env.store()):
        record = decisions.add_decision(
            env.store(),
            person=person,
            step=step,
            rationale=rationale,
            authority=authority,
            document=document,
            tailored=tailored,
            supersedes=supersedes,
        )
    created(
        record.id,
        _("{step} for {person} adopted ({authority}, {document}).").format(
            step=record.step.capitalize(),
            person=record.person,
            authority=record.authority,
            document=record.document,
        ),
    )


@decision.command("list")
@click.option("--person")
@output_options
@pass_env
def decision_list(env: Env, person: str | None, fmt: str, output: str | None) -> None:
    """The ledger, oldest first."""
    rows = [decision_dict(d) for d in decisions.list_decisions(env.store(), person=person)]
    emit(rows, fmt, output, DECISION_COLUMNS)


@click.group(name="audit")
def audit_group() -> None:
    """The tamper-evident audit trail (R9)."""


#: How much of an event's detail a table shows (newcomer12: the demo's generation event put
#: thousands of characters in one cell); csv, json and md carry it whole.
_TABLE_DETAIL = 80


def _short(detail: str) -> str:
    return detail if len(detail) <= _TABLE_DETAIL else detail[: _TABLE_DETAIL - 1] + "…"


@audit_group.command("list")
@click.option("--limit", type=WholeParam(1, audit.MAX_LIST), default=50, show_default=True)
@click.option("--action", help=_("Only these actions, e.g. 'activity.*'."))
@output_options
@pass_env
def audit_list(env: Env, limit: int, action: str | None, fmt: str, output: str | None) -> None:
    """The newest audit events."""
    store = env.store()
    signers = Signers(store)
    rows = [
        {
            "seq": e.seq,
            "at": local_iso(e.at),
            "actor": signers.shown(e.actor, e.device),
            "device": e.device,
            "action": e.action,
            "target": e.target,
            "detail": _("withheld (need to know)")
            if e.withheld
            else e.detail
            if fmt != "table"
            else _short(e.detail),
        }
        for e in audit.list_audit(store, limit=limit, action=action)
    ]
    emit(rows, fmt, output, ("seq", "at", "actor", "action", "target", "detail"))


@audit_group.command("verify")
@pass_env
def audit_verify(env: Env) -> None:
    """Walk the hash chain and check it against every head of it that a peer or a signed handover
    witnessed; exit 5 naming the first broken link, cut or rewrite."""
    store = env.store()
    count = audit.verify_audit(store)
    heads = witness.witnessed_count(store)
    said = (
        _(
            "Audit chain intact: {count} events verified, and against {heads} heads witnessed "
            "by peers."
        )
        if heads
        else _("Audit chain intact: {count} events verified; no peer has witnessed its head yet.")
    )
    info(said.format(count=count, heads=heads))
    click.echo(count)


@click.command()
@click.argument("file", type=OutputPath("the backup"))
@pass_env
def backup(env: Env, file: Path) -> None:
    """A consistent copy of the database (encrypted like it); safe while the console runs."""
    try:
        store = env.store()
    except IntegrityFailure as refusal:  # damaged so that it does not open: say how to recover
        if refusal.code != "database_damaged":
            raise
        facts = {k: v for k, v in refusal.params.items() if k != "place"}
        if is_encrypted(env.db_path):  # no .recover reads it (rev14q)
            facts["encrypted"] = True
        where = shown(str(env.db_path), limit=machine.PATH_SHOWN)
        raise IntegrityFailure(code="backup_of_damaged", where=where, **facts) from None
    written = backup_database(store, file)
    info(
        _(
            "Backup written to {file} (SQLite's integrity check found no damage in the database, "
            "and every stored text is valid UTF-8)."
        ).format(file=written)
    )
    click.echo(visible(str(written)))


COMMANDS = [decision, audit_group, backup]
