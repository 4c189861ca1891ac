"""Handover: the ISBAR draft as a document that refreshes as the database changes, the open items
with a key to jump to the screen where each is handled, the outgoing leader's notes, and the
history of signed handovers.

Keys: ``x`` sign the draft with the notes (outgoing shift leader), ``c`` accept the selected
signed handover (a different shift leader), ``j`` go to the selected open item: its screen, and
for activities to re-plan, open signals and sync conflicts the first such record itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Markdown, Static, TextArea

from store import access
from store import handover as model
from store.clock import local_text
from store.errors import StoreError
from words.handover import handover_markdown, item_text

from ..i18n import _
from ..literal import literal, plain
from ..widgets.inputs import NotesArea
from .forms import StepForm

#: Which screen handles each kind of open item.
JUMPS = {
    "gaps": "roster",
    "replan": "agenda",
    "open_signals": "signals",
    "flagged_log": "agenda",
    "expiring": "roster",
    "conflicts": "sync",
    "quarantined": "sync",
}


#: Kinds whose screen can put the cursor on the item itself (the first of its ids).
REVEALS = frozenset({"replan", "open_signals", "conflicts", "quarantined"})


@dataclass(frozen=True)
class HandoverData:
    draft: dict[str, Any]
    history: list[model.HandoverRecord]


class HandoverScreen(Screen[None]):
    TITLE = _("Handover")
    BINDINGS = [
        Binding("x", "sign", _("Sign")),
        Binding("c", "accept", _("Accept selected")),
        Binding("j", "jump", _("Go to item")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: HandoverData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="handover-body"):
            with VerticalScroll(id="handover-document"):
                yield Markdown(_("Drawing the handover…"), id="handover-text")
            with Vertical(id="handover-side"):
                yield Static(_("Open items — j to go there"), classes="section-title")
                yield DataTable(id="open-items", cursor_type="row")
                yield Static(_("Notes for the incoming shift"), classes="section-title")
                yield NotesArea(id="handover-notes")
                yield Static(_("Signed handovers — c to accept"), classes="section-title")
                yield DataTable(id="handover-history", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#open-items", DataTable).add_columns(_("Open"), _("Item"))
        self.query_one("#handover-history", DataTable).add_columns(
            _("Period"), _("Signed by"), _("Accepted by")
        )
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sign", "accept"):
            return access.allowed(self.app.store.actor.role, "handover.sign")  # type: ignore[attr-defined]
        return True

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        draft = model.handover_content(model.draft_handover(store))
        data = HandoverData(draft, model.list_handovers(store))
        self.app.call_from_thread(self.show, data)

    def show(self, data: HandoverData) -> None:
        self.data = data
        self.query_one("#handover-text", Markdown).update(
            handover_markdown(data.draft, max_subject_lines=25)
        )
        items = self.query_one("#open-items", DataTable)
        items.clear()
        seen: set[str] = set()
        for number, item in enumerate(data.draft["assessment"]):
            count = literal(item["count"], "b red" if item["count"] else "")
            text = item_text("assessment", item, details=False)
            key = item["kind"] if item["kind"] not in seen else f"{item['kind']}:{number}"
            seen.add(item["kind"])  # a kind may repeat: one quarantined write per row
            items.add_row(count, literal(text), key=key)
        history = self.query_one("#handover-history", DataTable)
        history.clear()
        for record in data.history:
            history.add_row(
                f"{local_text(record.period_start)}–"
                f"{local_text(record.period_end, with_date=False)}",
                literal(record.signed_by),
                literal(record.accepted_by or _("not yet")),
                key=record.id,
            )

    def action_sign(self) -> None:
        notes = self.query_one("#handover-notes", TextArea).text
        try:
            record = model.sign_handover(self.app.store, notes=notes)  # type: ignore[attr-defined]
        except model.AlreadySigned as exc:
            if not exc.may_supersede:  # only its signer replaces a handover
                self.notify(plain(exc), severity="error", markup=False)
                return
            self._ask_to_supersede(exc, notes)
            return
        except StoreError as exc:
            self.notify(plain(exc), severity="error", markup=False)
            return
        self._signed(record)

    def _signed(self, record: model.HandoverRecord) -> None:
        self.query_one("#handover-notes", TextArea).text = ""
        self.notify(_("Handover signed ({digest}…).").format(digest=record.content_hash[:12]))
        self.reload()

    def _ask_to_supersede(self, refusal: model.AlreadySigned, notes: str) -> None:
        """The period is signed already: sign again only to supersede it, with a reason."""
        store = self.app.store  # type: ignore[attr-defined]

        def save(values: dict[str, str]) -> str | None:
            try:
                record = model.sign_handover(
                    store, notes=notes, supersedes=refusal.handover_id, reason=values["text"]
                )
            except StoreError as exc:
                return str(exc)
            self._signed(record)
            return None

        self.app.push_screen(
            StepForm(
                save,
                _("This period is already signed (handover {id}). Supersede it?").format(
                    id=refusal.handover_id[:13]
                ),
                _("Why does this handover replace the signed one?"),
            )
        )

    def action_accept(self) -> None:
        table = self.query_one("#handover-history", DataTable)
        if not table.row_count:
            self.notify(_("0 signed handovers to accept."), severity="warning")
            return
        handover_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        try:
            model.accept_handover(self.app.store, handover_id)  # type: ignore[attr-defined]
        except StoreError as exc:
            self.notify(plain(exc), severity="error", markup=False)
            return
        self.notify(_("Handover accepted."))
        self.reload()

    def action_jump(self) -> None:
        table = self.query_one("#open-items", DataTable)
        if not table.row_count:
            return
        kind, _, number = str(
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        ).partition(":")
        self.app.action_switch_mode(JUMPS.get(kind, "today"))  # type: ignore[attr-defined]
        items = self.data.draft["assessment"] if self.data else []
        if number.isdigit() and int(number) < len(items):
            ids = items[int(number)]["ids"]
        else:
            ids = next((i["ids"] for i in items if i["kind"] == kind), [])
        reveal = getattr(self.app.screen, "reveal", None)
        if ids and kind in REVEALS and reveal is not None:
            reveal(ids[0])  # the first open item of that kind, with the cursor on it
