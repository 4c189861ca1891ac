"""Calendar import faults rev16o found (issue 16, third round).

F1-F3 (HIGH): on a series of whole days a RECURRENCE-ID or EXDATE was never checked against the
series' own days and its THISANDFUTURE shifts: an override whose id is a moved day stood beside
the occurrence it changed (a cancellation cancelled nothing), an EXDATE on a moved day cancelled
nothing with a false "names no day" warning, and an id naming no day of the series was imported
without a word. Right: read as on a timed series (``_moved_recurrence_ids``, ``_named_exdates``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import agenda_of, bever
from tests.store.test_ics_rev16n import _file
from words.calendar import worded

__all__ = ["bever"]

MARCH = {"start": date(2027, 3, 1), "end": date(2027, 3, 31)}
DAYS = [
    "UID:d@x", "SUMMARY:D", "DTSTART;VALUE=DATE:20270308", "DTEND;VALUE=DATE:20270309",
    "RRULE:FREQ=DAILY;COUNT=6",
]  # fmt: skip
FUTURE = [
    "UID:d@x", "SUMMARY:D", "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20270310",
    "DTSTART;VALUE=DATE:20270311", "DTEND;VALUE=DATE:20270312",
]  # fmt: skip
MOVED = (
    "is the time an earlier THISANDFUTURE change moved the occurrence to; read as the {what} "
    "of the occurrence of 2027-03-13."
)


def _planned(store: Store) -> list[tuple[str, str]]:
    return [(t, s[:10]) for t, s, _e, _k, status in agenda_of(store) if status == "planned"]


def test_an_override_whose_id_is_a_moved_day_changes_that_occurrence(
    bever: Store, tmp_path: Path
) -> None:
    later = [
        "UID:d@x", "SUMMARY:X", "SEQUENCE:1", "RECURRENCE-ID;VALUE=DATE:20270314",
        "DTSTART;VALUE=DATE:20270320", "DTEND;VALUE=DATE:20270321",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [DAYS, FUTURE, later]), person="BEVER", **MARCH)
    assert result.added == 6
    assert worded(result.warnings) == [
        "VEVENT d@x (X): its RECURRENCE-ID 2027-03-14 " + MOVED.format(what="change")
    ]
    assert [s for t, s in _planned(bever)] == [
        "2027-03-08", "2027-03-09", "2027-03-11", "2027-03-12", "2027-03-13", "2027-03-20",
    ]  # fmt: skip


def test_a_cancelling_override_on_a_moved_day_cancels_it(bever: Store, tmp_path: Path) -> None:
    later = [
        "UID:d@x", "SUMMARY:X", "SEQUENCE:1", "RECURRENCE-ID;VALUE=DATE:20270314",
        "DTSTART;VALUE=DATE:20270314", "DTEND;VALUE=DATE:20270315", "STATUS:CANCELLED",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [DAYS, FUTURE, later]), person="BEVER", **MARCH)
    assert result.added == 5
    assert "2027-03-14" not in [s for t, s in _planned(bever)]


def test_an_exdate_on_a_moved_day_cancels_that_occurrence_with_a_warning(
    bever: Store, tmp_path: Path
) -> None:
    for exdate in ("EXDATE;VALUE=DATE:20270314", "EXDATE:20270313T230000Z"):
        path = _file(tmp_path, [[*DAYS, exdate], FUTURE])
        result = import_ics(bever, path, person="BEVER", **MARCH)
        assert worded(result.warnings) == [
            "VEVENT d@x (D): its EXDATE 2027-03-14 " + MOVED.format(what="cancellation")
        ], exdate
        assert [s for t, s in _planned(bever)] == [
            "2027-03-08", "2027-03-09", "2027-03-11", "2027-03-12", "2027-03-13",
        ], exdate  # fmt: skip


def test_an_id_naming_no_day_of_a_day_series_is_warned_of(bever: Store, tmp_path: Path) -> None:
    other = [
        "UID:d@x", "SUMMARY:X", "RECURRENCE-ID;VALUE=DATE:20270325",
        "DTSTART;VALUE=DATE:20270326", "DTEND;VALUE=DATE:20270327",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [DAYS, other]), person="BEVER", **MARCH)
    assert worded(result.warnings) == [
        "VEVENT d@x (X): its RECURRENCE-ID 2027-03-25 names no occurrence of its series; check "
        "the imported occurrences around it."
    ]


def test_rdate_periods_of_no_length_say_what_they_were_given(bever: Store, tmp_path: Path) -> None:
    """rev16o (ics_period_zero): two RDATE periods of no length were told "no DTEND or
    DURATION, imported as 30 minutes" once, but stored with the series' 2 hours."""
    series = [
        "UID:pz@x", "SUMMARY:P", "DTSTART:20270308T100000Z", "DTEND:20270308T120000Z",
        "RDATE;VALUE=PERIOD:20270315T100000Z/PT0S,20270316T100000Z/20270316T100000Z",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [series]), person="BEVER", **MARCH)
    assert result.added == 3
    assert worded(result.warnings) == [
        "VEVENT pz@x (P): its RDATE periods starting 2027-03-15 11:00, 2027-03-16 11:00 have "
        "no length (end equal to start, or a duration of 0); imported with the series' own "
        "length, 2 hours — correct their end in the agenda if they last otherwise."
    ]
    spans = [(s[11:16], e[11:16]) for _t, s, e, _k, _st in agenda_of(bever)]
    assert spans == [("11:00", "13:00")] * 3
    assert [w.as_dict()["starts"] for w in result.warnings] == [
        ["2027-03-15T10:00:00Z", "2027-03-16T10:00:00Z"]
    ]
