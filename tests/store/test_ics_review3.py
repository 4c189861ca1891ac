"""Calendar imports a third hostile reviewer broke (issue 16), each with the value a person
checked by hand:

- an event longer than an activity may last (a 14-day holiday, a 10-day trip) is never stored
  (every laptop would refuse it): it is skipped with a warning naming it and the limit;
- a Central European, Turkish or Baltic code page is never read as Western European;
- a date DTEND before DTSTART (or a negative DURATION of days) refuses the file naming the event;
- an unused time zone with an unreadable rule is skipped with a warning;
- a newer series master defines its series whole: the occurrences it no longer gives are gone,
  also from a file that names no calendar."""

from __future__ import annotations

import pytest

from store import agenda
from store.db import Store
from store.errors import BadInput
from store.ics import calendar_note, import_ics
from tests.conftest import snapshot
from tests.store.test_ics_programs import ICS, MARCH, agenda_of, bever
from words.calendar import worded
from words.errors import sentence

__all__ = ["bever"]


def test_an_event_longer_than_an_activity_is_skipped_naming_it(bever: Store) -> None:
    result = import_ics(bever, ICS / "multi-day-events.ics", person="BEVER", **MARCH)
    assert [(i.title, i.action) for i in result.items] == [("Zitting", "added")]
    assert worded(result.warnings) == [
        f"VEVENT {uid} lasts {length}, longer than the 72 hours an activity may last; it was not "
        "imported (nor changed, if imported before) — add the days that need protection as "
        "activities."
        for uid, length in (
            ("missie-2@example.invalid (Handelsmissie)", "10 days"),
            ("vakantie-1@example.invalid (Vakantie Toscane)", "14 days"),
        )
    ]
    assert [title for title, *_ in agenda_of(bever)] == ["Zitting"]
    # the same file again, with its calendar named: the long events are not "removed" either
    again = import_ics(bever, ICS / "multi-day-events.ics", person="BEVER", **MARCH)
    assert [(i.title, i.action) for i in again.items] == [("Zitting", "unchanged")]


def test_an_event_that_grew_too_long_leaves_its_activity_as_it_was(
    bever: Store, tmp_path: pytest.TempPathFactory
) -> None:
    text = (ICS / "multi-day-events.ics").read_text()
    short = tmp_path / "short.ics"  # type: ignore[operator]
    short.write_text(text.replace("DTEND:20270312T080000Z", "DTEND:20270302T170000Z"))
    import_ics(bever, short, person="BEVER", **MARCH)
    before = [a for a in agenda_of(bever) if a[0] == "Handelsmissie"]
    assert before == [
        ("Handelsmissie", "2027-03-02T09:00:00+01:00", "2027-03-02T18:00:00+01:00", "work",
         "planned"),
    ]  # fmt: skip
    result = import_ics(bever, ICS / "multi-day-events.ics", person="BEVER", **MARCH)
    assert [a for a in agenda_of(bever) if a[0] == "Handelsmissie"] == before
    assert "Handelsmissie) lasts 10 days" in worded(result.warnings)[0]


@pytest.mark.parametrize(
    ("name", "byte", "readings"),
    [
        ("outlook-windows-1250.ics", 0xF8,
         "'ø' in Western European (Windows-1252), 'ř' in Central European (Windows-1250), 'ų' "
         "in Baltic (Windows-1257)"),
        ("outlook-windows-1254.ics", 0xFE,
         "'þ' in Western European (Windows-1252), 'ţ' in Central European (Windows-1250), 'ş' "
         "in Turkish (Windows-1254)"),
        ("outlook-windows-1257.ics", 0xEB,
         "'ë' in Western European (Windows-1252), 'ė' in Baltic (Windows-1257)"),
    ],
)  # fmt: skip
def test_another_latin_code_page_is_refused_never_garbled(
    bever: Store, name: str, byte: int, readings: str
) -> None:
    raw = (ICS / name).read_bytes()
    at = raw.index(bytes([byte]))
    line = raw.count(b"\n", 0, at) + 1
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / name, person="BEVER", **MARCH)
    assert sentence(refused.value) == (
        f"{name} is not UTF-8 and reads as text of more than one code page: byte 0x{byte:02X} "
        f"at position {at} (line {line}) is {readings}; which letters "
        "it means cannot be told, so nothing was imported — export the calendar again as UTF-8."
    )
    assert snapshot(bever.path) == before


@pytest.mark.parametrize(
    ("name", "error"),
    [
        (
            "date-end-before-start.ics",
            "date-end-before-start.ics: VEVENT dd@x (DateBack) ends before it starts (DTEND "
            "2027-03-14 < DTSTART 2027-03-15); correct the event.",
        ),
        (
            "date-negative-duration.ics",
            "date-negative-duration.ics: VEVENT dd2@x (DateNegDur) ends before it starts "
            "(DURATION -P1D gives 2027-03-19 < DTSTART 2027-03-20); correct the event.",
        ),
    ],
)
def test_a_date_end_before_the_start_is_refused_naming_the_event(
    bever: Store, name: str, error: str
) -> None:
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / name, person="BEVER", **MARCH)
    assert sentence(refused.value) == error
    assert snapshot(bever.path) == before


def test_an_unused_zone_with_an_unreadable_rule_is_skipped(bever: Store) -> None:
    result = import_ics(bever, ICS / "unused-zone-unreadable.ics", person="BEVER", **MARCH)
    assert worded(result.warnings) == [
        "VTIMEZONE Havenstad Standaardtijd: the STANDARD rule from 19961027, property "
        "TZOFFSETFROM: '+9999' cannot be read; that rule was skipped."
    ]
    assert [a[:3] for a in agenda_of(bever)] == [
        ("Havenoverleg", "2027-03-10T10:00:00+01:00", "2027-03-10T11:00:00+01:00")
    ]


def test_a_newer_series_master_removes_the_occurrences_it_no_longer_gives(bever: Store) -> None:
    """A weekly series on Tuesdays (SEQUENCE 0) moved to Wednesdays (SEQUENCE 1) by an
    invitation that names no calendar: the Tuesdays are removed; the older invitation again
    changes nothing."""
    import_ics(bever, ICS / "weekly-tuesday.ics", person="BEVER", **MARCH)
    moved = import_ics(bever, ICS / "weekly-moved-to-wednesday.ics", person="BEVER", **MARCH)
    assert moved.calendar is None
    assert sorted((i.action, i.start.isoformat()[:10]) for i in moved.items) == [
        ("added", "2027-03-03"),
        ("added", "2027-03-10"),
        ("added", "2027-03-17"),
        ("added", "2027-03-24"),
        ("removed", "2027-03-02"),
        ("removed", "2027-03-09"),
        ("removed", "2027-03-16"),
        ("removed", "2027-03-23"),
    ]
    planned = [(start[:10], status) for _t, start, _e, _k, status in agenda_of(bever)]
    assert [day for day, status in planned if status == "planned"] == [
        "2027-03-03", "2027-03-10", "2027-03-17", "2027-03-24",
    ]  # fmt: skip
    removed = agenda.list_restrictions(bever, agenda_of_ids(bever)["2027-03-02"])
    note = calendar_note("removed_from_series", "weekly-moved-to-wednesday.ics")
    assert [(r.kind, r.authority, r.note) for r in removed] == [("cancelled", "calendar", note)]
    older = import_ics(bever, ICS / "weekly-tuesday.ics", person="BEVER", **MARCH)
    assert {i.action for i in older.items} == {"unchanged"}
    assert [(start[:10], status) for _t, start, _e, _k, status in agenda_of(bever)] == planned


def agenda_of_ids(store: Store) -> dict[str, str]:
    return {
        a.start_at.isoformat()[:10]: a.id for a in agenda.list_activities(store, person="BEVER")
    }


def test_a_line_folded_inside_a_utf8_character_is_unfolded_before_decoding(
    bever: Store,
) -> None:
    """RFC 5545 §3.1: simple writers fold inside a multi-byte character; the reader unfolds
    first. The title reads as written, not as a refused or garbled file."""
    result = import_ics(bever, ICS / "folded-inside-a-character.ics", person="BEVER", **MARCH)
    assert result.added == 1 and worded(result.warnings) == []
    (activity,) = agenda.list_activities(bever, person="BEVER")
    assert activity.title.endswith("over coördinatie en ideeën voor België")
