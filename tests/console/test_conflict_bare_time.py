"""fix17m item 5: the conflict form's bare HH:MM for a value near midnight means that time on
the day of the value shown (which the form names), on either side of midnight, and on the
autumn night a bare time in the repeated hour takes the shown value's offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from console.app import SchildwachtApp
from console.screens.forms import FormScreen
from store import agenda
from store.clock import FixedClock, local
from store.subjects import add_subject
from store.sync import status
from tests.console.conftest import settle
from tests.sync_team import Laptop, exchange_all, make_team


def _conflict(
    tmp_path: Path, start: datetime, end: datetime, ends: tuple[datetime, datetime]
) -> tuple[Laptop, str]:
    clock = FixedClock(start - timedelta(days=1))
    a, b = make_team(tmp_path, clock, names=("a", "b"))
    add_subject(a.store, "MEREL", kind="person", domain="local", unit="RT")
    item = agenda.add_activity(a.store, person="MEREL", title="Nachtrit", start=start, end=end)
    exchange_all([a, b], tmp_path / "sync")
    agenda.edit_activity(a.store, item.id, end=ends[0], correction="typo")
    agenda.edit_activity(b.store, item.id, end=ends[1], correction="typo")
    exchange_all([a, b], tmp_path / "sync")
    (conflict,) = status.list_conflicts(a.store)
    assert conflict.column == "end_at"
    return a, item.id


async def _resolve_bare(laptop: Laptop, typed: str) -> tuple[str, str]:
    """Type ``typed`` into the conflict form; the note and the form's default."""
    app = SchildwachtApp(laptop.store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        note = str(form.query_one(".note", Static).render())
        field = form.query_one("#text", Input)
        shown = field.value
        field.value = typed
        form.submit()
        await settle(pilot)
        assert app.screen is not form, str(form.query_one(".error", Static).render())
    return note, shown


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("ends", "typed", "day", "wanted"),
    [
        # both values before midnight: a bare time is on the activity's first day
        (
            ("2026-12-01T23:40+01:00", "2026-12-01T23:50+01:00"),
            "23:55",
            "2026-12-01",
            "2026-12-01T23:55+01:00",
        ),
        # both after midnight: on the next day, the values' own day as shown
        (
            ("2026-12-02T00:40+01:00", "2026-12-02T00:50+01:00"),
            "00:20",
            "2026-12-02",
            "2026-12-02T00:20+01:00",
        ),
    ],
)
async def test_a_bare_time_on_either_side_of_midnight(
    tmp_path: Path, ends: tuple[str, str], typed: str, day: str, wanted: str
) -> None:
    a, activity = _conflict(
        tmp_path,
        _utc("2026-12-01T22:00+01:00"),
        _utc("2026-12-02T00:30+01:00"),
        (_utc(ends[0]), _utc(ends[1])),
    )
    note, shown = await _resolve_bare(a, typed)
    assert shown.startswith(day)
    assert f"HH:MM on {day}" in note, note
    assert agenda.get_activity(a.store, activity).end_at == _utc(wanted)
    assert not status.list_conflicts(a.store)


async def test_a_bare_time_in_the_repeated_hour_takes_the_shown_values_offset(
    tmp_path: Path,
) -> None:
    """25 October 2026: 02:00-03:00 happens twice. Both values are in the second 02:xx
    (+01:00): a bare 02:30 is that one, not refused as ambiguous."""
    a, activity = _conflict(
        tmp_path,
        _utc("2026-10-25T00:30+02:00"),
        _utc("2026-10-25T02:10+01:00"),
        (_utc("2026-10-25T02:20+01:00"), _utc("2026-10-25T02:40+01:00")),
    )
    note, _shown = await _resolve_bare(a, "02:30")
    assert "HH:MM on 2026-10-25" in note, note
    assert agenda.get_activity(a.store, activity).end_at == _utc("2026-10-25T02:30+01:00")
    assert local(agenda.get_activity(a.store, activity).end_at).utcoffset() == timedelta(hours=1)
