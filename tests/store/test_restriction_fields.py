"""A restriction is given exactly what its kind changes (issue 16, fourth review): a "moved"
that only made the activity longer (2 h → 71 h) was accepted, and ``relocated`` with a new
start silently ignored the start."""

from __future__ import annotations

import pytest

from store import agenda, subjects
from store.db import Store
from store.errors import BadInput
from tests.conftest import at, snapshot
from words.errors import sentence


@pytest.fixture
def visit(store: Store) -> agenda.Activity:
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "DAS", level=3)
    return agenda.add_activity(
        store, person="DAS", title="Bezoek", start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"), location="Haven",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "start", "end", "location", "code"),
    [
        ("moved", "2026-12-01 09:00", "2026-12-04 08:00", None, "move_keeps_start"),
        ("relocated", "2026-12-02 09:00", None, "Stadhuis", "restriction_unused_field"),
        ("cancelled", None, "2026-12-01 10:00", None, "restriction_unused_field"),
        ("shortened", None, "2026-12-01 10:00", "Stadhuis", "restriction_unused_field"),
        ("moved", "2026-12-02 09:00", None, "Stadhuis", "restriction_unused_field"),
    ],
)
def test_what_a_restriction_kind_does_not_change_is_refused(
    store: Store,
    visit: agenda.Activity,
    kind: str,
    start: str | None,
    end: str | None,
    location: str | None,
    code: str,
) -> None:
    before = snapshot(store.path)
    with pytest.raises(BadInput) as refused:
        agenda.restrict_activity(
            store, visit.id, kind=kind, reason="capacity", authority="OvJ",
            new_start=at(store, start) if start else None,
            new_end=at(store, end) if end else None, new_location=location,
        )  # fmt: skip
    assert refused.value.code == code
    assert snapshot(store.path) == before


def test_the_refusal_names_what_the_kind_changes(store: Store, visit: agenda.Activity) -> None:
    with pytest.raises(BadInput) as refused:
        agenda.restrict_activity(
            store, visit.id, kind="relocated", reason="capacity", authority="OvJ",
            new_start=at(store, "2026-12-02 09:00"), new_location="Stadhuis",
        )  # fmt: skip
    assert sentence(refused.value) == (
        "A restriction of kind relocated does not take a new start; it changes location."
    )
