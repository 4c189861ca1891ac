"""An edit that changes nothing writes nothing (issue 14): no row, no audit event, no change
for sync; the store says so with a typed refusal, as the command line's other edits do (a role
given twice), so the console's saved-as-it-was form and a script get the same answer."""

from __future__ import annotations

from datetime import date

import pytest

from store import agenda, staff, subjects
from store.db import Store
from store.errors import BadInput
from tests.conftest import at, refused_as, snapshot
from words.errors import sentence


@pytest.fixture
def zitting(store: Store) -> agenda.Activity:
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
    return agenda.add_activity(
        store,
        person="DAS",
        title="Zitting",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"),
        location="Rechtbank",
    )


def test_an_activity_saved_as_it_was_writes_nothing(store: Store, zitting: agenda.Activity) -> None:
    before = snapshot(store.path)
    for unchanged in (
        {"title": "Zitting", "kind": "work"},  # the console's form, saved untouched
        {"title": " Zitting ", "location": "Rechtbank", "status": "planned"},
        {"start": zitting.start_at, "end": zitting.end_at},
    ):
        with pytest.raises(BadInput) as caught:
            agenda.edit_activity(store, zitting.id, **unchanged)  # type: ignore[arg-type]
        assert caught.value.code == "nothing_changed"
        assert sentence(caught.value) == "Nothing changed: 'Zitting' already has these values."
        assert snapshot(store.path) == before
    assert agenda.edit_activity(store, zitting.id, title="Zitting 2").title == "Zitting 2"


def test_a_qualification_given_again_as_it_is_writes_nothing(store: Store) -> None:
    staff.add_staff(store, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    staff.set_qualification(store, "RT-0001", "protective_driving", date(2027, 1, 31))
    before = snapshot(store.path)
    for code, until in (("close_protection", None), ("protective_driving", date(2027, 1, 31))):
        with refused_as(BadInput, r"^Nothing changed: RT-0001 holds"):
            staff.set_qualification(store, "RT-0001", code, until)
        assert snapshot(store.path) == before
