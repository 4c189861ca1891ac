"""Sync: the team and its devices, export and import through a shared folder with a progress
bar, the last receipt, per-peer status, the open conflicts with their values side by side, and
the changes of other laptops quarantined because the team's rules refused them.

Everything a bundle carried (device labels, callsigns, values, reasons) is shown as literal
text, never as markup.

Keys: ``e`` export to the folder, ``i`` import from it, ``f`` change the folder (remembered),
``1``/``2`` keep the first or second value of the selected conflict, ``v`` enter another value.
Export and import run in a thread worker; the screen stays responsive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from string import Template as StringTemplate
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static

from store import access, findings
from store.clock import local_text
from store.errors import StoreError
from store.machine import os_fault
from store.sync import exchange, status
from store.sync import quarantine as kept
from store.sync import roster as rosters
from store.validate import visible

from ..i18n import _
from ..literal import literal, plain, template
from ..widgets.reveal import move_to
from .forms import StepForm


@dataclass(frozen=True)
class SyncData:
    team: rosters.Roster | None
    peers: list[status.Peer]
    conflicts: list[status.Conflict]
    last_sent: datetime | None
    quarantined: list[kept.ChangeSet]
    waiting: list[kept.Waiting]
    findings: list[findings.Finding] = field(default_factory=list)

    def label(self, device: str) -> str:
        found = self.team.device(device) if self.team else None
        return str(found["label"]) if found else device[:13]


def _value(conflict: status.Conflict, value: Any) -> str:
    if value is None:
        return "—"
    if conflict.column.endswith("_at") and isinstance(value, str):
        return local_text(value)
    return str(value)


class SyncScreen(Screen[None]):
    TITLE = _("Sync")
    BINDINGS = [
        Binding("e", "export", _("Export")),
        Binding("i", "import", _("Import")),
        Binding("f", "folder", _("Folder")),
        Binding("1", "choose(1)", _("Keep 1st")),
        Binding("2", "choose(2)", _("Keep 2nd")),
        Binding("v", "enter_value", _("Other value")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: SyncData | None = None
        self.busy = False
        self.revealing: str | None = None

    @property
    def folder(self) -> Path:
        remembered = self.app.state.get("sync_folder")  # type: ignore[attr-defined]
        return Path(remembered or "~/Schildwacht-sync").expanduser()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading…"), id="sync-summary", classes="summary")
        with Horizontal(id="sync-body"):
            with Vertical(id="sync-left"):
                yield Static(_("Devices in the team"), classes="section-title")
                yield DataTable(id="sync-peers", cursor_type="row")
                yield Static(_("Last receipt"), classes="section-title")
                yield Static(_("Nothing exchanged in this session yet."), id="sync-receipt")
                yield ProgressBar(id="sync-progress", show_eta=False)
            with Vertical(id="sync-right"):
                yield Static(
                    _("Open conflicts — 1/2 keep a value, v enter another"), classes="section-title"
                )
                yield DataTable(id="sync-conflicts", cursor_type="row")
                yield Static(
                    _("Quarantined — changes of other laptops the team's rules refused"),
                    classes="section-title",
                )
                yield DataTable(id="sync-quarantine", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sync-peers", DataTable).add_columns(
            _("Device"),
            _("Role"),
            _("Status"),
            _("Last sent"),
            _("Last received"),
            _("Not acked"),
            _("Warning"),
        )
        self.query_one("#sync-conflicts", DataTable).add_columns(
            _("Record"), _("Field"), _("1 (shown)"), _("2"), _("By")
        )
        self.query_one("#sync-quarantine", DataTable).add_columns(
            _("Device"), _("#"), _("Field"), _("By"), _("Why")
        )
        self.query_one("#sync-conflicts", DataTable).focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "enter_value"):
            role = self.app.store.actor.role  # type: ignore[attr-defined]
            return any(access.allowed(role, p) for p in status.RESOLVE_PERMISSION.values())
        return True

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-load")
    def load(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        team = rosters.current(store)
        data = SyncData(
            team,
            status.peers(store) if team else [],
            status.list_conflicts(store),
            status.last_sent(store),
            kept.change_sets(store),
            kept.deferred(store),
            findings.open_findings(store),
        )
        self.app.call_from_thread(self.show, data)

    def show(self, data: SyncData) -> None:
        self.data = data
        summary = self.query_one("#sync-summary", Static)
        if data.team is None:
            summary.update(
                _(
                    "This device is in no team yet. Create one: schildwacht team create --name "
                    "NAME · or join one: schildwacht device request --out FILE, then "
                    "schildwacht sync import WELCOME-FILE."
                )
            )
        else:
            line = _(
                "Team $name · roster v$version · admin key $key · folder $folder · "
                "last sent $sent · $open open conflicts · $quarantined quarantined "
                "changes · $waiting waiting"
            )
            values = {
                "name": data.team.data["name"],
                "version": data.team.version,
                "key": rosters.admin_fingerprint(data.team),
                "folder": self.folder,
                "sent": local_text(data.last_sent) if data.last_sent else _("never"),
                "open": len(data.conflicts),
                "quarantined": sum(len(c.changes) for c in data.quarantined),
                "waiting": sum(w.count for w in data.waiting),
            }
            if not data.findings:
                summary.update(template(line, **values))
            else:  # trust findings below it, audit trail alarms first: the gravest
                ordered = sorted(data.findings, key=lambda f: f.kind != "witness")
                lines = [StringTemplate(line).safe_substitute(values)]
                lines += [f"! {f.text}" for f in ordered[:6]]
                lines += [_("… {n} more").format(n=len(ordered) - 6)] if len(ordered) > 6 else []
                summary.update(literal("\n".join(lines), lines=True, limit=None))
        peers = self.query_one("#sync-peers", DataTable)
        peers.clear()
        for peer in data.peers:
            peers.add_row(
                literal(peer.label),
                literal(peer.role.replace("_", " ")),
                literal(peer.status),
                local_text(peer.last_sent) if peer.last_sent else _("never"),
                local_text(peer.last_received) if peer.last_received else _("never"),
                str(peer.not_acknowledged),
                literal(peer.warning or "", "b yellow"),
                key=peer.device,
            )
        table = self.query_one("#sync-conflicts", DataTable)
        table.clear()
        for conflict in data.conflicts:
            table.add_row(
                literal(conflict.label),
                literal(conflict.column or _("exists")),
                literal(_value(conflict, conflict.heads[0]["value"])),
                literal(_value(conflict, conflict.heads[1]["value"])),
                literal(" / ".join(str(h["actor"]) for h in conflict.heads)),
                key=conflict.id,
            )
        self._show_quarantine(data)
        if move_to(table, self.revealing) or move_to(
            self.query_one("#sync-quarantine", DataTable), self.revealing
        ):
            self.revealing = None

    def _show_quarantine(self, data: SyncData) -> None:
        """A row per quarantined write: its first change, and how many it holds."""
        table = self.query_one("#sync-quarantine", DataTable)
        table.clear()
        for change_set in data.quarantined:
            first = change_set.changes[0]
            more = len(change_set.changes) - 1
            table.add_row(
                Text(visible(data.label(change_set.device))),
                str(first.seq),
                Text(f"{first.table}.{first.field}" if first.field else first.table)
                + Text(f" +{more}" if more else "", style="dim"),
                Text(visible(change_set.actor)),
                Text(first.reason),
                key=change_set.id,
            )

    def reveal(self, conflict_id: str) -> None:
        self.revealing = conflict_id
        self.reload()

    # Export and import ---------------------------------------------------------------------

    def action_export(self) -> None:
        self._exchange("export")

    def action_import(self) -> None:
        self._exchange("import")

    def _exchange(self, direction: str) -> None:
        if self.busy:
            self.notify(_("A sync is already running."), severity="warning")
            return
        self.busy = True
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("running")
        self.run_exchange(direction, self.folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-exchange")
    def run_exchange(self, direction: str, folder: Path) -> None:
        store = self.app.store  # type: ignore[attr-defined]

        def progress(stage: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, stage, done, total)

        failed = False
        try:
            if direction == "export":
                done = exchange.export(store, folder=folder, progress=progress)
                text = _("Exported {changes} changes to {path}.").format(
                    changes=done.changes, path=visible(str(done.path))
                )
                text += "".join(f"\n! {warning}" for warning in done.warnings)
                if done.malformed:  # the change log was edited outside Schildwacht
                    failed = True
                    text += "\n! " + _(
                        "This laptop's change log holds {count} records no Schildwacht wrote; "
                        "the other laptops quarantine them. Show this to the admin."
                    ).format(count=len(done.malformed))
            else:
                if not folder.is_dir():
                    raise StoreError(
                        _("The sync folder {folder} does not exist.").format(folder=folder)
                    )
                receipts = exchange.import_path(store, folder, progress=progress)
                failed = any(r.failed for r in receipts)  # refused, damaged or quarantined
                text = "\n".join(_receipt_line(r) for r in receipts) or _(
                    "No bundles from other devices in {folder}."
                ).format(folder=visible(str(folder)))
        except StoreError as exc:
            self.app.call_from_thread(self._finished, str(exc), True)
            return
        except OSError as exc:  # a folder name the file system refuses (too long, no access)
            fault = os_fault(exc, folder, "use the sync folder")
            self.app.call_from_thread(self._finished, str(fault), True)
            return
        self.app.call_from_thread(self._finished, text, failed)

    def _progress(self, stage: str, done: int, total: int) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#sync-receipt", Static).update(literal(f"{stage.capitalize()}…"))

    def _finished(self, text: str, failed: bool) -> None:
        self.busy = False
        self.query_one("#sync-receipt", Static).update(literal(text, limit=None, lines=True))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=1, progress=1)
        bar.remove_class("running")
        self.notify(
            plain(text.splitlines()[0] if text else ""),
            severity="error" if failed else "information",
            markup=False,
        )
        self.app.refresh_data()  # type: ignore[attr-defined]

    def action_folder(self) -> None:
        def save(values: dict[str, str]) -> str | None:
            path = Path(values["text"].strip()).expanduser()
            if not values["text"].strip():
                return _("Give a folder.")
            self.app.remember_state(sync_folder=str(path))  # type: ignore[attr-defined]
            self.reload()
            return None

        self.app.push_screen(
            StepForm(save, _("Sync folder"), _("Shared folder (a stick, a network share):"))
        )

    # Resolving conflicts -------------------------------------------------------------------

    def _selected(self) -> status.Conflict | None:
        table = self.query_one("#sync-conflicts", DataTable)
        if not table.row_count or self.data is None:
            self.notify(_("0 open conflicts."), severity="warning")
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        return next((c for c in self.data.conflicts if c.id == key), None)

    def action_choose(self, number: int) -> None:
        conflict = self._selected()
        if conflict is None:
            return
        self._resolve(conflict, choose=number)

    def action_enter_value(self) -> None:
        conflict = self._selected()
        if conflict is None:
            return

        def save(values: dict[str, str]) -> str | None:
            return self._resolve(conflict, value=values["text"])

        self.app.push_screen(
            StepForm(
                save,
                _("Resolve {record}").format(record=conflict.label),
                _("New value for {field}:").format(field=conflict.column),
            )
        )

    def _resolve(
        self, conflict: status.Conflict, *, choose: int | None = None, value: str | None = None
    ) -> str | None:
        try:
            done = status.resolve(
                self.app.store,
                conflict.id,
                choose=choose,
                value=value,  # type: ignore[attr-defined]
            )
        except StoreError as exc:
            self.notify(plain(exc), severity="error", markup=False)
            return str(exc)
        self.notify(
            plain(
                _("Resolved: {record} keeps {value}.").format(
                    record=done.label, value=_value(done, done.resolution)
                )
            ),
            markup=False,
        )
        self.app.refresh_data()  # type: ignore[attr-defined]
        return None


def _receipt_line(receipt: exchange.Receipt) -> str:
    name = visible(Path(receipt.file).name)
    sender = visible(receipt.sender)
    if receipt.result not in ("applied", "partly applied"):
        return f"{sender}/{name}: {receipt.result}"
    detail = ", ".join(
        f"{t['table']} {t['applied']}"
        + (f" (+{t['deferred']} deferred)" if t["deferred"] else "")
        + (f" ({t['in_conflict']} in conflict)" if t["in_conflict"] else "")
        + (f" ({t['quarantined']} quarantined)" if t["quarantined"] else "")
        for t in receipt.tables()
        if t["applied"] or t["deferred"] or t["quarantined"]
    )
    line = f"{name} from {sender}: {detail or _('nothing new')}"
    if receipt.quarantined:
        line += "\n" + _("{n} changes quarantined: the team's rules refused them.").format(
            n=len(receipt.quarantined)
        )
    for alarm in receipt.alarms:  # an audit trail cut or rewritten
        line += "\n!! " + visible(alarm)
    return line
