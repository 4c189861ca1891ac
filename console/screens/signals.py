"""Signals: the inbox of the information organisation and every officer's own signals, the
selected one in full (its linked activity and its history), and the signal reports.

Analysts: ``v`` receive, ``f`` follow up, ``i`` interpret (*duiding*), ``x`` close; ``n`` draft a
signal report (from the selected signal), ``c`` add a scenario to the selected draft, ``p`` issue
it (asked first). Everyone: ``w`` add a sighting, ``m`` only my signals or all I may see, ``o``
read the selected report, ``r`` acknowledge it (its audience). Raising a signal is ``!`` on every
screen. Operators open on their own signals; roles that process or lead see everything they may.
TLP colours: red, amber, green, clear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from store import access, agenda, intel, signals
from store.clock import local_span
from store.db import Store
from store.errors import NotFound
from store.intel import SignalReport
from store.signals import Signal
from words.counts import counted
from words.intel import report_markdown

from .. import labels
from ..actions import Action
from ..i18n import _, ngettext
from ..literal import literal, template
from ..times import at
from ..widgets.drawer import Drawer, DrawerTitle
from ..widgets.table import Column, RecordTable, Row
from .base import BaseScreen, Unfit
from .document import DocumentScreen
from .forms import Field, Form, StepForm, codes

TLP_STYLE = {
    "red": "bold white on red3",
    "amber+strict": "black on dark_orange",
    "amber": "black on orange1",
    "green": "black on green3",
    "clear": "black on white",
}
URGENCY_STYLE = {"immediate": "bold red", "priority": "yellow", "routine": ""}
#: Roles that open the screen on every signal they may see (they process or lead).
SEES_ALL = frozenset({"info_analyst", "shift_leader", "planner", "authority", "admin"})


def can_acknowledge(actor: access.Actor) -> bool:
    """A report is acknowledged by the person's role (``intel.acknowledge_report``)."""
    return any(actor.role in roles for roles in intel.AUDIENCE_ROLES.values())


def which(item: Signal) -> str:
    """A signal as a form's heading names it: its category, when it was raised, and the
    start of what was seen ("(threatening behaviour, raised 2026-12-01 09:12: 'Man films…')")."""
    seen = " ".join(item.text.split())
    seen = seen if len(seen) <= 40 else seen[:39] + "…"
    return _("({category}, raised {when}: '{seen}')").format(
        category=labels.label("signal_category", item.category), when=at(item.raised_at), seen=seen
    )


@dataclass(frozen=True)
class SignalsData:
    mine: bool
    signals: dict[str, Signal]
    rows: list[Row]
    reports: dict[str, SignalReport]
    report_rows: list[Row]


def signal_row(item: Signal) -> Row:
    return Row(
        item.id,
        (
            literal(labels.label("urgency", item.urgency), URGENCY_STYLE.get(item.urgency, "")),
            literal(f" {item.tlp.upper()} ", TLP_STYLE.get(item.tlp, "")),
            literal(labels.label("signal_status", item.status)),
            literal(item.person or ""),
            Text(at(item.raised_at)[5:], end=""),
            literal(item.reporter + (f" via {item.signed_by}" if item.signed_by else "")),
            literal(labels.label("signal_category", item.category)),
            literal(labels.label("outcome", item.outcome)),
            Text(str(item.sightings), end=""),
        ),
    )


def report_row(report: SignalReport) -> Row:
    return Row(
        report.id,
        (
            literal(report.title),
            literal(report.status),
            literal(labels.label("audience", report.audience)),
            Text(at(report.issued_at), end=""),
            Text(str(len(report.scenarios)), end=""),
            Text(str(len(report.acknowledgements)), end=""),
        ),
    )


def fetch_signals(store: Store, mine: bool) -> SignalsData:
    found = signals.list_signals(store, mine=mine)
    reports = intel.list_reports(store)
    return SignalsData(
        mine,
        {s.id: s for s in found},
        [signal_row(s) for s in found],
        {r.id: r for r in reports},
        [report_row(r) for r in reports],
    )


def signal_detail(store: Store, signal_id: str) -> Text:
    """The signal in full, with its linked activity and its history (read in a worker)."""
    signal = signals.get_signal(store, signal_id)
    text = Text()
    text.append(labels.label("signal_category", signal.category).capitalize(), style="bold")
    text.append(" — " + labels.label("signal_status", signal.status) + "  ")
    text.append(f" TLP:{signal.tlp.upper()} ", style=TLP_STYLE.get(signal.tlp, ""))
    text.append(
        "  " + labels.label("urgency", signal.urgency) + "\n",
        style=URGENCY_STYLE.get(signal.urgency, ""),
    )
    text.append_text(literal(signal.text, limit=None, lines=True))
    text.append("\n\n")
    text.append(_("Reporter "), style="dim")
    text.append_text(literal(signal.reporter))
    if signal.signed_by:  # acting as someone else is visible: the laptop's operator who signed
        text.append(_(" via "), style="dim")
        text.append_text(literal(signal.signed_by))
    text.append(_(" · raised "), style="dim")
    text.append(at(signal.raised_at))
    text.append(_(" · observed "), style="dim")
    text.append(at(signal.observed_at) + "\n")
    text.append(_("Person "), style="dim")
    text.append_text(literal(signal.person or "—"))
    text.append(_(" · where "), style="dim")
    text.append_text(literal(signal.location or "—"))
    text.append("\n")
    if signal.activity_id:
        try:
            item = agenda.get_activity(store, signal.activity_id)
        except NotFound:  # an activity not (yet) on this laptop
            text.append(_("Activity ") + signal.activity_id + "\n", style="dim")
        else:
            text.append(_("Activity "), style="dim")
            text.append_text(literal(item.title))
            text.append(f" ({local_span(item.start_at, item.end_at)}, ")
            text.append_text(literal(item.location))
            text.append(")\n")
    if signal.requests_assessment:
        text.append(_("Requests a new threat assessment") + "\n", style="bold")
    if signal.outcome:
        text.append(_("Outcome: ") + labels.label("outcome", signal.outcome) + "\n", style="bold")
    if signal.interpretation:  # typed with its own "Duiding:" it is not labelled twice
        if not signal.interpretation.casefold().startswith(("duiding:", _("Duiding:").casefold())):
            text.append(_("Duiding: "), style="bold")
        text.append_text(literal(signal.interpretation, limit=None))
        text.append("\n")
    text.append(
        "\n"
        + ngettext("History ({n} event)", "History ({n} events)", len(signal.events)).format(
            n=len(signal.events)
        )
        + "\n",
        style="bold",
    )
    for event in signal.events:
        what = labels.label("sighting", event.sighting) or labels.label("outcome", event.outcome)
        text.append(f"{at(event.at)} · ")
        text.append_text(literal(event.actor))
        text.append(" · " + event.kind.replace("_", " ") + (f" ({what})" if what else ""))
        if event.note:
            text.append(" — ")
            text.append_text(literal(event.note))
        text.append("\n")
    if not signal.events:
        text.append(_("submitted, waiting for the information organisation") + "\n", style="italic")
    return text


class SignalsScreen(BaseScreen[SignalsData]):
    MODE = "signals"
    MAIN = "#signal-list"
    RECORDS: ClassVar[dict[str, str]] = {"signal": "#signal-list", "report": "#report-list"}
    TITLE = _("Signals")
    PURPOSE = _(
        "my signals (signalen) and the information organisation's (informatieorganisatie) "
        "inbox; signal reports (signaalrapporten)"
    )
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "v",
            "step('received')",
            _("Receive"),
            _("Receive the selected signal"),
            _("The information organisation has it (the reporter sees the status)"),
            permission="signal.process",
            selects="signal",
        ),
        Action(
            "f",
            "step('follow_up')",
            _("Follow up"),
            _("Follow up the selected signal"),
            _("Record a follow-up with a note"),
            permission="signal.process",
            selects="signal",
        ),
        Action(
            "i",
            "step('interpreted')",
            _("Interpret"),
            _("Interpret: duiding"),
            _("What the signal means (duiding)"),
            permission="signal.process",
            selects="signal",
        ),
        Action(
            "x",
            "step('closed')",
            _("Close"),
            _("Close the selected signal"),
            _("Close with an outcome the reporter sees"),
            permission="signal.process",
            selects="signal",
        ),
        Action(
            "w",
            "sighting",
            _("Sighting"),
            _("Add a sighting"),
            _("Seen again, not seen, or a false positive, on the selected signal"),
            selects="signal",
        ),
        Action(
            "m",
            "toggle_mine",
            _("Mine/all"),
            _("My signals or all I may see"),
            _("Switch between your own signals and every signal you may see"),
        ),
        Action(
            "o",
            "open_report",
            _("Read"),
            _("Read the selected signal report"),
            _("The report as a document: duiding, scenarios, signals"),
            selects="report",
        ),
        Action(
            "n",
            "draft_report",
            _("Report"),
            _("Draft a signal report"),
            _("A proactive signal report (title, duiding), from the selected signal"),
            permission="intel.write",
            about=True,
        ),
        Action(
            "c",
            "add_scenario",
            _("Scenario"),
            _("Add a scenario to the report"),
            _("A realistic scenario on the selected draft report"),
            permission="intel.write",
            selects="report",
        ),
        Action(
            "p",
            "issue_report",
            _("Issue"),
            _("Issue the selected signal report"),
            _("To line managers or the competent authority; it cannot change afterwards"),
            permission="intel.write",
            selects="report",
        ),
        Action(
            "r",
            "acknowledge",
            _("Ack"),
            _("Acknowledge the selected report"),
            _("Confirm you have read a report addressed to your role"),
            permission=can_acknowledge,
            selects="report",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.mine: bool | None = None
        self.revealing: str | None = None
        # whom the view was chosen for: a switch of user chooses again by the new role
        self.viewer: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="signals-summary", classes="summary")
        with Container(id="signals-body"):
            yield RecordTable(
                [
                    Column(_("Urgency"), 9),
                    Column(_("TLP"), 14),
                    Column(_("Status"), 12),
                    Column(_("Person"), 9),
                    Column(_("Raised"), 11, drop=1),
                    Column(_("Reporter"), 9, drop=2),
                    Column(_("Category"), 21, grow=True),
                    Column(_("Outcome"), 13, drop=3),
                    Column(_("Seen"), 4, align="right", drop=4),
                ],
                id="signal-list",
                empty=_("0 signals here; m shows all you may see, ! raises one."),
            )
            with VerticalScroll(id="signal-detail"):
                yield Static(_("Select a signal."), id="signal-text")
        with Drawer(id="report-panel"):
            yield DrawerTitle(_("Signal reports — o read"))
            yield RecordTable(
                [
                    Column(_("Title"), 24, grow=True),
                    Column(_("Status"), 10),
                    Column(_("Audience"), 24, drop=1),  # at 80x24 Issued keeps its width
                    Column(_("Issued"), 16),
                    Column(_("Scen."), 5, align="right", drop=2),
                    Column(_("Ack"), 3, align="right"),
                ],
                id="report-list",
                zebra=False,
                empty=_("0 signal reports."),
            )

    def on_mount(self) -> None:
        self._follow_viewer()
        self.query_one("#signal-list", RecordTable).focus()
        super().on_mount()

    load = staticmethod(fetch_signals)

    def params(self) -> tuple[Any, ...]:
        self._follow_viewer()
        return (bool(self.mine),)

    def _follow_viewer(self) -> None:
        """Choose the view by the acting person's role when the screen first opens and again
        after every switch of user: an analyst who takes over from an operator who chose
        "my signals" sees the inbox, not an empty list (issue 17)."""
        viewer = self.console_app.actor.callsign
        if self.mine is None or viewer != self.viewer:
            (opening,) = self.opening(self.console_app)
            self.mine = opening and self.revealing is None
            self.viewer = viewer

    @classmethod
    def opening(cls, app: Any) -> tuple[Any, ...]:
        return (app.role not in SEES_ALL,)

    def show(self, data: SignalsData) -> None:
        table = self.query_one("#signal-list", RecordTable)
        table.set_rows(data.rows)
        if table.move_to(self.revealing):
            table.focus()
            self.revealing = None
        self.query_one("#report-list", RecordTable).set_rows(data.report_rows)
        items = data.signals.values()
        scope = _("my signals") if data.mine else _("all signals I may see")
        self.query_one("#signals-summary", Static).update(
            template(
                _("[b]$scope[/]: $total · $open open · $waiting not yet received · $reports"),
                scope=scope,
                total=len(data.signals),
                open=sum(1 for s in items if s.status != "closed"),
                waiting=sum(1 for s in items if s.status == "submitted"),
                reports=counted(len(data.reports), "{n} report", "{n} reports"),
            )
        )
        self.load_detail()

    def reveal(self, signal_id: str) -> None:
        """Put the cursor on this signal (listing all signals this person may see)."""
        self.revealing = signal_id
        self.mine = False
        if self.is_mounted:
            self.reload()

    def selected(self) -> Signal | None:
        key = self.query_one("#signal-list", RecordTable).cursor_key
        if self.data is None or key is None:
            return None
        return self.data.signals.get(key)

    def selected_report(self) -> SignalReport | None:
        key = self.query_one("#report-list", RecordTable).cursor_key
        if self.data is None or key is None:
            return None
        return self.data.reports.get(key)

    @on(RecordTable.Highlighted, "#signal-list")
    def _highlighted(self) -> None:
        self.load_detail()

    @on(RecordTable.Selected, "#report-list")
    def _report_chosen(self) -> None:
        self.action_open_report()

    def load_detail(self) -> None:
        item = self.selected()
        detail = self.query_one("#signal-text", Static)
        if item is None:
            detail.update(_("0 signals here."))
            return
        self.call_store(
            lambda store: signal_detail(store, item.id),
            detail.update,
            group="detail",
            failed=lambda error: detail.update(literal(error, limit=None)),
        )

    def signal_context(self) -> tuple[str | None, str | None, str]:
        item = self.selected()
        return (item.person if item else None), None, ""

    # The analysts' steps ----------------------------------------------------------------------

    def _step_form(
        self,
        heading: str,
        caption: str,
        act: Callable[[Store, dict[str, str]], Signal],
        toast: str,
        choices: tuple[tuple[str, str], ...] = (),
        choice_caption: str = "",
        chosen: bool = True,
    ) -> None:
        self.open_form(
            StepForm(act, heading, caption, choices, choice_caption=choice_caption, chosen=chosen),
            toast,
        )

    def _selected_or_warn(self) -> Signal | None:
        item = self.selected()
        if item is None:
            self.refuse_key(_("Select a signal first."))
        return item

    def action_step(self, step: str) -> None:
        item = self._selected_or_warn()
        if item is None:
            return
        signal_id = item.id
        if step == "received":
            self.write(
                lambda store: signals.receive_signal(store, signal_id),
                _("Received; the reporter sees it."),
            )
        elif step == "follow_up":
            self._step_form(
                _("Follow up"),
                _("Note"),
                lambda store, v: signals.follow_up_signal(store, signal_id, v["text"]),
                _("Follow-up recorded."),
            )
        elif step == "interpreted":
            self._step_form(
                _("Duiding: what does this signal mean?"),
                _("Interpretation"),
                lambda store, v: signals.interpret_signal(store, signal_id, v["text"]),
                _("Duiding recorded."),
            )
        else:

            def close(store: Store, values: dict[str, str]) -> Signal:
                if not values["choice"]:
                    raise Unfit(_("Choose the outcome the reporter will see."))
                return signals.close_signal(store, signal_id, values["choice"], values["text"])

            self._step_form(
                _("Close the signal {which} with an outcome the reporter sees").format(
                    which=which(item)
                ),
                _("Note"),
                close,
                _("Signal closed; the reporter sees the outcome."),
                codes("outcome", signals.OUTCOMES),
                _("Outcome"),
                chosen=False,  # no default: Enter alone never closes a signal as confirmed
            )

    def action_sighting(self) -> None:
        item = self._selected_or_warn()
        if item is None:
            return
        signal_id = item.id
        self._step_form(
            _("Add a sighting"),
            _("Note"),
            lambda store, v: signals.sight_signal(store, signal_id, v["choice"], v["text"]),
            _("Sighting added."),
            codes("sighting", signals.SIGHTINGS),
            _("Sighting"),
        )

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.reload()

    # Signal reports --------------------------------------------------------------------------

    def action_open_report(self) -> None:
        if not self.in_view("#report-list", _("the signal reports")):
            return
        report = self.selected_report()
        if report is None:
            self.refuse_key(_("0 signal reports."))
            return
        self.read_then(  # its signals by what they are, not by raw id; keys typed meanwhile
            lambda store: report_markdown(report, intel.signal_gists(store, report)),
            lambda text: self.show_document(report.title, text),
            group="report",
        )

    def show_document(self, title: str, text: str) -> None:
        self.app.push_screen(DocumentScreen(title, text, markdown=True))

    def action_draft_report(self) -> None:
        item = None if self.elsewhere else self.selected()  # a signal seen only here
        linked = [item.id] if item else []

        def save(store: Store, values: dict[str, str]) -> SignalReport:
            return intel.draft_report(
                store,
                title=values["title"],
                interpretation=values["interpretation"],
                signals=linked,
            )

        self.open_form(
            Form(
                _("Draft a signal report"),
                [
                    Field("title", _("Title")),
                    Field(
                        "interpretation",
                        _("Duiding"),
                        default=(item.interpretation or "") if item else "",
                        placeholder=_("what it means"),
                    ),
                ],
                save,
                button=_("Draft"),
                note=_("Linked signal: {what}").format(what=item.text[:60] if item else _("none")),
            ),
            _("Report drafted; add a scenario (c), then issue it (p)."),
            self._drafted,
        )

    def _drafted(self, report: SignalReport) -> None:
        self.query_one("#report-list", RecordTable).move_to(report.id)

    def _draft_or_warn(self) -> SignalReport | None:
        if not self.in_view("#report-list", _("the signal reports")):
            return None
        report = self.selected_report()
        if report is None or report.status != "draft":
            self.refuse_key(_("Select a draft report first (Tab to the reports)."))
            return None
        return report

    def action_add_scenario(self) -> None:
        report = self._draft_or_warn()
        if report is None:
            return
        report_id = report.id

        def save(store: Store, values: dict[str, str]) -> SignalReport:
            return intel.add_scenario(
                store,
                report_id,
                description=values["description"],
                likelihood=values["likelihood"],
                indicators=values["indicators"],
                actions=values["actions"],
            )

        self.open_form(
            Form(
                _("A realistic scenario for '{title}'").format(title=report.title),
                [
                    Field("description", _("Scenario")),
                    Field("likelihood", _("Likelihood")),
                    Field("indicators", _("Indicators")),
                    Field("actions", _("Actions")),
                ],
                save,
                button=_("Add scenario"),
            ),
            _("Scenario added."),
        )

    def action_issue_report(self) -> None:
        report = self._draft_or_warn()
        if report is None:
            return
        report_id = report.id

        def save(store: Store, values: dict[str, str]) -> SignalReport:
            return intel.issue_report(store, report_id, audience=values["audience"])

        self.open_form(
            Form(
                _("Issue '{title}'? It cannot change afterwards.").format(title=report.title),
                [
                    Field(
                        "audience",
                        _("To"),
                        "choice",
                        "line_managers",
                        codes("audience", intel.AUDIENCES),
                    )
                ],
                save,
                button=_("Issue"),
            ),
            lambda done: _("Report issued to {who}.").format(
                who=labels.label("audience", done.audience)
            ),
        )

    def action_acknowledge(self) -> None:
        if not self.in_view("#report-list", _("the signal reports")):
            return
        report = self.selected_report()
        if report is None:
            self.refuse_key(_("Select a report first (Tab to the reports)."))
            return
        report_id = report.id
        self.write(
            lambda store: intel.acknowledge_report(store, report_id),
            _("Acknowledged."),
        )
