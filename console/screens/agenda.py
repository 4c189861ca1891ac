"""Agenda: the day board for one day, the day's activities, and the operational log.

Keys: ``n`` add, ``e`` edit, ``c`` concept, ``r`` restrict, ``[``/``]`` day, ``0`` today,
``l`` log. Every change goes through the same store functions as the CLI; a refusal is shown in
the form, inline, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from store import access, agenda, logbook
from store.agenda import Activity
from store.clock import day_bounds, local, local_text, parse_time_on, today
from store.errors import StoreError
from store.logbook import LogEntry
from store.subjects import list_subjects, subject_by_id

from ..i18n import _
from ..literal import literal, plain, template
from ..widgets.dayboard import DayBoard, activity_cells
from ..widgets.inputs import TextInput
from ..widgets.reveal import move_to
from .forms import ActivityDefaults, ActivityForm, ConceptPicker, MoveForm, RestrictForm


@dataclass(frozen=True)
class AgendaData:
    day: date
    activities: list[Activity]
    log: list[LogEntry]
    subjects: list[str]


class AgendaScreen(Screen[None]):
    """Build and keep a protected person's day."""

    TITLE = _("Agenda")
    BINDINGS = [
        Binding("n", "new", _("New")),
        Binding("e", "edit", _("Edit")),
        Binding("c", "concept", _("Concept")),
        Binding("r", "restrict", _("Restrict")),
        Binding("left_square_bracket", "day(-1)", _("Prev day"), key_display="["),
        Binding("right_square_bracket", "day(1)", _("Next day"), key_display="]"),
        Binding("0", "go_today", _("Today's date")),
        Binding("l", "log", _("Log")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.revealing: str | None = None
        self.data: AgendaData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="agenda-summary", classes="summary")
        yield DayBoard(id="board")
        yield DataTable(id="day-activities", cursor_type="row", zebra_stripes=True)
        with Vertical(id="log-panel"):
            yield Static(_("Operational log (journaal)"), classes="section-title")
            yield DataTable(id="log-entries", cursor_type="row", show_cursor=False)
            yield TextInput(
                placeholder=_("l: write a log entry for the selected activity, Enter to save"),
                id="log-input",
            )
        yield Footer()

    #: Actions that need a permission (store/access.py); hidden from roles without it.
    NEEDS = {
        "new": "activity.write",
        "edit": "activity.write",
        "concept": "activity.write",
        "restrict": "activity.restrict",
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needed = self.NEEDS.get(action)
        if needed is None:
            return True
        return access.allowed(self.app.store.actor.role, needed)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        remembered = self.app.state.get("agenda_day")  # type: ignore[attr-defined]
        self.day = date.fromisoformat(remembered) if remembered else today(store.clock)
        table = self.query_one("#day-activities", DataTable)
        table.add_columns(
            _("Time"),
            _("Person"),
            _("Title"),
            _("Location"),
            _("Status"),
            _("Concept"),
            _("Level/req"),
            _("Re-plan"),
        )
        self.query_one("#log-entries", DataTable).add_columns(
            _("Time"), _("By"), _("Kind"), _("Person"), _("Entry")
        )
        self.query_one("#day-activities", DataTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    # Loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        if self.day is not None:
            self.load(self.day)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, day: date) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        start, end = day_bounds(day)
        data = AgendaData(
            day=day,
            activities=agenda.list_activities(store, start=start, end=end),
            log=logbook.list_entries(store, limit=50),
            subjects=[s.code for s in list_subjects(store)],
        )
        self.app.call_from_thread(self.show, data)

    def show(self, data: AgendaData) -> None:
        self.data = data
        replan = sum(1 for a in data.activities if a.needs_replanning)
        none = sum(1 for a in data.activities if a.concept is None and a.status != "cancelled")
        self.query_one("#agenda-summary", Static).update(
            template(
                _(
                    "$weekday $day · $count activities · $replan need re-planning · $none "
                    "without a concept   [dim]\\[ ] day · n new · c concept · r restrict[/]"
                ),
                weekday=data.day.strftime("%A"),
                day=data.day.isoformat(),
                count=len(data.activities),
                replan=replan,
                none=none,
            )
        )
        self.query_one(DayBoard).show(data.day, data.activities)
        table = self.query_one("#day-activities", DataTable)
        selected = self.selected_id()
        table.clear()
        for item in data.activities:
            table.add_row(*activity_cells(item, person=True), key=item.id)
        if move_to(table, self.revealing):
            self.revealing = None
        elif selected:
            move_to(table, selected)
        log = self.query_one("#log-entries", DataTable)
        log.clear()
        for entry in data.log:
            text = literal(entry.text)
            if entry.open_flag:
                text = Text.assemble(("⚑ ", "b red"), text)
            log.add_row(
                local_text(entry.at),
                literal(entry.author + (f" via {entry.signed_by}" if entry.signed_by else "")),
                literal(entry.kind),
                literal(entry.person or ""),
                text,
                key=entry.id,
            )

    def reveal(self, activity_id: str) -> None:
        """Show the activity's day with the cursor on it."""
        store = self.app.store  # type: ignore[attr-defined]
        try:
            item = agenda.get_activity(store, activity_id)
        except StoreError:
            return
        self.day = local(item.start_at).date()
        self.app.remember_state(agenda_day=self.day.isoformat())  # type: ignore[attr-defined]
        self.revealing = item.id
        self.reload()

    def selected_id(self) -> str | None:
        table = self.query_one("#day-activities", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def selected(self) -> Activity | None:
        wanted = self.selected_id()
        if self.data is None or wanted is None:
            return None
        return next((a for a in self.data.activities if a.id == wanted), None)

    def signal_context(self) -> tuple[str | None, str | None, str]:
        item = self.selected()
        if item is None:
            return None, None, ""
        label = f"{item.title} ({item.person}, {local_text(item.start_at)})"
        return item.person, item.id, label

    # Actions --------------------------------------------------------------------------------

    def _attempt(self, action: object) -> str | None:
        """Run a store call; return its refusal sentence, or None when it was written."""
        try:
            action()  # type: ignore[operator]
        except StoreError as exc:
            return str(exc)
        self.reload()
        return None

    def action_day(self, step: int) -> None:
        if self.day is None:
            return
        self.day = self.day + timedelta(days=step)
        self.app.remember_state(agenda_day=self.day.isoformat())  # type: ignore[attr-defined]
        self.reload()

    def action_go_today(self) -> None:
        self.day = today(self.app.store.clock)  # type: ignore[attr-defined]
        self.app.remember_state(agenda_day=self.day.isoformat())  # type: ignore[attr-defined]
        self.reload()

    def action_new(self) -> None:
        if self.data is None:
            return
        store = self.app.store  # type: ignore[attr-defined]
        day = self.data.day
        current = self.selected()

        def save(values: dict[str, str]) -> str | None:
            if not values["person"]:
                return _("Choose the protected person.")
            if not values["start"].strip() or not values["end"].strip():
                return _("Give a start and an end time, e.g. 09:30 and 11:00.")

            def add() -> None:
                agenda.add_activity(
                    store,
                    person=values["person"],
                    title=values["title"],
                    start=parse_time_on(values["start"], day, store.clock),
                    end=parse_time_on(values["end"], day, store.clock),
                    location=values["location"],
                    kind=values["kind"],
                )

            return self._attempt(add)

        defaults = ActivityDefaults(person=current.person if current else "")
        self.app.push_screen(
            ActivityForm(
                save, _("New activity on {day}").format(day=day), self.data.subjects, defaults
            )
        )

    def action_edit(self) -> None:
        item = self.selected()
        if item is None or self.data is None:
            self.notify(_("Select an activity first."), severity="warning")
            return
        store = self.app.store  # type: ignore[attr-defined]
        day = self.data.day

        def save(values: dict[str, str]) -> str | None:
            try:
                start = parse_time_on(values["start"], day, store.clock)
                end = parse_time_on(values["end"], day, store.clock)
                moves = agenda.moves(item, start, end, values["location"])
            except StoreError as exc:
                return str(exc)
            if moves:
                # once this form has closed, ask how it moves
                self.app.call_later(self._ask_how_it_moves, item, values, start, end)
                return None

            def edit() -> None:
                agenda.edit_activity(store, item.id, title=values["title"], kind=values["kind"])

            return self._attempt(edit)

        defaults = ActivityDefaults(
            person=item.person,
            title=item.title,
            start=local_text(item.start_at, with_date=False),
            end=local_text(item.end_at, with_date=False),
            location=item.location,
            kind=item.kind,
        )
        form = ActivityForm(save, _("Edit activity"), [item.person], defaults)
        self.app.push_screen(form)

    def _ask_how_it_moves(
        self, item: Activity, values: dict[str, str], start: datetime, end: datetime
    ) -> None:
        """Moving an activity is a correction (with its reason) or a restriction (R5)."""
        store = self.app.store  # type: ignore[attr-defined]

        def save(answer: dict[str, str]) -> str | None:
            def correct() -> None:
                agenda.edit_activity(
                    store,
                    item.id,
                    title=values["title"],
                    kind=values["kind"],
                    start=start,
                    end=end,
                    location=values["location"],
                    correction=answer["why"],
                )

            def restrict() -> None:
                kind = agenda.restriction_kind(item, start, end, values["location"])
                agenda.restrict_activity(
                    store,
                    item.id,
                    kind=kind,
                    reason=answer["reason"],
                    authority=answer["authority"],
                    new_start=start if kind != "relocated" else None,
                    new_end=end if kind != "relocated" else None,
                    new_location=values["location"] if kind == "relocated" else None,
                )
                if (values["title"], values["kind"]) != (item.title, item.kind):
                    agenda.edit_activity(store, item.id, title=values["title"], kind=values["kind"])

            return self._attempt(correct if answer["how"] == "correction" else restrict)

        heading = _("'{title}' moves: a correction or a restriction?").format(title=item.title)
        self.app.push_screen(MoveForm(save, heading))

    def action_concept(self) -> None:
        item = self.selected()
        if item is None:
            self.notify(_("Select an activity first."), severity="warning")
            return
        store = self.app.store  # type: ignore[attr-defined]
        options = agenda.concept_options(store, subject_by_id(store, item.subject_id))

        def save(values: dict[str, str]) -> str | None:
            if not values["concept"]:
                return _("No valid concept to choose; see the reasons above.")
            return self._attempt(lambda: agenda.assign_concept(store, item.id, values["concept"]))

        heading = _("Concept for '{title}' — {person} requires {level}").format(
            title=item.title, person=item.person, level=item.required_level or "—"
        )
        self.app.push_screen(ConceptPicker(save, heading, options))

    def action_restrict(self) -> None:
        item = self.selected()
        if item is None or self.data is None:
            self.notify(_("Select an activity first."), severity="warning")
            return
        store = self.app.store  # type: ignore[attr-defined]
        day = self.data.day

        def save(values: dict[str, str]) -> str | None:
            def restrict() -> None:
                start = (
                    parse_time_on(values["start"], day, store.clock) if values["start"] else None
                )
                end = parse_time_on(values["end"], day, store.clock) if values["end"] else None
                agenda.restrict_activity(
                    store,
                    item.id,
                    kind=values["kind"],
                    reason=values["reason"],
                    authority=values["authority"],
                    note=values["note"],
                    new_start=start,
                    new_end=end,
                    new_location=values["location"] or None,
                )

            return self._attempt(restrict)

        heading = _("Restrict '{title}' ({person}) — protection is never lowered").format(
            title=item.title, person=item.person
        )
        self.app.push_screen(RestrictForm(save, heading))

    def action_log(self) -> None:
        self.query_one("#log-input", Input).focus()

    @on(Input.Submitted, "#log-input")
    def _write_log(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        store = self.app.store  # type: ignore[attr-defined]
        item = self.selected()
        try:
            logbook.add_entry(store, text, activity=item.id if item else None)
        except StoreError as exc:
            self.notify(plain(exc), severity="error", markup=False)
            return
        event.input.value = ""
        self.notify(_("Logged."))
        self.reload()
