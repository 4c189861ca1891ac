"""Today: the protected subjects with their threat level, required resistance and package, and
the highlighted subject's activities for today. Data is read in a thread worker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from store.agenda import Activity, list_activities
from store.clock import day_bounds, today
from store.subjects import Subject, list_subjects
from store.sync.status import count_open

from ..i18n import _
from ..literal import literal, template
from ..widgets.dayboard import activity_cells


@dataclass(frozen=True)
class TodayData:
    subjects: list[Subject]
    activities: list[Activity]
    conflicts: int


class TodayScreen(Screen[None]):
    """Who is protected at what level, and what their day holds."""

    TITLE = _("Today")

    def __init__(self) -> None:
        super().__init__()
        self.data: TodayData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading…"), id="today-summary", classes="summary")
        yield Static(_("Protected subjects"), classes="section-title")
        yield DataTable(id="subjects", cursor_type="row", zebra_stripes=True)
        yield Static(_("Today's activities"), id="activities-title", classes="section-title")
        yield DataTable(id="today-activities", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        subjects = self.query_one("#subjects", DataTable)
        subjects.add_columns(
            _("Code"),
            _("Kind"),
            _("Unit"),
            _("Threat"),
            _("Required"),
            _("Package"),
            _("Today"),
            _("Re-plan"),
        )
        activities = self.query_one("#today-activities", DataTable)
        activities.add_columns(
            _("Time"),
            _("Title"),
            _("Location"),
            _("Status"),
            _("Concept"),
            _("Level"),
            _("Re-plan"),
        )
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        start, end = day_bounds(today(store.clock))
        data = TodayData(
            list_subjects(store), list_activities(store, start=start, end=end), count_open(store)
        )
        self.app.call_from_thread(self.show, data)

    def show(self, data: TodayData) -> None:
        self.data = data
        per_subject: dict[str, list[Activity]] = {}
        for activity in data.activities:
            per_subject.setdefault(activity.person, []).append(activity)
        table = self.query_one("#subjects", DataTable)
        keep = table.cursor_row
        table.clear()
        replan_total = 0
        for subject in data.subjects:
            items = per_subject.get(subject.code, [])
            replan = sum(1 for a in items if a.needs_replanning)
            replan_total += replan
            table.add_row(
                literal(subject.code),
                literal(subject.kind),
                literal(subject.unit),
                literal(subject.threat_level or "—"),
                literal(subject.required_level or "—"),
                literal(subject.package or _("none: assess the threat")),
                str(len(items)),
                literal(replan, "b red" if replan else ""),
                key=subject.code,
            )
        if data.subjects:
            table.move_cursor(row=min(keep, len(data.subjects) - 1))
        store = self.app.store  # type: ignore[attr-defined]
        no_concept = sum(
            1 for a in data.activities if a.concept is None and a.status != "cancelled"
        )
        self.query_one("#today-summary", Static).update(
            template(
                _(
                    "$day · $subjects protected subjects · $activities activities today · "
                    "$replan need re-planning · $none without a concept"
                )
                + (_(" · [b red]$conflicts open sync conflicts[/] (y)") if data.conflicts else ""),
                day=today(store.clock).isoformat(),
                subjects=len(data.subjects),
                activities=len(data.activities),
                replan=replan_total,
                none=no_concept,
                conflicts=data.conflicts,
            )
        )
        self.show_activities()

    def signal_context(self) -> tuple[str | None, str | None, str]:
        table = self.query_one("#subjects", DataTable)
        if not table.row_count:
            return None, None, ""
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value), None, ""

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "subjects":
            self.show_activities()

    def show_activities(self) -> None:
        if self.data is None:
            return
        table = self.query_one("#subjects", DataTable)
        code = None
        if table.row_count:
            code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        activities = self.query_one("#today-activities", DataTable)
        activities.clear()
        items = [a for a in self.data.activities if a.person == code]
        self.query_one("#activities-title", Static).update(
            template(_("Today's activities · $code · $count"), code=code or "—", count=len(items))
        )
        for item in items:
            activities.add_row(*activity_cells(item), key=item.id)
