"""Roster & gaps: per unit a time line of demand against shortfall (gaps in red), the list of
gaps, and for a selected gap its activities and what can still be done (*wat kan wél*).

Keys: ``[``/``]`` day, ``p`` apply the selected suggestion (deploy an officer, use another
valid concept, or move the activity as a recorded restriction), ``u`` go to the next unplanned
activity on the Agenda. Everything goes through the store; the lists refresh after each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from store import agenda
from store.clock import day_bounds, local_text, today
from store.errors import StoreError
from store.gaps import Gap, HourProfile, gaps_by_hour, shortfall_hours
from store.suggest import Option, apply_option, may_apply, suggest

from ..i18n import _
from ..literal import literal, plain, template
from ..widgets.timeline import Timeline
from .forms import StepForm

HOURS = 48
#: Rows in the gap list; beyond this the summary points to `schildwacht gaps`.
MAX_GAP_ROWS = 300


@dataclass(frozen=True)
class RosterData:
    start: datetime
    gaps: list[Gap]
    profile: dict[str, list[HourProfile]]


class RosterScreen(Screen[None]):
    TITLE = _("Roster & gaps")
    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", _("Prev day"), key_display="["),
        Binding("right_square_bracket", "day(1)", _("Next day"), key_display="]"),
        Binding("p", "apply", _("Apply suggestion")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.data: RosterData | None = None
        self.options: list[Option] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-summary", classes="summary")
        yield Timeline(id="timeline")
        with Horizontal(id="roster-body"):
            yield DataTable(id="gap-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="gap-detail"):
                yield Static(_("Activities in this gap"), classes="section-title")
                yield DataTable(id="gap-activities", cursor_type="row")
                yield Static(_("What can still be done (wat kan wél)"), classes="section-title")
                yield DataTable(id="suggestions", cursor_type="row")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return may_apply(self.app.store.actor.role)  # type: ignore[attr-defined]
        return True

    def on_mount(self) -> None:
        self.day = today(self.app.store.clock)  # type: ignore[attr-defined]
        self.query_one("#gap-list", DataTable).add_columns(
            _("From"), _("To"), _("Unit"), _("Qualification"), _("Req"), _("Avail"), _("Short")
        )
        self.query_one("#gap-activities", DataTable).add_columns(
            _("Time"), _("Person"), _("Title"), _("Concept")
        )
        self.query_one("#suggestions", DataTable).add_columns(_("Option"), _("Cost"), _("Why not"))
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.day is not None:
            self.load(self.day)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, day: date) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        start = day_bounds(day)[0]
        found, profile = gaps_by_hour(store, start, HOURS)
        data = RosterData(start, found, profile)
        self.app.call_from_thread(self.show, data)

    def show(self, data: RosterData) -> None:
        self.data = data
        self.query_one(Timeline).show(data.start, data.profile)
        hours = shortfall_hours(data.gaps)
        units = len({g.unit for g in data.gaps})
        self.query_one("#roster-summary", Static).update(
            template(
                _(
                    "$day and the next day · $count gaps in $units units · "
                    "$hours officer-hours short$more   [dim]\\[ ] day · p apply a suggestion[/]"
                ),
                day=local_text(data.start)[:10],
                count=len(data.gaps),
                units=units,
                hours=f"{hours:.1f}",
                more=_(" (first {n} listed; all: `schildwacht gaps`)").format(n=MAX_GAP_ROWS)
                if len(data.gaps) > MAX_GAP_ROWS
                else "",
            )
        )
        table = self.query_one("#gap-list", DataTable)
        table.clear()
        for index, gap in enumerate(data.gaps[:MAX_GAP_ROWS]):
            table.add_row(
                local_text(gap.start),
                local_text(gap.end, with_date=False),
                literal(gap.unit),
                literal(gap.qualification),
                str(gap.required),
                str(gap.available),
                literal(gap.shortfall, "b red"),
                key=str(index),
            )
        self.show_gap()

    def selected_gap(self) -> Gap | None:
        table = self.query_one("#gap-list", DataTable)
        if self.data is None or not table.row_count:
            return None
        return self.data.gaps[table.cursor_row]

    @on(DataTable.RowHighlighted, "#gap-list")
    def _gap_highlighted(self) -> None:
        self.show_gap()

    @on(DataTable.RowHighlighted, "#gap-activities")
    def _activity_highlighted(self) -> None:
        self.show_suggestions()

    def show_gap(self) -> None:
        gap = self.selected_gap()
        activities = self.query_one("#gap-activities", DataTable)
        activities.clear()
        if gap is None:
            self.query_one("#suggestions", DataTable).clear()
            return
        store = self.app.store  # type: ignore[attr-defined]
        for activity_id in gap.activities:
            item = agenda.get_activity(store, activity_id)
            activities.add_row(
                f"{local_text(item.start_at, with_date=False)}–"
                f"{local_text(item.end_at, with_date=False)}",
                literal(item.person),
                literal(item.title),
                literal(item.concept or ""),
                key=item.id,
            )
        if not gap.activities:
            activities.add_row(
                "", "", literal(_("standing post(s): {n}").format(n=len(gap.posts))), ""
            )
        self.show_suggestions()

    def selected_activity(self) -> str | None:
        gap = self.selected_gap()
        table = self.query_one("#gap-activities", DataTable)
        if gap is None or not gap.activities or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def show_suggestions(self) -> None:
        table = self.query_one("#suggestions", DataTable)
        table.clear()
        self.options = []
        activity_id = self.selected_activity()
        if activity_id:
            table.add_row(_("Working out what can still be done…"), "", "")
            self.load_suggestions(activity_id)

    @work(thread=True, exclusive=True, group="suggestions", exit_on_error=False)
    def load_suggestions(self, activity_id: str) -> None:
        options = suggest(self.app.store, activity_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.fill_suggestions, activity_id, options)

    def fill_suggestions(self, activity_id: str, options: list[Option]) -> None:
        if activity_id != self.selected_activity():
            return  # the selection moved on while this was being worked out
        self.options = options
        table = self.query_one("#suggestions", DataTable)
        table.clear()
        for option in options:
            style = "green" if option.feasible else "yellow" if option.partial else "dim"
            table.add_row(
                literal(option.description, style), literal(option.cost), literal(option.reason)
            )

    def action_day(self, step: int) -> None:
        if self.day is not None:
            self.day += timedelta(days=step)
            self.reload()

    def action_apply(self) -> None:
        table = self.query_one("#suggestions", DataTable)
        activity_id = self.selected_activity()
        if activity_id is None or not self.options or not table.row_count:
            self.notify(
                _("Select a gap with an activity and a suggestion first."), severity="warning"
            )
            return
        option = self.options[table.cursor_row]
        if not (option.feasible or option.partial):
            self.notify(
                plain(_("That option would not work: {why}").format(why=option.reason)),
                severity="warning",
                markup=False,
            )
            return
        if option.action == "move":
            self._ask_authority(activity_id, option)
            return
        error = self._apply(activity_id, option)
        if error:
            self.notify(plain(error), severity="error", markup=False)

    def _apply(self, activity_id: str, option: Option, authority: str | None = None) -> str | None:
        """Carry the option out through the store; its refusal sentence, or None when done."""
        try:
            apply_option(self.app.store, activity_id, option, authority=authority)  # type: ignore[attr-defined]
        except StoreError as exc:
            return str(exc)
        self.notify(plain(_("Done: {what}.").format(what=option.description)), markup=False)
        self.reload()
        return None

    def _ask_authority(self, activity_id: str, option: Option) -> None:
        """A move is a restriction (R5): ask who decides, then apply it."""
        self.app.push_screen(
            StepForm(
                lambda values: self._apply(activity_id, option, values["text"]),
                _("{what} (capacity)").format(what=option.description),
                _("Deciding authority"),
            )
        )
