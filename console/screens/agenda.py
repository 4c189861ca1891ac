"""Agenda: the day board for one day, the day's activities, and the operational log.

Keys: ``n`` add, ``e`` edit, ``c`` concept, ``r`` restrict, ``o`` deploy officers, ``i`` import a
calendar file, ``[``/``]`` day, ``0`` today, ``l`` write in the log (kind, flag), ``x`` clear the
selected flagged log entry. Every change goes through the same store function as the CLI, in a
worker; a refusal is shown in the form, inline, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from store import agenda, logbook, roster
from store.agenda import Activity
from store.clock import (
    day_bounds,
    local,
    local_span,
    parse_end_after,
    parse_span_on,
    parse_start_before,
    today,
)
from store.db import Store
from store.errors import BadInput, StoreError
from store.logbook import LogEntry
from store.subjects import list_subjects
from store.validate import whole_text
from words.counts import counted

from .. import labels
from ..actions import Action, KeyedTitle
from ..i18n import _, ngettext
from ..literal import literal, template
from ..times import at, step_day, told
from ..widgets.dayboard import (
    Board,
    BoardScroll,
    DayAxis,
    DayBoard,
    activity_columns,
    activity_row,
    make_board,
)
from ..widgets.drawer import Drawer, DrawerTitle, focus_in
from ..widgets.table import Column, RecordTable, Row
from .base import BaseScreen, Lines, Unfit, sentence
from .deploying import deploy_on
from .document import DocumentScreen
from .forms import (
    ActivityDefaults,
    ActivityForm,
    ConceptPicker,
    Field,
    Form,
    LogForm,
    MoveForm,
    RestrictForm,
    StepForm,
)


@dataclass(frozen=True)
class AgendaData:
    day: date
    activities: dict[str, Activity]
    rows: list[Row]
    board: Board
    log: dict[str, LogEntry]
    log_rows: list[Row]
    subjects: list[str]


def log_row(entry: LogEntry) -> Row:
    text = literal(entry.text)
    if entry.open_flag:
        text = Text.assemble(("⚑ ", "b red"), text)
    elif entry.flagged:
        text = Text.assemble(("✓ ", "green"), text)
    return Row(
        entry.id,
        (
            Text(at(entry.at), end=""),
            literal(entry.author + (f" via {entry.signed_by}" if entry.signed_by else "")),
            literal(labels.label("log_kind", entry.kind)),
            literal(entry.person or ""),
            text,
        ),
    )


def fetch_agenda(store: Store, day: date) -> AgendaData:
    start, end = day_bounds(day)
    items = agenda.list_activities(store, start=start, end=end)
    log = {e.id: e for e in logbook.list_entries(store, limit=50)}
    for entry in logbook.list_entries(store, open_flags_only=True):
        log.setdefault(entry.id, entry)  # every open flag, however old
    entries = sorted(log.values(), key=lambda e: (e.at, e.id), reverse=True)
    return AgendaData(
        day,
        {a.id: a for a in items},
        [activity_row(a, person=True, day=day) for a in items],
        make_board(day, items),
        {e.id: e for e in entries},
        [log_row(e) for e in entries],
        [s.code for s in list_subjects(store)],
    )


@dataclass(frozen=True)
class Moves:
    """An edit that changes time, length or place: asked next whether it is a correction."""

    start: datetime
    end: datetime
    values: dict[str, str]
    #: each field the person changed, with its value when the form opened (issue 17): only
    #: these are written, and each is refused if it was changed meanwhile
    opened: dict[str, object]

    def given(self, field: str) -> str | None:
        """The form's value of ``field`` if the person changed it, else None (kept as it is
        now, so a change made meanwhile is not overwritten)."""
        return self.values[field] if field in self.opened else None


class AgendaScreen(BaseScreen[AgendaData]):
    """Build and keep a protected person's day."""

    MODE = "agenda"
    MAIN = "#day-activities"
    RECORDS: ClassVar[dict[str, str]] = {"activity": "#day-activities", "log entry": "#log-entries"}
    TITLE = _("Agenda")
    PURPOSE = _(
        "the day board, the day's activities (activiteiten) and the operational log (journaal)"
    )
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "n",
            "new",
            _("New"),
            _("New activity"),
            _("Add an activity to a protected person's agenda"),
            permission="activity.write",
            about=True,
        ),
        Action(
            "e",
            "edit",
            _("Edit"),
            _("Edit the selected activity"),
            _(
                "Title, time, place, kind; a change of time or place asks whether it is a "
                "correction or a restriction (R5)"
            ),
            permission="activity.write",
            selects="activity",
        ),
        Action(
            "c",
            "concept",
            _("Concept"),
            _("Assign a security concept"),
            _(
                "Only concepts that meet the required level can be chosen; the others say "
                "which rule forbids them (R1, R3, R4)"
            ),
            permission="activity.write",
            selects="activity",
        ),
        Action(
            "r",
            "restrict",
            _("Restrict"),
            _("Restrict the selected activity"),
            _(
                "Cancel, move, shorten or relocate, with reason and deciding authority (R5); "
                "protection is never lowered"
            ),
            permission="activity.restrict",
            selects="activity",
        ),
        Action(
            "o",
            "deploy",
            _("Officers"),
            _("Deploy officers on the selected activity"),
            _("Put officers on duty on it; qualifications must be valid that day (R8)"),
            permission="staff.write",
            selects="activity",
        ),
        Action(
            "l",
            "log",
            _("Log"),
            _("Write in the operational log (note, flag)"),
            _(
                "A log (journaal) entry of a kind, linked to the selected activity; a flagged "
                "entry carries into every handover until a shift leader clears it"
            ),
            about=True,
        ),
        Action(
            "x",
            "clear_flag",
            _("Clear flag"),
            _("Clear a flagged log entry"),
            _(
                "Clear the selected flagged log (journaal) entry, with the reason (Tab to the "
                "log first)"
            ),
            permission="log.clear",
            selects="log entry",
        ),
        Action(
            "i",
            "import_calendar",
            _("Import"),
            _("Import a calendar file (iCalendar)"),
            _("Read a .ics file into a protected person's agenda (again: only changes)"),
            permission="activity.write",
            about=True,
        ),
        Action(
            "left_square_bracket",
            "day(-1)",
            _("Prev"),
            _("Previous day"),
            _("The day before"),
            display="[",
        ),
        Action(
            "right_square_bracket",
            "day(1)",
            _("Next"),
            _("Next day"),
            _("The day after"),
            display="]",
        ),
        Action(
            "0", "go_today", _("Today"), _("Back to today"), _("The board for today"), show=False
        ),
    )

    KEYED_TITLES = (
        KeyedTitle(
            "#log-panel DrawerTitle",
            _("Operational log (journaal)"),
            (("log", _("l write")), ("clear_flag", _("x clear a flag"))),
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.revealing: str | None = None
        self.revealing_log: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="agenda-summary", classes="summary")
        axis = DayAxis(id="board-axis")  # stays in view while the lanes scroll
        yield axis
        with BoardScroll(id="board"):  # Tab onto it, arrows scroll it
            yield DayBoard(id="board-lanes", axis=axis)
        yield RecordTable(
            activity_columns(person=True),
            id="day-activities",
            empty=_("0 activities on this day: n adds one."),
        )
        with Drawer(id="log-panel"):
            yield DrawerTitle(_("Operational log (journaal) — l write · x clear a flag"))
            yield RecordTable(
                [
                    Column(_("Time"), 16),
                    Column(_("By"), 9),
                    Column(_("Kind"), 9),
                    Column(_("Person"), 9),
                    # 80 columns hold the table whole, the entry cut with "…" (issue 17)
                    Column(_("Entry"), 20, grow=True),
                ],
                id="log-entries",
                zebra=False,
                empty=_("0 log entries."),
            )

    def on_mount(self) -> None:
        (self.day,) = self.opening(self.console_app)
        self.query_one("#day-activities", RecordTable).focus()
        super().on_mount()

    # Loading ---------------------------------------------------------------------------------

    load = staticmethod(fetch_agenda)

    def params(self) -> tuple[Any, ...]:
        return (self.day or today(self.store.clock),)

    @classmethod
    def opening(cls, app: Any) -> tuple[Any, ...]:
        """Today's board: a day remembered from an earlier session would show a stale day as
        if it were the current one (issue 17); within a session the screen keeps its day."""
        return (today(app.store.clock),)

    def show(self, data: AgendaData) -> None:
        replan = sum(1 for a in data.activities.values() if a.needs_replanning)
        none = sum(
            1 for a in data.activities.values() if a.concept is None and a.status != "cancelled"
        )
        flags = sum(1 for e in data.log.values() if e.open_flag)
        self.query_one("#agenda-summary", Static).update(
            template(
                _(
                    "[b]$weekday $day[/] · $count · [b]$replan[/] to re-plan · $none no concept "
                    "· $flags"
                ),
                weekday=data.day.strftime("%a"),
                day=data.day.isoformat(),
                count=counted(len(data.activities), "{n} activity", "{n} activities"),
                replan=replan,
                none=none,
                flags=counted(flags, "{n} log flag", "{n} log flags"),
            )
        )
        self.query_one(DayBoard).show(data.board)
        table = self.query_one("#day-activities", RecordTable)
        table.set_rows(data.rows)
        if table.move_to(self.revealing):
            table.focus()
            self.revealing = None
        log = self.query_one("#log-entries", RecordTable)
        log.set_rows(data.log_rows)
        if log.move_to(self.revealing_log):
            focus_in(log)
            self.revealing_log = None
        self.query_one(DayBoard).select(table.cursor_key)

    @on(RecordTable.Highlighted, "#day-activities")
    def _moved(self, event: RecordTable.Highlighted) -> None:
        self.query_one(DayBoard).select(event.key)

    def reveal(self, activity_id: str) -> None:
        """Show the activity's day with the cursor on it."""

        def found(item: Activity) -> None:
            self._go_to(item)

        self.call_store(
            lambda store: agenda.get_activity(store, activity_id), found, group="reveal"
        )

    def _go_to(self, item: Activity) -> None:
        self.day = local(item.start_at).date()
        self.revealing = item.id
        self.reload()

    def reveal_log(self, entry_id: str) -> None:
        """Put the log's cursor on this entry (a flagged one, from the handover)."""
        self.revealing_log = entry_id
        if not self.query_one("#log-entries", RecordTable).move_to(entry_id):
            self.reload()
        else:
            focus_in(self.query_one("#log-entries", RecordTable))
            self.revealing_log = None

    def selected(self) -> Activity | None:
        key = self.query_one("#day-activities", RecordTable).cursor_key
        if self.data is None or key is None:
            return None
        return self.data.activities.get(key)

    def _selected_or_warn(self) -> Activity | None:
        item = self.selected()
        if item is None:
            self.refuse_key(_("Select an activity first."))
        return item

    def select_record(self, kind: str, person: str | None, activity: str | None) -> bool:
        if kind != "activity" or activity is None:
            return False
        return self.query_one("#day-activities", RecordTable).move_to(activity)

    def signal_context(self) -> tuple[str | None, str | None, str]:
        item = self.selected()
        if item is None:
            return None, None, ""
        label = f"{item.title} ({item.person}, {told(item.start_at)})"
        return item.person, item.id, label

    # Days -----------------------------------------------------------------------------------

    def action_day(self, step: int) -> None:
        if self.day is None:
            return
        day, stopped = step_day(self.day, step)  # never past the days a time may fall on
        if stopped is not None and day == self.day:  # at the end already: nothing done
            self.refuse_key(stopped)
            return
        if stopped is not None:
            self.notify(stopped)
        if day != self.day:
            self.day = day
            self.reload()

    def action_go_today(self) -> None:
        day = today(self.store.clock)
        if self.day == day:
            self.refuse_key(_("Already on today's board ({day}).").format(day=day))
            return
        self.day = day
        self.reload()

    # Activities -------------------------------------------------------------------------------

    def action_new(self) -> None:
        if self.data is None:
            return
        day = self.data.day
        person = self.about().person or ""

        def save(store: Store, values: dict[str, str]) -> Activity:
            if not values["person"]:
                raise Unfit(_("Choose the protected person."))
            if not values["start"].strip() or not values["end"].strip():
                raise Unfit(_("Give a start and an end time, e.g. 09:30 and 11:00."))
            start, end = parse_span_on(values["start"], values["end"], day, store.clock)
            return agenda.add_activity(
                store,
                person=values["person"],
                title=values["title"],
                start=start,
                end=end,  # OVERNIGHT_BARE_END
                location=values["location"],
                kind=values["kind"],
            )

        self.open_form(
            ActivityForm(
                save,
                _("New activity on {day}").format(day=day),
                self.data.subjects,
                ActivityDefaults(person=person),
            ),
            lambda added: _("Added '{title}' for {person}, {when}.").format(
                title=added.title, person=added.person, when=told(added.start_at)
            ),
            self._go_to,
        )

    def action_edit(self) -> None:
        item = self._selected_or_warn()
        if item is None or self.data is None:
            return
        day = self.data.day

        def save(store: Store, values: dict[str, str]) -> Activity | Moves:
            # a time left as the form showed it (to the minute) keeps the stored one (seconds);
            # a bare time is read by the one bounded rule (OVERNIGHT_BARE_END) both ways
            start_kept = values["start"].strip() == defaults.start
            end_kept = values["end"].strip() == defaults.end
            if start_kept:
                start = item.start_at
                end = (
                    item.end_at if end_kept else parse_end_after(values["end"], start, store.clock)
                )
            elif end_kept:
                start = parse_start_before(values["start"], day, item.end_at, store.clock)
                end = item.end_at
            else:
                start, end = parse_span_on(values["start"], values["end"], day, store.clock)
            # only what the person changed is written, each refused if changed meanwhile
            # (issue 17: a form open while the CLI or a sync import changed the record wrote
            # every field back as it was when it opened)
            opened: dict[str, object] = {
                name: seen[name]
                for name in ("title", "kind", "location")
                if values[name] != getattr(defaults, name)
            }
            if (start, end) != (item.start_at, item.end_at):
                opened.update(start=seen["start"], end=seen["end"])
            if agenda.moves(item, start, end, values["location"]):
                return Moves(start, end, values, opened)
            if not opened:
                raise BadInput(code="nothing_changed", title=item.title)
            try:
                return agenda.edit_activity(
                    store,
                    item.id,
                    title=values["title"] if "title" in opened else None,
                    kind=values["kind"] if "kind" in opened else None,
                    opened=opened,
                )
            except BadInput as refused:  # "check and save again": the next save is over it
                if refused.code == "changed_meanwhile":
                    seen[refused.params["field"]] = refused.params["now"]
                raise

        def saved(result: Activity | Moves) -> None:
            if isinstance(result, Moves):
                self._ask_how_it_moves(item, result)

        # each field's value as the person has seen it: as the form opened, or as a refusal
        # said it was changed meanwhile (then saved again, the person's value is meant)
        seen: dict[str, object] = {
            "title": item.title,
            "kind": item.kind,
            "location": item.location,
            "start": item.start_at,
            "end": item.end_at,
        }
        defaults = ActivityDefaults(
            person=item.person,
            title=item.title,
            start=shown_on(item.start_at, day),
            end=shown_on(item.end_at, local(item.start_at).date()),
            location=item.location,
            kind=item.kind,
        )
        heading = _("Edit activity")
        if item.status in ("cancelled", "done"):  # said before the form is filled (rev17m f6)
            heading = _("Edit activity ({status}: a correction only, no restriction)").format(
                status=labels.label("activity_status", item.status)
            )
        self.open_form(
            ActivityForm(save, heading, [item.person], defaults),
            lambda result: (
                ""
                if isinstance(result, Moves)
                else _("Saved '{title}'.").format(title=result.title)
            ),
            saved,
        )

    def _ask_how_it_moves(self, item: Activity, move: Moves) -> None:
        """Moving an activity is a correction (with its reason) or a restriction (R5)."""
        values = move.values

        def save(store: Store, answer: dict[str, str]) -> str:
            if answer["how"] == "correction":
                agenda.edit_activity(
                    store,
                    item.id,
                    title=move.given("title"),
                    kind=move.given("kind"),
                    start=move.start,
                    end=move.end,
                    location=move.given("location"),
                    correction=answer["why"],
                    opened=move.opened,
                )
                return (
                    _("Corrected '{title}'.").format(title=values["title"])
                    + _(" Now {when}.").format(when=local_span(move.start, move.end))
                    + _double_booked(store, item.id)
                )
            kind = agenda.restriction_kind(item, move.start, move.end, values["location"])
            agenda.restrict_activity(
                store,
                item.id,
                kind=kind,
                reason=answer["reason"],
                authority=answer["authority"],
                new_start=move.start if kind != "relocated" else None,
                new_end=move.end if kind != "relocated" else None,
                new_location=values["location"] if kind == "relocated" else None,
                # checked first, written with the restriction or not at all; only if changed
                title=move.given("title"),
                activity_kind=move.given("kind"),
            )
            return (
                _("Restriction recorded: '{title}' {kind}.").format(
                    title=values["title"], kind=labels.label("restriction_kind", kind)
                )
                + (
                    _(" Now {when}.").format(when=local_span(move.start, move.end))
                    if kind != "relocated"
                    else ""
                )
                + _double_booked(store, item.id)
            )

        # the store's one rule (R5): what this person may record, by role and status; what
        # is not theirs is said at once in the store's words, never refused after the form
        # of an activity that has ended only a move ahead is a restriction (rev17q): the
        # change itself is asked about, as ``r`` asks ``restriction_kinds``
        asked = agenda.Move(item, move.start, move.end, values["location"], self.store.clock.now())
        ways = agenda.move_ways(self.actor, item.status, asked)
        refusal = agenda.move_refusal(self.actor, item.title, item.status, asked)
        if not ways:
            self.refuse_key(sentence(refusal))
            return
        heading = {
            ("correction", "restriction"): _(
                "'{title}' moves to {when}: a correction or a restriction?"
            ),
            ("correction",): _("'{title}' moves to {when}: a correction"),
            ("restriction",): _("'{title}' moves to {when}: a restriction"),
        }[ways].format(title=item.title, when=_moved_to(item, move.start, move.end, values))
        note = "" if "restriction" in ways else sentence(refusal)

        def follow(_said: str) -> None:
            """A move to another day: the board follows the activity there, as new does."""
            if local(move.start).date() != self.day:
                self.reveal(item.id)

        self.open_form(MoveForm(save, heading, ways=ways, note=note), lambda text: text, follow)

    def action_concept(self) -> None:
        item = self._selected_or_warn()
        if item is None or self._refused_at_once(item):
            return

        def options(store: Store) -> list[agenda.ConceptOption]:
            return agenda.activity_concept_options(store, item.id)

        # keys typed meanwhile are the picker's
        self.read_then(options, lambda found: self._pick_concept(item, found), group="options")

    def _pick_concept(self, item: Activity, options: list[agenda.ConceptOption]) -> None:
        def save(store: Store, values: dict[str, str]) -> Activity:
            if not values["concept"]:
                raise Unfit(_("No valid concept to choose; see the reasons above."))
            return agenda.assign_concept(store, item.id, values["concept"])

        heading = _("Concept for '{title}' — {person} requires {level}").format(
            title=item.title, person=item.person, level=item.required_level or "—"
        )
        self.open_form(
            ConceptPicker(save, heading, options, item.concept, item.required_level),
            lambda done: _("{concept} ({level}) on '{title}'.").format(
                concept=done.concept, level=done.concept_level, title=done.title
            ),
        )

    def _refused_at_once(self, item: Activity) -> bool:
        """Say at once, by the activity's title, what the store would refuse only once the
        form is saved (rev17m f6, as ``o`` does): no concept for a cancelled activity (it
        takes place nowhere)."""
        if item.status != "cancelled":
            return False
        self.refuse_key(_("'{title}' is cancelled: it needs no concept.").format(title=item.title))
        return True

    def _restriction_kinds(self, item: Activity) -> tuple[str, ...]:
        """What a restriction of ``item`` may do now, asked of the store (R5,
        ``restriction_kinds``): none of one cancelled or done, refused at once by its title;
        a move only of one that has ended (rev17p: every kind was offered, and all but a move
        refused once saved)."""
        try:
            return agenda.restriction_kinds(item, self.store.clock.now(), item.id[:8])
        except StoreError as refusal:
            self.refuse_key(sentence(refusal))
            return ()

    def action_restrict(self) -> None:
        item = self._selected_or_warn()
        if item is None or self.data is None:
            return
        kinds = self._restriction_kinds(item)
        if not kinds:
            return
        day = self.data.day
        said: list[str] = []  # the double bookings the restriction left, said after it

        def save(store: Store, values: dict[str, str]) -> agenda.Restriction:
            kind = values["kind"]
            start = end = None
            location = None
            if kind in ("moved", "shortened"):
                start, end = parse_span_on(values["start"], values["end"], day, store.clock)
            if kind == "relocated":
                location = values["location"]
            done = agenda.restrict_activity(
                store,
                item.id,
                kind=kind,
                reason=values["reason"],
                authority=values["authority"],
                note=values["note"],
                new_start=start,
                new_end=end,
                new_location=location,
            )
            said[:] = [_double_booked(store, item.id)]
            return done

        heading = _("Restrict '{title}' ({person}) — protection is never lowered").format(
            title=item.title, person=item.person
        )
        self.open_form(
            RestrictForm(
                save,
                heading,
                item,
                shown_on(item.start_at, day),
                shown_on(item.end_at, local(item.start_at).date()),
                kinds,
            ),
            lambda done: (
                _("Restriction recorded: '{title}' {kind}.").format(
                    title=item.title, kind=labels.label("restriction_kind", done.kind)
                )
                + (
                    _(" Now {when}.").format(when=local_span(done.new_start_at, done.new_end_at))
                    if done.new_start_at is not None and done.new_end_at is not None
                    else ""
                )
                + "".join(said)
            ),
            self._follow,
        )

    def _follow(self, done: agenda.Restriction) -> None:
        """A move to another day: the board follows the activity there."""
        if done.new_start_at is not None and local(done.new_start_at).date() != self.day:
            self.reveal(done.activity_id)

    def action_deploy(self) -> None:
        item = self._selected_or_warn()
        if item is None:
            return
        deploy_on(self, item.id)

    def action_import_calendar(self) -> None:
        person = self.about().person or ""

        def save(store: Store, values: dict[str, str]) -> Any:
            from store.ics import import_ics

            if not values["path"].strip():
                raise Unfit(_("Give the path of the .ics file."))
            days = values["days"].strip()
            return import_ics(
                store,
                Path(values["path"].strip()).expanduser(),
                person=values["person"],
                days=whole_text(days, _("The number of days"), low=1, high=730) if days else None,
            )

        self.open_form(
            Form(
                _("Import a calendar (iCalendar .ics) into a protected person's agenda"),
                [
                    Field("path", _("File"), placeholder=_("e.g. ~/Downloads/agenda.ics")),
                    Field(
                        "person",
                        _("Protected person"),
                        "choice",
                        person,
                        tuple((c, c) for c in (self.data.subjects if self.data else [])),
                        blank=_("Choose…"),
                    ),
                    Field("days", _("Days from today"), default="90"),
                ],
                save,
                button=_("Import"),
                note=_(
                    "Importing the same file again changes only what changed (by UID and "
                    "SEQUENCE). Events gone from it are removed only when the file names its "
                    "calendar (X-WR-RELCALID or X-WR-CALNAME), and only that calendar's; a file "
                    "that names none only adds and updates."
                ),
            ),
            lambda result: _imported(result, _toast_warnings(self.app.size.height)),
            self._show_all_warnings,
        )

    def _show_all_warnings(self, result: Any) -> None:
        """After an import with more warnings than its toast lists, a window with every one."""
        shown = _all_warnings(result, _toast_warnings(self.app.size.height))
        if shown is not None:
            self.app.push_screen(shown)

    # The operational log ----------------------------------------------------------------------

    def action_log(self) -> None:
        context = self.about()  # the palette from another screen: what was selected there

        def save(store: Store, values: dict[str, str]) -> LogEntry:
            return logbook.add_entry(
                store,
                values["text"],
                kind=values["kind"],
                person=None if context.activity else context.person,
                activity=context.activity,
                flagged=bool(values["flag"]),
            )

        about = context.where or context.person or ""
        self.open_form(
            LogForm(save, about),
            lambda entry: _("Logged ({kind}{flag}).").format(
                kind=labels.label("log_kind", entry.kind),
                flag=_(", flagged for the handover") if entry.flagged else "",
            ),
        )

    def action_clear_flag(self) -> None:
        if self.data is None or not self.in_view("#log-entries", _("the log")):
            return
        table = self.query_one("#log-entries", RecordTable)
        entry = self.data.log.get(table.cursor_key or "")
        if entry is None or not entry.open_flag:
            first = next((e for e in self.data.log.values() if e.open_flag), None)
            if first is None:
                self.refuse_key(_("0 flagged log entries to clear."))
                return
            table.move_to(first.id)
            focus_in(table)
            entry = first
        chosen = entry

        def save(store: Store, values: dict[str, str]) -> LogEntry:
            return logbook.clear_entry(store, chosen.id, reason=values["text"])

        self.open_form(
            StepForm(
                save,
                _("Clear the flag of: {text}").format(text=chosen.text[:120]),
                _("Why it no longer needs attention"),
                button=_("Clear flag"),
                placeholder=_("e.g. vehicle checked: a delivery van"),
            ),
            _("Flag cleared; it no longer carries into handovers."),
        )


def shown_on(moment: datetime, day: date) -> str:
    """A form's default time: ``01:30`` on ``day``, ``2026-12-04 01:30`` on another day (the
    form reads a bare time on the start's day, an end not after the start on the next when
    that is at most ``OVERNIGHT_BARE_END`` later: ``store.clock.parse_end_after``)."""
    return at(moment, date=local(moment).date() != day)


def span_of(item: Activity) -> str:
    return local_span(item.start_at, item.end_at)  # the repeated hour's offsets told


#: The most warnings a calendar import's toast lists (all of them are then shown in a window).
TOAST_WARNINGS = 5
#: The same on a terminal lower than ``TALL_TOAST`` lines: at 80x24 a toast with 4 or 5
#: warnings was taller than the screen, its first line ("Calendar imported: …") never seen
#: (rev17h); with more, the window opens, the summary its first line.
SHORT_TOAST_WARNINGS = 2
TALL_TOAST = 32


def _toast_warnings(height: int) -> int:
    """How many warnings an import's toast lists on a terminal ``height`` lines high."""
    return TOAST_WARNINGS if height >= TALL_TOAST else SHORT_TOAST_WARNINGS


def _imported(result: Any, limit: int = TOAST_WARNINGS) -> Lines:
    """The toast after a calendar import: what changed, then its warnings in words (the
    command line prints the same sentences); none when there are more than ``limit``: the
    window that opens then (``_all_warnings``) says all of it, the summary first, and a toast
    would cover it (rev17m f8: at 80x24 it hid the right half of the window's first lines)."""
    from words.calendar import warning

    if len(result.warnings) > limit:
        return Lines(())
    return Lines(
        [_summary(result), *(_("Warning: {text}").format(text=warning(w)) for w in result.warnings)]
    )


def _summary(result: Any) -> str:
    """What a calendar import changed, in one line."""
    return _(
        "Calendar imported: {added} added, {updated} updated, {cancelled} cancelled, "
        "{removed} removed; {replan} need re-planning."
    ).format(
        added=result.added,
        updated=result.updated,
        cancelled=result.cancelled,
        removed=result.removed,
        replan=len(result.replan),
    )


def _all_warnings(result: Any, limit: int = TOAST_WARNINGS) -> DocumentScreen | None:
    """What a calendar import changed and every warning, numbered, in a window to read and
    scroll (Escape closes it), when there are more than the toast lists (``limit``); None
    otherwise."""
    from words.calendar import warning

    if len(result.warnings) <= limit:
        return None
    title = ngettext(
        "Calendar import: {n} warning", "Calendar import: {n} warnings", len(result.warnings)
    ).format(n=len(result.warnings))
    body = Text()
    body.append_text(literal(_summary(result), limit=None))
    body.append("\n\n")
    for n, w in enumerate(result.warnings, 1):
        body.append_text(literal(f"{n}. {warning(w)}", limit=None))
        body.append("\n\n")
    body.rstrip()
    return DocumentScreen(title, body)


def _moved_to(item: Activity, start: datetime, end: datetime, values: dict[str, str]) -> str:
    """Where and when a change moves an activity, for the move question's heading: its time,
    and its new place when it gets one (rev17r: a new place went unnamed)."""
    place = values["location"].strip()
    when = local_span(start, end)
    if not place or place == item.location:
        return when
    if (start, end) == (item.start_at, item.end_at):
        return place
    return _("{when}, {place}").format(when=when, place=place)


def _double_booked(store: Store, activity_id: str) -> str:
    """What a move left wrong for the officers deployed (double-booked, travel too tight: not
    refused, R5), as sentences after the move's own; "" when nothing."""
    from words.deployments import phrase

    found = roster.move_problems(store, [activity_id])
    return "".join(" " + phrase(p)[:1].upper() + phrase(p)[1:] + "." for p in found)
