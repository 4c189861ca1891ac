"""A calendar that reinstates or moves an activity onto another one sharing its deployed
officers says so (issue 16, s18): a warning ``calendar_double_booked``, not a refusal (the calendar
may move an activity, R5); the activity that starts first keeps the officers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store import agenda, roster, staff, staffing, subjects
from store.db import Store, short_id
from store.ics import import_ics
from tests.conftest import at
from words.calendar import warning as said

EVENT = """BEGIN:VEVENT\r
UID:r1@example\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261201T090000Z\r
DTEND:20261201T110000Z\r
SUMMARY:Raad\r
END:VEVENT\r
"""
OTHER = """BEGIN:VEVENT\r
UID:r2@example\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261203T090000Z\r
DTEND:20261203T110000Z\r
SUMMARY:Anders\r
END:VEVENT\r
"""


def _calendar(path: Path, *events: str) -> Path:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nX-WR-CALNAME:Werk\r\n"
    path.write_text(head + "".join(events) + "END:VCALENDAR\r\n")
    return path


def test_a_reinstated_event_that_double_books_its_officers_is_said(
    store: Store, tmp_path: Path
) -> None:
    for person in ("REIGER", "KIEVIT"):
        subjects.add_subject(store, person, kind="person", domain="local", unit="RT")
        subjects.assess_threat(store, person, level=2)
    for callsign in ("XX", "YY"):
        staff.add_staff(
            store,
            callsign,
            unit="RT",
            qualifications=[("close_protection", None), ("protective_driving", None)],
        )
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 08:00"), end=at(store, "2026-12-01 20:00")
        )
    window = {"start": date(2026, 12, 1), "end": date(2026, 12, 5)}
    both = _calendar(tmp_path / "both.ics", EVENT, OTHER)
    import_ics(store, both, person="REIGER", **window)
    (raad,) = [a for a in agenda.list_activities(store, person="REIGER") if a.title == "Raad"]
    agenda.assign_concept(store, raad.id, "ESCORT")
    staffing.deploy(store, raad.id, ["XX", "YY"])
    gone = import_ics(store, _calendar(tmp_path / "none.ics", OTHER), person="REIGER", **window)
    assert gone.warnings == []
    other = agenda.add_activity(
        store,
        person="KIEVIT",
        title="Anders",
        start=at(store, "2026-12-01 10:00"),
        end=at(store, "2026-12-01 12:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, other.id, ["XX", "YY"])
    back = import_ics(store, both, person="REIGER", **window)
    assert back.reinstated == 1
    assert [w.code for w in back.warnings] == ["calendar_double_booked"] * 2
    named, elsewhere = (short_id(store, "activity", a.id) for a in (raad, other))
    assert said(back.warnings[0]) == (
        f"XX is deployed on activity {named} and on {elsewhere} at once, "
        f"2026-12-01 10:00–12:00; counted at {named} only (rule: one place at a time)."
    )
    # the Raad was made in one import with another event: its name still finds it alone
    assert agenda.get_activity(store, named).id == raad.id
    # one binding: the reinstated Raad starts first and keeps them; Anders is open
    assert staffing.staffing_shortfalls(store, raad.id) == []
    assert {s.elsewhere for s in staffing.staffing_shortfalls(store, other.id)} == {("XX", "YY")}
    again = import_ics(store, both, person="REIGER", **window)
    assert again.warnings == []  # nothing changed: nothing to say again


def test_activities_are_named_by_a_prefix_that_names_them_alone(demo_store: Store) -> None:
    """Issue 16 (rev16c f3): activities made in one millisecond (the demo's seeding, one
    calendar import) share their first 13 id characters; the name the warnings and the
    violations give each (``db.short_id``) is 13 characters where that is unique
    and longer where it is not, and typed back it finds that activity."""
    ids = [row["id"] for row in demo_store.query("SELECT id FROM activity")]
    names = {i: short_id(demo_store, "activity", i) for i in ids}
    assert any(len(name) > 13 for name in names.values())  # the shared case is reached
    assert len({i[:13] for i in ids}) < len(ids)
    for full, name in names.items():
        assert full.startswith(name) and len(name) >= 13
        assert not [i for i in ids if i != full and i.startswith(name)], name
        assert agenda.get_activity(demo_store, name).id == full
