"""An override of a single, non-repeating event (same UID, a RECURRENCE-ID of its start)
replaces it, as an override replaces a series' occurrence (issue 14, last fresh review).
Before, the file was imported as two activities: at the old time and at the new one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import subjects
from store.db import Store
from store.ics import import_ics

WINDOW = {"start": date(2027, 3, 1), "end": date(2027, 3, 31)}
SINGLE = (
    "BEGIN:VEVENT\r\nUID:b14@x\r\nDTSTAMP:20270201T000000Z\r\nDTSTART:20270301T100000Z\r\n"
    "DTEND:20270301T110000Z\r\nSUMMARY:Zitting\r\nEND:VEVENT\r\n"
)
MOVED = (
    "BEGIN:VEVENT\r\nUID:b14@x\r\nRECURRENCE-ID:20270301T100000Z\r\nDTSTAMP:20270201T000000Z\r\n"
    "DTSTART:20270302T140000Z\r\nDTEND:20270302T150000Z\r\nSUMMARY:Zitting (verplaatst)\r\n"
    "END:VEVENT\r\n"
)


def write(path: Path, *events: str) -> Path:
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + "".join(events) + "END:VCALENDAR\r\n"
    )
    return path


def activities(store: Store) -> list[tuple[str, str, str]]:
    rows = store.query("SELECT id, title, start_at FROM activity ORDER BY start_at")
    return [(r["id"], r["title"], r["start_at"]) for r in rows]


@pytest.fixture
def bever(store: Store) -> Store:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    return store


@pytest.mark.parametrize("order", ["single_first", "override_first"])
def test_the_override_of_a_single_event_is_the_one_activity(
    bever: Store, tmp_path: Path, order: str
) -> None:
    events = (SINGLE, MOVED) if order == "single_first" else (MOVED, SINGLE)
    import_ics(bever, write(tmp_path / "c.ics", *events), person="BEVER", **WINDOW)
    [(_id, title, start)] = activities(bever)
    assert title == "Zitting (verplaatst)"
    assert start == "2027-03-02T14:00:00Z"


def test_an_override_added_later_moves_the_activity_imported_before(
    bever: Store, tmp_path: Path
) -> None:
    import_ics(bever, write(tmp_path / "c.ics", SINGLE), person="BEVER", **WINDOW)
    [(first, _title, _start)] = activities(bever)
    import_ics(bever, write(tmp_path / "c.ics", SINGLE, MOVED), person="BEVER", **WINDOW)
    assert activities(bever) == [(first, "Zitting (verplaatst)", "2027-03-02T14:00:00Z")]
