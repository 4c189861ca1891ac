"""Issue 17's last small things, in one console run at 80x24: the console opens on today, not
on a day remembered from an earlier session; the deploy form names the free, qualified
officers; the sync folder form refuses a file; with a field focused the footer still shows how
to get help and quit (F1, F10)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Footer, Input, Static

from console.app import SchildwachtApp
from console.screens.agenda import AgendaScreen
from console.screens.forms import Form
from console.screens.help import HelpScreen
from console.widgets.table import RecordTable
from store import roster
from store.clock import today
from store.db import Store
from tests.conftest import snapshot
from tests.console.conftest import error_of, settle


def footer_keys(app: SchildwachtApp) -> set[str]:
    footer = app.screen.query_one(Footer)
    return {key.key for key in footer.query("FooterKey") if key.region.width}  # type: ignore[attr-defined]


async def test_small_things_of_a_shift(demo_store: Store, tmp_path: Path) -> None:
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    app.state["agenda_day"] = "2026-11-01"  # left by an older version: not forced on anyone
    app.state["sync_folder"] = str(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert screen.day == today(demo_store.clock)
        # deploy (o): the form names who is free and qualified for the open places
        table = screen.query_one("#day-activities", RecordTable)
        for index in range(table.row_count):
            table.move_cursor(row=index)
            item = screen.selected()
            assert item is not None
            free = roster.deployable(demo_store, item.id)
            if free:
                break
        assert free
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, Form)
        note = str(app.screen.query_one(".note", Static).render())
        assert "Free and qualified" in note and free[0].callsign in note
        await pilot.press("escape")
        await settle(pilot)
        # the sync folder form: a file is refused in a sentence, nothing remembered
        afile = tmp_path / "bundle.swb"
        afile.write_bytes(b"not a folder")
        before = snapshot(demo_store.path)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        field = app.screen.query_one("#text", Input)
        assert field.value == str(tmp_path)  # it opens on the folder in use, not empty
        assert str(app.screen.query_one("#save", Button).label) == "Save"  # not "Record"
        field.value = str(afile)
        await pilot.press("enter")
        await settle(pilot)
        assert "is a file, not a folder" in error_of(app)
        assert app.state["sync_folder"] == str(tmp_path)
        await pilot.press("escape")
        await settle(pilot)
        assert snapshot(demo_store.path) == before
        # Capacity's what-if: its fields take ? and q as text; the footer offers F1 and F10
        await pilot.press("k")
        await settle(pilot)
        assert {"question_mark", "q"} <= footer_keys(app)
        await pilot.press("w")
        await settle(pilot)
        keys = footer_keys(app)
        assert {"f1", "f10"} <= keys and "q" not in keys
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
