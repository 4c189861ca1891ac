"""The Agenda's and Today's Time cell for an activity over several days (rev14 multiday.sh):
each day's row names the other day a start or an end falls on, and fits the column."""

from __future__ import annotations

from datetime import date

from console.screens.agenda import fetch_agenda
from console.widgets.dayboard import activity_columns
from store import agenda
from store.db import Store
from tests.conftest import at


def test_every_day_of_a_three_day_activity_shows_its_other_days(demo_store: Store) -> None:
    added = agenda.add_activity(
        demo_store,
        person="BEVER",
        title="Driedaagse",
        start=at(demo_store, "2026-11-28 06:00"),
        end=at(demo_store, "2026-12-01 05:30"),
    )
    width = activity_columns(person=True)[0].width
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
    assert max(len(text) for text in shown.values()) <= width
