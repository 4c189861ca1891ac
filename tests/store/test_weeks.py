"""ISO weeks everywhere: restrictions are counted in the ISO week of the local day they were
recorded on, across New Year; the ISO week of every day 2020–2030 against an independent rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from store import agenda, capacity, subjects
from store.clock import iso_week
from store.db import Store
from tests.conftest import at


def _thursday_rule(day: date) -> str:
    """ISO 8601 by its definition: a week belongs to the year of its Thursday, and week 1 is
    the week with that year's first Thursday."""
    thursday = day + timedelta(days=3 - day.weekday())
    first_thursday = date(thursday.year, 1, 1)
    first_thursday += timedelta(days=(3 - first_thursday.weekday()) % 7)
    return f"{thursday.year}-W{(thursday - first_thursday).days // 7 + 1:02d}"


def test_iso_week_of_every_day_2020_to_2030() -> None:
    day = date(2020, 1, 1)
    while day <= date(2030, 12, 31):
        assert iso_week(day) == _thursday_rule(day), day
        day += timedelta(days=1)
    # hand-checked anchors around New Year
    assert iso_week(date(2026, 12, 31)) == "2026-W53"
    assert iso_week(date(2027, 1, 3)) == "2026-W53"
    assert iso_week(date(2027, 1, 4)) == "2027-W01"
    assert iso_week(date(2029, 12, 31)) == "2030-W01"
    assert iso_week(date(2021, 1, 1)) == "2020-W53"


def test_restrictions_are_counted_in_their_iso_week(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    recorded = [
        "2026-11-30T09:00:00+01:00",  # Monday: 2026-W49
        "2026-12-01T09:00:00+01:00",  # Tuesday: 2026-W49
        "2027-01-01T00:30:00+01:00",  # Friday, still 31 December in UTC: 2026-W53
        "2027-01-03T23:30:00+01:00",  # Sunday: 2026-W53
        "2027-01-04T00:10:00+01:00",  # Monday (Sunday in UTC): 2027-W01
    ]
    for moment in recorded:
        store.clock.at = datetime.fromisoformat(moment).astimezone(UTC)  # type: ignore[attr-defined]
        item = agenda.add_activity(
            store,
            person="BEVER",
            title="Afspraak",
            start=store.clock.now() + timedelta(days=1),
            end=store.clock.now() + timedelta(days=1, hours=1),
        )
        agenda.restrict_activity(
            store, item.id, kind="cancelled", reason="capacity", authority="OvJ Havenstad"
        )
    rows = capacity.restriction_report(
        store, at(store, "2026-11-01 00:00"), at(store, "2027-02-01 00:00")
    )
    assert [(r["week"], r["total"]) for r in rows] == [
        ("2026-W49", 2),
        ("2026-W53", 2),
        ("2027-W01", 1),
    ]
