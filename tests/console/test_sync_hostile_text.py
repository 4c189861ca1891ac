"""Hostile text (issue 14) carried in a bundle from a really enrolled laptop: what the store
accepts (markup, escape sequences, bidi controls in free text) arrives as text, what it refuses
(the year 1, control characters in a code) is quarantined, and on the receiving
laptop no listing and no console screen breaks over any of it."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from commands.cli import cli
from console.app import SchildwachtApp
from console.screens.sync import SyncScreen
from console.widgets.table import RecordTable
from store import agenda, logbook, signals
from store.db import Store
from store.handover import draft_handover, handover_facts
from store.sync.reason import from_dict
from tests.conftest import at
from tests.console.conftest import settle
from tests.hostile import build_template, copied_team, import_with_cli
from words.handover import item_text
from words.quarantine import REASONS, worded

FAMILIES = [
    "[/]",
    "[/bold] x",
    "[link=https://example.org]klik[/link]",
    "\x1b[31mrood\x1b[0m",
    "\x1b]0;titel\x07",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b[2J",
    "\u202egnp.exe",
    "regel\nregel",
]


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="hostile-text-"))
    yield build_template(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def receiver(template: Path, tmp_path: Path) -> Iterator[Store]:
    """The admin's laptop after importing the operator's bundle of hostile text."""
    with copied_team(template, tmp_path / "team") as (a, b):
        for number, text in enumerate(FAMILIES):
            agenda.add_activity(
                b.store,
                person="BEVER",
                title=text,
                start=at(b.store, f"2026-11-28 1{number % 10}:00"),
                end=at(b.store, f"2026-11-28 1{number % 10}:30"),
                location=text,
            )
            logbook.add_entry(b.store, text, flagged=True)
            signals.raise_signal(b.store, text, category="other", urgency="routine", tlp="green")
        # text longer than any store writes refuses the whole segment (test_sync_oversized.py)
        b.sql("UPDATE activity SET start_at = '0001-01-01T09:40:28Z' WHERE title = '[/bold] x'")
        code, receipt = import_with_cli(a, b.export())
        assert code == 5
        assert {q["field"] for q in receipt["quarantined"]} == {"start_at"}
        for held in receipt["quarantined"]:  # by stable code and params, and in words
            assert held["reason_code"] == "value_refused" and held["reason_params"]["error"]
            assert held["reason"].startswith("activity start must lie between 1970-01-01")
            assert "0001-01-01 10:00 does not" in held["reason"]  # Amsterdam (local mean) time
            assert '{"code"' not in held["reason"]
        assert a.store.one("SELECT count(*) FROM activity")[0] == 1 + len(FAMILIES)
        yield a.store


def test_hostile_text_from_a_bundle_breaks_no_listing(receiver: Store) -> None:
    runner = CliRunner()
    for command in (
        ["activity", "list"],
        ["log", "list"],
        ["signal", "list"],
        ["sync", "quarantine"],
        ["sync", "status"],
        ["handover", "draft"],
    ):
        for fmt in ("table", "csv", "md", "json"):
            done = runner.invoke(cli, ["--db", str(receiver.path), *command, "--format", fmt])
            assert done.exit_code == 0, (command, fmt, done.output)
    done = runner.invoke(cli, ["--db", str(receiver.path), "sync", "quarantine", "-f", "json"])
    rows = json.loads(done.stdout)
    assert rows and all(r["reason_code"] in REASONS and r["reason"] for r in rows), rows
    # the params as JSON carries them, read back by the store (its times as times: rev14m F4)
    kept = [{"code": r["reason_code"], "params": r["reason_params"]} for r in rows]
    assert all(r["reason"] == worded(from_dict(k)) for r, k in zip(rows, kept, strict=True))


async def test_hostile_text_from_a_bundle_breaks_no_console_screen(receiver: Store) -> None:
    app = SchildwachtApp(receiver, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("t", "a", "g", "s", "h", "k", "y", "t"):
            await pilot.press(key)
            await settle(pilot)
        assert app.screen.is_current


async def test_the_sync_screen_shows_hostile_text_literally(template: Path, tmp_path: Path) -> None:
    """The Sync screen names quarantined changes with whatever they carried, as text."""
    with copied_team(template, tmp_path / "team") as (a, b):
        b.sql("UPDATE activity SET concept = '[/]'")  # no such concept: quarantined
        code, _receipt = import_with_cli(a, b.export())
        assert code == 5
        app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SyncScreen)
            table = app.screen.query_one("#sync-quarantine", RecordTable)
            assert table.row_count == 1
            # at 120x40 every column, "#" and "By" too (the table had half the width: issue 17)
            assert all(table._kept()) and table._column_widths()[-1] >= 40
            cells = [str(cell) for cell in table.get_row_at(0)]
            assert cells[2] == "activity.concept" and "'[/]'" in cells[4]
            summary = str(app.screen.query_one("#sync-summary", Static).render())
            assert "1 quarantined change ·" in summary  # one, in the singular


async def test_the_handover_names_a_quarantined_write_and_goes_to_it(
    template: Path, tmp_path: Path
) -> None:
    with copied_team(template, tmp_path / "team") as (a, b):
        b.sql("UPDATE activity SET status = 'cancelled'")  # without a restriction (R5)
        import_with_cli(a, b.export())
        content = handover_facts(draft_handover(a.store))
        [item] = [i for i in content["assessment"] if i["kind"] == "quarantined"]
        text = item_text("assessment", item)
        assert "laptop-b" in text and "activity.status" in text
        app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("h")
            await settle(pilot)
            app.screen.query_one("#open-items", RecordTable).move_to("quarantined")
            await pilot.press("j")
            await settle(pilot)
            assert isinstance(app.screen, SyncScreen)
            table = app.screen.query_one("#sync-quarantine", RecordTable)
            row = table.cursor_key
            assert row == item["ids"][0]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_enrol_forms_role_list_stays_inside_the_dialog(
    template: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """Issue 17: the Role dropdown's eight roles ran over the dialog's border and the line
    below it; the open list now fits the rows left inside the dialog (and scrolls)."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    with copied_team(template, tmp_path / "team") as (a, _b):
        app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
        async with app.run_test(size=size) as pilot:
            await pilot.press("y")
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
            role = app.screen.query_one("#role", Select)
            role.focus()
            await pilot.press("space")  # opens the list (Enter on a closed list saves)
            await settle(pilot)
            assert role.expanded
            dialog = app.screen.query_one(".form").content_region
            listed = role.query_one(SelectOverlay)
            assert dialog.contains_region(listed.region), (dialog, listed.region)
            assert listed.region.height >= 3


async def test_at_80x24_the_closed_drawers_count_their_rows_and_tab_shows_them(
    receiver: Store,
) -> None:
    """Issue 14: at 80x24 the devices and the quarantine were a bare title line until Tab (a
    list that looked empty). Closed, each title counts its rows and says Tab shows them; open,
    each shows a header and five rows while the conflicts keep theirs."""
    app = SchildwachtApp(receiver, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)

        def title(panel: str) -> str:
            return str(app.screen.query_one(f"{panel} DrawerTitle", Static).render())

        assert title("#peers-panel") == "Devices in the team · 1 other device (Tab shows them)"
        assert title("#quarantine-panel").startswith("Quarantined · 1 change (Tab shows them):")
        whole = app.screen.region
        for panel, table, rows in (
            ("#peers-panel", "#sync-peers", 1),
            ("#quarantine-panel", "#sync-quarantine", 1),
        ):
            for _step in range(8):  # Tab on until the drawer is open
                if app.screen.query_one(panel).has_class("-open"):
                    break
                await pilot.press("tab")
                await settle(pilot)
            assert "Tab" not in title(panel), panel  # open: the hint is gone
            shown = app.screen.query_one(table, RecordTable)
            assert shown.row_count == rows
            assert shown.region.height >= 6 and whole.contains_region(shown.region), panel
            conflicts = app.screen.query_one("#sync-conflicts").region
            assert conflicts.height >= 6 and whole.contains_region(conflicts)
        await pilot.press("tab")
        await settle(pilot)
        assert title("#quarantine-panel").startswith("Quarantined · 1 change (Tab shows them)")
