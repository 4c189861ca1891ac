"""``handover draft|sign|accept|list|show``: the ISBAR shift handover."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from store import handover as model
from store.clock import local_iso
from store.db import short_id
from store.errors import BadInput
from store.signers import Signers
from words import _
from words.handover import handover_json, handover_markdown, item_text, signature_of

from .context import Env, pass_env
from .output import created, creating, emit, info, output_options, printed, write_text
from .params import TIME, checked_period


def _period(
    start: datetime | None, end: datetime | None
) -> tuple[datetime | None, datetime | None]:
    if (start is None) != (end is None):
        raise BadInput(code="handover_period_half")
    if start is not None and end is not None:
        checked_period(start, end)
    return start, end


def _emit_content(
    content: dict[str, Any],
    facts: dict[str, Any],
    fmt: str,
    output: str | None,
    record: model.HandoverRecord | None = None,
) -> None:
    """A handover in ``fmt``: its JSON as signed (``content``) for scripts, worded from its
    facts (``facts``: the same handover, times as datetimes)."""
    if fmt == "md":
        write_text(handover_markdown(facts, _signature(record)), output)
    elif fmt == "json":
        document = handover_json(content, facts)
        emit(
            document if record is None else {**document, "handover": _record_dict(record)},
            fmt,
            output,
        )
    else:
        rows = [
            {
                "section": name,
                "kind": item["kind"],
                "count": item["count"],
                "text": item_text(name, item),
            }
            for name in model.SECTIONS
            for item in facts[name]
        ]
        emit(rows, fmt, output, ("section", "kind", "count", "text"))


def _signature(record: model.HandoverRecord | None) -> str | None:
    return None if record is None else signature_of(record)


def _record_dict(record: model.HandoverRecord, signers: Signers | None = None) -> dict[str, Any]:
    """The record's fields; with ``signers``, a person who signed or accepted it on another
    laptop than their own is shown "X via LAPTOP" (README: the laptop's signature shows in
    every listing)."""
    signed_by, accepted_by = record.signed_by, record.accepted_by
    if signers is not None:
        signed_by = signers.shown(signed_by, record.device)
        if accepted_by is not None:
            accepted_by = signers.shown(accepted_by, record.accepted_device)
    return {
        "id": record.id,
        "period_start": local_iso(record.period_start),
        "period_end": local_iso(record.period_end),
        "signed_at": local_iso(record.signed_at),
        "signed_by": signed_by,
        "sha256": record.content_hash,
        "accepted_at": local_iso(record.accepted_at),
        "accepted_by": accepted_by,
        "questions": record.questions,
        "notes": record.notes,
        "supersedes": record.supersedes,
        "supersede_reason": record.supersede_reason,
        "superseded_by": record.superseded_by,
        "superseded_reason": record.superseded_reason,
        "overlaps": list(record.overlaps),
        "withdrawn_at": local_iso(record.withdrawn_at),
        "withdrawn_by": record.withdrawn_by,
        "withdrawn_reason": record.withdrawn_reason,
    }


@click.group()
def handover() -> None:
    """Shift handover (ISBAR): draft, sign (outgoing), accept (incoming)."""


@handover.command("draft")
@click.option("--from", "start", type=TIME, help=_("Period start (default: the shift now ending)."))
@click.option("--to", "end", type=TIME)
@output_options
@pass_env
def handover_draft(
    env: Env, start: datetime | None, end: datetime | None, fmt: str, output: str | None
) -> None:
    """The handover as drawn from the database now; --format md for the document."""
    first, last = _period(start, end)
    draft = model.draft_handover(env.store(), first, last)
    _emit_content(model.handover_content(draft), model.handover_facts(draft), fmt, output)


@handover.command("sign")
@click.option("--from", "start", type=TIME)
@click.option("--to", "end", type=TIME)
@click.option("--note", default="", help=_("The outgoing leader's notes."))
@click.option(
    "--supersedes", metavar="ID", help=_("The signed handover of this period it replaces.")
)
@click.option("--reason", default="", help=_("Why it replaces that handover (with --supersedes)."))
@pass_env
def handover_sign(
    env: Env,
    start: datetime | None,
    end: datetime | None,
    note: str,
    supersedes: str | None,
    reason: str,
) -> None:
    """Freeze and sign the handover (outgoing shift leader); a period is signed once, a later
    signature supersedes the earlier one with a reason."""
    first, last = _period(start, end)
    if reason and not supersedes:
        raise BadInput(code="reason_without_supersedes")
    with creating(env.store()):
        record = model.sign_handover(
            env.store(), first, last, note, supersedes=supersedes, reason=reason
        )
    created(
        record.id,
        _("Handover signed by {signer} (sha256 {hash}…).").format(
            signer=record.signed_by, hash=record.content_hash[:12]
        ),
    )


@handover.command("accept")
@click.argument("handover_id")
@click.option("--note", "questions", default="", help=_("Questions for the outgoing leader."))
@pass_env
def handover_accept(env: Env, handover_id: str, questions: str) -> None:
    """Accept a signed handover (a different shift leader)."""
    with creating(env.store()):
        record = model.accept_handover(env.store(), handover_id, questions)
    info(_("Handover accepted by {person}.").format(person=record.accepted_by))
    printed(record.id)


@handover.command("withdraw")
@click.argument("handover_id")
@click.option("--reason", required=True, help=_("Why the signed handover is withdrawn."))
@pass_env
def handover_withdraw(env: Env, handover_id: str, reason: str) -> None:
    """Withdraw a signed handover (its signer, or an admin): it stays recorded, no longer in
    force (it overlaps nothing; its period may be signed again)."""
    with creating(env.store()):
        record = model.withdraw_handover(env.store(), handover_id, reason)
    name = short_id(env.store(), "handover", record.id)
    info(
        _("Handover {handover} withdrawn by {person}.").format(
            handover=name, person=record.withdrawn_by
        )
    )
    printed(record.id)


@handover.command("list")
@output_options
@pass_env
def handover_list(env: Env, fmt: str, output: str | None) -> None:
    """Signed handovers, newest first."""
    store = env.store()
    signers = Signers(store)
    rows = [_record_dict(r, signers) for r in model.list_handovers(store)]
    emit(
        rows,
        fmt,
        output,
        (
            "id",
            "period_start",
            "period_end",
            "signed_by",
            "signed_at",
            "accepted_by",
            "accepted_at",
            "superseded_by",
            "withdrawn_by",
            "overlaps",
        ),
    )


@handover.command("show")
@click.argument("handover_id")
@output_options
@pass_env
def handover_show(env: Env, handover_id: str, fmt: str, output: str | None) -> None:
    """One signed handover, as frozen."""
    record = model.get_handover(env.store(), handover_id)
    _emit_content(record.content, model.read_content(record.content), fmt, output, record)


COMMANDS = [handover]
