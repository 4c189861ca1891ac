"""After a write the Agenda shows the store: every visible row is the record the store has at
that place, and the record a key acts on is the one under the cursor (issue 17, row mix-up).

The cause was the table scrolling to its cursor while it had no size (the form just closed, the
screen not laid out again): it scrolled as if one row were in sight and the lines drawn for the
old offset stayed on screen, so the cursor's line showed another activity. Also (issue 15): a
second write started before the first answered no longer swallows the first one's answer."""

from __future__ import annotations

import threading

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, Select

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.base import FormScreen
from console.widgets.table import RecordTable
from store import agenda, logbook
from store.clock import day_bounds, local
from store.db import Store
from tests.console.conftest import settle, toasts


def painted(table: RecordTable) -> list[str]:
    """The table's lines as the screen draws them (through Textual's line cache)."""
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [strip.text for strip in strips]


def mismatches(screen: AgendaScreen, store: Store) -> list[str]:
    """Where the activity table differs from the store, in words (empty when nowhere)."""
    assert screen.day is not None
    table = screen.query_one("#day-activities", RecordTable)
    items = agenda.list_activities(
        store, start=day_bounds(screen.day)[0], end=day_bounds(screen.day)[1]
    )
    found = []
    if table.keys != [a.id for a in items]:
        found.append("the table's records are not the store's, in its order")
    top = round(table.scroll_y)
    lines = painted(table)[1:]  # less the header
    assert len(lines) >= 5
    for y, line in enumerate(lines):
        index, part = table.row_at_line(top + y)  # the selected row may take more lines
        if part == 0 and index < len(items):
            item = items[index]
            want = (f"{local(item.start_at):%H:%M}–{local(item.end_at):%H:%M}", item.person)
            if not all(word in line for word in want):
                found.append(f"line {y + 1} shows {line.strip()!r}, the store has {want}")
    chosen = screen.selected()
    if chosen is None or chosen.id != table.cursor_key:
        found.append("the selected activity is not the one under the cursor")
    else:
        fresh = agenda.get_activity(store, chosen.id)
        if (fresh.start_at, fresh.location, fresh.status) != (
            chosen.start_at,
            chosen.location,
            chosen.status,
        ):
            found.append(f"the selected activity is not as stored: {chosen} != {fresh}")
        cursor_line = lines[table.cursor_row - top]
        if f"{local(fresh.start_at):%H:%M}" not in cursor_line or fresh.person not in cursor_line:
            found.append(f"the cursor's line shows {cursor_line.strip()!r}, not {fresh.person}")
    return found


async def restrict(pilot: Pilot[None], kind: str, **values: str) -> None:
    """Press r on the selected activity, fill in the form, save."""
    await pilot.press("r")
    await settle(pilot)
    form = pilot.app.screen
    form.query_one("#kind", Select).value = kind
    form.query_one("#authority", Input).value = "OvJ Havenstad"
    if form.query_one("#reason", Select).is_blank():  # an ended activity's: chosen (rev17r)
        form.query_one("#reason", Select).value = "capacity"
    for name, value in values.items():
        form.query_one(f"#{name}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, FormScreen), kind  # saved, not refused inline


async def test_after_each_restriction_every_row_and_the_selection_are_the_stores(
    app: SchildwachtApp, demo_store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:  # 7 rows in sight of 15: it scrolls
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        table = screen.query_one("#day-activities", RecordTable)
        assert table.row_count > 10 and mismatches(screen, demo_store) == []
        now = demo_store.clock.now()

        def ahead(row: int) -> int:
            """The first row from ``row`` whose activity has not ended (one that has takes a
            move only, R5: the relocation and cancellation here were refused inline, unseen)."""
            assert screen.data is not None
            return next(
                i
                for i in range(row, table.row_count)
                if screen.data.activities[table.keys[i]].end_at > now
            )

        # (row to select, restriction): a move to the day's end reorders the rows; a
        # cancellation with the table scrolled keeps them (the case that showed another
        # activity at the cursor); a relocation changes one row.
        plan: list[tuple[int, str, dict[str, str]]] = [
            (0, "moved", {"start": "23:00", "end": "23:30"}),
            (2, "relocated", {"location": "Elders"}),
            (12, "cancelled", {}),
        ]
        for row, kind, values in plan:
            index = row if kind == "moved" else ahead(row)
            table.move_cursor(row=index)
            target = screen.selected()
            assert target is not None
            await restrict(pilot, kind, **values)
            assert toasts(app)[-1].startswith("Restriction recorded"), kind
            assert table.cursor_key == target.id, kind  # the cursor stays on its record
            assert mismatches(screen, demo_store) == [], kind


async def test_a_second_write_does_not_swallow_the_first(
    app: SchildwachtApp, demo_store: Store
) -> None:
    second_started = threading.Event()

    def first(store: Store) -> logbook.LogEntry:
        second_started.wait(5)  # still writing when the second write starts
        return logbook.add_entry(store, "Eerste melding", kind="note")

    def second(store: Store) -> logbook.LogEntry:
        second_started.set()
        return logbook.add_entry(store, "Tweede melding", kind="note")

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        screen.write(first, lambda entry: f"Logged: {entry.text}")
        screen.write(second, lambda entry: f"Logged: {entry.text}")
        await settle(pilot)
        assert {"Logged: Eerste melding", "Logged: Tweede melding"} <= set(toasts(app))
        texts = {e.text for e in logbook.list_entries(demo_store, limit=10)}
        assert {"Eerste melding", "Tweede melding"} <= texts
