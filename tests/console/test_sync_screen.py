"""The Sync screen, driven by keys: import through the shared folder with the receipt, the
conflict with both values side by side, resolving it with a key; Today counts open conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from console.app import SchildwachtApp
from console.screens.sync import SyncScreen
from console.widgets.table import RecordTable
from store import agenda, logbook, subjects
from store.clock import FixedClock
from store.sync import exchange, status
from tests.conftest import at
from tests.console.conftest import row_text, settle
from tests.sync_team import exchange_all, make_team


def conflicted_team(root: Path, clock: FixedClock) -> tuple[list, str]:  # type: ignore[type-arg]
    laptops = make_team(root / "team", clock, names=("a", "b"))
    a, b = laptops
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=3)
    activity = agenda.add_activity(
        a.store,
        person="BEVER",
        title="Zitting",
        start=at(a.store, "2026-11-30 09:00"),
        end=at(a.store, "2026-11-30 12:00"),
        location="Rechtbank",
    ).id
    exchange_all(laptops, root / "share")
    agenda.edit_activity(a.store, activity, location="Paleis van Justitie", correction="x")
    clock.advance(minutes=1)
    agenda.edit_activity(b.store, activity, location="Gerechtshof", correction="x")
    exchange.export(b.store, folder=root / "share")
    return laptops, activity


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_import_shows_the_receipt_and_a_key_resolves_the_conflict(
    tmp_path: Path, clock: FixedClock, size: tuple[int, int]
) -> None:
    (a, _b), activity = conflicted_team(tmp_path, clock)
    app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
    app.state["sync_folder"] = str(tmp_path / "share")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "open sync conflict" not in str(app.screen.query_one("#today-summary").render())
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        await pilot.press("i")
        await settle(pilot)
        await settle(pilot)
        receipt = str(app.screen.query_one("#sync-receipt", Static).render())
        # records per table, not changes per field (the correction is one record of several)
        assert receipt.endswith(  # a shared label is told apart by operator and id end
            f" from laptop-b (OPS-B, …{_b.id[-7:]}): applied; records per table: activity 1, "
            "activity correction 1; 1 new conflict"
        ), receipt
        summary = str(app.screen.query_one("#sync-summary", Static).render())
        assert "1 open conflict · 0 quarantined changes ·" in summary  # counted words
        table = app.screen.query_one("#sync-conflicts", RecordTable)
        assert table.row_count == 1
        assert row_text(table, 0)[1:] == [
            "Location",
            "Gerechtshof",
            "Paleis van Justitie",
            "OPS-B / OPS-A",
        ]
        # every column is shown, "By" whole (at 120x40 it was dropped in half the width)
        widths = table._column_widths()
        assert all(widths), [c.label for c, w in zip(table.columns, widths, strict=True) if not w]
        assert widths[-1] >= len("OPS-B / OPS-A")
        await pilot.press("t")
        await settle(pilot)
        assert "1 open sync conflict (y)" in str(app.screen.query_one("#today-summary").render())
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("2", "y")  # keep a's own value (asked first)
        await settle(pilot)
        assert app.screen.query_one("#sync-conflicts", RecordTable).row_count == 0
    assert status.count_open(a.store) == 0
    assert a.store.one("SELECT location FROM activity WHERE id = ?", (activity,))[0] == (
        "Paleis van Justitie"
    )


async def test_the_handover_goes_to_the_conflict_itself(tmp_path: Path, clock: FixedClock) -> None:
    (a, _b), _activity = conflicted_team(tmp_path, clock)
    exchange.import_path(a.store, tmp_path / "share")
    [conflict] = status.list_conflicts(a.store)
    app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        items = app.screen.query_one("#open-items", RecordTable)
        items.move_to("conflicts")
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        table = app.screen.query_one("#sync-conflicts", RecordTable)
        assert table.cursor_key == conflict.id


async def test_devices_with_the_same_label_are_told_apart(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Three laptops all labelled "vm": the device list shows the operator each is bound to
    in the signed roster (even before it wrote anything), the id's end, status and when it
    was last seen; at 120x40 those columns stay and the others go first."""
    laptops = make_team(tmp_path / "team", clock, labels=("vm", "vm", "vm"))
    admin, b, c = laptops
    logbook.add_entry(b.store, "Dienst begonnen", kind="note")
    exchange.export(b.store, folder=tmp_path / "share")  # nothing from c: its binding names it
    exchange.import_path(admin.store, tmp_path / "share")
    peers = {p.device: p for p in status.peers(admin.store)}
    assert peers[b.id].callsign == "OPS-B" and peers[c.id].callsign == ""
    app = SchildwachtApp(admin.store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        table = app.screen.query_one("#sync-peers", RecordTable)
        shown = {key: row_text(table, i) for i, key in enumerate(table.keys)}
        assert set(shown) == {b.id, c.id}
        assert shown[b.id][:4] == ["vm", "OPS-B", "…" + b.id[-7:], "active"]
        assert shown[c.id][:4] == ["vm", "OPS-C", "…" + c.id[-7:], "active"]
        assert "…" + b.id[-7:] != "…" + c.id[-7:]
        assert table._column_widths()[0] >= len("laptop-0412")  # a host name whole (issue 17)
        assert shown[b.id][4] != "never"  # last seen: a bundle from it was read
        assert shown[b.id][6] == "2026-11-28"  # enrolled
        visible = [col.label for col, w in zip(table.columns, table._kept(), strict=True) if w]
        assert visible[:5] == ["Device", "Callsign", "Id end", "Status", "Last seen"], visible


async def test_a_stage_is_shown_in_the_words_the_cli_uses(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: the screen showed ``stage.capitalize()``, English whatever the language; it
    says the stage as ``words.receipts.STAGES`` does, as ``sync export`` does."""
    from console.screens.sync import SyncProgress
    from words import receipts

    monkeypatch.setitem(receipts.STAGES, "packing", "Inpakken")
    a, _b = make_team(tmp_path / "team", clock, names=("a", "b"))
    app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        screen.post_message(SyncProgress("packing", 1, 3))
        await settle(pilot)
        assert str(screen.query_one("#sync-receipt", Static).render()) == "Inpakken…"
