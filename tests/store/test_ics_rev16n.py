"""Calendar import faults rev16n found (issue 16, second round).

F1 (HIGH): a RANGE=THISANDFUTURE change of a series of whole days refused the whole file with a
generic "cannot be expanded" naming no event: ``_recurrence_key`` took the moved day for a
date-time (AttributeError), and the expansion's catch-all made that bug a bad calendar. Right:
the day series is read (its days moved by whole days), and a fault of Schildwacht's own code
surfaces as the bug it is, while a library's failure on the file names the event."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda, ics
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.store.test_ics_programs import agenda_of, bever
from words.calendar import worded
from words.errors import sentence

__all__ = ["bever"]

SPRING = {"start": date(2027, 3, 1), "end": date(2027, 4, 30)}


def _file(tmp_path: Path, events: list[list[str]], name: str = "c.ics") -> Path:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", "DTSTAMP:20270101T000000Z", *event, "END:VEVENT"]
    path = tmp_path / name
    path.write_text("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n", encoding="utf-8")
    return path


DAY_SERIES = [
    "UID:ad@x", "SUMMARY:Dag", "DTSTART;VALUE=DATE:20270315", "DTEND;VALUE=DATE:20270316",
    "RRULE:FREQ=WEEKLY;COUNT=4",
]  # fmt: skip
DAY_FUTURE = [
    "UID:ad@x", "SUMMARY:Dag", "SEQUENCE:1",
    "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20270322",
    "DTSTART;VALUE=DATE:20270323", "DTEND;VALUE=DATE:20270324",
]  # fmt: skip


def _days(store: Store) -> list[str]:
    return [start[:10] for _t, start, _e, _k, status in agenda_of(store) if status == "planned"]


def test_a_this_and_future_change_of_a_day_series_moves_the_days(
    bever: Store, tmp_path: Path
) -> None:
    path = _file(tmp_path, [DAY_SERIES, DAY_FUTURE])
    assert import_ics(bever, path, person="BEVER", **SPRING).count("added") == 4
    assert _days(bever) == ["2027-03-15", "2027-03-23", "2027-03-30", "2027-04-06"]
    again = import_ics(bever, path, person="BEVER", **SPRING)  # each day kept its own key
    assert again.count("unchanged") == 4


def test_a_fault_of_our_own_code_is_a_bug_not_a_bad_calendar(
    bever: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(event: object, overrides: object) -> str:
        return event.no_such_thing  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(ics, "_recurrence_key", broken)
    with pytest.raises(AttributeError):
        import_ics(bever, _file(tmp_path, [DAY_SERIES]), person="BEVER", **SPRING)


def test_a_library_failure_names_the_series(
    bever: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recurring_ical_events.occurrence import Occurrence

    # a failure raised in the library's code (its file lies among the installed packages)
    library = "/usr/lib/python3/site-packages/recurring_ical_events/occurrence.py"
    found: dict[str, object] = {}
    code = "def failing(self, *args):\n    raise ValueError('cannot expand this')\n"
    exec(compile(code, library, "exec"), found)
    monkeypatch.setattr(Occurrence, "as_component", found["failing"])
    with pytest.raises(BadInput) as caught:
        import_ics(bever, _file(tmp_path, [DAY_SERIES]), person="BEVER", **SPRING)
    assert caught.value.code == "calendar_bad_recurrence"
    assert sentence(caught.value).startswith(
        "c.ics: the recurrence (RRULE, RDATE or EXDATE) of VEVENT ad@x (Dag) cannot be expanded"
    )


# F2 (HIGH): a value written VALUE=DATE with a TZID too was read as 00:00 in that zone and
# passed every date/date-time check: it must read exactly as the same value without the TZID.
TIMED = [
    "UID:k@x", "SUMMARY:K", "DTSTART:20270309T120000Z", "DTEND:20270309T130000Z",
    "RRULE:FREQ=DAILY;COUNT=3",
]  # fmt: skip
MOVED = [
    "UID:k@x", "SUMMARY:Kmoved", "SEQUENCE:1", "RECURRENCE-ID{tz};VALUE=DATE:20270310",
    "DTSTART:20270310T160000Z", "DTEND:20270310T170000Z",
]  # fmt: skip
WHOLE_DAY = [
    "UID:w@x",
    "SUMMARY:W",
    "DTSTART{tz};VALUE=DATE:20270310",
    "DTEND{tz};VALUE=DATE:20270311",
]


@pytest.mark.parametrize(
    "events",
    [
        [[*TIMED, "EXDATE{tz};VALUE=DATE:20270310"]],
        [[*TIMED, "RDATE{tz};VALUE=DATE:20270320"]],
        [TIMED, MOVED],
        [WHOLE_DAY],
    ],
    ids=["exdate", "rdate", "recurrence-id", "dtstart"],
)
def test_a_date_with_a_tzid_reads_as_the_date_without_it(
    store: Store, tmp_path: Path, events: list[list[str]]
) -> None:
    from store import subjects

    outcomes = []
    for index, tz in enumerate(("", ";TZID=Europe/Amsterdam")):
        person = f"BEVER{index}"
        subjects.add_subject(store, person, kind="person", domain="local", unit="RT")
        written = [[line.replace("{tz}", tz) for line in event] for event in events]
        try:
            import_ics(store, _file(tmp_path, written), person=person, **SPRING)
            outcomes.append(agenda.list_activities(store, person=person))
        except BadInput as exc:
            outcomes.append((exc.code, sentence(exc)))
    control, with_tzid = outcomes
    if isinstance(control, tuple):
        assert with_tzid == control
    else:
        assert isinstance(with_tzid, list) and control
        shape = [(a.title, a.start_at, a.end_at, a.status) for a in control]
        assert [(a.title, a.start_at, a.end_at, a.status) for a in with_tzid] == shape


# F3 (MED): a date-time EXDATE on a series of whole days cancels the Amsterdam day its instant
# falls on; it was "removed from the calendar" at 00:00 UTC and ignored at any other time.
DAYS = [
    "UID:a@x", "SUMMARY:Aday", "DTSTART;VALUE=DATE:20270309", "DTEND;VALUE=DATE:20270310",
    "RRULE:FREQ=DAILY;COUNT=4",
]  # fmt: skip


@pytest.mark.parametrize(
    "exdate",
    [
        "EXDATE:20270311T000000Z",
        "EXDATE:20270311T120000Z",
        "EXDATE:20270310T230000Z",  # midnight in Amsterdam
        "EXDATE;TZID=America/New_York:20270311T000000",
        "EXDATE;TZID=Europe/Amsterdam:20270311T235900",
    ],
)
def test_a_date_time_exdate_on_a_day_series_cancels_that_local_day(
    bever: Store, tmp_path: Path, exdate: str
) -> None:
    assert import_ics(bever, _file(tmp_path, [DAYS]), person="BEVER", **SPRING).added == 4
    later = _file(tmp_path, [["SEQUENCE:1", *DAYS, exdate]], "later.ics")
    second = import_ics(bever, later, person="BEVER", **SPRING)
    counts = {a: second.count(a) for a in ("cancelled", "removed", "unchanged", "added")}
    assert counts == {"cancelled": 1, "removed": 0, "unchanged": 3, "added": 0}
    assert _days(bever) == ["2027-03-09", "2027-03-10", "2027-03-12"]


def test_a_date_time_exdate_in_a_first_import_leaves_that_day_out(
    bever: Store, tmp_path: Path
) -> None:
    path = _file(tmp_path, [[*DAYS, "EXDATE:20270311T120000Z"]])
    assert import_ics(bever, path, person="BEVER", **SPRING).added == 3
    assert _days(bever) == ["2027-03-09", "2027-03-10", "2027-03-12"]


# F4 (MED): an EXDATE that names no occurrence was ignored without a word, also when it is the
# time an earlier THISANDFUTURE change moved the occurrence to.
JUNE = {"start": date(2027, 6, 1), "end": date(2027, 6, 30)}
SERIES = [
    "UID:t@x", "SUMMARY:T", "DTSTART:20270601T090000Z", "DTEND:20270601T100000Z",
    "RRULE:FREQ=DAILY;COUNT=6",
]  # fmt: skip
FUTURE = [
    "UID:t@x", "SUMMARY:T", "SEQUENCE:1", "RECURRENCE-ID;RANGE=THISANDFUTURE:20270603T090000Z",
    "DTSTART:20270603T110000Z", "DTEND:20270603T120000Z",
]  # fmt: skip


def test_an_exdate_at_the_moved_time_cancels_that_occurrence_with_a_warning(
    bever: Store, tmp_path: Path
) -> None:
    assert import_ics(bever, _file(tmp_path, [SERIES, FUTURE]), person="BEVER", **JUNE).added == 6
    later = _file(tmp_path, [["SEQUENCE:2", *SERIES, "EXDATE:20270605T110000Z"], FUTURE], "l.ics")
    second = import_ics(bever, later, person="BEVER", **JUNE)
    assert (second.count("cancelled"), second.count("removed")) == (1, 0)
    assert worded(second.warnings) == [
        "VEVENT t@x (T): its EXDATE 2027-06-05 13:00 is the time an earlier THISANDFUTURE "
        "change moved the occurrence to; read as the cancellation of the occurrence of "
        "2027-06-05 11:00."
    ]
    cancelled = [s[:16] for _t, s, _e, _k, status in agenda_of(bever) if status == "cancelled"]
    assert cancelled == ["2027-06-05T13:00"]


def test_an_exdate_naming_no_occurrence_is_warned_of(bever: Store, tmp_path: Path) -> None:
    path = _file(tmp_path, [[*SERIES, "EXDATE:20270603T093000Z"]])
    result = import_ics(bever, path, person="BEVER", **JUNE)
    assert result.added == 6
    assert worded(result.warnings) == [
        "VEVENT t@x (T): its EXDATE 2027-06-03 11:30 names no occurrence of its series, so it "
        "cancels nothing; check the imported occurrences around it."
    ]


# F5 (LOW): an RDATE period of dates became a 24-hour activity from 00:00 UTC.
@pytest.mark.parametrize(
    ("rdate", "shown"),
    [
        ("RDATE;VALUE=PERIOD:20270320/20270321", "'20270320/20270321'"),
        ("RDATE;VALUE=PERIOD:20270320T100000Z/PT1H,20270322/P1D", "'20270322/P1D'"),
    ],
)
def test_an_rdate_period_of_dates_is_refused_naming_the_event(
    bever: Store, tmp_path: Path, rdate: str, shown: str
) -> None:
    series = [
        "UID:r@x", "SUMMARY:R", "DTSTART:20270310T120000Z", "DTEND:20270310T130000Z",
        "RRULE:FREQ=WEEKLY;COUNT=2", rdate,
    ]  # fmt: skip
    with pytest.raises(BadInput) as caught:
        import_ics(bever, _file(tmp_path, [series]), person="BEVER", **SPRING)
    assert caught.value.code == "calendar_period_of_dates"
    assert sentence(caught.value).startswith(
        f"c.ics: VEVENT r@x (R) has an RDATE period {shown} of dates, but a period starts at "
        "a date-time (RFC 5545)"
    )
    assert agenda_of(bever) == []


# Polish: two copies that conflict because an invalid SEQUENCE counts as 0 were said to have
# "the same SEQUENCE (0)": the refusal says what the file writes.
@pytest.mark.parametrize("written", ["-1", "99999999999999999999"])
def test_conflicting_copies_say_the_sequence_the_file_writes(
    bever: Store, tmp_path: Path, written: str
) -> None:
    one = ["UID:v@x", "DTSTART:20270310T090000Z", "DTEND:20270310T100000Z"]
    path = _file(tmp_path, [[*one, "SUMMARY:Bad", f"SEQUENCE:{written}"], [*one, "SUMMARY:Good"]])
    with pytest.raises(BadInput) as caught:
        import_ics(bever, path, person="BEVER", **SPRING)
    assert caught.value.code == "calendar_conflicting_versions"
    assert sentence(caught.value).startswith(
        f"c.ics: UID v@x appears 2 times with the SEQUENCEs '{written}', 0, which all count as "
        "0 (a SEQUENCE that is no number from 0 to 2147483647 counts as 0), and the same stamp"
    )


@pytest.mark.parametrize(
    ("series", "exdate"),
    [
        (DAYS, "EXDATE;VALUE=DATE:20270320"),  # a series of days, 9-12 March
        (DAYS, "EXDATE:20270320T120000Z"),  # its day: 20 March, not one of the series
        (
            ["UID:a@x", "SUMMARY:Aday", "DTSTART;TZID=Europe/Amsterdam:20270309T100000",
             "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4"],
            "EXDATE;VALUE=DATE:20270320",
        ),  # a timed series, 9-12 March
    ],
)  # fmt: skip
def test_an_exdate_on_a_day_without_occurrence_is_warned_of(
    bever: Store, tmp_path: Path, series: list[str], exdate: str
) -> None:
    result = import_ics(bever, _file(tmp_path, [[*series, exdate]]), person="BEVER", **SPRING)
    assert result.added == 4
    assert worded(result.warnings) == [
        "VEVENT a@x (Aday): its EXDATE 2027-03-20 names no day on which the series takes "
        "place, so it cancels nothing; check the imported occurrences around it."
    ]
