"""Issue 17, the fresh console review (console7): what a short screen hid from the person
importing, and counts that disagreed between screens. Real laptops, real bundles, real files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from console.app import SchildwachtApp
from console.screens.sync import SyncScreen
from console.widgets.dayboard import DayBoard, render_lanes
from console.widgets.table import RecordTable
from store import logbook
from store.db import Store
from tests.conftest import as_user, snapshot
from tests.console.conftest import row_text, rows, settle, shown, toasts
from tests.hostile import build_template, copied_team


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="console7-"))
    yield build_template(root)
    shutil.rmtree(root, ignore_errors=True)


async def test_80x24_import_says_first_how_many_files_were_refused(
    template: Path, tmp_path: Path
) -> None:
    """The review's folder (rev14 console_receipt.sh): one good bundle, a FIFO, a symlink and a
    damaged file. The toast (the receipt's first line) says "3 of 4 files refused", the refused
    files come first in the receipt, and the Handover counts the quarantined changes as the
    Sync screen does."""
    with copied_team(template, tmp_path / "team") as (a, b):
        logbook.add_entry(b.store, "Ronde gelopen")
        b.sql("UPDATE activity SET status = 'cancelled', location = 'Elders'")  # no R5: held
        folder = tmp_path / "share"
        (folder / "peer").mkdir(parents=True)
        (folder / "x").mkdir()
        shutil.copy(b.export(), folder / "peer" / "b.swb")
        os.mkfifo(folder / "peer" / "f.swb")
        (folder / "peer" / "link.swb").symlink_to(tmp_path / "team" / "laptop-a" / "x.db")
        (folder / "x" / "d.swb").write_bytes(os.urandom(100))
        app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
        app.state["sync_folder"] = str(folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SyncScreen)
            await pilot.press("i")
            await settle(pilot)
            await settle(pilot)
            said = toasts(app)[-1]
            assert said.startswith("3 of 4 files refused; "), said
            assert "changes quarantined" in said
            receipt = str(app.screen.query_one("#sync-receipt", Static).render()).splitlines()
            assert receipt[0] == said
            assert all(line.startswith("! ") for line in receipt[1:4]), receipt
            assert {line.split("/")[-1].split(":")[0] for line in receipt[1:4]} == {
                "d.swb",
                "f.swb",
                "link.swb",
            }
            assert "b.swb from laptop-b" in receipt[4]
            summary = str(app.screen.query_one("#sync-summary", Static).render())
            held = int(summary.split(" quarantined changes")[0].rsplit("· ", 1)[1])
            assert held > 1
            await pilot.press("h")
            await settle(pilot)
            items = [r for r in rows(app, "#open-items") if "quarantined at sync" in r[1]]
            assert sum(int(r[0]) for r in items) == held, items
            assert all(r[1].startswith("changes from laptop-b") for r in items), items
            assert app.screen.query_one("#open-items", RecordTable).row_count


async def test_80x24_the_board_keeps_the_selected_lane_in_view_when_the_log_opens(
    app: SchildwachtApp,
) -> None:
    """The review (rep2): End on the day's activities, then Tab opens the log; the board,
    three rows high then, still shows the selected activity's lane; the summary is one line."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.query_one("#agenda-summary", Static).size.height == 1, shown(
            app, "#agenda-summary"
        )
        await pilot.press("end", "tab")
        await settle(pilot)
        assert app.screen.query_one("#log-panel").has_class("-open")
        board = app.screen.query_one(DayBoard)
        box = app.screen.query_one("#board")
        text = render_lanes(board.board, board.content_region.width, board.selected)  # type: ignore[arg-type]
        start = next(s.start for s in text.spans if "reverse" in str(s.style))
        line = text.plain[:start].count("\n")
        height = box.scrollable_content_region.height
        assert height <= 4 and box.scroll_y <= line < box.scroll_y + height, (line, box.scroll_y)


async def test_120x40_no_table_is_cut_at_its_right_edge(app: SchildwachtApp) -> None:
    """The review (rep3): at 120x40 the Handover's items, "Accepted by", Signals' "Category",
    the Gaps activities' "Concept", the Agenda's "Re-plan" and Sync's "Last seen" were cut; Sync
    keeps what tells devices apart. Every table now fits its width: lower-priority columns are
    dropped whole."""
    from console.labels import LABELS
    from console.screens.handover import ITEMS
    from console.widgets.table import _needed

    named = {
        "h": {"Accepted by", "Item"},
        "s": {"Category", "Raised"},
        "g": {"Concept", "Option", "Why not", "Cost"},  # why an option would not work
        "a": {"Re-plan", "Location"},
        "y": {"Device", "Callsign", "Id end", "Status", "Last seen"},  # told apart (issue 17)
        "t": {"Location", "Re-plan"},  # Location was cut at 120x40 (issue 17)
        "k": set(),
    }
    async with app.run_test(size=(120, 40)) as pilot:
        for key, labels in named.items():
            await pilot.press(key)
            await settle(pilot)
            await settle(pilot)
            shown_labels: set[str] = set()
            for table in app.screen.query(RecordTable):
                if not table.region.width:
                    continue
                kept = table._kept()
                assert _needed(kept) <= table.scrollable_content_region.width, (key, table.id)
                header = table.render_line(0).text
                for column, width in zip(table.columns, kept, strict=True):
                    if width:
                        assert column.label in header, (key, column.label, header)
                        shown_labels.add(column.label)
                if table.id == "open-items":
                    item_width = table._column_widths()[1]
                    assert max(len(w) for w in ITEMS.values()) <= item_width, item_width
                if table.id in ("sync-conflicts", "sync-quarantine"):  # every column (issue 17)
                    assert all(kept), (table.id, kept)
                if table.id == "today-activities" and table.row_count:  # Location whole
                    where = [c.label for c in table.columns].index("Location")
                    longest = max(len(row_text(table, i)[where]) for i in range(table.row_count))
                    assert table._column_widths()[where] >= longest, longest
                if table.id == "day-activities":
                    replan = table._column_widths()[
                        [c.label for c in table.columns].index("Re-plan")
                    ]
                    assert max(len(w) for w in LABELS["replan"].values()) <= replan
            assert labels <= shown_labels, (key, labels - shown_labels)
        await pilot.resize_terminal(80, 24)  # the Agenda drops columns, never scrolls sideways
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        kept = table._kept()
        assert _needed(kept) <= table.scrollable_content_region.width
        shown = {c.label for c, w in zip(table.columns, kept, strict=True) if w}
        assert {"Time", "Person", "Title", "Concept", "Re-plan"} <= shown, shown


async def test_80x24_the_sync_banner_names_the_console_key_in_one_line(
    template: Path, tmp_path: Path
) -> None:
    """Four people given first secrets by the admin (one finding for them all): the Sync
    summary says so in one line that names U, not the command line (it took 4 of 24 rows)."""
    from store.staff import add_staff

    with copied_team(template, tmp_path / "team") as (a, _b):
        for number in range(4):
            add_staff(a.store, f"RT-01{number}", unit="RT", secret="eerste-geheim-123")
        app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("y")
            await settle(pilot)
            text = shown(app, "#sync-summary")
    assert "staff secret" not in text
    [line] = [line for line in text.splitlines() if "secret" in line]
    assert line.endswith("each changes theirs with U.") and len(line) <= 78, line


async def test_an_operators_keys_say_why_and_a_team_laptop_offers_no_new_team(
    demo_store: Store, template: Path, tmp_path: Path
) -> None:
    """The review (rep4): as an operator `x`, `r`, `o` on the Agenda did nothing, silently,
    and the log's title offered `x`. Each now says the role may not; nothing is written. A
    laptop in a team refuses "Create a team" at once (from the palette), and hides its key."""
    operator = as_user(demo_store, "RT-0008")
    app = SchildwachtApp(operator, remember=False, watch=None, ahead=False)
    before = snapshot(demo_store.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        title = str(app.screen.query_one("#log-panel DrawerTitle", Static).render())
        assert "x clear" not in title
        for key in "xro":
            await pilot.press(key)
            await settle(pilot)
            assert "the operator role may not do this" in toasts(app)[-1], (key, toasts(app))
    assert snapshot(demo_store.path) == before
    with copied_team(template, tmp_path / "team") as (a, _b):
        app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("y")
            await settle(pilot)
            assert not app.screen.check_action("create_team", ())
            run = next(r for t, _h, r in app.palette() if t == "Sync: Create a team")
            run()
            await settle(pilot)
            assert isinstance(app.screen, SyncScreen)  # no form: said at once
            assert "already" in toasts(app)[-1]


async def test_a_report_draft_takes_the_signals_duiding_and_closing_has_no_default(
    demo_store: Store,
) -> None:
    """The review: the report draft did not take the selected signal's interpretation
    (duiding); the close form chose "confirmed" for Enter alone (test_shift closes by keys)."""
    from textual.widgets import Input

    from console.screens.forms import StepForm
    from store import signals
    from store.staff import list_staff

    analyst = as_user(demo_store, list_staff(demo_store, role="info_analyst")[0].callsign)
    item = next(s for s in signals.list_signals(analyst) if s.status == "received")
    signals.interpret_signal(analyst, item.id, "Verkenning waarschijnlijk")
    app = SchildwachtApp(analyst, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#signal-list", RecordTable).move_to(item.id)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#interpretation", Input).value == "Verkenning waarschijnlijk"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, StepForm)
        assert app.screen.values()["choice"] == ""
