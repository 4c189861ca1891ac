"""Calendars as real programs write them (Outlook/Exchange, Google, Apple, booking sites, a
train ticket), reduced to small files: each case of issue 16 with the value a person checked
by hand, imported with a window around it. Times in the files are UTC unless a TZID is shown;
Amsterdam is +01:00 in March before the 28th and +02:00 in September."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from commands.refusals import refusal
from store import agenda, ics_bounds, staff, subjects
from store.agenda import CALENDAR_AUTHORITY
from store.clock import local_iso
from store.db import Store
from store.errors import BadInput, RuleViolation
from store.ics import CalendarEnding, calendar_ending, import_ics
from tests.conftest import as_user, refused_as, snapshot
from words.calendar import restriction_note, worded
from words.errors import sentence

ICS = Path(__file__).parent.parent / "fixtures" / "ics"
MARCH = {"start": date(2027, 3, 1), "end": date(2027, 3, 31)}


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    return store


def agenda_of(store: Store) -> list[tuple[str, str, str, str, str]]:
    return [
        (a.title, local_iso(a.start_at), local_iso(a.end_at), a.kind, a.status)
        for a in agenda.list_activities(store, person="BEVER")
    ]


def test_an_invitation_to_one_occurrence_of_a_series_not_in_the_file(bever: Store) -> None:
    result = import_ics(bever, ICS / "google-single-instance-invite.ics", person="BEVER", **MARCH)
    assert result.added == 1
    assert agenda_of(bever) == [
        (
            "Overleg griffie",
            "2027-03-10T11:00:00+01:00",
            "2027-03-10T12:00:00+01:00",
            "work",
            "planned",
        )
    ]
    again = import_ics(bever, ICS / "google-single-instance-invite.ics", person="BEVER", **MARCH)
    assert (again.added, again.unchanged) == (0, 1)


def test_this_and_future_override_keeps_every_occurrence(bever: Store) -> None:
    window = {"start": date(2027, 8, 25), "end": date(2027, 9, 30)}
    result = import_ics(bever, ICS / "apple-thisandfuture.ics", person="BEVER", **window)
    assert result.added == 10
    times = [
        (local_iso(a.start_at)[5:16], local_iso(a.end_at)[11:16])
        for a in agenda.list_activities(bever, person="BEVER")
    ]
    # every two days from 1 September 12:00Z (14:00 summer time); from the 4th on 09–16Z
    assert times == [
        ("09-01T14:00", "15:00"),
        ("09-03T14:00", "15:00"),
        ("09-05T14:00", "15:00"),
        ("09-07T11:00", "18:00"),
        ("09-09T11:00", "18:00"),
        ("09-11T11:00", "18:00"),
        ("09-13T11:00", "18:00"),
        ("09-15T11:00", "18:00"),
        ("09-17T11:00", "18:00"),
        ("09-19T11:00", "18:00"),
    ]
    again = import_ics(bever, ICS / "apple-thisandfuture.ics", person="BEVER", **window)
    assert (again.added, again.removed, again.unchanged) == (0, 0, 10)


@pytest.mark.parametrize(
    ("name", "warning", "expected"),
    [
        (
            "ns-ticket-alarm.ics",
            "VEVENT ticket-8841@tickets.example.invalid (Trein Rotterdam Centraal - Brussel-Zuid):"
            " VALARM property TRIGGER",
            ("Trein Rotterdam Centraal - Brussel-Zuid", "2027-03-10T08:05:00+01:00"),
        ),
        (
            "vtimezone-historical-rule.ics",
            "VTIMEZONE Europe/Amsterdam: the STANDARD rule from 18930501, property TZOFFSETFROM",
            ("Overleg burgemeester", "2027-03-10T10:00:00+01:00"),
        ),
    ],
)
def test_a_part_the_activities_do_not_need_is_skipped_with_a_warning(
    bever: Store, name: str, warning: str, expected: tuple[str, str]
) -> None:
    result = import_ics(bever, ICS / name, person="BEVER", **MARCH)
    assert result.added == 1
    (found,) = worded(result.warnings)
    assert found.startswith(warning) and "skipped" in found
    ((title, start, *_rest),) = agenda_of(bever)
    assert (title, start) == expected


def test_windows_zone_name_in_x_wr_timezone(bever: Store) -> None:
    result = import_ics(bever, ICS / "outlook-x-wr-windows-zone.ics", person="BEVER", **MARCH)
    assert (result.added, worded(result.warnings)) == (1, [])
    ((_title, start, end, _kind, _status),) = agenda_of(bever)
    assert (start, end) == ("2027-03-10T10:00:00+01:00", "2027-03-10T11:30:00+01:00")


def test_floating_times_have_one_reading_for_single_and_recurring_events(bever: Store) -> None:
    """X-WR-TIMEZONE:Europe/London: 10:00 floating is 10:00 in London, 11:00 in Amsterdam,
    for the single event and for the series alike."""
    import_ics(bever, ICS / "apple-private-and-floating.ics", person="BEVER", **MARCH)
    assert [(t, s[5:16], e[11:16], k) for t, s, e, k, _status in agenda_of(bever)] == [
        ("Tandarts", "03-10T11:00", "11:30", "private"),
        ("Hardlopen", "03-11T11:00", "12:00", "work"),
        ("Hardlopen", "03-12T11:00", "12:00", "work"),
    ]


def test_importing_every_day_never_cancels_an_unchanged_series_in_another_zone(
    bever: Store,
) -> None:
    """Tuesdays 19:00 New York are Wednesdays 01:00 (00:00 in the weeks when only America has
    changed its clocks) in Amsterdam: every day's import, whatever the window's edge, keeps them."""
    for _day in range(10):
        result = import_ics(bever, ICS / "google-new-york-weekly.ics", person="BEVER", days=14)
        assert (result.cancelled, result.removed) == (0, 0)
        bever.clock.advance(days=1)  # type: ignore[attr-defined]
    starts = [local_iso(a.start_at) for a in agenda.list_activities(bever, person="BEVER")]
    assert starts[:3] == [
        "2026-12-02T01:00:00+01:00",
        "2026-12-09T01:00:00+01:00",
        "2026-12-16T01:00:00+01:00",
    ]
    assert all(a.status == "planned" for a in agenda.list_activities(bever, person="BEVER"))


@pytest.mark.parametrize(
    "name", ["google-series-cancelled-override.ics", "google-series-exdate.ics"]
)
def test_a_cancelled_occurrence_is_cancelled_whichever_way_it_is_written(
    bever: Store, name: str
) -> None:
    import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    result = import_ics(bever, ICS / name, person="BEVER", **MARCH)
    (cancelled,) = [i for i in result.items if i.action == "cancelled"]
    assert (result.removed, cancelled.start.isoformat()) == (0, "2027-03-08T08:00:00+00:00")
    activity = agenda.get_activity(bever, cancelled.activity_id)
    assert (local_iso(activity.start_at), activity.status) == (
        "2027-03-08T09:00:00+01:00",
        "cancelled",
    )
    (restriction,) = agenda.list_restrictions(bever, activity.id)
    assert (restriction.kind, restriction.reason, restriction.authority) == (
        "cancelled",
        "tbp_choice",
        CALENDAR_AUTHORITY,
    )
    # no words in a synced record: its facts, read back by calendar_ending
    assert calendar_ending(restriction.authority, restriction.note) == CalendarEnding(
        "cancelled", name
    )
    said = restriction_note(restriction.authority, restriction.note)
    assert said == f"Cancelled in the calendar ({name})."


def test_an_event_gone_from_a_later_export_is_cancelled_as_removed(store: Store) -> None:
    """An operator (who may import but not restrict) imports; the removal is a calendar
    restriction all the same, listed in the receipt."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    staff.add_staff(store, "RT-0100", unit="RT", role="operator")
    operator = as_user(store, "RT-0100")
    import_ics(operator, ICS / "google-series.ics", person="BEVER", **MARCH)
    result = import_ics(operator, ICS / "google-series-lunch-removed.ics", person="BEVER", **MARCH)
    (removed,) = [i for i in result.items if i.action == "removed"]
    assert (removed.title, removed.start.isoformat()) == (
        "Lunch redactie",
        "2027-03-05T13:00:00+00:00",
    )
    assert (result.removed, result.cancelled, result.unchanged) == (1, 0, 4)
    (restriction,) = agenda.list_restrictions(store, removed.activity_id)
    assert (restriction.authority, restriction.recorded_by) == ("calendar", "RT-0100")
    assert calendar_ending("calendar", restriction.note) == CalendarEnding(
        "removed", "google-series-lunch-removed.ics"
    )
    assert restriction_note("calendar", restriction.note) == (
        "Removed from the calendar (google-series-lunch-removed.ics)."
    )
    assert restriction_note("BZ", restriction.note) == restriction.note  # a person's own note
    # outside the window nothing is removed
    store.clock.advance(days=200)  # type: ignore[attr-defined]
    later = import_ics(operator, ICS / "google-series-lunch-removed.ics", person="BEVER")
    assert later.items == []


def test_the_window_is_the_same_for_single_and_recurring_events(bever: Store) -> None:
    # 1–7 March: the first Monday of the series and the lunch on the 5th
    result = import_ics(
        bever, ICS / "google-series.ics", person="BEVER", start=date(2027, 3, 1), days=7
    )
    assert sorted((i.title, i.start.day) for i in result.items) == [
        ("Lunch redactie", 5),
        ("Weekstart parket", 1),
    ]
    # a window after them all: neither the old single nor the old occurrences
    after = import_ics(bever, ICS / "google-series.ics", person="BEVER", start=date(2027, 4, 1))
    assert after.items == []


def test_nobody_may_name_the_calendar_as_the_deciding_authority(bever: Store) -> None:
    import_ics(bever, ICS / "google-series.ics", person="BEVER", **MARCH)
    item = agenda.list_activities(bever, person="BEVER")[0]
    before = snapshot(bever.path)
    with refused_as(RuleViolation, "reserved for cancellations by a calendar import"):
        agenda.restrict_activity(
            bever, item.id, kind="cancelled", reason="tbp_choice", authority=" Calendar "
        )
    # nor a look-alike of it: a Cyrillic "с" (U+0441) in front of Latin letters
    with refused_as(BadInput, "mixes the letters of two scripts"):
        agenda.restrict_activity(
            bever, item.id, kind="cancelled", reason="tbp_choice", authority="\u0441alendar"
        )
    assert snapshot(bever.path) == before


def test_windows_1252_text_is_read_correctly(bever: Store) -> None:
    result = import_ics(bever, ICS / "outlook-windows-1252.ics", person="BEVER", **MARCH)
    ((title, *_rest),) = agenda_of(bever)
    assert title == "Restmülltonne buiten zetten – daarna koffie bij Café Noël"
    assert worded(result.warnings) == [
        "outlook-windows-1252.ics is not UTF-8; it was read as Windows-1252 (Western European)."
    ]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        (
            "dtend-before-dtstart.ics",
            r"VEVENT booking-55120@reservations\.example\.invalid \(Hotel Brussel - inchecken\)"
            r" ends before it starts",
        ),
        ("mac-roman.ics", r"mac-roman\.ics is not UTF-8 \(byte 0x9F at position \d+, line \d+\)"),
        (
            "minutely.ics",
            r"VEVENT m@x \(Spam\) gives up to [\d,]+ occurrences from 2027-03-01 to 2027-03-31,"
            r" more than the limit of 2,000",
        ),
        ("secondly.ics", r"VEVENT s@x \(Spam\) gives up to [\d,]+ occurrences"),
    ],
)
def test_refused_whole_naming_the_event_or_the_encoding(
    bever: Store, name: str, error: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    produced: list[object] = []
    real = ics_bounds.OccurrenceCap.passed

    def counting(self: ics_bounds.OccurrenceCap, start: datetime, end: datetime) -> bool:
        produced.append(start)
        return real(self, start, end)

    monkeypatch.setattr(ics_bounds.OccurrenceCap, "passed", counting)
    before = snapshot(bever.path)
    with refused_as(BadInput, error):
        import_ics(bever, ICS / name, person="BEVER", **MARCH)
    assert snapshot(bever.path) == before
    assert len(produced) <= 2_001  # expanded only until the limit of 2,000 was passed


def test_max_occurrences_is_exact_and_blames_the_file_not_one_event(bever: Store) -> None:
    # four Mondays and a lunch: five occurrences in March, four of them from the series; the
    # bound from the rules (up to six) is above the limit, so the file is expanded until the
    # limit is passed, and counted to its end (nothing more in the window) for the exact total
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / "google-series.ics", person="BEVER", max_occurrences=4, **MARCH)
    assert refusal(refused.value) == (
        "google-series.ics gives 5 occurrences from 2027-03-01 to 2027-03-31, more than the "
        "limit of 4 (--max-occurrences); most of them (4) from VEVENT 1a2b3c4d5e@google.com "
        "(Weekstart parket); nothing was imported."
    )
    assert refused.value.code == "more_occurrences_than_limit"
    ok = import_ics(bever, ICS / "google-series.ics", person="BEVER", max_occurrences=5, **MARCH)
    assert ok.added == 5


def test_times_outside_1970_to_2099_are_refused(bever: Store, tmp_path: Path) -> None:
    text = (ICS / "google-single-instance-invite.ics").read_text()
    late = tmp_path / "late.ics"
    late.write_text(text.replace("DTEND:20270310T110000Z", "DTEND:21000101T110000Z"))
    with refused_as(BadInput, r"late\.ics: VEVENT x@example \(Overleg griffie\) DTEND"):
        import_ics(bever, late, person="BEVER", **MARCH)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, late, person="BEVER", start=date(2099, 12, 1), days=90)
    assert refused.value.params["field"] == "import_days_end"
    assert sentence(refused.value).startswith(
        "The last day the number of days reaches must lie between"
    )
