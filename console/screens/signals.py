"""Signals: the inbox of the information organisation and every officer's own signals, with the
event history of the selected one, and the signal reports (readable as Markdown).

Analysts: ``v`` receive, ``f`` follow up, ``i`` interpret (*duiding*), ``x`` close. Everyone:
``w`` add a sighting, ``m`` only my signals, ``o`` open the selected report. Raising a signal is
``!`` on every screen. TLP colours: red, amber, green, clear. What a role may not do is not
offered; the store refuses it anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Markdown, Static

from store import access, intel, signals
from store.clock import local_text
from store.errors import StoreError
from store.intel import SignalReport
from store.signals import Signal
from store.validate import markdown

from ..i18n import _
from ..literal import literal, plain, template
from ..widgets.reveal import move_to
from .forms import StepForm

TLP_STYLE = {
    "red": "bold white on red3",
    "amber+strict": "black on dark_orange",
    "amber": "black on orange1",
    "green": "black on green3",
    "clear": "black on white",
}
URGENCY_STYLE = {"immediate": "bold red", "priority": "yellow", "routine": ""}


@dataclass(frozen=True)
class SignalsData:
    signals: list[Signal]
    reports: list[SignalReport]


def signal_markdown(signal: Signal) -> str:
    """The signal as a Markdown document; everything people typed is escaped (it reads as
    written and cannot add links, headings or markup)."""
    md = markdown
    lines = [
        f"## {md(signal.category.replace('_', ' ').capitalize())} — "
        f"{md(signal.status.replace('_', ' '))}",
        "",
        md(signal.text),
        "",
        f"- **TLP:** {md(signal.tlp.upper())} · **urgency:** {md(signal.urgency)}",
        f"- **Reporter:** {md(signal.reporter)}"
        + (f" (via {md(signal.signed_by)})" if signal.signed_by else "")
        + f" · raised {local_text(signal.raised_at)}, "
        f"observed {local_text(signal.observed_at)}",
        f"- **Person:** {md(signal.person or '—')} · **where:** {md(signal.location or '—')}",
    ]
    if signal.requests_assessment:
        lines.append("- **Requests a new threat assessment**")
    if signal.outcome:
        lines.append(f"- **Outcome:** {md(signal.outcome.replace('_', ' '))}")
    if signal.interpretation:
        lines += ["", f"**Duiding:** {md(signal.interpretation)}"]
    lines += ["", f"### History ({len(signal.events)} events)", ""]
    for event in signal.events:
        what = (event.sighting or event.outcome or "").replace("_", " ")
        note = f" — {md(event.note)}" if event.note else ""
        lines.append(
            f"- {local_text(event.at)} · {md(event.actor)} · {md(event.kind.replace('_', ' '))}"
            f"{' (' + md(what) + ')' if what else ''}{note}"
        )
    if not signal.events:
        lines.append("- submitted, waiting for the information organisation")
    return "\n".join(lines)


class ReportScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", _("Close"))]

    def __init__(self, document: str) -> None:
        super().__init__()
        self.document = document

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Markdown(self.document)


class SignalsScreen(Screen[None]):
    TITLE = _("Signals")
    BINDINGS = [
        Binding("v", "step('received')", _("Receive")),
        Binding("f", "step('follow_up')", _("Follow up")),
        Binding("i", "step('interpreted')", _("Interpret")),
        Binding("x", "step('closed')", _("Close")),
        Binding("w", "sighting", _("Sighting")),
        Binding("m", "toggle_mine", _("Mine/all")),
        Binding("o", "open_report", _("Open report")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: SignalsData | None = None
        self.mine = False
        self.revealing: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="signals-summary", classes="summary")
        with Horizontal(id="signals-body"):
            yield DataTable(id="signal-list", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="signal-detail"):
                yield Markdown(_("Select a signal."), id="signal-text")
        yield Static(_("Signal reports"), classes="section-title")
        yield DataTable(id="report-list", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        self.analyst = access.allowed(store.actor.role, "signal.process")
        self.mine = not self.analyst and self.revealing is None  # a reveal lists everything
        self.query_one("#signal-list", DataTable).add_columns(
            _("Urgency"),
            _("TLP"),
            _("Status"),
            _("Person"),
            _("Raised"),
            _("Outcome"),
            _("Seen"),
            _("Reporter"),
            _("Category"),
        )
        self.query_one("#report-list", DataTable).add_columns(
            _("Title"), _("Status"), _("Audience"), _("Issued"), _("Scenarios"), _("Ack")
        )
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the analysts' steps from everyone else (the store refuses them anyway)."""
        if action == "step":
            return getattr(self, "analyst", False)
        return True

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load(self.mine)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, mine: bool) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        data = SignalsData(signals.list_signals(store, mine=mine), intel.list_reports(store))
        self.app.call_from_thread(self.show, data)

    def show(self, data: SignalsData) -> None:
        self.data = data
        table = self.query_one("#signal-list", DataTable)
        selected = self.selected()
        table.clear()
        for item in data.signals:
            table.add_row(
                literal(item.urgency, URGENCY_STYLE.get(item.urgency, "")),
                literal(f" {item.tlp.upper()} ", TLP_STYLE.get(item.tlp, "")),
                literal(item.status.replace("_", " ")),
                literal(item.person or ""),
                local_text(item.raised_at),
                literal((item.outcome or "").replace("_", " ")),
                str(item.sightings),
                literal(item.reporter + (f" via {item.signed_by}" if item.signed_by else "")),
                literal(item.category.replace("_", " ")),
                key=item.id,
            )
        if move_to(table, self.revealing):
            self.revealing = None
        elif selected is not None:
            move_to(table, selected.id)
        reports = self.query_one("#report-list", DataTable)
        reports.clear()
        for report in data.reports:
            reports.add_row(
                literal(report.title),
                literal(report.status),
                literal((report.audience or "").replace("_", " ")),
                local_text(report.issued_at),
                str(len(report.scenarios)),
                str(len(report.acknowledgements)),
                key=report.id,
            )
        waiting = sum(1 for s in data.signals if s.status == "submitted")
        open_count = sum(1 for s in data.signals if s.status != "closed")
        scope = _("my signals") if self.mine else _("all signals I may see")
        self.query_one("#signals-summary", Static).update(
            template(
                _(
                    "$scope: $total · $open open · $waiting not yet received · $reports reports "
                    "  [dim]! raise a signal · m mine/all[/]"
                ),
                scope=scope,
                total=len(data.signals),
                open=open_count,
                waiting=waiting,
                reports=len(data.reports),
            )
        )
        self.show_detail()

    def reveal(self, signal_id: str) -> None:
        """Put the cursor on this signal (listing all signals this person may see)."""
        self.revealing = signal_id
        self.mine = False
        self.reload()

    def selected(self) -> Signal | None:
        table = self.query_one("#signal-list", DataTable)
        if self.data is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.data.signals if s.id == key), None)

    @on(DataTable.RowHighlighted, "#signal-list")
    def _highlighted(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        item = self.selected()
        detail = self.query_one("#signal-text", Markdown)
        if item is None:
            detail.update(_("0 signals here."))
            return
        try:
            full = signals.get_signal(self.app.store, item.id)  # type: ignore[attr-defined]
        except StoreError as exc:
            detail.update(markdown(exc))
            return
        detail.update(signal_markdown(full))

    def _form(
        self,
        heading: str,
        label: str,
        act: Callable[[dict[str, str]], object],
        choices: tuple[str, ...] = (),
    ) -> None:
        def save(values: dict[str, str]) -> str | None:
            try:
                act(values)
            except StoreError as exc:
                return str(exc)
            self.reload()
            return None

        self.app.push_screen(StepForm(save, heading, label, choices))

    def action_step(self, step: str) -> None:
        item = self.selected()
        if item is None:
            return
        store = self.app.store  # type: ignore[attr-defined]
        if step == "received":
            try:
                signals.receive_signal(store, item.id)
            except StoreError as exc:
                self.notify(plain(exc), severity="error", markup=False)
            self.reload()
        elif step == "follow_up":
            self._form(
                _("Follow up"),
                _("Note"),
                lambda v: signals.follow_up_signal(store, item.id, v["text"]),
            )
        elif step == "interpreted":
            self._form(
                _("Duiding: what does this signal mean?"),
                _("Interpretation"),
                lambda v: signals.interpret_signal(store, item.id, v["text"]),
            )
        else:
            self._form(
                _("Close with an outcome the reporter sees"),
                _("Note"),
                lambda v: signals.close_signal(store, item.id, v["choice"], v["text"]),
                choices=signals.OUTCOMES,
            )

    def action_sighting(self) -> None:
        item = self.selected()
        if item is None:
            return
        store = self.app.store  # type: ignore[attr-defined]
        self._form(
            _("Add a sighting"),
            _("Note"),
            lambda v: signals.sight_signal(store, item.id, v["choice"], v["text"]),
            choices=signals.SIGHTINGS,
        )

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.reload()

    def action_open_report(self) -> None:
        table = self.query_one("#report-list", DataTable)
        if self.data is None or not table.row_count:
            self.notify(_("0 signal reports."), severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        report = next(r for r in self.data.reports if r.id == key)
        self.app.push_screen(ReportScreen(intel.report_markdown(report)))
