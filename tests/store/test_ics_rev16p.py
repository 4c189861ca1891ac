"""Calendar import faults rev16p found (issue 16, fourth round).

F2 (HIGH): a THISANDFUTURE change that moves an occurrence out of the import window cancelled
it as "removed from the calendar" (the window was tested on the moved time only). Right: a
stored occurrence is looked up on its own (rev16q: ``ics._locate``) and an occurrence
still in the file is moved, wherever it now lies (``ParsedCalendar.elsewhere``).
F1 (HIGH): an all-day series whose THISANDFUTURE override is timed gave 00:00–02:00 and a false
"has no length" warning. Right: the override's wall time and length on each later day.
F3 (MED): a date EXDATE on a timed series on the day a THISANDFUTURE change moved an occurrence
to cancelled nothing and warned falsely. Right: it cancels that occurrence, with a warning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.store.test_ics_programs import agenda_of, bever
from words.calendar import worded
from words.errors import sentence

__all__ = ["bever"]

MARCH = {"start": date(2027, 3, 1), "end": date(2027, 3, 31)}
APPLE = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Apple Inc.//macOS 14//EN",
    "X-WR-CALNAME:Werk",
]
WEEKLY = [
    "UID:w@x", "DTSTART;TZID=Europe/Amsterdam:20270301T100000",
    "DTEND;TZID=Europe/Amsterdam:20270301T110000", "RRULE:FREQ=WEEKLY;COUNT=5",
    "DTSTAMP:20270201T000000Z", "SUMMARY:Wk",
]  # fmt: skip
LATER = [  # from 15 March on, three days later (Mondays become Thursdays)
    "UID:w@x", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Amsterdam:20270315T100000",
    "DTSTART;TZID=Europe/Amsterdam:20270318T100000",
    "DTEND;TZID=Europe/Amsterdam:20270318T110000", "SEQUENCE:1", "DTSTAMP:20270202T000000Z",
    "SUMMARY:Wk later",
]  # fmt: skip


def _file(tmp_path: Path, events: list[list[str]], head: list[str] = APPLE) -> Path:
    lines = list(head)
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    path = tmp_path / "werk.ics"
    path.write_text("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n", encoding="utf-8")
    return path


def _agenda(store: Store) -> list[tuple[str, str, str]]:
    return [(t, s[:16], status) for t, s, _e, _k, status in agenda_of(store)]


def test_a_change_moving_an_occurrence_out_of_a_one_day_window_moves_it(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, _file(tmp_path, [WEEKLY]), person="BEVER", **MARCH)
    day = {"start": date(2027, 3, 22), "end": date(2027, 3, 22)}
    result = import_ics(bever, _file(tmp_path, [WEEKLY, LATER]), person="BEVER", **day)
    assert result.removed == 0
    assert ("Wk later", "2027-03-25T10:00", "planned") in _agenda(bever)
    assert [a for a in _agenda(bever) if a[2] == "cancelled"] == []


def test_a_monthly_import_moves_the_last_occurrence_into_the_next_month(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, _file(tmp_path, [WEEKLY]), person="BEVER", **MARCH)
    result = import_ics(bever, _file(tmp_path, [WEEKLY, LATER]), person="BEVER", **MARCH)
    assert (result.removed, result.updated) == (0, 3)
    assert _agenda(bever) == [
        ("Wk", "2027-03-01T10:00", "planned"),
        ("Wk", "2027-03-08T10:00", "planned"),
        ("Wk later", "2027-03-18T10:00", "planned"),
        ("Wk later", "2027-03-25T10:00", "planned"),
        ("Wk later", "2027-04-01T10:00", "planned"),
    ]


def test_a_late_evening_moved_past_midnight_at_the_window_end_is_moved(
    bever: Store, tmp_path: Path
) -> None:
    outlook = [*APPLE[:2], "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", APPLE[3]]
    evening = [
        "UID:n@x", "DTSTART;TZID=Europe/Amsterdam:20270301T223000",
        "DTEND;TZID=Europe/Amsterdam:20270301T233000", "RRULE:FREQ=DAILY;COUNT=10",
        "DTSTAMP:20270201T000000Z", "SUMMARY:Avond",
    ]  # fmt: skip
    night = [
        "UID:n@x", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Amsterdam:20270303T223000",
        "DTSTART;TZID=Europe/Amsterdam:20270304T003000",
        "DTEND;TZID=Europe/Amsterdam:20270304T013000", "SEQUENCE:1",
        "DTSTAMP:20270202T000000Z", "SUMMARY:Nacht",
    ]  # fmt: skip
    week = {"start": date(2027, 3, 1), "end": date(2027, 3, 7)}
    import_ics(bever, _file(tmp_path, [evening], outlook), person="BEVER", **week)
    result = import_ics(bever, _file(tmp_path, [evening, night], outlook), person="BEVER", **week)
    assert result.removed == 0
    assert _agenda(bever)[-1] == ("Nacht", "2027-03-08T00:30", "planned")


def test_a_change_taken_back_moves_the_occurrence_back_from_outside_the_window(
    bever: Store, tmp_path: Path
) -> None:
    """The stored activity lies in the window (1 April), its original occurrence (29 March)
    outside it: the expansion reaches as far as the stored shift, so it is moved back."""
    import_ics(bever, _file(tmp_path, [WEEKLY, LATER]), person="BEVER", **MARCH)
    import_ics(
        bever, _file(tmp_path, [WEEKLY, LATER]), person="BEVER", start=date(2027, 4, 1), days=1
    )
    again = [line.replace("DTSTAMP:20270201", "DTSTAMP:20270301") for line in WEEKLY]
    result = import_ics(
        bever, _file(tmp_path, [[*again, "SEQUENCE:2"]]), person="BEVER", start=date(2027, 4, 1)
    )
    assert result.removed == 0
    assert ("Wk", "2027-03-29T10:00", "planned") in _agenda(bever)


def test_a_timed_change_of_an_all_day_series_keeps_its_time_on_later_days(
    bever: Store, tmp_path: Path
) -> None:
    days = [
        "UID:k1@x", "DTSTART;VALUE=DATE:20270322", "DTEND;VALUE=DATE:20270323",
        "RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:Dag",
    ]  # fmt: skip
    timed = [
        "UID:k1@x", "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20270324",
        "DTSTART;TZID=Europe/Amsterdam:20270324T100000",
        "DTEND;TZID=Europe/Amsterdam:20270324T120000", "SEQUENCE:1", "SUMMARY:Dag getimed",
    ]  # fmt: skip
    day = {"start": date(2027, 3, 25), "end": date(2027, 3, 25)}  # one day, the 25th alone
    alone = import_ics(bever, _file(tmp_path, [days, timed]), person="BEVER", **day)
    assert (alone.added, worded(alone.warnings)) == (1, [])
    result = import_ics(bever, _file(tmp_path, [days, timed]), person="BEVER", **MARCH)
    assert worded(result.warnings) == []
    assert [(t, s, e) for t, s, e, _k, _st in agenda_of(bever)][2:] == [
        ("Dag getimed", "2027-03-24T10:00:00+01:00", "2027-03-24T12:00:00+01:00"),
        ("Dag getimed", "2027-03-25T10:00:00+01:00", "2027-03-25T12:00:00+01:00"),
        ("Dag getimed", "2027-03-26T10:00:00+01:00", "2027-03-26T12:00:00+01:00"),
    ]


def test_a_date_exdate_on_the_day_a_change_moved_an_occurrence_to_cancels_it(
    bever: Store, tmp_path: Path
) -> None:
    series = [*WEEKLY[:3], "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;VALUE=DATE:20270318", *WEEKLY[4:]]
    thursdays = [
        "UID:w@x", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Amsterdam:20270308T100000",
        "DTSTART;TZID=Europe/Amsterdam:20270311T100000",
        "DTEND;TZID=Europe/Amsterdam:20270311T110000", "SEQUENCE:1", "SUMMARY:Wk do",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [series, thursdays]), person="BEVER", **MARCH)
    assert worded(result.warnings) == [
        "VEVENT w@x (Wk): its EXDATE 2027-03-18 is the time an earlier THISANDFUTURE change "
        "moved the occurrence to; read as the cancellation of the occurrence of 2027-03-15 10:00."
    ]
    assert [s for _t, s, _st in _agenda(bever)] == [
        "2027-03-01T10:00", "2027-03-11T10:00", "2027-03-25T10:00",
    ]  # fmt: skip


OUTLOOK = [*APPLE[:2], "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", APPLE[3]]
DAILY = [
    "UID:t2@x", "DTSTART;TZID=Europe/Amsterdam:20270322T100000",
    "DTEND;TZID=Europe/Amsterdam:20270322T120000", "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:T",
]  # fmt: skip


def test_an_override_without_an_end_lasts_as_long_as_its_series(
    bever: Store, tmp_path: Path
) -> None:
    """L3: it became 30 minutes, and the warning named the series ("T"), not the override."""
    moved = [
        "UID:t2@x", "RECURRENCE-ID;TZID=Europe/Amsterdam:20270323T100000",
        "DTSTART;TZID=Europe/Amsterdam:20270323T110000", "SEQUENCE:1", "SUMMARY:T moved",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [DAILY, moved], OUTLOOK), person="BEVER", **MARCH)
    assert worded(result.warnings) == [
        "VEVENT t2@x (T moved) at 2027-03-23 11:00 has no DTEND or DURATION; imported with its "
        "series' length, 2 hours — correct its end in the agenda if it lasts otherwise."
    ]
    assert [(t, s[11:16], e[11:16]) for t, s, e, _k, _st in agenda_of(bever)][1] == (
        "T moved",
        "11:00",
        "13:00",
    )


def test_an_rdate_period_of_no_length_says_one_hour_not_one_hours(
    bever: Store, tmp_path: Path
) -> None:
    """L2: "1 hours" (and "period(s)")."""
    series = [
        "UID:rd@x", "DTSTART;TZID=Europe/Amsterdam:20270325T100000",
        "DTEND;TZID=Europe/Amsterdam:20270325T110000",
        "RDATE;VALUE=PERIOD;TZID=Europe/Amsterdam:20270327T100000/PT0S", "SUMMARY:R",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [series]), person="BEVER", **MARCH)
    assert worded(result.warnings) == [
        "VEVENT rd@x (R): its RDATE period starting 2027-03-27 10:00 has no length (end equal "
        "to start, or a duration of 0); imported with the series' own length, 1 hour — correct "
        "its end in the agenda if it lasts otherwise."
    ]


def test_a_rule_inside_a_change_is_warned_of_as_ignored(bever: Store, tmp_path: Path) -> None:
    """L4: an RRULE in a THISANDFUTURE override was ignored without a word."""
    later = [*LATER[:-1], "RRULE:FREQ=DAILY;COUNT=2", LATER[-1]]
    result = import_ics(bever, _file(tmp_path, [WEEKLY, later]), person="BEVER", **MARCH)
    assert worded(result.warnings) == [
        "VEVENT w@x (Wk later): a change of an occurrence (RECURRENCE-ID) takes its occurrences "
        "from its series, so its RRULE was ignored — change the series itself if more should "
        "change."
    ]
    assert result.added == 4  # the fifth moved to 1 April


def test_a_file_with_classic_mac_line_ends_is_read(bever: Store, tmp_path: Path) -> None:
    """L7: CR-only line ends were refused as "a BEGIN line has no END line"."""
    path = _file(tmp_path, [["UID:e@x", "DTSTART:20270310T100000Z", "DTEND:20270310T110000Z",
                             "SUMMARY:Oude Mac"]])  # fmt: skip
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    result = import_ics(bever, path, person="BEVER", **MARCH)
    assert result.added == 1
    assert agenda_of(bever)[0][:2] == ("Oude Mac", "2027-03-10T11:00:00+01:00")


def test_rdate_refusals_name_the_rdate_in_its_own_offset(bever: Store, tmp_path: Path) -> None:
    """L1: they named "DTSTART" (with the RDATE's date) and mixed +00:00 and +02:00."""
    series = [
        "UID:rd@x", "DTSTART;TZID=Europe/Amsterdam:20270325T100000",
        "DTEND;TZID=Europe/Amsterdam:20270325T110000", "SUMMARY:R",
    ]  # fmt: skip
    said = []
    for rdate in ("20270328T100000/-PT1H", "20270328T023000/PT1H"):
        path = _file(tmp_path, [[*series, f"RDATE;VALUE=PERIOD;TZID=Europe/Amsterdam:{rdate}"]])
        with pytest.raises(BadInput) as refused:
            import_ics(bever, path, person="BEVER", **MARCH)
        said.append(sentence(refused.value))
    assert said == [
        "werk.ics: VEVENT rd@x (R) ends before it starts (RDATE period ending "
        "2027-03-28T09:00:00+02:00 < RDATE 2027-03-28T10:00:00+02:00); correct the event.",
        "werk.ics: VEVENT rd@x (R): RDATE 2027-03-28 02:30:00 does not exist in "
        "Europe/Amsterdam (the clocks skip that hour that night); correct the event (a time "
        "that exists, or in UTC).",
    ]


def test_a_change_moving_a_series_into_the_spring_gap_names_what_the_file_writes(
    bever: Store, tmp_path: Path
) -> None:
    """L8: the refusal named "DTSTART 2027-03-28 02:30:00", a time written nowhere in the file."""
    night = [
        "UID:g1@x", "DTSTART;TZID=Europe/Amsterdam:20270325T013000",
        "DTEND;TZID=Europe/Amsterdam:20270325T014500", "RRULE:FREQ=DAILY;COUNT=6",
        "SUMMARY:Nacht",
    ]  # fmt: skip
    later = [
        "UID:g1@x", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Amsterdam:20270326T013000",
        "DTSTART;TZID=Europe/Amsterdam:20270326T023000",
        "DTEND;TZID=Europe/Amsterdam:20270326T024500", "SEQUENCE:1", "SUMMARY:Nacht later",
    ]  # fmt: skip
    with pytest.raises(BadInput) as refused:
        import_ics(bever, _file(tmp_path, [night, later]), person="BEVER", **MARCH)
    assert sentence(refused.value) == (
        "werk.ics: VEVENT g1@x (Nacht later): its THISANDFUTURE change (DTSTART 2027-03-26 "
        "02:30:00) moves the occurrence of 2027-03-28 01:30:00 to 2027-03-28 02:30:00, which "
        "does not exist in Europe/Amsterdam (the clocks skip that hour that night); correct the "
        "event (a time that exists, or in UTC)."
    )


def _cp1252(tmp_path: Path, lines: list[str]) -> Path:
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "BEGIN:VEVENT",
                        "UID:e@x", "DTSTART:20270310T100000Z", "DTEND:20270310T110000Z",
                        *lines, "END:VEVENT", "END:VCALENDAR", ""])  # fmt: skip
    path = tmp_path / "ansi.ics"
    path.write_bytes(text.encode("cp1252"))
    return path


def test_code_pages_differing_in_signs_or_unused_text_only_are_read(
    bever: Store, tmp_path: Path
) -> None:
    """L5, L6: "½ dag" (Windows-1250 "˝ dag": no letter) and an "à" only in a DESCRIPTION
    refused the whole file as of an unknown code page."""
    for lines, title in (
        (["SUMMARY:½ dag"], "½ dag"),
        (["SUMMARY:Overleg", "DESCRIPTION:Koffie à 2 euro"], "Overleg"),
    ):
        import_ics(bever, _cp1252(tmp_path, lines), person="BEVER", **MARCH)
        assert agenda_of(bever)[0][0] == title
    with pytest.raises(BadInput) as refused:  # in the title it still cannot be told
        import_ics(bever, _cp1252(tmp_path, ["SUMMARY:Koffie à 2 euro"]), person="BEVER", **MARCH)
    assert refused.value.code == "calendar_code_page_ambiguous"
    assert refused.value.params["line"] == 8


def test_a_date_exdate_cancels_what_starts_on_its_day_after_the_moves(
    bever: Store, tmp_path: Path
) -> None:
    """A daily series moved a day on from the 10th: the 12th shows the occurrence of the 11th.
    An all-day EXDATE of the 12th on the timed series cancels that one, not the occurrence of
    the 12th, which now starts on the 13th."""
    series = [
        "UID:d@x", "DTSTART;TZID=Europe/Amsterdam:20270308T100000",
        "DTEND;TZID=Europe/Amsterdam:20270308T110000", "RRULE:FREQ=DAILY;COUNT=6",
        "EXDATE;VALUE=DATE:20270312", "SUMMARY:D",
    ]  # fmt: skip
    later = [
        "UID:d@x", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Amsterdam:20270310T100000",
        "DTSTART;TZID=Europe/Amsterdam:20270311T100000",
        "DTEND;TZID=Europe/Amsterdam:20270311T110000", "SEQUENCE:1", "SUMMARY:D later",
    ]  # fmt: skip
    result = import_ics(bever, _file(tmp_path, [series, later], OUTLOOK), person="BEVER", **MARCH)
    assert [s[8:10] for _t, s, _st in _agenda(bever)] == ["08", "09", "11", "13", "14"]
    assert worded(result.warnings) == [
        "VEVENT d@x (D): its EXDATE 2027-03-12 is the time an earlier THISANDFUTURE change "
        "moved the occurrence to; read as the cancellation of the occurrence of 2027-03-11 10:00."
    ]
