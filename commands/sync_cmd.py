"""``sync export|import|status|conflicts|resolve``, ``team create|show|enroll|revoke`` and
``device request``: offline sync by exported files (SYNC.md).

Progress goes to stderr as a bar per stage; the receipt (per table: applied, already known,
deferred, in conflict, quarantined) goes to stdout in the chosen format, and the quarantined
changes are named on stderr. A refused bundle or a quarantined change exits 5 naming the check
or the rule; re-importing a bundle exits 0 and says "already applied".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from store import findings
from store.clock import local_iso, local_text
from store.errors import IntegrityFailure
from store.sync import apply, exchange, status
from store.sync import quarantine as kept
from store.sync import roster as rosters
from store.sync.keys import fingerprint
from store.sync.receipt import FAILED, Result
from store.validate import visible
from words import _, counts, ngettext
from words import access as access_words
from words.findings import said as said_finding
from words.quarantine import as_json as reason_json
from words.quarantine import said as said_reason
from words.receipts import STAGES, as_json, headline, joined, said

from .context import Env, pass_env
from .output import creating, emit, info, output_options, printed
from .params import InputPath, OutputPath, WholeParam

RECEIPT_COLUMNS = ("table", "applied", "already_known", "deferred", "in_conflict", "quarantined")
QUARANTINE_COLUMNS = (
    "device_label",
    "seq",
    "table",
    "field",
    "row",
    "actor",
    "rule",
    "reason",
    "branch",
)
#: Quarantined changes named one by one on stderr before "… N more".
SHOWN = 10
PEER_COLUMNS = (
    "device",
    "label",
    "role",
    "status",
    "last_sent",
    "last_received",
    "acknowledged",
    "not_acknowledged",
    "quarantined",
    "deferred",
    "warning",
)
CONFLICT_COLUMNS = ("id", "record", "field", "shown", "other", "devices", "detected_at")
DEVICE_COLUMNS = ("id", "label", "role", "status", "fingerprint", "enrolled_at")


class StageBars:
    """A progress bar on stderr per stage of an export or import (hidden with --quiet)."""

    def __init__(self) -> None:
        root = click.get_current_context().find_root()
        self.hidden = bool(root.params.get("quiet")) or not sys.stderr.isatty()
        self.stage = ""
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.hidden:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(
                length=max(total, 1),
                label=STAGES.get(stage, stage).ljust(10),
                file=sys.stderr,
            )
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


# sync ------------------------------------------------------------------------------------------


@click.group()
def sync() -> None:
    """Exchange signed, encrypted bundles with the team's other laptops."""


@sync.command("export")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("A shared sync folder: writes DIR/<this device's id>/<bundle>.swb."),
)
@click.option("--out", type=OutputPath("the bundle"), help=_("Write one bundle file."))
@pass_env
def sync_export(env: Env, folder: Path | None, out: Path | None) -> None:
    """Write everything the other devices have not acknowledged yet into a bundle."""
    bars = StageBars()
    try:
        done = exchange.export(env.store(), out=out, folder=folder, progress=bars)
    finally:
        bars.close()
    info(counts.bundle_written(done.changes, done.segments, done.recipients))
    for warning in done.warnings:
        info(f"! {visible(said(warning))}")
    click.echo(visible(str(done.path)))
    if done.malformed:
        raise IntegrityFailure(
            code="sent_malformed",
            count=len(done.malformed),
            records=[[seq, why] for seq, why in done.malformed[:3]],
        )


@sync.command("import")
@click.argument("source", type=InputPath(dir_okay=True))
@output_options
@pass_env
def sync_import(env: Env, source: Path, fmt: str, output: str | None) -> None:
    """Import a bundle file, or every other device's bundles in a sync folder; exits 5 when a
    file was refused or a change quarantined."""
    bars = StageBars()
    try:
        receipts = exchange.import_path(env.store(), source, progress=bars)
    finally:
        bars.close()
    labels = _labels(env.store())  # a refused file's sender is its folder: a device id
    for receipt in receipts:
        info(_receipt_sentence(receipt, labels), lines=True)
    if source.is_dir() and not receipts:  # where it looked, so an empty table is no riddle
        info(
            _(
                "No bundle from another device in {folder}: no .swb file in another device's "
                "folder ({folder}/<device>/, as `sync export --to` writes them) nor directly "
                "in it."
            ).format(folder=visible(str(source)))
        )
    if source.is_dir() and fmt == "json":
        emit([_receipt_json(r) for r in receipts], fmt, output)
    elif source.is_dir():  # one table for the folder: a row per bundle and table
        rows = [
            # a refused file's sender is its folder's name, a device id: its label instead
            {"from": labels.get(r.sender, r.sender), "result": r.result, **table}
            for r in receipts
            for table in (_table_rows(r) or [{"table": ""}])
        ]
        emit(rows, fmt, output, ("from", "result", *RECEIPT_COLUMNS))
    elif fmt == "json":
        emit(_receipt_json(receipts[0]), fmt, output)
    else:
        emit(_table_rows(receipts[0]), fmt, output, RECEIPT_COLUMNS)
    _fail_if_refused(receipts)


def _table_rows(receipt: exchange.Receipt) -> list[dict[str, Any]]:
    """A receipt's rows per table; when nothing was applied, deferred, in conflict or
    quarantined, one row for all of them (an operator's first folder import printed fourteen
    rows of zeros beside "already known"; fix17r). ``--format json`` keeps every table."""
    rows = receipt.tables()
    counted = ("applied", "deferred", "in_conflict", "quarantined")
    if len(rows) < 2 or any(row[key] for row in rows for key in counted):
        return rows
    known = sum(row["already_known"] for row in rows)
    every = ngettext("all {n} table", "all {n} tables", len(rows)).format(n=len(rows))
    return [{"table": every, **dict.fromkeys(counted, 0), "already_known": known}]


def _fail_if_refused(receipts: list[exchange.Receipt]) -> None:
    refused = [r for r in receipts if r.result in FAILED]
    quarantined = sum(len(r.quarantined) for r in receipts)
    set_aside = sum(len(r.set_aside) for r in receipts)
    alarms = sum(len(r.alarms) for r in receipts)
    over_limit = sum(len(r.over_limit) for r in receipts)
    if not (refused or quarantined or set_aside or alarms or over_limit):
        return
    if refused and all(r.result == Result.LEFT_OUT for r in refused) and not quarantined + alarms:
        raise IntegrityFailure(code="left_out_of_roster")
    facts = {
        "refused": len(refused),
        "files": len(receipts),
        "quarantined": quarantined,
        "set_aside": set_aside,
        "alarms": alarms,
        "over_limit": over_limit,
    }
    raise IntegrityFailure(code="import_not_clean", **facts)


def _receipt_json(receipt: exchange.Receipt) -> dict[str, Any]:
    """A receipt for a script: its warnings, alarms and gaps by stable code and params, each
    with its ``text`` in words."""
    found = receipt.as_dict()
    for key, notices in (
        ("gaps", receipt.gaps),
        ("warnings", receipt.warnings),
        ("alarms", receipt.alarms),
    ):
        found[key] = [as_json(n) for n in notices]
    found["quarantined"] = [  # by stable code and params, with the reason in words
        reason_json(q, receipt.labels.get(q.device, "")) for q in receipt.quarantined
    ]
    return found


def _receipt_sentence(receipt: exchange.Receipt, labels: dict[str, str]) -> str:
    head = headline(receipt, labels.get(receipt.sender, receipt.sender))
    if receipt.result == Result.LEFT_OUT:
        return head + "."
    if receipt.result in FAILED or receipt.result == Result.NOT_ADDRESSED:
        why = " ".join(said(n) for n in receipt.warnings)
        return f"{head}. {why}".strip()
    if receipt.result == Result.ALREADY_APPLIED:
        return _("{headline}; nothing changed.").format(headline=head)
    known, deferred = sum(receipt.skipped.values()), sum(receipt.deferred.values())
    conflicts, held = sum(receipt.conflicts.values()), len(receipt.quarantined)
    parts = [head, counts.changes(sum(receipt.applied.values()))]
    for count, words in (
        (known, ngettext("{n} already known", "{n} already known", known)),
        (deferred, ngettext("{n} deferred", "{n} deferred", deferred)),
        (conflicts, ngettext("{n} new conflict", "{n} new conflicts", conflicts)),
        (held, ngettext("{n} quarantined", "{n} quarantined", held)),
        (
            receipt.orphans,
            ngettext(
                "{n} row refers to a record deleted elsewhere",
                "{n} rows refer to records deleted elsewhere",
                receipt.orphans,
            ),
        ),
    ):
        if count:
            parts.append(words.format(n=count))
    return ", ".join(parts) + "." + _receipt_notes(receipt)


def _receipt_notes(receipt: exchange.Receipt) -> str:
    """The lines under a receipt's sentence: its quarantined changes, warnings and alarms."""
    text = ""
    for change in receipt.quarantined[:SHOWN]:
        text += "\n  ! " + quarantine_line(change, receipt.labels)
    if len(receipt.quarantined) > SHOWN:
        more = _("… {n} more: `schildwacht sync quarantine`")
        text += "\n  ! " + more.format(n=len(receipt.quarantined) - SHOWN)
    for note in [*receipt.gaps, *receipt.warnings]:
        text += f"\n  ! {visible(said(note))}"
    for alarm in receipt.alarms:
        text += f"\n  !! {visible(said(alarm))}"
    if receipt.joined:
        text += "\n" + _(
            "Joined team {team}; compare the admin key with the admin's screen."
        ).format(team=visible(receipt.joined))
    return text


def quarantine_line(change: kept.Quarantined, labels: dict[str, str]) -> str:
    """One quarantined change in words: which device, which number, which field, why."""
    device = visible(labels.get(change.device, change.device[:13]))
    field = (
        f"{change.table}.{change.field}"
        if change.field
        else _("{table} (a row)").format(table=change.table)
    )
    return _("quarantined {device} #{seq} {field} by {actor}: {why}").format(
        device=device,
        seq=change.seq,
        field=field,
        actor=visible(change.actor),
        why=said_reason(change.reason),
    )


@sync.command("quarantine")
@output_options
@pass_env
def sync_quarantine(env: Env, fmt: str, output: str | None) -> None:
    """Changes received from other laptops that broke the team's rules: never applied, kept,
    with their device, number, table, field and reason."""
    store = env.store()
    labels = _labels(store)
    rows = [
        {
            **reason_json(change, labels.get(change.device, "")),
            "noticed_at": local_iso(change.noticed_at),
        }
        for change in kept.quarantined(store)
    ]
    info(
        ngettext("{n} quarantined change.", "{n} quarantined changes.", len(rows)).format(
            n=len(rows)
        )
    )
    emit(rows, fmt, output, QUARANTINE_COLUMNS)


def _labels(store: Any) -> dict[str, str]:
    team = rosters.current(store)
    return {d["id"]: d["label"] for d in team.devices} if team else {}


@sync.command("status")
@output_options
@pass_env
def sync_status(env: Env, fmt: str, output: str | None) -> None:
    """Per peer: last sent and received, acknowledged and not yet acknowledged changes, clock
    warnings, and its changes quarantined or still waiting here."""
    store = env.store()
    known = status.peers(store)
    rows = [
        {
            "device": p.device,
            "label": p.label,
            "role": p.role,
            "status": p.status,
            "last_sent": local_iso(p.last_sent),
            "last_received": local_iso(p.last_received),
            "acknowledged": p.acknowledged,
            "not_acknowledged": p.not_acknowledged,
            "quarantined": p.quarantined,
            "deferred": p.deferred,
            "deferred_since": local_iso(p.deferred_since) if p.deferred_since else None,
            "warning": joined(p.warnings),
            "warnings": [as_json(n) for n in p.warnings],  # JSON: by stable code
            "refused_segments": [
                {
                    "number": r.number,
                    "first_seq": r.first_seq,
                    "last_seq": r.last_seq,
                    "code": r.code,
                    "reason": said(r.as_notice(p.label)),
                    "noticed_at": local_iso(r.noticed_at),
                }
                for r in p.refused_segments
            ],
        }
        for p in known
    ]
    sent = status.last_sent(store)
    # every line is read before the first is said: a database that fails half-way says only
    # its refusal, never a status line about what it could not read (rev14m F3)
    lines = [
        _("Last sent: {sent}; open conflicts: {open}.").format(
            sent=local_iso(sent) or _("never"), open=status.count_open(store)
        )
    ]
    for peer in known:  # a segment refused here: its laptop's later changes wait behind it
        lines += [f"! {said(refused.as_notice(peer.label))}" for refused in peer.refused_segments]
    lines += _status_quarantine(store)
    for finding in findings.open_findings(store):
        marker = "!!" if finding.kind == "witness" else "!"
        lines.append(f"{marker} {said_finding(finding)}")
    for line in lines:
        info(line)
    emit(rows, fmt, output, PEER_COLUMNS)


def _status_quarantine(store: Any) -> list[str]:
    """The lines naming the quarantined change sets and what waits, below the summary line."""
    labels = _labels(store)
    sets = kept.change_sets(store)
    lines = []
    if sets:
        changes = counts.changes(sum(len(s.changes) for s in sets))
        writes = ngettext("{n} write", "{n} writes", len(sets)).format(n=len(sets))
        head = _("Quarantined: {changes} in {writes}:")
        lines.append(head.format(changes=changes, writes=writes))
    for change_set in sets[:SHOWN]:
        first = change_set.changes[0]
        more = len(change_set.changes) - 1
        extra = " " + _("(+{n} more)").format(n=more) if more else ""
        lines.append(f"  ! {quarantine_line(first, labels)}{extra}")
    for waiting in kept.deferred(store):
        device = visible(labels.get(waiting.device, waiting.device[:13]))
        causes = counts.waiting_causes(waiting.kinds, device, local_iso(waiting.until) or "—")
        lines.append(
            _("{waiting} since {since}: {causes}.").format(
                waiting=counts.deferred_waiting(waiting.count, device),
                since=local_iso(waiting.since) or _("before this version"),
                causes=causes,
            )
        )
    return lines


def _shown(conflict: status.Conflict, value: Any) -> Any:
    """Times in Amsterdam local time, like everywhere else on the command line."""
    moment = conflict.moment(value)
    return value if moment is None else local_iso(moment)


def conflict_dict(conflict: status.Conflict) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "record": conflict.label,
        "table": conflict.table,
        "row_id": conflict.row_id,
        "field": conflict.column or "(exists)",
        "shown": _shown(conflict, conflict.heads[0].value),
        "other": _shown(conflict, conflict.heads[1].value),
        "values": [h.as_dict() for h in conflict.heads],
        "devices": [h.actor for h in conflict.heads],
        "detected_at": local_iso(conflict.detected_at),
        "resolved_at": local_iso(conflict.resolved_at),
        "resolved_by": conflict.resolved_by,
        "resolution": conflict.resolution,
    }


@sync.command("conflicts")
@click.option("--all", "everything", is_flag=True, help=_("Include resolved conflicts."))
@output_options
@pass_env
def sync_conflicts(env: Env, everything: bool, fmt: str, output: str | None) -> None:
    """Concurrent edits of critical fields, both values side by side, until resolved; a name
    given to two rows offline (a clash) is named below them."""
    store = env.store()
    found = status.list_conflicts(store, include_resolved=everything)
    columns = CONFLICT_COLUMNS + (("resolved_by", "resolution") if everything else ())
    clashes = findings.clashes(store)  # read before the table is written (rev14m F3)
    emit([conflict_dict(c) for c in found], fmt, output, columns)
    for clash in clashes:  # a name given to two rows offline: for a person
        info(f"! {said_finding(clash)}")


@sync.command("resolve")
@click.argument("conflict")
@click.option(
    "--choose",
    type=WholeParam(1, 1000),
    help=_("Keep value N (1 = the one shown, 2 = the other)."),
)
@click.option("--value", help=_("Enter another value instead."))
@pass_env
def sync_resolve(env: Env, conflict: str, choose: int | None, value: str | None) -> None:
    """Resolve a conflict; the choice syncs like any edit and closes it everywhere."""
    with creating(env.store()):
        done = status.resolve(env.store(), conflict, choose=choose, value=value)
    moment = done.moment(done.resolution)  # a time in Amsterdam time, as every sentence says it
    info(
        _("Conflict on {label} ({column}) resolved: {resolution}.").format(
            label=done.label,
            column=done.column,
            resolution=done.resolution if moment is None else local_text(moment),
        )
    )
    printed(done.id)


@sync.command("release")
@click.argument("device")
@click.argument("number", type=WholeParam(1, 2**62))
@pass_env
def sync_release(env: Env, device: str, number: int) -> None:
    """Release a change held as late for a role its author lost since (admin only)."""
    hold = status.release_late(env.store(), device, number)
    info(
        _(
            "Released the held change set from change {seq}; export now so every laptop "
            "judges it again."
        ).format(seq=hold.seq)
    )
    click.echo(hold.origin)


# team and device -------------------------------------------------------------------------------


@click.group()
def team() -> None:
    """The team roster: the devices that may read and send bundles."""


@team.command("create")
@click.option("--name", required=True, help=_("The team's name, e.g. 'DKDB Rotterdam'."))
@pass_env
def team_create(env: Env, name: str) -> None:
    """Make this device the admin of a new team (shift leader or admin)."""
    with creating(env.store()):
        roster = rosters.create_team(env.store(), name)
    info(
        _("Team {team} created; this device is its admin. Admin key: {key}.").format(
            team=roster.data["name"], key=rosters.admin_fingerprint(roster)
        )
    )
    printed(roster.data["team"])


@team.command("show")
@output_options
@pass_env
def team_show(env: Env, fmt: str, output: str | None) -> None:
    """The roster as this device last accepted it."""
    roster = rosters.require_team(env.store())
    info(
        _("Team {team}, roster version {version}, admin key {key}.").format(
            team=roster.data["name"],
            version=roster.version,
            key=rosters.admin_fingerprint(roster),
        )
    )
    rows = [
        {
            "id": d["id"],
            "label": d["label"],
            "role": d["role"],
            "status": d["status"],
            "fingerprint": fingerprint(d["sign"]),
            "enrolled_at": local_iso(rosters.enrolled_at(d)),
        }
        for d in roster.devices
    ]
    emit(rows, fmt, output, DEVICE_COLUMNS)


@team.command("enroll")
@click.argument("request", type=InputPath())
@click.option("--out", required=True, type=OutputPath("the welcome bundle"))
@click.option("--role", help=_("The device's role in the team (default: the one it asked for)."))
@click.option("--yes", is_flag=True, help=_("Skip the question (you compared the code already)."))
@pass_env
def team_enroll(env: Env, request: Path, out: Path, role: str | None, yes: bool) -> None:
    """Enrol a device from its request file and write its welcome bundle."""
    store = env.store()
    wanted = rosters.read_request(request)
    rosters.check_enrol(store, wanted, role)  # a refusal known now, before the codes are asked
    callsign, unit = wanted.data.get("callsign"), wanted.data.get("unit")
    who = (
        _("its operator {callsign}, {role} of unit {unit}").format(
            callsign=callsign, role=access_words.role(wanted.data["role"]), unit=unit
        )
        if callsign
        else _("as {role} (its request names no operator)").format(
            role=_role_words(wanted.data["role"])
        )
    )
    holder = rosters.callsign_holder(store, wanted)
    note = (
        "\n"
        + _(
            "The callsign {callsign} already belongs to {holder} on this laptop: once the "
            "laptop joins, its operator keeps it and that person is kept under another "
            "callsign (a clash to check)."
        ).format(callsign=callsign, holder=holder)
        if holder
        else ""
    )
    asks = visible(
        _(
            "Device {label} asks to join: {who}.\nAuthentication code: {code}\nCompare it with "
            "the code on the new device's screen."
        ).format(label=wanted.data["label"], who=who, code=wanted.code)
        + note,
        keep_newlines=True,
    )
    if not yes:  # the question needs the code first; with --yes a refusal stays one sentence
        click.echo(asks, err=True)
        if not click.confirm(_("Do the codes match?"), err=True):
            raise click.Abort()
    roster, done = exchange.enroll(store, wanted, role, out)
    if yes:
        click.echo(asks, err=True)
    info(
        _(
            "{label} enrolled (roster version {version}); welcome bundle written with "
            "{changes}. Admin key: {key}."
        ).format(
            label=wanted.data["label"],
            version=roster.version,
            changes=counts.changes(done.changes),
            key=rosters.admin_fingerprint(roster),
        )
    )
    chosen = (roster.device(wanted.data["device"]) or {}).get("role")
    if chosen != wanted.data["role"]:
        asked, given = _role_words(wanted.data["role"]), _role_words(str(chosen))
        info(
            visible(
                _(
                    "{label} asked to be {asked} and is enrolled as {given}: everything done on "
                    "it, by anyone, is bounded by what {given} may do (its operator keeps their "
                    "own role, and both roles bound each change)."
                ).format(label=wanted.data["label"], asked=asked, given=given)
            )
        )
    click.echo(visible(str(done.path)))


def _role_words(role: str) -> str:
    """A role with its article: "an operator", "a shift leader"."""
    words = access_words.role(role)
    said = _("an {role}") if words[:1] in "aeiou" else _("a {role}")
    return said.format(role=words)


@team.command("revoke")
@click.argument("device")
@pass_env
def team_revoke(env: Env, device: str) -> None:
    """Revoke a device (lost laptop, officer leaves): no more bundles to or from it."""
    with creating(env.store()):
        roster = apply.revoke(env.store(), device)
    entry = rosters.find_device(roster, device)
    info(
        _(
            "{label} revoked after its change {seq} (roster version {version}); export now so "
            "the other devices learn of it."
        ).format(label=entry["label"], seq=entry["revoked_after"], version=roster.version)
    )
    printed(entry["id"])


@team.command("admin-handover")
@click.argument("device")
@pass_env
def team_admin_handover(env: Env, device: str) -> None:
    """Make another device the team's admin device (before this one is revoked or retired)."""
    roster = rosters.admin_handover(env.store(), device)
    entry = rosters.find_device(roster, device)
    info(
        _(
            "{label} is the team's admin device from roster version {version} (admin key "
            "{key}); export now so every laptop learns of it. From now on only that device "
            "enrols and revokes."
        ).format(
            label=entry["label"], version=roster.version, key=rosters.admin_fingerprint(roster)
        )
    )
    click.echo(entry["id"])


@click.group()
def device() -> None:
    """This device's part in a team."""


@device.command("request")
@click.option("--out", required=True, type=OutputPath("the request"))
@pass_env
def device_request(env: Env, out: Path) -> None:
    """Write an enrolment request for the team admin; shows the code to compare."""
    code, written = rosters.write_request(env.store(), out)
    info(
        _(
            "Request written to {file}. Authentication code: {code}\nGive the file to the team "
            "admin and compare this code with the one on their screen; then import the welcome "
            "bundle with `schildwacht sync import`."
        ).format(file=written, code=code),
        lines=True,
    )
    click.echo(code)


COMMANDS = [sync, team, device]
