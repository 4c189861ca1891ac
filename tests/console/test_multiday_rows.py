"""The Agenda's and Today's Time cell for an activity over several days (rev14 multiday.sh):
each day's row names the other day a start or an end falls on, and the column widens to show it
whole on such a day only."""

from __future__ import annotations

from datetime import date

from console.app import SchildwachtApp
from console.screens.agenda import fetch_agenda
from console.widgets.dayboard import activity_columns
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.conftest import at

from .conftest import screenshot, settle


def _three_days(store: Store) -> agenda.Activity:
    return agenda.add_activity(
        store,
        person="BEVER",
        title="Driedaagse",
        start=at(store, "2026-11-28 06:00"),
        end=at(store, "2026-12-01 05:30"),
    )


def test_every_day_of_a_three_day_activity_shows_its_other_days(demo_store: Store) -> None:
    added = _three_days(demo_store)
    shown: dict[str, str] = {}
    for on in (date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1)):
        row = next(r for r in fetch_agenda(demo_store, on).rows if r.key == added.id)
        shown[on.isoformat()] = row.cells[0].plain
    assert shown == {
        "2026-11-28": "06:00–12-01 05:30",
        "2026-11-29": "11-28–12-01 05:30",
        "2026-11-30": "11-28–12-01 05:30",
        "2026-12-01": "11-28 06:00–05:30",
    }
    assert max(len(text) for text in shown.values()) <= activity_columns(person=True)[0].fit


async def test_the_agenda_shows_a_middle_day_s_time_whole(demo_store: Store) -> None:
    _three_days(demo_store)
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        await pilot.press("left_square_bracket")  # 11-27: every time is of that day
        await settle(pilot)
        assert table._widths[0] == 11
        await pilot.press("right_square_bracket", "right_square_bracket")  # 11-29
        await settle(pilot)
        assert table._widths[0] == 17
        painted = (await screenshot(pilot)).replace("&#160;", " ")
        assert "11-28–12-01 05:30" in painted  # whole, not cut to "11-28–12-0…"
