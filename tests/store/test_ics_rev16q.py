"""Calendar import faults rev16q found (issue 16, fifth round).

F3/F5/F15/F33 (HIGH): an import cancelled as "removed from the calendar" occurrences the file
still held when they lay further from the window than the expansion's reach (62 days): a
THISANDFUTURE change moving a series 78 days, an override moving one occurrence 100 days, a
series moved back after such a change, a planner's move of 73 days (the unchanged file
re-imported cancelled it). Right: an import cancels only what the file provably no longer
holds; each stored occurrence the window's expansion does not meet is evaluated on its own
(``ics._locate``).
F12 (HIGH): an event made recurring (same UID) cancelled the staffed activity and added an
unstaffed copy. Right: the single event's activity is the occurrence at its start.
F7/F36 (MED): an EXDATE on an occurrence that came from a newer override (the master's
SEQUENCE lower) was not applied. Right: it cancels it, as a fresh import does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from store import agenda
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.store.test_ics_programs import agenda_of, bever
from words.calendar import worded
from words.errors import sentence

__all__ = ["bever"]

GOOGLE = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
    "X-WR-CALNAME:Werk",
]
SEPTEMBER = {"start": date(2027, 9, 1), "end": date(2027, 9, 30)}
DECEMBER = {"start": date(2027, 12, 1), "end": date(2027, 12, 31)}
EVERY_OTHER_DAY = [
    "UID:taf@google.com", "DTSTART:20270901T120000Z", "DTEND:20270901T130000Z",
    "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=10", "SUMMARY:Overleg", "SEQUENCE:0",
    "DTSTAMP:20270801T000000Z",
]  # fmt: skip
FAR_LATER = [  # from 7 September on, 78 days later
    "UID:taf@google.com", "RECURRENCE-ID;RANGE=THISANDFUTURE:20270907T120000Z",
    "DTSTART:20271124T120000Z", "DTEND:20271124T130000Z", "SUMMARY:Overleg", "SEQUENCE:1",
    "DTSTAMP:20270802T000000Z",
]  # fmt: skip
WEEKLY = [
    "UID:wk@google.com", "DTSTART:20270906T080000Z", "DTEND:20270906T090000Z",
    "RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Weekstart", "SEQUENCE:0", "DTSTAMP:20270801T000000Z",
]  # fmt: skip
TO_DECEMBER = [  # 13 September moved to 20 December
    "UID:wk@google.com", "RECURRENCE-ID:20270913T080000Z", "DTSTART:20271220T090000Z",
    "DTEND:20271220T100000Z", "SUMMARY:Weekstart", "SEQUENCE:1", "DTSTAMP:20270802T000000Z",
]  # fmt: skip


def _file(tmp_path: Path, events: list[list[str]], name: str = "werk.ics") -> Path:
    lines = list(GOOGLE)
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    path = tmp_path / name
    path.write_text("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n", encoding="utf-8")
    return path


def _agenda(store: Store) -> list[tuple[str, str]]:
    return [(s[:16], status) for _t, s, _e, _k, status in agenda_of(store)]


def test_a_series_moved_further_than_the_reach_is_moved_not_removed(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, _file(tmp_path, [EVERY_OTHER_DAY]), person="BEVER", **SEPTEMBER)
    moved = _file(tmp_path, [EVERY_OTHER_DAY, FAR_LATER])
    result = import_ics(bever, moved, person="BEVER", **SEPTEMBER)
    assert (result.removed, result.updated) == (0, 7)
    assert ("2027-12-06T13:00", "planned") in _agenda(bever)
    again = import_ics(bever, moved, person="BEVER", start=date(2027, 9, 1), end=date(2027, 12, 31))
    assert (again.removed, again.reinstated, again.updated) == (0, 0, 0)


def test_a_series_moved_back_from_far_away_is_moved_back_from_any_window(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, _file(tmp_path, [EVERY_OTHER_DAY]), person="BEVER", **SEPTEMBER)
    everything = {"start": date(2027, 9, 1), "end": date(2027, 12, 31)}
    import_ics(bever, _file(tmp_path, [EVERY_OTHER_DAY, FAR_LATER]), person="BEVER", **everything)
    back = [line.replace("SEQUENCE:0", "SEQUENCE:2") for line in EVERY_OTHER_DAY]
    result = import_ics(bever, _file(tmp_path, [back]), person="BEVER", **DECEMBER)
    assert (result.removed, result.updated) == (0, 3)  # those in December, back in September
    assert all(status == "planned" for _s, status in _agenda(bever))
    assert ("2027-09-19T14:00", "planned") in _agenda(bever)
    assert not [s for s, _ in _agenda(bever) if s.startswith("2027-12")]


def test_an_override_far_away_taken_back_is_moved_back_not_removed(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, _file(tmp_path, [WEEKLY]), person="BEVER", **SEPTEMBER)
    import_ics(bever, _file(tmp_path, [WEEKLY, TO_DECEMBER]), person="BEVER", **SEPTEMBER)
    back = [line.replace("SEQUENCE:0", "SEQUENCE:2") for line in WEEKLY]
    result = import_ics(bever, _file(tmp_path, [back]), person="BEVER", **DECEMBER)
    assert (result.removed, result.updated) == (0, 1)
    assert _agenda(bever)[1] == ("2027-09-13T10:00", "planned")


def test_the_unchanged_file_keeps_a_planners_move_of_seventy_days(
    bever: Store, tmp_path: Path
) -> None:
    path = _file(tmp_path, [WEEKLY])
    import_ics(bever, path, person="BEVER", **SEPTEMBER)
    second = agenda.list_activities(bever, person="BEVER")[1]
    agenda.restrict_activity(
        bever,
        second.id,
        kind="moved",
        reason="threat",
        authority="OvJ Havenstad",
        new_start=datetime(2027, 11, 25, 8, tzinfo=UTC),
    )
    result = import_ics(
        bever, path, person="BEVER", start=date(2027, 11, 20), end=date(2027, 11, 30)
    )
    assert (result.removed, result.updated) == (0, 0)
    assert agenda.get_activity(bever, second.id).status == "moved"


BRIEFING = [
    "UID:grow@icloud", "DTSTART;TZID=Europe/Amsterdam:20271101T100000",
    "DTEND;TZID=Europe/Amsterdam:20271101T110000", "SUMMARY:Briefing",
]  # fmt: skip
NOVEMBER = {"start": date(2027, 10, 25), "end": date(2027, 11, 30)}


def _briefing(tmp_path: Path, sequence: int, rule: str | None) -> Path:
    event = [*BRIEFING, f"SEQUENCE:{sequence}", f"DTSTAMP:2027100{sequence + 1}T000000Z"]
    return _file(tmp_path, [event + ([rule] if rule else [])], f"b{sequence}.ics")


def _briefings(store: Store) -> list[tuple[str, str, str | None]]:
    return [
        (a.start_at.isoformat()[:16], a.status, a.concept)
        for a in agenda.list_activities(store, person="BEVER")
    ]


def test_an_event_made_recurring_keeps_its_staffed_activity_as_the_first_occurrence(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, _briefing(tmp_path, 0, None), person="BEVER", **NOVEMBER)
    (first,) = agenda.list_activities(bever, person="BEVER")
    agenda.assign_concept(bever, first.id, "CP-LIGHT")
    series = _briefing(tmp_path, 1, "RRULE:FREQ=WEEKLY;COUNT=3")
    result = import_ics(bever, series, person="BEVER", **NOVEMBER)
    assert (result.added, result.removed, result.unchanged) == (2, 0, 1)
    assert _briefings(bever) == [
        ("2027-11-01T09:00", "planned", "CP-LIGHT"),
        ("2027-11-08T09:00", "planned", None),
        ("2027-11-15T09:00", "planned", None),
    ]
    again = import_ics(bever, series, person="BEVER", **NOVEMBER)
    assert (again.added, again.removed, again.unchanged) == (0, 0, 3)


def test_a_series_made_one_event_again_keeps_the_occurrence_that_remains(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(
        bever, _briefing(tmp_path, 1, "RRULE:FREQ=WEEKLY;COUNT=3"), person="BEVER", **NOVEMBER
    )
    first = agenda.list_activities(bever, person="BEVER")[0]
    agenda.assign_concept(bever, first.id, "CP-LIGHT")
    result = import_ics(bever, _briefing(tmp_path, 2, None), person="BEVER", **NOVEMBER)
    assert (result.added, result.removed, result.unchanged) == (0, 2, 1)
    assert _briefings(bever) == [
        ("2027-11-01T09:00", "planned", "CP-LIGHT"),
        ("2027-11-08T09:00", "cancelled", None),
        ("2027-11-15T09:00", "cancelled", None),
    ]


def test_a_series_made_one_event_again_in_a_file_naming_no_calendar_cancels_the_rest(
    bever: Store, tmp_path: Path
) -> None:
    series = _briefing(tmp_path, 1, "RRULE:FREQ=WEEKLY;COUNT=3")
    import_ics(bever, series, person="BEVER", **NOVEMBER)
    single = _briefing(tmp_path, 2, None)
    single.write_text(single.read_text().replace("X-WR-CALNAME:Werk\n", ""))
    result = import_ics(bever, single, person="BEVER", **NOVEMBER)
    assert (result.calendar, result.removed, result.unchanged) == (None, 2, 1)


DAILY = [
    "UID:oe@x", "DTSTART;TZID=Europe/Amsterdam:20271025T100000",
    "DTEND;TZID=Europe/Amsterdam:20271025T110000", "RRULE:FREQ=DAILY;COUNT=5",
    "SUMMARY:Spreekuur", "SEQUENCE:0",
]  # fmt: skip
AFTERNOON = [  # 27 October at 15:00, a newer SEQUENCE than its master's (as Google writes it)
    "UID:oe@x", "RECURRENCE-ID;TZID=Europe/Amsterdam:20271027T100000",
    "DTSTART;TZID=Europe/Amsterdam:20271027T150000", "DTEND;TZID=Europe/Amsterdam:20271027T160000",
    "SUMMARY:Spreekuur", "SEQUENCE:1", "DTSTAMP:20271002T000000Z",
]  # fmt: skip
OCTOBER = {"start": date(2027, 10, 20), "end": date(2027, 11, 10)}


def _daily(tmp_path: Path, extra: list[str], name: str) -> Path:
    lines = [*DAILY, "DTSTAMP:20271003T000000Z", *extra]
    return _file(tmp_path, [lines], name)


def test_an_exdate_cancels_an_occurrence_a_newer_override_gave(
    bever: Store, tmp_path: Path
) -> None:
    first = _file(tmp_path, [[*DAILY, "DTSTAMP:20271001T000000Z"], AFTERNOON], "a.ics")
    import_ics(bever, first, person="BEVER", **OCTOBER)
    exdate = _daily(tmp_path, ["EXDATE;TZID=Europe/Amsterdam:20271027T100000"], "b.ics")
    result = import_ics(bever, exdate, person="BEVER", **OCTOBER)
    assert (result.cancelled, result.unchanged) == (1, 4)
    assert ("2027-10-27T15:00", "cancelled") in _agenda(bever)
    assert [s for s, status in _agenda(bever) if status == "planned"] == [
        "2027-10-25T10:00", "2027-10-26T10:00", "2027-10-28T10:00", "2027-10-29T10:00",
    ]  # fmt: skip


def test_an_override_undone_by_a_newer_master_moves_the_occurrence_back(
    bever: Store, tmp_path: Path
) -> None:
    first = _file(tmp_path, [[*DAILY, "DTSTAMP:20271001T000000Z"], AFTERNOON], "a.ics")
    import_ics(bever, first, person="BEVER", **OCTOBER)
    result = import_ics(bever, _daily(tmp_path, [], "c.ics"), person="BEVER", **OCTOBER)
    assert (result.updated, result.unchanged) == (1, 4)
    assert ("2027-10-27T10:00", "planned") in _agenda(bever)
    assert result.warnings == []


def test_a_change_to_a_day_without_an_end_on_a_timed_series_is_warned_of(
    bever: Store, tmp_path: Path
) -> None:
    master = [*DAILY, "DTSTAMP:20271001T000000Z", "DTEND;TZID=Europe/Amsterdam:20271025T120000"]
    master = [line for line in master if not line.endswith("T110000")]
    day = [
        "UID:oe@x", "RECURRENCE-ID;TZID=Europe/Amsterdam:20271027T100000",
        "DTSTART;VALUE=DATE:20271027", "SUMMARY:Spreekuur", "SEQUENCE:1",
        "DTSTAMP:20271002T000000Z",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [master, day]), person="BEVER", **OCTOBER)
    assert [w.code for w in result.warnings] == ["calendar_override_whole_day"]
    (said,) = worded(result.warnings)
    assert "change of the occurrence of 2027-10-27 10:00 is a day (2027-10-27)" in said
    assert ("2027-10-27T00:00", "planned") in _agenda(bever)


@pytest.mark.parametrize("after", ["\r\n", "\n"])
def test_cr_line_ends_mixed_with_others_are_read_as_line_ends(
    bever: Store, tmp_path: Path, after: str
) -> None:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Apple Computer\\, Inc//iCal 1.0//EN",
        "X-WR-CALNAME:Oud", "BEGIN:VEVENT", "UID:cr1@mac",
        "DTSTART;TZID=Europe/Amsterdam:20271025T100000",
        "DTEND;TZID=Europe/Amsterdam:2027102", " 5T113000",
        "SUMMARY:Lange titel die over twee regels", "  gevouwen is", "DTSTAMP:20271001T000000Z",
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    path = tmp_path / "oud.ics"
    path.write_bytes(("\r".join(lines[:9]) + after + after.join(lines[9:]) + after).encode())
    result = import_ics(bever, path, person="BEVER", **OCTOBER)
    assert result.added == 1
    assert agenda_of(bever)[0][:3] == (
        "Lange titel die over twee regels gevouwen is",
        "2027-10-25T10:00:00+02:00",
        "2027-10-25T11:30:00+02:00",
    )


def test_a_change_of_a_series_of_days_into_the_spring_gap_names_the_day(
    bever: Store, tmp_path: Path
) -> None:
    days = [
        "UID:adg@google.com", "DTSTART;VALUE=DATE:20270322", "DTEND;VALUE=DATE:20270323",
        "RRULE:FREQ=DAILY;COUNT=10", "SUMMARY:Nacht", "DTSTAMP:20270301T000000Z",
    ]  # fmt: skip
    change = [
        "UID:adg@google.com", "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20270325",
        "DTSTART;TZID=Europe/Amsterdam:20270325T023000",
        "DTEND;TZID=Europe/Amsterdam:20270325T033000", "SUMMARY:Nacht", "SEQUENCE:1",
        "DTSTAMP:20270302T000000Z",
    ]  # fmt: skip
    with pytest.raises(BadInput) as refused:
        import_ics(
            bever, _file(tmp_path, [days, change]), person="BEVER",
            start=date(2027, 3, 20), end=date(2027, 4, 5),
        )  # fmt: skip
    said = sentence(refused.value)
    assert "moves the occurrence of 2027-03-28 to 2027-03-28 02:30:00" in said
    assert "00:00:00" not in said


def test_a_series_made_one_event_on_its_second_day_keeps_that_days_activity(
    bever: Store, tmp_path: Path
) -> None:
    series = _briefing(tmp_path, 1, "RRULE:FREQ=WEEKLY;COUNT=3")
    import_ics(bever, series, person="BEVER", **NOVEMBER)
    second = agenda.list_activities(bever, person="BEVER")[1]
    agenda.assign_concept(bever, second.id, "CP-LIGHT")
    single = _briefing(tmp_path, 2, None)
    single.write_text(single.read_text().replace("20271101T", "20271108T"))
    result = import_ics(bever, single, person="BEVER", **NOVEMBER)
    assert (result.removed, result.unchanged) == (2, 1)
    assert _briefings(bever) == [
        ("2027-11-01T09:00", "cancelled", None),
        ("2027-11-08T09:00", "planned", "CP-LIGHT"),
        ("2027-11-15T09:00", "cancelled", None),
    ]
