"""Untrusted text stays text (issue 14): a demo database whose every text field holds the
hostile families — Textual markup that does not close ([/], [/bold] x), links, terminal escape
sequences (colour, window title, clear screen, OSC 52 clipboard), a right-to-left override,
4,000 characters, emoji and non-BMP letters — and a conflict carried from another enrolled
laptop by a real bundle. Every screen and the main dialogs open without error, the text shows
literally, and no control or bidi character reaches the terminal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Select, Static

from console.app import SchildwachtApp
from console.literal import CELL_LIMIT
from console.screens.forms import ActivityForm, ConceptPicker, RestrictForm, SignalForm
from console.widgets.table import RecordTable
from store import agenda, handover, intel, logbook, signals
from store.clock import FixedClock, day_bounds, today
from store.demo import generate_demo
from store.staff import list_staff
from store.sync import exchange
from store.validate import visible
from tests.conftest import as_user
from tests.console.conftest import row_text, screenshot, settle
from tests.sync_team import exchange_all, make_team

HOSTILE = {
    "close": "[/]",
    "close-bold": "[/bold] x",
    "link": "[link=https://evil.example]klik[/link]",
    "colour": "\x1b[31mrood",
    "window-title": "\x1b]0;pwned\x07",
    "clear": "\x1b[2J",
    "clipboard": "\x1b]52;c;ZXZpbA==\x07",
    "rlo": "Zitting \u202eTAD",
    "long": "lang " + "x" * 3995,
    "emoji": "Beveiliging 🛡️ 𝔅𝔢𝔳𝔢𝔯 👮🏽‍♀️",
}
#: What must never reach the terminal raw.
RAW = ("\x1b", "\x07", "\u202e")


def shown(value: str) -> str:
    """How a table cell shows a value: escaped, and cut after CELL_LIMIT characters."""
    return visible(value[:CELL_LIMIT] + ("…" if len(value) > CELL_LIMIT else ""))


def seed(root: Path, clock: FixedClock) -> SchildwachtApp:
    a, b = make_team(root / "team", clock, names=("a", "b"), labels=("[/bold] admin", "[/]"))
    store = a.store
    generate_demo(store, seed=7, scale="small")
    analyst = as_user(store, list_staff(store, role="info_analyst")[0].callsign)
    person = agenda.list_activities(store)[0].person
    start = day_bounds(today(clock))[0] + timedelta(hours=7)
    for number, (family, value) in enumerate(HOSTILE.items()):
        moment = start + timedelta(minutes=40 * number)
        item = agenda.add_activity(
            store,
            person=person,
            title=value,
            location="Onbekend" if family == "link" else value,  # relocated to ``value`` below
            start=moment,
            end=start + timedelta(hours=8, minutes=30),  # across the change of shift
        )
        logbook.add_entry(store, value, activity=item.id, flagged=family == "close-bold")
        raised = signals.raise_signal(
            store, value, category="other", urgency="priority", tlp="amber", location=value
        )
        if family in ("close", "colour", "rlo"):
            signals.receive_signal(analyst, raised.id)
            signals.follow_up_signal(analyst, raised.id, value)
            signals.interpret_signal(analyst, raised.id, value)
        if family == "link":
            agenda.restrict_activity(
                store,
                item.id,
                kind="relocated",
                reason="threat",
                authority="[/] OvJ",
                note=value,
                new_location=value,
            )
    report = intel.draft_report(analyst, title=HOSTILE["close"], interpretation=HOSTILE["link"])
    intel.add_scenario(analyst, report.id, description=HOSTILE["colour"], actions=HOSTILE["rlo"])
    intel.issue_report(analyst, report.id, audience="line_managers")
    handover.sign_handover(store, notes=HOSTILE["close-bold"])
    # Two laptops change the same place at once: a conflict whose values came by a bundle.
    contested = agenda.list_activities(store)[0].id
    exchange_all([a, b], root / "share", rounds=1)
    agenda.edit_activity(store, contested, location=HOSTILE["clear"], correction="typo")
    clock.advance(minutes=1)
    agenda.edit_activity(b.store, contested, location=HOSTILE["clipboard"], correction="typo")
    exchange.export(b.store, folder=root / "share")
    exchange.import_path(store, root / "share")
    return SchildwachtApp(store, remember=False, watch=None, ahead=False)


@pytest.fixture
def hostile_app(tmp_path: Path, clock: FixedClock) -> SchildwachtApp:
    return seed(tmp_path, clock)


DIALOGS = {
    "e": ActivityForm,
    "c": ConceptPicker,
    "r": RestrictForm,
    "exclamation_mark": SignalForm,
}


def cells(app: SchildwachtApp, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, RecordTable)
    return [row_text(table, i) for i in range(table.row_count)]


async def assert_nothing_raw(pilot: Pilot[None]) -> None:
    """No control or bidi character in what the terminal was sent to draw."""
    screen = await screenshot(pilot)
    for char in RAW:
        assert char not in screen, f"{char!r} reached the terminal"


async def test_every_screen_shows_hostile_text_literally(hostile_app: SchildwachtApp) -> None:
    app = hostile_app
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)  # Today
        await assert_nothing_raw(pilot)

        await pilot.press("a")  # Agenda: today's activities and the last 50 log entries
        await settle(pilot)
        titles = {row[2] for row in cells(app, "#day-activities")}
        assert {shown(v) for v in HOSTILE.values()} <= titles
        log = {row[4] for row in cells(app, "#log-entries")}
        assert shown(HOSTILE["colour"]) in log and "⚑ [/bold] x" in log
        await assert_nothing_raw(pilot)

        await pilot.press("g")  # Roster & gaps
        await settle(pilot)
        await assert_nothing_raw(pilot)

        await pilot.press("s")  # Signals: each hostile signal's detail, and the report
        await settle(pilot)
        table = app.screen.query_one("#signal-list", RecordTable)
        rows = cells(app, "#signal-list")
        for index in [i for i, row in enumerate(rows) if row[5] == "OPS-A"]:
            table.move_cursor(row=index)
            await settle(pilot)
            await assert_nothing_raw(pilot)
        assert cells(app, "#report-list")[0][0] == "[/]"
        await pilot.press("o")
        await pilot.pause()
        document = app.screen.query_one(Markdown).source
        assert "\\[/\\]" in document and "\\u202e" in document
        assert app.screen.query_one(Markdown)._open_links is False  # a typed URL is not followed
        await assert_nothing_raw(pilot)
        await pilot.press("escape")

        await pilot.press("h")  # Handover: titles of activities across the change of shift
        await settle(pilot)
        assert "'[/bold] x'" in str(app.screen.query_one("#handover-text", Static).render())
        assert cells(app, "#handover-history")[0][1] == "OPS-A"
        await assert_nothing_raw(pilot)

        await pilot.press("k")  # Capacity
        await settle(pilot)
        await assert_nothing_raw(pilot)

        await pilot.press("y")  # Sync: the peer's label, the conflict carried by a bundle
        await settle(pilot)
        assert [row[0] for row in cells(app, "#sync-peers")] == ["[/]"]
        conflict = cells(app, "#sync-conflicts")[0]
        assert {conflict[2], conflict[3]} == {shown(HOSTILE["clear"]), shown(HOSTILE["clipboard"])}
        await assert_nothing_raw(pilot)


async def test_the_main_dialogs_open_on_hostile_records(hostile_app: SchildwachtApp) -> None:
    app = hostile_app
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        rows = cells(app, "#day-activities")
        for family, keys in (
            ("close", ("e", "c", "r", "exclamation_mark")),  # markup in every heading
            ("clipboard", ("e",)),  # an escape sequence put back into an input to edit
        ):
            index = next(i for i, row in enumerate(rows) if row[2] == shown(HOSTILE[family]))
            table.move_cursor(row=index)
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, DIALOGS[key]), key
                await assert_nothing_raw(pilot)
                await pilot.press("escape")
                await pilot.pause()

        # Pasted escape sequences are written out as they go in; a refusal that quotes the
        # input is shown literally in the form.
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RestrictForm)
        form.query_one("#authority", Input).insert_text_at_cursor("OvJ \x1b[2J\u202e")
        start = form.query_one("#start", Input)
        start.value = ""  # it starts as the activity's own start
        start.insert_text_at_cursor("[/] \x1b]52;c;eA==\x07")
        assert form.query_one("#authority", Input).value == "OvJ \\u001b[2J\\u202e"
        form.query_one("#kind", Select).value = "moved"
        form.submit()
        await settle(pilot)
        error = str(form.query_one(".error", Static).render())
        assert error.startswith("'[/] \\u001b]52;c;eA==\\u0007' is not a time")
        await assert_nothing_raw(pilot)
