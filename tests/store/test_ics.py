"""iCalendar import: Outlook exports, recurrence, all-day, UTC, cancellations, clock changes,
idempotence by UID/RECURRENCE-ID/SEQUENCE, and malformed files refused with nothing imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import hours_between, local_iso
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import refused_as, snapshot

ICS = Path(__file__).parent.parent / "fixtures" / "ics"


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    return store


def by_title(store: Store) -> dict[str, list[agenda.Activity]]:
    found: dict[str, list[agenda.Activity]] = {}
    for item in agenda.list_activities(store, person="BEVER"):
        found.setdefault(item.title, []).append(item)
    return found


def test_outlook_export_with_windows_zone_recurrence_and_all_day(bever: Store) -> None:
    result = import_ics(bever, ICS / "outlook.ics", person="BEVER")
    assert (result.added, result.updated, result.cancelled) == (6, 0, 0)
    found = by_title(bever)
    (court,) = found["Zitting rechtbank"]
    assert (local_iso(court.start_at), local_iso(court.end_at)) == (
        "2026-12-01T09:30:00+01:00",
        "2026-12-01T12:00:00+01:00",
    )
    assert court.location == "Rechtbank Havenstad, zaal 3"
    # weekly ×4 from 2 Dec, 9 Dec excluded (EXDATE), 16 Dec overridden to 20:30
    assert [local_iso(a.start_at) for a in found["Sportschool"]] == [
        "2026-12-02T19:00:00+01:00",
        "2026-12-23T19:00:00+01:00",
    ]
    assert [local_iso(a.start_at) for a in found["Sportschool (later)"]] == [
        "2026-12-16T20:30:00+01:00"
    ]
    (allday,) = found["Werkbezoek provincie"]
    assert (local_iso(allday.start_at), local_iso(allday.end_at)) == (
        "2026-12-04T00:00:00+01:00",
        "2026-12-05T00:00:00+01:00",
    )
    (utc,) = found["Interview redactie"]
    assert local_iso(utc.start_at) == "2026-12-03T14:00:00+01:00"
    assert "Etentje" not in found  # cancelled before it was ever imported


def test_importing_twice_changes_nothing(bever: Store) -> None:
    import_ics(bever, ICS / "outlook.ics", person="BEVER")
    before = snapshot(bever.path)
    again = import_ics(bever, ICS / "outlook.ics", person="BEVER")
    assert (again.added, again.updated, again.cancelled, again.unchanged) == (0, 0, 0, 6)
    after = snapshot(bever.path)
    # only the audit trail records that an import was run
    assert [t for t in before if t[0] != "audit_event"] == [
        t for t in after if t[0] != "audit_event"
    ]


def test_newer_sequence_updates_in_place_and_flags_a_planned_concept(bever: Store) -> None:
    import_ics(bever, ICS / "outlook.ics", person="BEVER")
    (court,) = by_title(bever)["Zitting rechtbank"]
    agenda.assign_concept(bever, court.id, "CP-LIGHT")
    result = import_ics(bever, ICS / "outlook-updated.ics", person="BEVER")
    assert (result.updated, result.cancelled) == (1, 1)
    (moved,) = by_title(bever)["Zitting rechtbank"]
    assert moved.id == court.id  # updated in place, not duplicated
    assert (local_iso(moved.start_at), moved.location) == (
        "2026-12-01T13:30:00+01:00",
        "Rechtbank Havenstad, zaal 5",
    )
    assert moved.concept == "CP-LIGHT"
    assert moved.replan_reason == "changed_externally"
    assert result.replan == [court.id]
    (interview,) = by_title(bever)["Interview redactie"]
    assert interview.status == "cancelled"
    (restriction,) = agenda.list_restrictions(bever, interview.id)
    assert (restriction.kind, restriction.reason) == ("cancelled", "tbp_choice")
    # confirming the concept for the new time clears the review flag
    assert not agenda.assign_concept(bever, court.id, "CP-LIGHT").needs_replanning


def test_clock_change_nights_keep_real_durations(bever: Store) -> None:
    import_ics(bever, ICS / "dst.ics", person="BEVER", start=date(2026, 10, 1), days=200)
    found = by_title(bever)
    (october,) = found["Nachtelijke zitting"]
    (march,) = found["Nachtelijke reis"]
    assert hours_between(october.start_at, october.end_at) == 4.0  # 01:30–04:30, clocks back
    assert hours_between(march.start_at, march.end_at) == 2.0  # 01:30–04:30, clocks forward
    assert [local_iso(a.start_at) for a in found["Ochtendoverleg"]] == [
        "2027-03-26T08:30:00+01:00",
        "2027-03-27T08:30:00+01:00",
        "2027-03-28T08:30:00+02:00",
        "2027-03-29T08:30:00+02:00",
    ]


def test_windows_zone_name_without_vtimezone(bever: Store) -> None:
    import_ics(bever, ICS / "windows-tz-without-vtimezone.ics", person="BEVER")
    (meeting,) = by_title(bever)["Raadsvergadering"]
    assert local_iso(meeting.start_at) == "2026-12-07T20:00:00+01:00"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("malformed.ics", r"malformed.ics: VEVENT bad@example.invalid \(Kapot\), property DTSTART"),
        ("no-uid.ics", r"VEVENT \(Zonder UID\) has no UID"),
        ("floating-ambiguous.ics", r"VEVENT floating-ambiguous@example.invalid .*occurs twice"),
    ],
)
def test_bad_files_are_refused_whole(bever: Store, name: str, error: str) -> None:
    before = snapshot(bever.path)
    with refused_as(BadInput, error):
        import_ics(bever, ICS / name, person="BEVER")
    assert snapshot(bever.path) == before


def test_not_a_calendar_at_all(bever: Store, tmp_path: Path) -> None:
    junk = tmp_path / "junk.ics"
    junk.write_bytes(b"\x00\x01 this is no calendar")
    before = snapshot(bever.path)
    with refused_as(BadInput, r"junk\.ics"):
        import_ics(bever, junk, person="BEVER")
    assert snapshot(bever.path) == before
