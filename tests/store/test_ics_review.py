"""Calendar imports a hostile reviewer broke (issue 16, second round), each with the value a
person checked by hand. Amsterdam is +01:00 in March before the 28th, +02:00 from then on.

- a change without a SEQUENCE bump (Outlook's "Save as iCalendar") is taken by its newer
  LAST-MODIFIED/DTSTAMP, and an older export never overwrites a newer one;
- what the calendar cancelled comes back when the calendar has it again, recorded, while a
  person's cancellation stays; several calendars per person remove only their own events;
- two copies of one UID: the newer version, or a refusal naming the UID;
- no guesses: an unknown TZID, a date start with a timed end, a zero-length event, a series
  through the spring-forward hour, a zone rule with an impossible offset, Cyrillic text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda, staff, subjects
from store.agenda import CALENDAR_AUTHORITY
from store.clock import FixedClock, from_db, local_iso
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import as_user, snapshot
from tests.sync_team import exchange_all, make_team, user_tables
from words.calendar import worded
from words.errors import sentence

ICS = Path(__file__).parent.parent / "fixtures" / "ics"
MARCH = {"start": date(2027, 3, 1), "end": date(2027, 3, 31)}


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    return store


def one(store: Store, title: str) -> agenda.Activity:
    (found,) = [a for a in agenda.list_activities(store, person="BEVER") if a.title == title]
    return found


# 1. A change without a SEQUENCE bump -------------------------------------------------------


def test_a_change_saved_without_a_sequence_bump_updates_the_activity(bever: Store) -> None:
    import_ics(bever, ICS / "outlook-saved.ics", person="BEVER", **MARCH)
    meeting = one(bever, "Overleg wethouder")
    agenda.assign_concept(bever, meeting.id, "CP-LIGHT")
    result = import_ics(bever, ICS / "outlook-saved-later.ics", person="BEVER", **MARCH)
    assert (result.updated, result.unchanged, result.replan) == (1, 1, [meeting.id])
    moved = agenda.get_activity(bever, meeting.id)
    # 13:00–14:30Z is 14:00–15:30 in Amsterdam; title, place and class follow the calendar
    assert (
        moved.title,
        local_iso(moved.start_at),
        local_iso(moved.end_at),
        moved.location,
        moved.kind,
    ) == (
        "Overleg wethouder (verplaatst)",
        "2027-03-10T14:00:00+01:00",
        "2027-03-10T15:30:00+01:00",
        "Raadhuis Havenstad",
        "private",
    )
    assert moved.replan_reason == "changed_externally"
    (correction,) = agenda.list_corrections(bever, meeting.id)
    assert (correction.old_start_at, correction.old_location) == (
        from_db("2027-03-10T09:00:00Z"),
        "Stadhuis Havenstad",
    )
    assert (correction.new_start_at, correction.new_end_at, correction.new_location) == (
        from_db("2027-03-10T13:00:00Z"),
        from_db("2027-03-10T14:30:00Z"),
        "Raadhuis Havenstad",
    )
    assert correction.reason == "Changed in the calendar (outlook-saved-later.ics, sequence 0)."


def test_an_older_export_never_overwrites_a_newer_one(bever: Store) -> None:
    import_ics(bever, ICS / "outlook-saved.ics", person="BEVER", **MARCH)
    import_ics(bever, ICS / "outlook-saved-later.ics", person="BEVER", **MARCH)
    before = snapshot(bever.path)
    old = import_ics(bever, ICS / "outlook-saved.ics", person="BEVER", **MARCH)
    assert (old.updated, old.unchanged) == (0, 2)
    # the receipt shows the stored time (14:00), not the old file's (10:00)
    starts = sorted(item.start.isoformat() for item in old.items)
    assert starts == ["2027-03-10T13:00:00+00:00", "2027-03-11T09:00:00+00:00"]
    (warning,) = worded(old.warnings)
    assert warning == (
        "'Overleg wethouder (verplaatst)' (2027-03-10 14:00): outlook-saved.ics has an older "
        "version of the event (SEQUENCE 0, stamped 2027-03-01T08:00:00Z) than the one imported "
        "before (SEQUENCE 0, stamped 2027-03-08T16:00:00Z); it was left as it is."
    )
    after = snapshot(bever.path)
    assert [t for t in before if t[0] != "audit_event"] == [
        t for t in after if t[0] != "audit_event"
    ]


# 2. What the calendar cancelled comes back --------------------------------------------------


def test_a_new_version_confirming_a_cancelled_event_reinstates_it(bever: Store) -> None:
    import_ics(bever, ICS / "invite-hearing.ics", person="BEVER", **MARCH)
    hearing = one(bever, "Hoorzitting")
    agenda.assign_concept(bever, hearing.id, "CP-LIGHT")
    cancelled = import_ics(bever, ICS / "invite-hearing-cancelled.ics", person="BEVER", **MARCH)
    assert cancelled.cancelled == 1
    assert agenda.get_activity(bever, hearing.id).status == "cancelled"
    back = import_ics(bever, ICS / "invite-hearing-reinstated.ics", person="BEVER", **MARCH)
    assert (back.reinstated, back.unchanged, back.replan) == (1, 0, [hearing.id])
    now = agenda.get_activity(bever, hearing.id)
    assert (now.status, local_iso(now.start_at), now.concept, now.replan_reason) == (
        "planned",
        "2027-03-12T14:00:00+01:00",
        "CP-LIGHT",
        "changed_externally",
    )
    (restriction,) = agenda.list_restrictions(bever, hearing.id)  # the record stays
    assert restriction.authority == CALENDAR_AUTHORITY
    (correction,) = agenda.list_corrections(bever, hearing.id)
    assert correction.reason == (
        "Reinstated by the calendar (invite-hearing-reinstated.ics): the event is in it again."
    )
    again = import_ics(bever, ICS / "invite-hearing-reinstated.ics", person="BEVER", **MARCH)
    assert (again.reinstated, again.unchanged) == (0, 1)
    # the old cancellation, imported late, is older: it changes nothing
    late = import_ics(bever, ICS / "invite-hearing-cancelled.ics", person="BEVER", **MARCH)
    assert (late.cancelled, agenda.get_activity(bever, hearing.id).status) == (0, "planned")


@pytest.mark.parametrize(
    ("gone", "back", "title", "start"),
    [  # removed in one export, there again in the next
        ("google-series-lunch-removed.ics", "google-series.ics", "Lunch redactie", "03-05T14:00"),
        # a cancelled override, dropped again in a later export
        (
            "google-series-cancelled-override.ics",
            "google-series-override-dropped.ics",
            "Weekstart parket",
            "03-08T09:00",
        ),
    ],
)
def test_an_event_the_calendar_has_again_is_reinstated(
    bever: Store, gone: str, back: str, title: str, start: str
) -> None:
    import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    import_ics(bever, ICS / gone, person="BEVER", **MARCH)
    result = import_ics(bever, ICS / back, person="BEVER", **MARCH)
    (item,) = [i for i in result.items if i.action == "reinstated"]
    activity = agenda.get_activity(bever, item.activity_id)
    assert (activity.title, local_iso(activity.start_at)[5:16], activity.status) == (
        title,
        start,
        "planned",
    )
    assert (result.reinstated, result.unchanged) == (1, 4)
    assert all(a.status == "planned" for a in agenda.list_activities(bever, person="BEVER"))


def test_the_older_export_does_not_bring_back_a_cancelled_override(bever: Store) -> None:
    """google-series.ics was exported (20 Feb) before the override cancelled 8 March (21 Feb)."""
    import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    import_ics(bever, ICS / "google-series-cancelled-override.ics", person="BEVER", **MARCH)
    result = import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    assert result.reinstated == 0
    (warning,) = worded(result.warnings)
    assert "has an older version of the event" in warning and "2027-03-08 09:00" in warning


def test_a_persons_cancellation_is_never_undone_by_a_calendar(bever: Store) -> None:
    import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    lunch = one(bever, "Lunch redactie")
    agenda.restrict_activity(
        bever, lunch.id, kind="cancelled", reason="capacity", authority="OvJ Havenstad"
    )
    result = import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    assert (result.reinstated, agenda.get_activity(bever, lunch.id).status) == (0, "cancelled")
    assert worded(result.warnings) == [
        "'Lunch redactie' (2027-03-05 14:00) is in google-series.ics but stays cancelled: it "
        "was cancelled by a restriction (capacity, decided by OvJ Havenstad), which a calendar "
        "does not undo."
    ]


def test_a_second_calendar_never_removes_the_firsts_events(bever: Store) -> None:
    work = import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    home = import_ics(bever, ICS / "apple-private-and-floating.ics", person="BEVER", **MARCH)
    assert (work.calendar, home.calendar) == ("Werk", "Thuis")
    assert (home.added, home.removed, home.cancelled) == (3, 0, 0)
    again = import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    assert (again.removed, again.reinstated, again.unchanged) == (0, 0, 5)
    assert all(a.status == "planned" for a in agenda.list_activities(bever, person="BEVER"))
    # the same file named as another calendar removes nothing of "Werk" either
    other = import_ics(
        bever, ICS / "google-series-lunch-removed.ics", person="BEVER", calendar="Kantoor", **MARCH
    )
    assert (other.calendar, other.removed) == ("Kantoor", 0)
    # its own calendar's export without the lunch removes it
    own = import_ics(bever, ICS / "google-series-lunch-removed.ics", person="BEVER", **MARCH)
    assert [i.title for i in own.items if i.action == "removed"] == ["Lunch redactie"]


def test_a_file_that_names_no_calendar_removes_nothing(bever: Store, tmp_path: Path) -> None:
    import_ics(bever, ICS / "outlook.ics", person="BEVER")  # no X-WR-CALNAME
    ticket = tmp_path / "ticket.ics"
    ticket.write_text((ICS / "no-end.ics").read_text().replace("20270310", "20261202"))
    result = import_ics(bever, ticket, person="BEVER")
    assert (result.calendar, result.added, result.removed) == (None, 1, 0)


# 3. Two copies of one UID ------------------------------------------------------------------


def test_the_newer_of_two_copies_of_an_event_is_taken(bever: Store) -> None:
    result = import_ics(bever, ICS / "duplicate-uid.ics", person="BEVER", **MARCH)
    assert result.added == 2
    # SEQUENCE 2 (13:00Z, Noord) beats SEQUENCE 1; then the newer stamp (06 March, West)
    assert (local_iso(one(bever, "Briefing").start_at), one(bever, "Briefing").location) == (
        "2027-03-10T14:00:00+01:00",
        "Bureau Noord",
    )
    assert (local_iso(one(bever, "Werkbezoek").start_at), one(bever, "Werkbezoek").location) == (
        "2027-03-11T13:00:00+01:00",
        "Haven West",
    )
    assert [w.split(" appears")[0] for w in worded(result.warnings)] == [
        "VEVENT briefing-17@example.invalid (Briefing)",
        "VEVENT werkbezoek-4@example.invalid (Werkbezoek)",
    ]


# 4, 5, 10. No guesses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error"),
    [
        (
            "unknown-tzid.ics",
            "unknown-tzid.ics: VEVENT ruimtevaart-1@example.invalid (Lezing) has DTSTART in time "
            "zone 'Mars/Olympus', which is neither a known zone (IANA or Windows name) nor "
            "defined in the file; a time of protection is never guessed: export the calendar "
            "with standard time zones.",
        ),
        (
            "date-start-timed-end.ics",
            "date-start-timed-end.ics: VEVENT congres-9@example.invalid (Congres) has a DTSTART "
            "that is a date but a DTEND that is a date-time; both must be the same kind (RFC "
            "5545).",
        ),
        (
            "duplicate-uid-undecidable.ics",
            "duplicate-uid-undecidable.ics: UID briefing-17@example.invalid appears 2 times with "
            "the same SEQUENCE (1) and stamp but different content; which one is the calendar's "
            "cannot be told. Export the calendar again.",
        ),
        (
            "custom-zone-unreadable.ics",
            "custom-zone-unreadable.ics: VEVENT haven-1@example.invalid (Havenoverleg) has "
            "DTSTART in time zone 'Havenstad Standaardtijd', whose VTIMEZONE STANDARD rule cannot "
            "be read (TZOFFSETFROM: '+9999'); without it the time cannot be told: export the "
            "calendar with standard time zones.",
        ),
        (
            "outlook-windows-1251.ics",
            "outlook-windows-1251.ics is not UTF-8 (byte 0xCF at position 235, line 9) and does "
            "not read as Western European (Windows-1252/Latin-1) text either; which code page it "
            "is in cannot be told, so nothing was imported. Export the calendar again as UTF-8.",
        ),
        (  # rev16j: said "maybe Windows-1251 (Cyrillic)" of a UTF-8 file with one Latin-1 byte
            "utf8-with-a-latin1-byte.ics",
            "utf8-with-a-latin1-byte.ics is UTF-8 but for byte 0xE9 at position 340 (line 18), "
            "which is no UTF-8 character (text pasted from another program, perhaps); nothing "
            "was imported. Correct it, or export the calendar again as UTF-8.",
        ),
        (  # rev16j: named the byte 0xF6 (ö) and guessed a code page, not the NUL bytes
            "utf16-without-bom.ics",
            "utf16-without-bom.ics holds NUL bytes (the first at position 1, line 1): it looks "
            "like UTF-16 or UTF-32 text without a byte-order mark; export the calendar again "
            "as UTF-8.",
        ),
    ],
)
def test_refused_naming_the_event_rather_than_guessed(bever: Store, name: str, error: str) -> None:
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / name, person="BEVER", **MARCH)
    assert sentence(refused.value) == error
    assert snapshot(bever.path) == before


SKIPPED = (
    "{name}: VEVENT nachtoverleg@example.invalid (Nachtoverleg): {prop} 2027-03-28 02:30:00 "
    "does not exist in Europe/Amsterdam (the clocks skip that hour that night); correct the "
    "event (a time that exists, or in UTC)."
)


def test_a_series_through_the_spring_forward_hour_is_refused_naming_it(bever: Store) -> None:
    """02:30 does not exist on 28 March 2027: which time the program meant cannot be told, so
    the file is refused (as a floating time there is), never moved to 03:30."""
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / "spring-forward-series.ics", person="BEVER", **MARCH)
    assert sentence(refused.value) == SKIPPED.format(
        name="spring-forward-series.ics", prop="DTSTART"
    )
    assert snapshot(bever.path) == before
    # The same series in a window without that night is imported as written.
    import_ics(
        bever,
        ICS / "spring-forward-series.ics",
        person="BEVER",
        start=date(2027, 3, 1),
        end=date(2027, 3, 27),
    )
    assert [
        (local_iso(a.start_at), local_iso(a.end_at))
        for a in agenda.list_activities(bever, person="BEVER")
    ] == [("2027-03-27T02:30:00+01:00", "2027-03-27T03:30:00+01:00")]


@pytest.mark.parametrize(
    ("start", "end", "prop"),
    [
        ("20270328T023000", "20270328T033000", "DTSTART"),
        ("20270328T013000", "20270328T023000", "DTEND"),
    ],
)
def test_a_single_event_starting_or_ending_in_the_skipped_hour_is_refused(
    bever: Store, tmp_path: Path, start: str, end: str, prop: str
) -> None:
    text = (ICS / "spring-forward-series.ics").read_text()
    single = tmp_path / "single.ics"
    single.write_text(
        text.replace("20270327T023000", start)
        .replace("20270327T033000", end)
        .replace("RRULE:FREQ=DAILY;COUNT=3\n", "")
    )
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, single, person="BEVER", **MARCH)
    assert sentence(refused.value) == SKIPPED.format(name="single.ics", prop=prop)
    assert snapshot(bever.path) == before


@pytest.mark.parametrize(
    ("start", "end", "local"),
    [
        # A wall time with a TZID that the autumn change repeats: the first (summer time).
        (
            "DTSTART;TZID=Europe/Amsterdam:20271031T023000",
            "DTEND;TZID=Europe/Amsterdam:20271031T024500",
            ("2027-10-31T02:30:00+02:00", "2027-10-31T02:45:00+02:00"),
        ),
        # In UTC (or with an offset) it is exact: here the second, winter time.
        (
            "DTSTART:20271031T013000Z",
            "DTEND:20271031T014500Z",
            ("2027-10-31T02:30:00+01:00", "2027-10-31T02:45:00+01:00"),
        ),
    ],
)
def test_the_autumn_repeated_hour_is_read_as_the_calendar_says(
    bever: Store, tmp_path: Path, start: str, end: str, local: tuple[str, str]
) -> None:
    text = (ICS / "spring-forward-series.ics").read_text()
    autumn = tmp_path / "autumn.ics"
    autumn.write_text(
        text.replace("DTSTART;TZID=Europe/Amsterdam:20270327T023000", start)
        .replace("DTEND;TZID=Europe/Amsterdam:20270327T033000", end)
        .replace("RRULE:FREQ=DAILY;COUNT=3\n", "")
    )
    import_ics(bever, autumn, person="BEVER", start=date(2027, 10, 1), end=date(2027, 11, 30))
    ((got_start, got_end),) = [
        (local_iso(a.start_at), local_iso(a.end_at))
        for a in agenda.list_activities(bever, person="BEVER")
    ]
    assert (got_start, got_end) == local


def test_an_event_without_a_length_lasts_thirty_minutes_and_says_so(bever: Store) -> None:
    result = import_ics(bever, ICS / "no-end.ics", person="BEVER", **MARCH)
    train = one(bever, "Vertrek trein naar Den Haag")
    assert (local_iso(train.start_at), local_iso(train.end_at)) == (
        "2027-03-10T08:45:00+01:00",
        "2027-03-10T09:15:00+01:00",
    )
    assert worded(result.warnings) == [
        "VEVENT vertrek-5521@reisplanner.example.invalid (Vertrek trein naar Den Haag) has no "
        "length (no DTEND or DURATION, or one equal to its start); imported as 30 minutes from "
        "its start (a date: the whole day) — correct its end in the agenda if it lasts longer."
    ]


def test_an_impossible_offset_in_a_named_zone_is_skipped_loudly_and_the_times_are_right(
    bever: Store,
) -> None:
    result = import_ics(bever, ICS / "outlook-impossible-offset.ics", person="BEVER")
    assert worded(result.warnings) == [
        "VTIMEZONE W. Europe Standard Time: the STANDARD rule from 16011028, property "
        "TZOFFSETFROM: '+9999' cannot be read; that rule was skipped "
        "(times in this zone are read by its name, as Europe/Berlin)."
    ]
    court = one(bever, "Zitting rechtbank")
    assert (local_iso(court.start_at), local_iso(court.end_at)) == (
        "2026-12-01T09:30:00+01:00",
        "2026-12-01T12:00:00+01:00",
    )


def test_a_broken_zone_of_one_file_never_reaches_the_next(bever: Store) -> None:
    """icalendar remembers the zones of the files it read; the second, correct file is read
    by the zone's name all the same."""
    import_ics(bever, ICS / "outlook-impossible-offset.ics", person="BEVER")
    result = import_ics(bever, ICS / "outlook.ics", person="BEVER")
    assert (worded(result.warnings), local_iso(one(bever, "Zitting rechtbank").start_at)) == (
        [],
        "2026-12-01T09:30:00+01:00",
    )


def test_what_an_import_writes_passes_the_other_laptops_judge(
    tmp_path: Path, clock: FixedClock
) -> None:
    """An operator's imports — removal, reinstatement, a change without a SEQUENCE bump, a
    cancellation and a reinstatement by SEQUENCE — reach the other laptop whole: nothing
    quarantined, the same agenda on both."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "BEVER", level=3)
    staff.add_staff(a.store, "RT-0100", unit="RT", role="operator")
    exchange_all([a, b], tmp_path / "share")
    operator = as_user(b.store, "RT-0100")
    for name in (
        "google-series.ics",
        "google-series-lunch-removed.ics",
        "google-series.ics",
        "outlook-saved.ics",
        "outlook-saved-later.ics",
        "invite-hearing.ics",
        "invite-hearing-cancelled.ics",
        "invite-hearing-reinstated.ics",
    ):
        import_ics(operator, ICS / name, person="BEVER", **MARCH)
    operator.close()
    exchange_all([a, b], tmp_path / "share")
    for laptop in (a, b):
        assert laptop.store.tuples("SELECT tbl, col, reason FROM sync_quarantine") == []
    assert user_tables(a.store) == user_tables(b.store)
    statuses = {x.title: x.status for x in agenda.list_activities(a.store, person="BEVER")}
    assert statuses["Lunch redactie"] == statuses["Hoorzitting"] == "planned"


def test_a_persons_restriction_stays_when_the_calendar_did_not_change(bever: Store) -> None:
    """Only what the calendar changed since the last import is taken over: a move decided by
    a person stays on re-import; when the calendar then changes the title and the place, those
    follow it and the person's time stays."""
    import_ics(bever, ICS / "outlook-saved.ics", person="BEVER", **MARCH)
    meeting = one(bever, "Overleg wethouder")
    agenda.restrict_activity(
        bever,
        meeting.id,
        kind="moved",
        reason="capacity",
        authority="OvJ Havenstad",
        new_start=from_db("2027-03-10T10:00:00Z"),
    )
    again = import_ics(bever, ICS / "outlook-saved.ics", person="BEVER", **MARCH)
    assert (again.updated, again.unchanged) == (0, 2)
    assert local_iso(agenda.get_activity(bever, meeting.id).start_at) == "2027-03-10T11:00:00+01:00"
    # the legacy case: imported before digests were kept, the same file changes nothing either
    bever.conn.execute("UPDATE activity SET source_hash = NULL")
    legacy = import_ics(bever, ICS / "outlook-saved.ics", person="BEVER", **MARCH)
    assert (legacy.updated, local_iso(agenda.get_activity(bever, meeting.id).start_at)) == (
        0,
        "2027-03-10T11:00:00+01:00",
    )
    text = (ICS / "outlook-saved.ics").read_text()
    changed = bever.path.parent / "outlook-renamed.ics"
    changed.write_text(
        text.replace("LAST-MODIFIED:20270301T080000Z\nLOCATION:Stadhuis", "LAST-MODIFIED:"
                     "20270305T080000Z\nLOCATION:Raadhuis", 1)
        .replace("SUMMARY;LANGUAGE=nl:Overleg wethouder", "SUMMARY;LANGUAGE=nl:Overleg college")
    )  # fmt: skip
    result = import_ics(bever, changed, person="BEVER", **MARCH)
    assert result.updated == 1
    now = agenda.get_activity(bever, meeting.id)
    assert (now.title, now.location, local_iso(now.start_at), now.status) == (
        "Overleg college",
        "Raadhuis Havenstad",
        "2027-03-10T11:00:00+01:00",
        "moved",
    )
