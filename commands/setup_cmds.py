"""``init``, ``demo`` and ``db path|status``: creating and looking after the database."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from store.access import ROLES
from store.demo import SCALES, generate_demo
from store.errors import BadInput
from store.findings import own_stamps_ahead
from store.setup import init_database
from store.states import CatalogueState
from store.status import database_status
from store.validate import visible
from words import _, states
from words.findings import said as said_finding
from words.quarantine import said

from .context import Env, new_secret, on_terminal, pass_env
from .output import emit, info, output_options
from .params import InputPath, WholeParam


@click.command()
@click.option("--callsign", required=True, help=_("This device's operator, e.g. RT-0412."))
@click.option("--name", default="", help=_("The operator's name."))
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="admin",
    show_default=True,
    help=_("The operator's role."),
)
@click.option(
    "--unit",
    help=_(
        "The operator's unit code (default: the catalogue's national unit, DKDB in the "
        "shipped one)."
    ),
)
@click.option(
    "--catalogue",
    type=InputPath(),
    help=_("A catalogue TOML file instead of the shipped fictional one."),
)
@click.option(
    "--label",
    help=_("This laptop's name in the team roster (default: its host name, made a valid label)."),
)
@click.option(
    "--encrypt",
    is_flag=True,
    help=_("Encrypt the database (SQLCipher); passphrase from SCHILDWACHT_PASSPHRASE or asked."),
)
@pass_env
def init(
    env: Env,
    callsign: str,
    name: str,
    role: str,
    unit: str | None,
    catalogue: Path | None,
    label: str | None,
    encrypt: bool,
) -> None:
    """Create the database with the reference catalogue, this device and its operator.

    The operator's secret comes from SCHILDWACHT_NEW_SECRET, or is asked twice on a terminal."""
    from store.staff import normalise_callsign

    secret = new_secret(normalise_callsign(callsign), optional=False)
    if secret is None:
        raise BadInput(code="init_needs_secret")
    passphrase = None
    if encrypt and not env.passphrase and not on_terminal():
        raise BadInput(code="init_needs_passphrase")
    if encrypt:
        passphrase = env.passphrase or click.prompt(
            _("Passphrase for the new database"),
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
    store = init_database(
        env.db_path,
        callsign=callsign,
        name=name,
        role=role,
        unit=unit,
        catalogue=catalogue,
        clock=env.clock,
        passphrase=passphrase,
        device_label=label,
        secret=secret,
    )
    info(
        _("Created {path} for {callsign} ({role}).").format(
            path=store.path, callsign=store.actor.callsign, role=store.actor.role
        )
    )
    click.echo(store.device_id)
    store.close()


@click.command()
@click.option(
    "--seed",
    type=WholeParam(0, 2**63 - 1),
    default=7,
    show_default=True,
    help=_("Random seed; same seed, same data."),
)
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True)
@pass_env
def demo(env: Env, seed: int, scale: str) -> None:
    """Fill an empty database with a deterministic synthetic dataset (a week from today)."""
    store = env.store()
    quiet = bool(click.get_current_context().find_root().params.get("quiet"))
    with ExitStack() as stack:
        bars: list[Any] = []

        def progress(stage: str, done: int, total: int) -> None:
            # the bar starts with the work, after the store's checks: a refusal is one sentence
            if not bars:
                bar = click.progressbar(
                    length=5, label=_("Building demo data"), file=sys.stderr, hidden=quiet
                )
                bars.append(stack.enter_context(bar))
            bars[0].update(done - bars[0].pos)

        summary = generate_demo(store, seed=seed, scale=scale, progress=progress)
    info(
        _(
            "Demo data ({scale}, seed {seed}) from {start}: {subjects} subjects, {officers} "
            "officers, {activities} activities, {shifts} shifts, {signals} signals, {entries} "
            "log entries."
        ).format(
            scale=scale,
            seed=seed,
            start=summary.start,
            subjects=summary.subjects,
            officers=summary.officers,
            activities=summary.activities,
            shifts=summary.shifts,
            signals=summary.signals,
            entries=summary.log_entries,
        )
    )


@click.group()
def db() -> None:
    """Where the database is and what it holds."""


@db.command("path")
@pass_env
def db_path(env: Env) -> None:
    """Print the database path (it need not exist yet)."""
    click.echo(visible(str(env.db_path)))


@db.command("rekey")
@pass_env
def db_rekey(env: Env) -> None:
    """Change the passphrase (new one from SCHILDWACHT_NEW_PASSPHRASE, or asked)."""
    import os

    from store.db import rekey_database

    store = env.store()
    if store.passphrase is None:
        rekey_database(store, "")  # refuses a plain database before asking for anything
    if not os.environ.get("SCHILDWACHT_NEW_PASSPHRASE") and not on_terminal():
        raise BadInput(code="rekey_needs_passphrase")
    new = os.environ.get("SCHILDWACHT_NEW_PASSPHRASE") or click.prompt(
        _("New passphrase"), hide_input=True, confirmation_prompt=True, err=True
    )
    rekey_database(store, new)
    info(_("Passphrase changed."))


@db.command("repair")
@output_options
@pass_env
def db_repair(env: Env, fmt: str, output: str | None) -> None:
    """Restore the database's guards (R1, append-only, audit and sync capture triggers, the views
    they read) after a tool dropped or altered them, and capture every change made while
    capture was missing, so it still reaches the other laptops. Records of the change log no
    Schildwacht wrote are set aside and named; what they held is kept in the audit trail.
    With --format json, what was done as JSON on stdout."""
    from store.sync import exchange
    from words import repair

    store = env.open(repair=True)
    done = store.repaired
    try:  # what the judge finds no store could write, among its own records not yet sent
        later = [s.as_dict() for s in exchange.set_aside_unsendable(store)]
    finally:
        store.close()
    kept = [*done.get("set_aside_kept", []), *later]
    done["set_aside"] = done.get("set_aside", 0) + len(later)
    if done.get("reindexed"):
        info(
            _(
                "SQLite's integrity check found an index that did not match its table: every "
                "index was rebuilt from its table, and the check finds nothing now."
            )
        )
    info(
        _(
            "SQLite's integrity check found no damage in the database file, and every stored "
            "text is valid UTF-8. Guards and capture "
            "triggers in place. Changes made while capture was missing are in the change log "
            "now and go out with the next `sync export`."
        )
    )
    if done.get("rebuilt"):
        info(repair.rebuilt(done["rebuilt"]))
    if done.get("malformed_queue"):
        info(repair.removed_queue(done["malformed_queue"]))
    if done.get("counts_restored"):
        info(repair.counts_restored(done["counts_restored"]))
    if done["set_aside"]:
        info(repair.set_aside_sentence(kept, done["set_aside"]))
    if done.get("unrepaired"):
        info(repair.unrepaired(done["unrepaired"]))
    state = CatalogueState.read(done.get("catalogue"))
    if state is not None and state is not CatalogueState.AS_MADE:
        info(_("Reference catalogue {state}.").format(state=states.catalogue(state)))
    for change in done.get("rederived", []):
        info(
            visible(
                _(
                    "Threat level of {subject} re-derived from its assessments: {was} → {now} "
                    "(rule R2)."
                ).format(
                    subject=change["subject"],
                    was=change["was"] if change["was"] is not None else "—",
                    now=change["now"] if change["now"] is not None else "—",
                )
            )
        )
    if fmt == "json":
        emit(repair.as_json(done, kept), fmt, output)
    elif kept or output:  # the records set aside, one row each (data: stdout or the file)
        rows = [
            {
                "records": repair.numbers(k),
                "table": k["table"],
                "why": repair.reason(k),
                "held": k["held"],
            }
            for k in kept
        ]
        emit(rows, fmt, output, ("records", "table", "why", "held"))


@db.command("status")
@output_options
@pass_env
def db_status(env: Env, fmt: str, output: str | None) -> None:
    """Schema version, size and record counts."""
    store = env.store()
    status = asdict(database_status(store))
    status["clock"] = states.CLOCK[status["clock"]]
    # this laptop's stamps ahead of its clock: how far, until when the others hold its changes,
    # what to do (the finding counted under ``findings`` too), next to the clock
    stamps = "; ".join(said_finding(f) for f in own_stamps_ahead(store))
    status = {k: v for key, value in status.items() for k, v in _with_stamps(key, value, stamps)}
    status["guards"] = states.GUARDS[status["guards"]]
    status["catalogue"] = states.CATALOGUE[status["catalogue"]]
    status["unsendable"] = [f"#{seq} ({said(why)})" for seq, why in status["unsendable"]]
    emit(status, fmt, output)


def _with_stamps(key: str, value: Any, stamps: str) -> list[tuple[str, Any]]:
    return [(key, value), ("stamps", stamps)] if key == "clock" else [(key, value)]


COMMANDS = [init, demo, db]
