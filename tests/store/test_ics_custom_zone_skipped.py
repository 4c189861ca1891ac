"""Issue 16, fourth review: the hour a clock change skips is refused for every kind of zone.

Outlook writes its own VTIMEZONE (``TZID:(UTC+01:00) Amsterdam, Berlin, …``); the zone built from
it does not know ``fold``, so a wall time in the spring gap was read with a guessed offset and
imported. The check is now one round trip through UTC with the zone the event resolves to.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store import agenda
from store.clock import local_iso
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from tests.conftest import snapshot
from tests.store.test_ics_programs import ICS, bever
from words.calendar import worded
from words.errors import sentence

__all__ = ["bever"]

YEAR_2027 = {"start": date(2027, 1, 1), "end": date(2027, 12, 31)}


@pytest.mark.parametrize(
    ("name", "error"),
    [
        (
            "outlook-custom-zone-skipped.ics",
            "VEVENT nachtoverleg-1@example.invalid (Nachtoverleg): DTSTART 2027-03-28 02:30:00 "
            "does not exist in (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        ),
        (
            "outlook-custom-eastern-skipped.ics",
            "VEVENT us2 (US skipped): DTSTART 2027-03-14 02:30:00 does not exist in "
            "(UTC-05:00) Eastern Time (US & Canada)",
        ),
        (
            "custom-zone-series-skipped.ics",
            "VEVENT ser9 (ser9): DTSTART 2027-03-28 02:30:00 does not exist in Havenstad Tijd",
        ),
    ],
)
def test_a_skipped_hour_in_the_files_own_zone_is_refused(
    bever: Store, name: str, error: str
) -> None:
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / name, person="BEVER", **YEAR_2027)
    assert sentence(refused.value) == (
        f"{name}: {error} (the clocks skip that hour that night); correct the event (a time "
        "that exists, or in UTC)."
    )
    assert snapshot(bever.path) == before


def test_the_same_zone_outside_the_skipped_hour_reads_as_amsterdam(
    bever: Store, tmp_path: Path
) -> None:
    """Without that event the file imports; the repeated autumn hour is the first (summer)."""
    text = (ICS / "outlook-custom-zone-skipped.ics").read_text()
    first = text.index("BEGIN:VEVENT")
    kept = tmp_path / "kept.ics"
    kept.write_text(text[:first] + text[text.index("END:VEVENT", first) + len("END:VEVENT\n") :])
    import_ics(bever, kept, person="BEVER", **YEAR_2027)
    assert [
        (a.title, local_iso(a.start_at), local_iso(a.end_at))
        for a in agenda.list_activities(bever, person="BEVER")
    ] == [
        ("ol3", "2027-03-29T09:00:00+02:00", "2027-03-29T10:00:00+02:00"),
        ("ol2", "2027-10-31T02:30:00+02:00", "2027-10-31T03:30:00+01:00"),
    ]


def test_an_rdate_in_the_skipped_hour_is_named_as_the_rdate(bever: Store) -> None:
    """The occurrence an RDATE gives was reported as DTSTART (the occurrence's copy of it)."""
    before = snapshot(bever.path)
    with pytest.raises(BadInput) as refused:
        import_ics(bever, ICS / "rdate-in-skipped-hour.ics", person="BEVER", **YEAR_2027)
    assert sentence(refused.value) == (
        "rdate-in-skipped-hour.ics: VEVENT rd1@example.invalid (Nachtronde): RDATE 2027-03-28 "
        "02:30:00 does not exist in Europe/Amsterdam (the clocks skip that hour that night); "
        "correct the event (a time that exists, or in UTC)."
    )
    assert snapshot(bever.path) == before


def test_three_whole_days_across_the_autumn_change_are_imported(bever: Store) -> None:
    """29–31 October 2027 is 73 real hours (the clocks go back) but three calendar days: an
    all-day event counts its days; four days are still too long."""
    result = import_ics(
        bever,
        ICS / "all-day-across-autumn-change.ics",
        person="BEVER",
        start=date(2027, 10, 1),
        end=date(2027, 11, 30),
    )
    assert [
        (a.title, local_iso(a.start_at), local_iso(a.end_at))
        for a in agenda.list_activities(bever, person="BEVER")
    ] == [("Congres", "2027-10-29T00:00:00+02:00", "2027-11-01T00:00:00+01:00")]
    assert any("Vierdaags" in w and "4 days" in w for w in worded(result.warnings))
