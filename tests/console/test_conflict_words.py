"""rev17g: a sync conflict on an activity's end showed the column's code (``end_at``) in the
Sync screen's table, and ``v`` opened "New value for end_at" empty, saying neither value nor
what to type; ``07:35`` was refused. Now every field a conflict can be on has a name in words
(``words.conflicts``), the form shows both values and the form of a value, starts from the
value shown, and takes a bare time on the values' day (the store too: ``sync resolve``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input, Static

from console.app import SchildwachtApp
from console.screens.forms import FormScreen
from store import agenda
from store.clock import FixedClock, local
from store.subjects import add_subject
from store.sync import status
from store.sync.tables import CRITICAL_FIELDS
from tests.console.conftest import rows, settle, toasts
from tests.sync_team import Laptop, exchange_all, make_team
from words.conflicts import CONFLICT_FIELDS


def _t(h: int, m: int) -> datetime:
    return datetime(2026, 12, 1, h, m, tzinfo=UTC)


def _end_conflict(tmp_path: Path) -> tuple[Laptop, str]:
    """Two laptops correct the same activity's end concurrently: one open conflict on ``a``."""
    clock = FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    a, b = make_team(tmp_path, clock, names=("a", "b"))
    add_subject(a.store, "MEREL", kind="person", domain="local", unit="RT")
    item = agenda.add_activity(
        a.store, person="MEREL", title="Overleg", start=_t(10, 0), end=_t(11, 0)
    )
    exchange_all([a, b], tmp_path / "sync")
    agenda.edit_activity(a.store, item.id, end=_t(11, 15), correction="typo")
    agenda.edit_activity(b.store, item.id, end=_t(11, 30), correction="typo")
    exchange_all([a, b], tmp_path / "sync")
    (conflict,) = status.list_conflicts(a.store)
    assert conflict.column == "end_at"
    return a, item.id


def test_every_field_a_conflict_can_be_on_has_a_name_in_words() -> None:
    assert set(CONFLICT_FIELDS) >= set(CRITICAL_FIELDS)
    assert all(f.label and "_" not in f.label for f in CONFLICT_FIELDS.values())


async def test_the_conflict_says_its_field_in_words_and_v_takes_a_bare_time(
    tmp_path: Path,
) -> None:
    a, activity = _end_conflict(tmp_path)
    app = SchildwachtApp(a.store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        (row,) = rows(app, "#sync-conflicts")
        assert row[1] == "End" and "end_at" not in " ".join(row)
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        note = str(form.query_one(".note", Static).render())
        assert "2026-12-01 12:15 (by OPS-A)" in note and "2026-12-01 12:30 (by OPS-B)" in note
        assert "HH:MM" in note and "end_at" not in note
        field = form.query_one("#text", Input)
        assert field.value == "2026-12-01 12:15"  # the value shown first, to change
        field.value = "12:20"
        form.submit()
        await settle(pilot)
        assert app.screen is not form, str(form.query_one(".error", Static).render())
        assert toasts(app)[-1] == "Resolved: Overleg (MEREL) keeps 2026-12-01 12:20."
    assert local(agenda.get_activity(a.store, activity).end_at).strftime("%H:%M") == "12:20"
    assert not status.list_conflicts(a.store)
