"""A calendar event's CLASS (issue 16, fresh review): an override of a private series that does
not repeat CLASS stays private, and a class this program does not know (an x-name) is private, as
RFC 5545 3.8.1.3 says; only PUBLIC or no CLASS at all is work."""

from __future__ import annotations

from store.db import Store
from store.ics import import_ics
from tests.store.test_ics_programs import ICS, MARCH, agenda_of, bever

__all__ = ["bever"]


def test_an_override_keeps_its_series_class_and_an_unknown_class_is_private(bever: Store) -> None:
    import_ics(bever, ICS / "private-class-inherited-and-unknown.ics", person="BEVER", **MARCH)
    assert [(title, start, kind) for title, start, _end, kind, _status in agenda_of(bever)] == [
        ("Prive", "2027-03-01T11:00:00+01:00", "private"),
        ("Verzet", "2027-03-02T15:00:00+01:00", "private"),  # override without CLASS
        ("Prive", "2027-03-03T11:00:00+01:00", "private"),
        ("conf", "2027-03-05T11:00:00+01:00", "private"),
        ("xclass", "2027-03-06T11:00:00+01:00", "private"),  # CLASS:X-OWNER-ONLY
    ]
