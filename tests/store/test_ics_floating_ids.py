"""A RECURRENCE-ID, EXDATE or RDATE names an occurrence of its series, so it has one reading: in
the zone of the series' DTSTART (RFC 5545 3.8.4.4), for Schildwacht's keys and for the expansion
alike (rev16j: a floating id on a New York series was keyed in Amsterdam while
recurring-ical-events matched it by its wall time, so an untouched occurrence was overwritten and
lost, and a floating EXDATE was applied in New York although the README said Amsterdam). Times
in the files are read by hand: New York is -05:00 until 14 March 2027, -04:00 after; Amsterdam
+01:00 in March."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import local_iso
from store.db import Store
from store.errors import BadInput
from store.ics import Occurrence, _refuse_collision, import_ics
from words.calendar import worded
from words.errors import sentence

ICS = Path(__file__).parent.parent / "fixtures" / "ics"
MARCH = {"start": date(2027, 3, 1), "end": date(2027, 3, 31)}


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return store


def imported(store: Store, file: str, **window: date) -> list[tuple[str, str, str]]:
    """The file imported: its warnings must be none; (title, start, recurrence id) each."""
    result = import_ics(store, ICS / file, person="BEVER", **(window or MARCH))  # type: ignore[arg-type]
    assert worded(result.warnings) == []
    rows = store.conn.execute(
        "SELECT id, source_recurrence FROM activity WHERE source_uid IS NOT NULL"
    ).fetchall()
    recurrence = {row[0]: row[1] or "" for row in rows}
    return [
        (a.title, local_iso(a.start_at), recurrence[a.id])
        for a in agenda.list_activities(store, person="BEVER")
    ]


def test_a_floating_id_of_a_zoned_series_loses_no_occurrence(bever: Store) -> None:
    """Every 6 h from 04:00 New York; the floating id 10:00 is 10:00 New York (15:00Z), not
    10:00 Amsterdam (09:00Z, the untouched 04:00 New York one). Four activities, one moved."""
    assert imported(bever, "floating-id-zoned-series.ics") == [
        ("H", "2027-03-13T10:00:00+01:00", "2027-03-13T09:00:00Z"),
        ("H-moved", "2027-03-13T16:30:00+01:00", "2027-03-13T15:00:00Z"),
        ("H", "2027-03-13T22:00:00+01:00", "2027-03-13T21:00:00Z"),
        ("H", "2027-03-14T04:00:00+01:00", "2027-03-14T03:00:00Z"),
    ]


def test_a_floating_exdate_and_id_read_alike_without_a_false_warning(bever: Store) -> None:
    """Daily 10:00 New York: the floating EXDATE 12th 10:00 and the floating id 13th 10:00 are
    both New York; the id replaces the 13th with no 'names no occurrence' warning."""
    assert imported(bever, "floating-exdate-and-id.ics") == [
        ("G", "2027-03-11T16:00:00+01:00", "2027-03-11T15:00:00Z"),
        ("G-moved", "2027-03-13T21:00:00+01:00", "2027-03-13T15:00:00Z"),
    ]


def test_an_id_in_another_zone_names_only_its_own_moment(bever: Store) -> None:
    """An id of 16:00 Amsterdam (15:00Z, 10:00 New York) replaces that occurrence only, never
    the 16:00 New York one that shares its wall time."""
    assert [t for t, _s, _r in imported(bever, "zoned-id-other-zone.ics")] == [
        "H",
        "H-moved",
        "H",
        "H",
    ]


def test_floating_ids_of_a_utc_series_are_utc(bever: Store) -> None:
    """Hourly from 09:00Z: the floating id 10:00 and EXDATE 11:00 are UTC (the series' zone),
    not 10:00 and 11:00 Amsterdam (09:00Z and 10:00Z)."""
    assert imported(bever, "floating-id-utc-series.ics") == [
        ("U", "2027-03-13T10:00:00+01:00", "2027-03-13T09:00:00Z"),
        ("U-moved", "2027-03-13T11:30:00+01:00", "2027-03-13T10:00:00Z"),
    ]


def test_an_id_in_the_repeated_hour_replaces_one_occurrence(bever: Store) -> None:
    """Hourly from 00:00 New York on the night the clocks go back: the id 01:00 (the first,
    -04:00) replaces that occurrence only."""
    rows = imported(bever, "hourly-id-in-repeated-hour.ics", start=date(2027, 11, 1))
    assert [(t, r) for t, _s, r in rows] == [
        ("Ronde", "2027-11-07T04:00:00Z"),
        ("Ronde later", "2027-11-07T05:00:00Z"),
        ("Ronde", "2027-11-07T07:00:00Z"),
        ("Ronde", "2027-11-07T08:00:00Z"),
    ]


def test_two_occurrences_under_one_id_refuse_the_file() -> None:
    """The last guard: should the expansion still put one override in the place of two
    occurrences, the file is refused (one would be lost), never imported short."""
    from icalendar import Event

    event = Event()
    event.add("UID", "h1@x")
    event.add("SUMMARY", "H-moved")

    def occurrence(hour: int) -> Occurrence:
        start = datetime(2027, 3, 13, hour, tzinfo=UTC)
        end = start + timedelta(hours=1)
        return Occurrence(
            "h1@x", "2027-03-13T09:00:00Z", "H-moved", start, end, "", 0, False, False
        )

    first, second = occurrence(15), occurrence(16)
    _refuse_collision(None, first, event, "x.ics")
    _refuse_collision(first, occurrence(15), event, "x.ics")  # the same one again: fine
    with pytest.raises(BadInput) as caught:
        _refuse_collision(first, second, event, "x.ics")
    assert caught.value.code == "calendar_occurrences_collide"
    assert sentence(caught.value) == (
        "x.ics: VEVENT h1@x (H-moved) gives two occurrences the recurrence id 2027-03-13 10:00, "
        "so one of them would be lost; nothing was imported. Export the calendar with each "
        "RECURRENCE-ID in the zone of its series' DTSTART."
    )
