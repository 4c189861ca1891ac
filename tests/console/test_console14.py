"""Issue 17, the last review at 80x24 (console14): each test drives the real console over a copy
of the demo database and checks what an operator sees."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from rich.console import Console
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from console.app import SchildwachtApp
from console.screens.forms import Form
from console.screens.help import help_tables
from console.screens.sync import CountedDrawer, SyncScreen
from console.screens.today import TodayScreen
from console.widgets.drawer import DrawerTitle
from console.widgets.footer import shown_keys
from console.widgets.table import RecordTable
from store import proof, staff
from store.capacity import week_overview
from store.clock import day_bounds, today
from store.db import Store
from store.logbook import list_entries
from tests.conftest import TEST_SECRET
from tests.console.conftest import error_of, settle, shown, toasts, type_text


def screen_lines(app: SchildwachtApp) -> list[str]:
    """The screen as the terminal shows it, line by line (plain text)."""
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


async def test_every_capacity_unit_is_reachable_by_keys_at_80x24(demo_store: Store) -> None:
    start = day_bounds(today(demo_store.clock))[0]
    units = list(week_overview(demo_store, start, 7)[0])
    assert len(units) > 8  # more than an 80x24 screen holds
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    seen: set[str] = set()

    def look() -> int:
        now = {u for line in screen_lines(app)[2:14] for u in units if line.startswith(f" {u} ")}
        seen.update(now)
        return len(now)

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        look()
        hidden = len(units) - len(seen)
        assert hidden > 0
        # the units out of sight are said (they were cut without a word)
        assert shown(app, "#capacity-more").startswith(f"+{hidden} more units below")
        await pilot.press("tab")  # from the bottlenecks onto the bars
        await settle(pilot)
        assert "↓" in shown(app, "#capacity-more")
        for _ in units:
            await pilot.press("down")
            await _quiet(pilot)
            in_sight = look()
        assert seen == set(units)
        above = len(units) - in_sight  # the legend takes the last line
        assert shown(app, "#capacity-more").startswith(f"+{above} more units above")


async def _quiet(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.animator.wait_until_complete()
    await pilot.pause()


async def test_the_agenda_log_cut_at_80_columns_ends_in_an_ellipsis(demo_store: Store) -> None:
    assert any(len(e.text) > 30 for e in list_entries(demo_store, limit=50))
    for width in (80, 64):  # 64: narrower than the log's columns, the line itself is cut
        app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
        async with app.run_test(size=(width, 24)) as pilot:
            await pilot.press("a")
            await settle(pilot)
            await pilot.press("tab")  # the log's drawer opens, its first entry selected
            await settle(pilot)
            table = app.screen.query_one("#log-entries", RecordTable)
            assert table.has_focus
            table.move_cursor(row=table.row_count - 1)  # no long entry wrapped at the cursor
            await settle(pilot)
            lines = screen_lines(app)
            checked = 0
            top = round(table.scroll_y)
            for y in range(table.region.y + 1, table.region.bottom - 1):
                index = top + y - table.region.y - 1
                if index >= table.cursor_row:
                    break
                entry = app.screen.data.log[table.keys[index]]
                text = lines[y][: table.region.right - 1].rstrip()  # the scroll bar's cell
                if entry.text[-12:] not in text:  # cut: said with "…" (at 80: in its cell)
                    assert text.endswith("…"), (width, text)
                    checked += 1
            assert checked >= 2, width


async def test_the_toast_after_adding_an_activity_tells_the_repeated_hour_apart(
    demo_store: Store,
) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, Form)
        app.screen.query_one("#person", Select).value = "BEVER"
        app.screen.query_one("#title", Input).focus()
        await type_text(pilot, "Nachtvlucht")
        app.screen.query_one("#start", Input).value = "2027-10-31T02:30+01:00"  # the second 02:30
        app.screen.query_one("#end", Input).value = "2027-10-31T03:15+01:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, Form), error_of(app)
        # "02:30" alone was the first 02:30 (+02:00) as much as this one (issue 17)
        assert "Added 'Nachtvlucht' for BEVER, 2027-10-31 02:30+01:00." in toasts(app)


async def test_the_console_remembers_screen_and_sync_folder_per_database(
    demo_store: Store, tmp_path: Path
) -> None:
    other_path = tmp_path / "demo-copy.db"
    with sqlite3.connect(demo_store.path) as source, sqlite3.connect(other_path) as target:
        source.backup(target)
    other_path.chmod(0o600)
    real = SchildwachtApp(demo_store, remember=True, watch=None, ahead=False)
    async with real.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        real.remember_state(sync_folder=str(tmp_path / "team-share"))
    other = Store(other_path, clock=demo_store.clock)
    try:
        demo = SchildwachtApp(other, remember=True, watch=None, ahead=False)
        async with demo.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            # a demo opens on its own first screen and folder, not the real database's
            assert isinstance(demo.screen, TodayScreen)
            assert "sync_folder" not in demo.state
            await pilot.press("k")
            await settle(pilot)
            demo.remember_state(sync_folder=str(tmp_path / "demo-share"))
    finally:
        other.close()
    again = SchildwachtApp(demo_store, remember=True, watch=None, ahead=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, SyncScreen)  # not the demo's Capacity
        assert again.state["sync_folder"] == str(tmp_path / "team-share")


def _help_text(role: str, mode: str) -> str:
    console = Console(width=110, record=True, file=io.StringIO())
    for table in help_tables(role, mode):
        console.print(table)
    return console.export_text()


async def test_an_operator_is_shown_only_the_keys_an_operator_may_use(demo_store: Store) -> None:
    if not proof.has_secret(demo_store.conn, "AM-0002"):  # an operator of the demo
        staff.set_secret(demo_store, "AM-0002", TEST_SECRET)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert "x clear a flag" in shown(app, "#log-panel DrawerTitle")  # a shift leader's
        await pilot.press("u")
        await settle(pilot)
        await type_text(pilot, "AM-0002")
        await pilot.press("tab")
        await type_text(pilot, TEST_SECRET)
        await pilot.press("enter")
        await settle(pilot)
        assert app.role == "operator"
        # the log's title named x after Switch user (it was set once, when the screen mounted)
        assert shown(app, "#log-panel DrawerTitle") == "Operational log (journaal) — l write"
        assert "x" not in [key for key, *_rest in shown_keys(app.screen)]
        assert not any("flag" in title.lower() and "Clear" in title for title, *_ in app.palette())
        await pilot.press("s", "h")  # the other screens' titles follow the role too
        await settle(pilot)
        assert shown(app, "#history-panel DrawerTitle").startswith("Signed handovers")
        assert "c to accept" not in shown(app, "#history-panel DrawerTitle")
    # the help lists what the role may do, no longer every key dimmed "(not for operator)"
    operator, leader = _help_text("operator", "agenda"), _help_text("shift_leader", "agenda")
    assert "Clear a flagged log entry — clear the selected flagged" in leader
    assert "Clear a flagged log entry" not in operator
    assert "not for" not in operator
    # each line names the action as the palette and the README do, then explains it (fix17r)
    assert "Write in the operational log (note, flag) — a log (journaal) entry of a kind" in (
        operator
    )


def _fields_drawn(app: SchildwachtApp) -> list[str]:
    """Each text field of the open form as it shows at 80x24 (fails if one is not drawn)."""
    form = app.screen.query_one(".form")
    drawn = []
    for field in app.screen.query(Input):
        region = field.region
        assert region.height == 1 and app.screen.region.contains_region(region), field
        assert field.styles.background != form.styles.background, field  # a band of its own
        drawn.append("".join(s.text for s in field.render_line(0)).strip())
    return drawn


async def test_the_reason_fields_of_clear_flag_and_supersede_are_drawn_at_80x24(
    demo_store: Store,
) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab", "x")  # the log's drawer, then clear its first flag
        await settle(pilot)
        assert isinstance(app.screen, Form), app.screen
        # empty, it showed nothing on the form's background: no field in sight
        assert _fields_drawn(app) == ["e.g. vehicle checked: a delivery van"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("x")  # sign (asked first) ...
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("x")  # ... then the same period again: supersede, with a reason
        await settle(pilot)
        assert isinstance(app.screen, Form), app.screen
        assert _fields_drawn(app) == ["e.g. the night's incident was missing"]


async def test_a_sync_drawer_title_too_long_for_80_columns_ends_in_an_ellipsis(
    demo_store: Store,
) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        drawer = app.screen.query_one("#quarantine-panel", CountedDrawer)
        drawer.counted(12)  # as the screen's show counts twelve quarantined changes
        await settle(pilot)
        title = drawer.query_one(DrawerTitle)
        words = shown(app, "#quarantine-panel DrawerTitle")
        assert len(words) > 78 and "(Tab shows them)" in words
        line = screen_lines(app)[title.region.y].rstrip()
        assert line.endswith("…") and line.startswith(" Quarantined · 12 changes"), line


async def _palette_options(pilot: Pilot[None], words: str) -> list[str]:
    """The palette's entries for ``words``, in the order shown, once its search settled."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*words)
    found: list[str] = []
    for _ in range(60):  # the palette searches in the background
        await pilot.pause(0.05)
        options = app.screen.query_one("CommandList", OptionList)
        now = [
            str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)
        ]
        if now and now == found:
            break
        found = now
    await pilot.press("escape")
    await pilot.pause()
    return found


async def test_the_palette_ranks_the_action_named_by_the_word_first(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        found = await _palette_options(pilot, "sign")
        # 7th before, tied with every "Signals" entry and "Raise a signal"
        assert found[0] == "Handover: Sign the handover", found
        flag = await _palette_options(pilot, "flag")
        assert flag[0].startswith("Agenda: Write in the operational log"), flag
