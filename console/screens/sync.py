"""Sync: the team and its devices, export and import through a shared folder with a progress
bar, the last receipt, per-peer status, the open conflicts with their values side by side, and
the changes of other laptops quarantined because the team's rules refused them.

Everything a bundle carried (device labels, callsigns, values, reasons) is shown as literal
text, never as markup.

Keys: ``e`` export to the folder, ``i`` import from it, ``f`` change the folder (remembered),
``w`` import one file (a welcome bundle); ``1``/``2`` keep the first or second value of the
selected conflict, ``v`` enter another value (each asked first); ``n`` create a team, ``j`` ask
to join one (writes the request and shows the code to compare), ``o`` enrol a device from its
request (compare the code, then its welcome bundle is written to the folder), ``x`` revoke the
selected device. Export and import run in a thread worker; the screen stays responsive, and a
failed one says why and leaves the screen ready for the next.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import ProgressBar, Static

from store import access, findings
from store.db import Store
from store.machine import os_fault
from store.sync import apply, exchange, status
from store.sync import quarantine as kept
from store.sync import roster as rosters
from store.sync.bundle import SUFFIX
from store.sync.receipt import FAILED, Result
from store.validate import visible
from words.conflicts import field_label, time_form, value_form
from words.counts import counted
from words.findings import said as said_finding
from words.quarantine import said as said_reason
from words.receipts import STAGES, headline, joined, said

from .. import labels
from ..actions import Action, KeyedTitle, any_of
from ..i18n import _, ngettext
from ..literal import literal, plain, template
from ..times import at, told
from ..widgets.drawer import Drawer, DrawerTitle, focus_in
from ..widgets.table import Column, RecordTable, Row
from .base import BaseScreen, Unfit, sentence
from .document import DocumentScreen
from .forms import Field, Form, StepForm, codes


@dataclass(frozen=True)
class SyncData:
    team: rosters.Roster | None
    peers: list[status.Peer]
    peer_rows: list[Row]
    conflicts: dict[str, status.Conflict]
    conflict_rows: list[Row]
    last_sent: datetime | None
    quarantine_rows: list[Row]
    quarantined: int
    waiting: int
    #: Trust findings (a witnessed audit trail cut or rewritten, records no Schildwacht wrote…)
    findings: list[findings.Finding] = field(default_factory=list)
    #: This device's id (the name of the welcome bundle an admin writes for it)
    device: str = ""
    #: The acting person's callsign (the name of this device's enrolment request), read with
    #: the rest so that no form asks the store on the UI thread
    callsign: str = ""


def in_folder(folder: Path, typed: str) -> Path:
    """A path typed in a form: ``~`` expanded, and a relative one taken in the sync folder, never
    in the directory the console happened to be started from."""
    path = Path(typed.strip()).expanduser()
    return path if path.is_absolute() else folder / path


def request_name(callsign: str, device: str) -> str:
    """The default file name of this device's enrolment request: its operator and the random
    end of its id, so two laptops joining through one folder never write the same file."""
    who = "".join(c for c in callsign if c.isascii() and (c.isalnum() or c in "-_"))
    return f"request-{who or 'device'}-{device[-7:]}.json"


def one_request(path: Path) -> Path:
    """The request file a typed path names: a file itself, or the one ``request*.json`` in a
    folder (several there: the admin names which, none is guessed)."""
    if not path.is_dir():
        return path
    found = sorted(p for p in path.glob("request*.json") if p.is_file())
    if len(found) == 1:
        return found[0]
    if not found:
        raise Unfit(_("No request file (request….json) in {path}.").format(path=visible(str(path))))
    raise Unfit(
        _("{n} request files in {path}: name which one ({names}).").format(
            n=len(found), path=visible(str(path)), names=", ".join(p.name for p in found[:4])
        )
    )


def welcome_name(device: str) -> str:
    """The file name of a device's welcome bundle, as enrolling writes it into a folder: the
    id's random end (a uuid7 begins with its time, alike for laptops set up within a minute)."""
    return f"welcome-{device.replace('-', '')[-12:]}{SUFFIX}"


def welcome_places(device: str, folder: Path, request: str | None) -> list[Path]:
    """Where this device's welcome bundle may be, most likely first: beside the request it
    answers (where enrolling writes it unless the admin names another place), then in the sync
    folder (fix17r: the two laptops' sync folders need not be one)."""
    places = [Path(request).parent] if request else []
    places += [folder] if folder not in places else []
    return [place / welcome_name(device) for place in places]


def _short(path: Path) -> str:
    shown = visible(str(path))
    return shown if len(shown) <= 80 else shown[:30] + "…" + shown[-49:]  # the name kept


def missing_bundle(path: Path, welcomes: list[Path]) -> str:
    """Why a typed path is no bundle to import, in plain words: nothing there, or a folder; for
    a laptop waiting to join, where the admin's console writes its welcome bundle."""
    try:
        folder = path.is_dir()
    except OSError:  # a name too long, a path through a file
        folder = False
    if folder:
        said = _("{path} is a folder: give the bundle file in it.").format(path=_short(path))
    else:
        said = _("There is no file {path}.").format(path=_short(path))
    if welcomes:
        said += " " + _(
            "The admin's console writes this laptop's welcome bundle ({name}) next to the request "
            "it answers, in {folder}, unless the admin chose another place: their screen said "
            'where ("welcome bundle: …").'
        ).format(name=welcomes[0].name, folder=_short(welcomes[0].parent))
    return said


def _value(conflict: status.Conflict, value: Any) -> str:
    if value is None:
        return "—"
    moment = conflict.moment(value)  # a time column's stored text, read by the store
    if moment is not None:
        return at(moment)
    return visible(value) if conflict.column.endswith("_at") else str(value)


def _typed(conflict: status.Conflict, value: Any) -> str:
    """A conflict's value as one would type it back (a time with its date, and its offset in
    the repeated autumn hour): the value entered by default."""
    if value is None:
        return ""
    moment = conflict.moment(value)
    return told(moment) if moment is not None else str(value)


def _both(conflict: status.Conflict) -> str:
    """The concurrent values of a conflict and who wrote each, on one line."""
    return "  ·  ".join(
        _("{n}: {value} (by {actor})").format(
            n=n if n > 1 else _("1 (shown)"), value=_value(conflict, head.value), actor=head.actor
        )
        for n, head in enumerate(conflict.heads, 1)
    )


def _peer_rows(team: Any, peers: list[status.Peer]) -> list[Row]:
    """A row per device: its label, bound operator, id's end, status and times."""

    def operator(peer: status.Peer) -> str:
        """The callsign the signed roster binds the device to (its request named it), else
        who wrote its latest change here."""
        found = team.device(peer.device) if team else None
        bound = found.get("callsign") if found else None
        return str(bound) if isinstance(bound, str) and bound else peer.callsign or "—"

    return [
        Row(
            peer.device,
            (
                literal(peer.label),
                literal(operator(peer)),
                Text("…" + peer.device[-7:], end=""),  # the random end: ids begin with a time
                literal(peer.status),
                Text(at(peer.last_received) if peer.last_received else _("never"), end=""),
                literal(labels.label("role", peer.role)),
                literal(at(peer.enrolled_at)[:10] if peer.enrolled_at else "—"),
                Text(at(peer.last_sent) if peer.last_sent else _("never"), end=""),
                Text(str(peer.not_acknowledged), end=""),
                literal(joined(peer.warnings), "b yellow"),
            ),
        )
        for peer in peers
    ]


def _conflict_rows(conflicts: list[status.Conflict]) -> list[Row]:
    """A row per open conflict: the field and both values side by side."""
    return [
        Row(
            conflict.id,
            (
                literal(conflict.label),
                literal(field_label(conflict.table, conflict.column)),
                literal(_value(conflict, conflict.heads[0].value)),
                literal(_value(conflict, conflict.heads[1].value)),
                literal(" / ".join(str(h.actor) for h in conflict.heads)),
            ),
        )
        for conflict in conflicts
    ]


def _quarantine_rows(team: Any, sets: list[kept.ChangeSet]) -> list[Row]:
    """A row per quarantined change set: its device, first change and why."""

    def label(device: str) -> str:
        found = team.device(device) if team else None
        return str(found["label"]) if found else device[:13]

    rows = []
    for change_set in sets:
        first = change_set.changes[0]
        more = len(change_set.changes) - 1
        rows.append(
            Row(
                change_set.id,
                (
                    Text(visible(label(change_set.device))),
                    Text(str(first.seq)),
                    Text(f"{first.table}.{first.field}" if first.field else first.table)
                    + Text(f" +{more}" if more else "", style="dim"),
                    Text(visible(change_set.actor)),
                    Text(said_reason(first.reason)),
                ),
            )
        )
    return rows


def fetch_sync(store: Store) -> SyncData:
    team = rosters.current(store)
    peers = status.peers(store) if team else []
    conflicts = status.list_conflicts(store)
    sets = kept.change_sets(store)
    waiting = kept.deferred(store)
    return SyncData(
        team,
        peers,
        _peer_rows(team, peers),
        {c.id: c for c in conflicts},
        _conflict_rows(conflicts),
        status.last_sent(store),
        _quarantine_rows(team, sets),
        sum(len(c.changes) for c in sets),
        sum(w.count for w in waiting),
        findings.open_findings(store),
        store.device_id,
        store.actor.callsign,
    )


@dataclass(frozen=True)
class Enrolment:
    """A request read for enrolling: what it asks, the role given, where its welcome bundle goes,
    and which file was read."""

    request: rosters.Request
    role: str
    out: Path
    path: Path


class SyncProgress(Message, bubble=False):
    """How far an export or import is (the newest replaces what the bar showed)."""

    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.stage = stage
        self.done = done
        self.total = total


class CountedDrawer(Drawer):
    """A drawer whose title counts its rows and, closed on a short terminal, says that Tab
    opens it: a title line alone read as an empty list (issue 14)."""

    def __init__(self, words: tuple[str, str, str, str], *, id: str) -> None:
        super().__init__(id=id)
        self.words = words  # the title, what follows the count, the count's two forms
        self.count: int | None = None  # unknown until the screen's first load

    def counted(self, count: int) -> None:
        """Show ``count`` in the title."""
        self.count = count
        self.retitle()

    def retitle(self) -> None:
        """The title for the drawer's state now (closed or open, short terminal or not)."""
        head, tail, one, many = self.words
        if self.count is not None:
            head += " · " + counted(self.count, one, many)
            if self.count and self.screen.has_class("-short") and not self.has_class("-open"):
                head += " " + _("(Tab shows them)")
        self.query_one(DrawerTitle).update(literal(head + tail))

    def _opened(self, opened: bool) -> None:
        super()._opened(opened)
        self.retitle()


def may_resolve(actor: access.Actor) -> bool:
    return any(access.may(actor, p) for p in status.RESOLVE_PERMISSION.values())


class SyncScreen(BaseScreen[SyncData]):
    MODE = "sync"
    MAIN = "#sync-conflicts"
    RECORDS: ClassVar[dict[str, str]] = {"conflict": "#sync-conflicts", "device": "#sync-peers"}
    TITLE = _("Sync")
    PURPOSE = _(
        "the team's devices, export and import (synchronisatie) by a shared folder, conflicts"
    )
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "e",
            "export",
            _("Export"),
            _("Export to the shared folder"),
            _("Write a bundle of this laptop's changes for the team's other devices"),
        ),
        Action(
            "i",
            "import",
            _("Import"),
            _("Import from the shared folder"),
            _(
                "Read the other devices' bundles; a receipt says what was applied, in "
                "conflict, or quarantined"
            ),
        ),
        Action(
            "f",
            "folder",
            _("Folder"),
            _("Choose the shared folder"),
            _("Where bundles are exchanged (a stick, a network share); remembered"),
        ),
        Action(
            "w",
            "import_file",
            _("File"),
            _("Import one bundle file (welcome)"),
            _("Import a single bundle, such as the welcome bundle after joining a team"),
        ),
        Action(
            "r",
            "receipt",
            _("Receipt"),
            _("Show the last receipt in full"),
            _("Every file the last import read, with what was applied, in conflict or refused"),
        ),
        Action(
            "1",
            "choose(1)",
            _("Keep 1st"),
            _("Resolve: keep the first value"),
            _("Keep the first value of the selected conflict (the rules still hold)"),
            permission=may_resolve,
            selects="conflict",
        ),
        Action(
            "2",
            "choose(2)",
            _("Keep 2nd"),
            _("Resolve: keep the second value"),
            _("Keep the second value of the selected conflict"),
            permission=may_resolve,
            selects="conflict",
        ),
        Action(
            "v",
            "enter_value",
            _("Value"),
            _("Resolve: enter another value"),
            _(
                "Give the selected conflict another value (R1 still refuses a concept "
                "below the required level)"
            ),
            permission=may_resolve,
            selects="conflict",
        ),
        Action(
            "n",
            "create_team",
            _("New team"),
            _("Create a team"),
            _("Make this device the admin of a new team"),
            permission="team.manage",
        ),
        Action(
            "j",
            "join",
            _("Join"),
            _("Join a team: write an enrolment request"),
            _(
                "Writes this device's request for the team admin and shows the code to "
                "compare; then import the welcome bundle (w)"
            ),
        ),
        Action(
            "o",
            "enrol",
            _("Enrol"),
            _("Enrol a device from its request"),
            _(
                "Compare the request's code with the new device's screen, then write its "
                "welcome bundle next to the request"
            ),
            permission="team.manage",
        ),
        Action(
            "x",
            "revoke",
            _("Revoke"),
            _("Revoke the selected device"),
            _("A lost laptop or an officer who left: no more bundles to or from it; asked first"),
            permission=any_of("team.manage"),
            selects="device",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.revealing: str | None = None
        self.receipt = ""  # the last export's or import's receipt, whole

    @property
    def folder(self) -> Path:
        remembered = self.console_app.state.get("sync_folder")
        return Path(remembered or "~/Schildwacht-sync").expanduser()

    def compose_body(self) -> ComposeResult:
        yield Static(_("Loading…"), id="sync-summary", classes="summary")
        # Devices beside the last receipt, the conflicts under both at the whole width: at
        # 120x40 half the width had no room for "By" beside the two values (issue 17)
        with Container(id="sync-body"):
            with (
                Vertical(id="sync-left"),
                CountedDrawer(
                    (_("Devices in the team"), "", "{n} other device", "{n} other devices"),
                    id="peers-panel",
                ),
            ):
                yield DrawerTitle(_("Devices in the team"))
                yield RecordTable(
                    [
                        # At 120x40 the five that tell devices apart stay (issue 17)
                        Column(_("Device"), 11, grow=True),  # laptop-0412 whole
                        Column(_("Callsign"), 8),
                        Column(_("Id end"), 8),
                        Column(_("Status"), 7),
                        Column(_("Last seen"), 16),
                        Column(_("Role"), 12, drop=5),
                        Column(_("Enrolled"), 10, drop=4),
                        Column(_("Last sent"), 16, drop=8),
                        Column(_("Not acked"), 9, align="right", drop=9),
                        Column(_("Warning"), 20, grow=True, drop=7),
                    ],
                    id="sync-peers",
                    zebra=False,
                    empty=_("0 other devices."),
                )
            with Vertical(id="sync-right"):
                yield Static(_("Last receipt"), id="receipt-title", classes="section-title")
                with VerticalScroll(id="receipt-box"):  # focus it to scroll; r opens it whole
                    yield Static(_("Nothing exchanged in this session yet."), id="sync-receipt")
                yield ProgressBar(id="sync-progress", show_eta=False)
        yield Static(
            _("Open conflicts — 1/2 keep a value, v enter another"),
            id="conflicts-title",
            classes="section-title",
        )
        yield RecordTable(
            [
                Column(_("Record"), 14, grow=True),
                Column(_("Field"), 10),
                Column(_("1 (shown)"), 12, grow=True),
                Column(_("2"), 12, grow=True),
                Column(_("By"), 21, drop=1),  # two callsigns whole: "DKDB-0009 / RT-0733"
            ],
            id="sync-conflicts",
            empty=_("0 open conflicts."),
        )
        # the whole width too: "#" and "By" beside the reason, which is what it is for
        with CountedDrawer(
            (
                _("Quarantined"),
                _(": others' changes the team's rules refused"),
                "{n} change",
                "{n} changes",
            ),
            id="quarantine-panel",
        ):
            yield DrawerTitle(_("Quarantined — others' changes the team's rules refused"))
            yield RecordTable(
                [
                    Column(_("Device"), 12),
                    Column(_("#"), 5, align="right", drop=2),
                    Column(_("Field"), 16),
                    Column(_("By"), 9, drop=1),
                    Column(_("Why"), 20, grow=True),
                ],
                id="sync-quarantine",
                zebra=False,
                empty=_("0 quarantined changes."),
            )

    KEYED_TITLES = (
        KeyedTitle(
            "#conflicts-title",
            _("Open conflicts"),
            (("choose", _("1/2 keep a value")), ("enter_value", _("v enter another"))),
            joiner=", ",
            idle=_("No open conflicts"),
        ),
    )

    def on_mount(self) -> None:
        self.query_one("#sync-conflicts", RecordTable).focus()
        super().on_mount()

    def on_resize(self) -> None:
        """A terminal made short or tall: the drawers' titles say whether Tab opens them."""
        for drawer in self.query(CountedDrawer):
            drawer.call_after_refresh(drawer.retitle)

    load = staticmethod(fetch_sync)

    def show(self, data: SyncData) -> None:
        self.refresh_bindings()  # Join only while not in a team
        self.show_role()  # the conflicts' keys in their title only while there is one
        summary = self.query_one("#sync-summary", Static)
        if data.team is None:
            summary.update(
                template(
                    _(
                        "This device is in no team yet: n creates one (shift leader, admin), j "
                        "asks to join one (then w imports the welcome bundle). Folder: $folder"
                    ),
                    folder=self.folder,
                )
            )
        else:
            head = template(
                _(
                    "Team [b]$name[/] · roster v$version · admin key $key · folder $folder · "
                    "last sent $sent · [b]$open[/] · $quarantined · $waiting waiting"
                ),
                name=data.team.data["name"],
                version=data.team.version,
                key=rosters.admin_fingerprint(data.team),
                folder=self.folder,
                sent=at(data.last_sent) if data.last_sent else _("never"),
                open=counted(len(data.conflicts), "{n} open conflict", "{n} open conflicts"),
                quarantined=counted(
                    data.quarantined, "{n} quarantined change", "{n} quarantined changes"
                ),
                waiting=data.waiting,
            )
            if data.findings:  # trust findings before it, audit trail alarms first: the
                # gravest; at 80x24 with a panel open the summary keeps three lines (rev17g:
                # below the team's header they were cut off without a mark)
                ordered = sorted(data.findings, key=lambda f: f.kind != "witness")
                lines = [f"! {said_finding(f)}" for f in ordered[:6] if f.kind != "secret"]
                lines += secrets_line(data.findings)
                lines += [_("… {n} more").format(n=len(ordered) - 6)] if len(ordered) > 6 else []
                warned = Content("\n").join(
                    template("[b red]$line[/]", line=line) for line in lines
                )
                head = warned + Content("\n") + head
            summary.update(head)
        peers = self.query_one("#sync-peers", RecordTable)
        peers.empty = _("0 other devices: o enrols one.") if data.team else _("No team.")
        peers.set_rows(data.peer_rows)
        table = self.query_one("#sync-conflicts", RecordTable)
        table.set_rows(data.conflict_rows)
        quarantine = self.query_one("#sync-quarantine", RecordTable)
        quarantine.set_rows(data.quarantine_rows)
        self.query_one("#peers-panel", CountedDrawer).counted(len(data.peer_rows))
        self.query_one("#quarantine-panel", CountedDrawer).counted(data.quarantined)
        if table.move_to(self.revealing):
            table.focus()
            self.revealing = None
        elif quarantine.move_to(self.revealing):
            focus_in(quarantine)
            self.revealing = None

    def reveal(self, conflict_id: str) -> None:
        self.revealing = conflict_id
        if self.is_mounted:
            self.reload()

    # Export and import ---------------------------------------------------------------------

    def action_export(self) -> None:
        self._exchange("export", self.folder)

    def action_import(self) -> None:
        self._exchange("import", self.folder)

    def _exchange(self, direction: str, folder: Path) -> None:
        if self.busy:
            self.refuse_key(_("A sync is already running."))
            return
        self.busy = True
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("running")
        alone = self.data is not None and self.data.team is not None and not self.data.peers

        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(SyncProgress(stage, done, total))

        def run(store: Store) -> tuple[str, bool]:
            try:
                if direction == "export":
                    done = exchange.export(store, folder=folder, progress=progress)
                    text = _("Exported {changes} changes to {path}.").format(
                        changes=done.changes, path=visible(str(done.path))
                    )
                    if alone:
                        text += " " + _(
                            "No other device is enrolled yet: nobody will read "
                            "it until one is (o enrols one)."
                        )
                    text += "".join(f"\n! {said(warning)}" for warning in done.warnings)
                    if done.malformed:  # the change log was edited outside Schildwacht
                        text += "\n! " + _(
                            "This laptop's change log holds {count} records no Schildwacht "
                            "wrote; the other laptops quarantine them. Show this to the admin."
                        ).format(count=len(done.malformed))
                    return text, bool(done.malformed)
                if not folder.exists():
                    raise Unfit(
                        _("The sync folder {folder} does not exist.").format(
                            folder=visible(str(folder))
                        )
                    )
                receipts = exchange.import_path(store, folder, progress=progress)
                failed = any(r.failed for r in receipts)  # refused, damaged or quarantined
                text = receipt_text(receipts, rosters.current(store)) or _(
                    "No bundles from other devices in {folder}."
                ).format(folder=visible(str(folder)))
                return text, failed
            except OSError as exc:  # a folder name the file system refuses (too long, access)
                raise os_fault(exc, folder, "use the sync folder") from None

        self.call_store(
            run,
            lambda answer: self._finished(*answer),
            group="exchange",
            failed=lambda error: self._finished(sentence(error), True),
            every=True,
        )

    def on_sync_progress(self, message: SyncProgress) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        stage = STAGES.get(message.stage, message.stage)  # as ``sync export`` says it
        self.query_one("#sync-receipt", Static).update(literal(f"{stage}…"))

    def _finished(self, text: str, failed: bool) -> None:
        self.busy = False
        self.receipt = text
        self.refresh_bindings()  # r Receipt, hidden in no team before there was one
        self.query_one("#sync-receipt", Static).update(literal(text, limit=None, lines=True))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=1, progress=1)
        bar.remove_class("running")
        self.notify(
            plain(text.splitlines()[0] if text else ""),
            severity="error" if failed else "information",
            markup=False,
        )
        self.console_app.changed()

    def action_receipt(self) -> None:
        if not self.receipt:
            self.refuse_key(_("Nothing exchanged in this session yet."))
            return
        self.app.push_screen(
            DocumentScreen(_("Last receipt"), literal(self.receipt, limit=None, lines=True))
        )

    def action_folder(self) -> None:
        def save(store: Store, values: dict[str, str]) -> Path:
            if not values["text"].strip():
                raise Unfit(_("Give a folder."))
            path = Path(values["text"].strip()).expanduser()
            try:
                not_a_folder = path.exists() and not path.is_dir()
            except OSError as exc:
                if exc.errno == errno.ENAMETOOLONG:  # it can never exist: said now, not later
                    raise Unfit(
                        _("That folder name is too long for this system; give a shorter one.")
                    ) from None
                not_a_folder = False  # another name the file system refuses: said when used
            except ValueError:
                not_a_folder = False
            if not_a_folder:
                raise Unfit(
                    _(
                        "{path} is a file, not a folder: give the folder the bundles are shared in."
                    ).format(path=visible(str(path)))
                )
            return path

        def chosen(path: Path) -> None:
            self.console_app.remember_state(sync_folder=str(path))

        self.open_form(
            StepForm(
                save,
                _("Sync folder"),
                _("Shared folder"),
                default=str(self.folder),
                button=_("Save"),
            ),
            lambda path: _("Sync folder: {path}").format(path=path),
            chosen,
        )

    def action_import_file(self) -> None:
        folder = self.folder
        joining = self.data is not None and self.data.team is None and self.data.device

        def save(store: Store, values: dict[str, str]) -> Path:
            path = in_folder(folder, values["text"])
            try:
                found = bool(values["text"].strip()) and path.is_file()
            except OSError:  # a name too long, a path through a file: no bundle file either
                found = False
            if not found:
                raise Unfit(missing_bundle(path, places))
            return path

        # A device that is not in a team yet waits for its welcome bundle: beside its request
        # (where the admin's console writes it), or in the sync folder
        places = (
            welcome_places(self.data.device, folder, self.console_app.state.get("join_request"))
            if self.data and joining
            else []
        )
        found = [place for place in places if place.is_file()]
        default = str((found or places)[0]) if places else ""
        self.open_form(
            StepForm(
                save,
                _("Import one bundle file (a relative path is in {folder})").format(
                    folder=visible(str(folder))
                ),
                _("Bundle file"),
                default=default,
                button=_("Import"),
            ),
            None,
            lambda path: self._exchange("import", path),
        )

    # The team ----------------------------------------------------------------------------------

    def action_create_team(self) -> None:
        if self.data is not None and self.data.team is not None:  # the palette: said at once
            self.refuse_key(
                _("This device is in team {name} already.").format(
                    name=plain(self.data.team.data["name"])
                )
            )
            return

        def save(store: Store, values: dict[str, str]) -> rosters.Roster:
            return rosters.create_team(store, values["text"])

        def created(roster: rosters.Roster) -> str:
            return _("Team {name} created; admin key {key}.").format(
                name=roster.data["name"], key=rosters.admin_fingerprint(roster)
            )

        def done(roster: rosters.Roster) -> None:  # an earlier "not in a team yet" is over
            self.receipt = ""
            self.query_one("#sync-receipt", Static).update(literal(created(roster), limit=None))

        self.open_form(
            StepForm(
                save,
                _("Create a team; this device becomes its admin"),
                _("Team name"),
                button=_("Create team"),
            ),
            created,
            done,
        )

    #: What a device in no team cannot do yet (hidden from its footer, so that n New team and
    #: j Join fit at 80 columns): export and enrol need a team, revoke a device in it.
    NEEDS_TEAM = ("export", "enrol", "revoke")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Join is offered only to a device that is not in a team yet, and what needs a team
        (and the receipt before there is one) only to a device in one; the ways to resolve a
        conflict only while there is one (the footer's room goes to what can be done)."""
        if action in ("join", "create_team") and self.data is not None and self.data.team:
            return False
        if self._no_team() and (
            action in self.NEEDS_TEAM or (action == "receipt" and not self.receipt)
        ):
            return False
        if (
            action in ("choose", "enter_value")
            and self.data is not None
            and not self.data.conflicts
        ):
            return False
        return super().check_action(action, parameters)

    #: The keys whose actions ``check_action`` may hide, by action name.
    HIDDEN_KEYS: ClassVar[dict[str, str]] = {
        "j": "join",
        "n": "create_team",
        "e": "export",
        "o": "enrol",
        "x": "revoke",
        "r": "receipt",
        "1": "choose",
        "2": "choose",
        "v": "enter_value",
    }

    def say_refused(self, key: str) -> bool:
        """A key whose action is hidden for now (join in a team, export in none, resolve with
        no conflict) says why, never nothing: as the palette does (``hidden_action``). Asked by
        the app once the key came back up to it, as for a role's refusal: a key typed in one
        burst after ``n`` (the team's name) is the form's, and passed this screen before that
        form opened ("nTeam Oost" lost its e and o here, fix17m)."""
        name = self.HIDDEN_KEYS.get(key)
        if name is None or self.check_action(name, ()) is not False:
            return super().say_refused(key)
        self.hidden_action(name, ())
        return True

    def hidden_action(self, name: str, params: tuple[object, ...]) -> None:
        """Why an action is hidden, the same from its key and from the palette: never a
        write (an export in no team left a refusal as the Last receipt, rev17f)."""
        team = self.data.team if self.data is not None else None
        if name in ("join", "create_team") and team is not None:
            self.refuse_key(
                _("This device is in team {name} already.").format(name=plain(team.data["name"]))
            )
        elif name == "receipt" and self._no_team():
            self.refuse_key(_("Nothing exchanged in this session yet."))
        elif name in self.NEEDS_TEAM and self._no_team():
            self.refuse_key(
                _("No team yet: n creates one (this device becomes its admin), j joins one.")
            )
        elif name in ("choose", "enter_value"):
            self.refuse_key(_("No sync conflicts to resolve."))
        else:
            super().hidden_action(name, params)

    def _no_team(self) -> bool:
        return self.data is not None and self.data.team is None

    def action_join(self) -> None:
        if self.data is None:  # the device id comes with the screen's data
            return
        if self.data.team is not None:
            self.refuse_key(
                _("This device is in team {name} already.").format(
                    name=plain(self.data.team.data["name"])
                )
            )
            return

        folder, device, callsign = self.folder, self.data.device, self.data.callsign

        def where(store: Store, values: dict[str, str]) -> Path:
            if not values["text"].strip():
                raise Unfit(_("Give where to write the request."))
            return in_folder(folder, values["text"])

        def written(answer: tuple[str, str]) -> None:
            code, path = answer
            # w looks for the welcome bundle beside it (the admin writes it there)
            self.console_app.remember_state(join_request=path)
            self.app.push_screen(
                DocumentScreen(
                    _("Enrolment request written"),
                    Text(
                        _(
                            "Request written to {path}.\n\nAuthentication code:  {code}\n\n"
                            "Give the file to the team admin and compare this code with the one "
                            "on their screen. Then import the welcome bundle they give you: w."
                        ).format(path=visible(path), code=code)
                    ),
                )
            )

        def chosen(out: Path) -> None:
            def write() -> None:
                self.write(
                    lambda store: rosters.write_request(store, out),
                    lambda answer: _("Request written to {path}.").format(path=visible(answer[1])),
                    written,
                )

            if not out.exists():
                write()
                return
            self.confirm(  # another laptop's request waiting there must not vanish unasked
                _(
                    "{path} exists already (another laptop's request waiting for the admin?). "
                    "Writing this device's request replaces it."
                ).format(path=visible(str(out))),
                _("Replace it"),
                write,
            )

        self.open_form(
            StepForm(
                where,
                _("Join a team: write this device's enrolment request"),
                _("Write it to"),
                default=str(folder / request_name(callsign, device)),
                button=_("Write request"),
            ),
            None,
            chosen,
        )

    def action_enrol(self) -> None:
        if self.data is not None and self.data.team is None:  # said before any form
            self.refuse_key(
                _("No team yet: n creates one (this device becomes its admin), j joins one.")
            )
            return
        folder = self.folder

        def read(store: Store, values: dict[str, str]) -> Enrolment:
            if not values["request"].strip():
                raise Unfit(_("Give the path of the request file."))
            path = one_request(in_folder(folder, values["request"]))
            request = rosters.read_request(path)
            rosters.check_enrol(store, request, values["role"] or None)  # before the codes
            # by default the welcome goes next to the request it answers, where the new laptop
            # looks for it (its own sync folder, which need not be this one's: fix17r)
            out = in_folder(folder, values["out"]) if values["out"].strip() else path.parent
            if out.is_dir():
                out = out / welcome_name(request.data["device"])
            return Enrolment(request, values["role"], out, path)

        self.open_form(
            Form(
                _("Enrol a device from its request (a relative path is in the sync folder)"),
                [
                    Field(
                        "request",
                        _("Request file"),
                        default=str(folder),
                        placeholder=_("a file, or a folder with one request-….json"),
                    ),
                    Field(
                        "role",
                        _("Role in the team"),
                        "choice",
                        choices=(
                            (_("the role it asks for"), ""),
                            *codes("role", access.ROLES),
                        ),
                        default="",
                    ),
                    Field(
                        "out",
                        _("Welcome bundle to"),
                        default="",
                        placeholder=_("next to the request; or a folder, or a file"),
                    ),
                ],
                read,
                button=_("Read request"),
            ),
            None,
            self._compare_codes,
        )

    def _compare_codes(self, answer: Enrolment) -> None:
        request, role, out = answer.request, answer.role, answer.out
        question = _(
            "Read {path}: device {label} ({role}) asks to join; its operator: {callsign}, unit "
            "{unit}. Authentication code: {code}. Compare it with the code on the new device's "
            "screen: do they match? Its welcome bundle goes to {out}."
        ).format(
            path=visible(str(answer.path)),
            out=visible(str(out)),
            label=request.data["label"],
            role=labels.label("role", role or request.data["role"]),
            callsign=request.data.get("callsign") or _("not named (an older version)"),
            unit=request.data.get("unit") or "?",
            code=request.code,
        )
        if out.exists():  # said before the yes, never found out afterwards
            question += " " + _("It replaces the existing file {out}.").format(
                out=visible(str(out))
            )

        def enrol(store: Store) -> str:
            roster, done = exchange.enroll(store, request, role or None, out)
            return _("{label} enrolled (roster v{version}); welcome bundle: {path}.").format(
                label=request.data["label"], version=roster.version, path=visible(str(done.path))
            )

        def done(said: str) -> None:  # "nobody will read it" is over: someone will now
            self.receipt = said
            self.query_one("#sync-receipt", Static).update(literal(said, limit=None))

        self.confirm(question, _("The codes match: enrol"), lambda: self.write(enrol, str, done))

    def action_revoke(self) -> None:
        if not self.in_view("#sync-peers", _("the devices")):
            return
        key = self.query_one("#sync-peers", RecordTable).cursor_key
        if key is None or self.data is None:
            self.refuse_key(_("Select a device first."))
            return
        peer = next(p for p in self.data.peers if p.device == key)
        who = (
            _("last written by {callsign}").format(callsign=peer.callsign)
            if peer.callsign
            else _("no change received from it yet")
        )
        self.confirm(
            _(
                "Revoke device '{label}' ({role}, id {id}, {who})? It gets no more bundles "
                "and its later changes are refused. Export afterwards so the other devices "
                "learn of it."
            ).format(
                label=peer.label,
                role=labels.label("role", peer.role),
                id="…" + peer.device[-7:],
                who=who,
            ),
            _("Revoke"),
            lambda: self.write(
                lambda store: apply.revoke(store, key),
                _("{label} revoked; export now so the team learns of it.").format(label=peer.label),
            ),
        )

    # Resolving conflicts -------------------------------------------------------------------

    def _selected(self) -> status.Conflict | None:
        key = self.query_one("#sync-conflicts", RecordTable).cursor_key
        if key is None or self.data is None:
            self.refuse_key(_("0 open conflicts."))
            return None
        return self.data.conflicts.get(key)

    def action_choose(self, number: int) -> None:
        conflict = self._selected()
        if conflict is None:
            return
        value = _value(conflict, conflict.heads[number - 1].value)
        self.confirm(
            _("{record}: keep {field} = {value}? The other value is set aside.").format(
                record=conflict.label,
                field=field_label(conflict.table, conflict.column),
                value=value,
            ),
            _("Keep it"),
            lambda: self._resolve(conflict, choose=number),
        )

    def action_enter_value(self) -> None:
        conflict = self._selected()
        if conflict is None:
            return
        form = value_form(conflict.table, conflict.column)
        label = field_label(conflict.table, conflict.column)
        if form is None:  # a row's existence: no value to type, said before any form opens
            self.refuse_key(
                _("{record}: {field} has no value to type; edit the record itself.").format(
                    record=conflict.label, field=label
                )
            )
            return

        shown = conflict.moment(conflict.heads[0].value) if conflict.heads else None
        if shown is not None:  # the day a bare HH:MM is on, named
            form = time_form(at(shown)[:10])

        def save(store: Store, values: dict[str, str]) -> status.Conflict:
            return status.resolve(store, conflict.id, value=values["text"])

        self.open_form(
            StepForm(
                save,
                _("Resolve {record}: {field}").format(record=conflict.label, field=label),
                label,
                default=_typed(conflict, conflict.heads[0].value),
                button=_("Resolve"),
                note=_("{values}. Type {form}.").format(values=_both(conflict), form=form),
            ),
            self._resolved_words,
        )

    def _resolve(self, conflict: status.Conflict, *, choose: int) -> None:
        self.write(
            lambda store: status.resolve(store, conflict.id, choose=choose), self._resolved_words
        )

    @staticmethod
    def _resolved_words(done: status.Conflict) -> str:
        return _("Resolved: {record} keeps {value}.").format(
            record=done.label, value=_value(done, done.resolution)
        )


def secrets_line(found: list[findings.Finding]) -> list[str]:
    """Secrets set by someone else, in one line that names the console's key (the store's
    sentence names the command line's)."""
    people = sum(f.count for f in found if f.kind == "secret")
    if not people:
        return []
    return [
        ngettext(
            "! {n} person's secret was set by someone else: they change it with U.",
            "! {n} people's secrets were set by someone else: each changes theirs with U.",
            people,
        ).format(n=people)
    ]


def receipt_text(receipts: list[exchange.Receipt], team: rosters.Roster | None = None) -> str:
    """A folder's receipts: first what went wrong and the new conflicts in numbers (the toast
    shows that line), then the refused files, then the rest, one line each (the receipt box
    scrolls; r shows it whole).
    A sender the ``team``'s roster knows is named with its operator and id end too."""
    if not receipts:
        return ""
    refused = [r for r in receipts if r.result in FAILED]
    held = sum(len(r.quarantined) for r in receipts)
    alarms = sum(len(r.alarms) for r in receipts)
    conflicts = sum(sum(r.conflicts.values()) for r in receipts if r.result not in FAILED)
    head = []
    if refused:
        head.append(
            ngettext(
                "{n} of {total} file refused", "{n} of {total} files refused", len(receipts)
            ).format(n=len(refused), total=len(receipts))
        )
    if held:
        head.append(
            ngettext("{n} change quarantined", "{n} changes quarantined", held).format(n=held)
        )
    if alarms:
        head.append(
            ngettext("{n} audit trail alarm", "{n} audit trail alarms", alarms).format(n=alarms)
        )
    if not head:
        head.append(
            ngettext("{n} file read", "{n} files read", len(receipts)).format(n=len(receipts))
        )
    if conflicts:  # the first line (the toast) says what waits for a decision here
        head.append(
            ngettext("{n} new conflict", "{n} new conflicts", conflicts).format(n=conflicts)
        )
    ordered = refused + [r for r in receipts if r.result not in FAILED]
    return "\n".join(["; ".join(head) + ".", *(_receipt_line(r, team) for r in ordered)])


def _sender(receipt: exchange.Receipt, team: rosters.Roster | None) -> str:
    """The sender's label, and (labels are shared: "vm") its bound operator and id end. A
    refused file's sender is its folder's name, a device id: named by the roster's label."""
    origin, label = receipt.origin, receipt.sender
    found = team.device(origin) if team and origin else None
    if found is None and team is not None and team.device(receipt.sender) is not None:
        origin = receipt.sender
        found = team.device(origin)
        label = str((found or {}).get("label") or origin)
    if found is None:
        return visible(label)
    operator = found.get("callsign")
    who = f"{operator}, " if isinstance(operator, str) and operator else ""
    return visible(f"{label} ({who}…{origin[-7:]})")


def _receipt_line(receipt: exchange.Receipt, team: rosters.Roster | None = None) -> str:
    head = headline(receipt, _sender(receipt, team))
    if receipt.result in FAILED:
        why = f" ({visible(said(receipt.warnings[0]))})" if receipt.warnings else ""
        return f"! {head}{why}"
    if receipt.result not in (Result.APPLIED, Result.PARTLY_APPLIED):
        return head
    # records per table (a new record carries one change per field: those are not counted)
    detail = ", ".join(
        f"{labels.label('table', t['table'])} {t['applied']}"
        + (" " + _("(+{n} waiting)").format(n=t["deferred"]) if t["deferred"] else "")
        for t in receipt.records()
    )
    line = f"{head}; " + (
        _("records per table: {tables}").format(tables=detail) if detail else _("nothing new")
    )
    conflicts = sum(receipt.conflicts.values())
    if conflicts:
        line += "; " + ngettext("{n} new conflict", "{n} new conflicts", conflicts).format(
            n=conflicts
        )
    if receipt.quarantined:
        held = len(receipt.quarantined)
        line += "\n" + ngettext(
            "{n} change quarantined: the team's rules refused it.",
            "{n} changes quarantined: the team's rules refused them.",
            held,
        ).format(n=held)
    for alarm in receipt.alarms:  # an audit trail cut or rewritten
        line += "\n!! " + visible(said(alarm))
    return line
