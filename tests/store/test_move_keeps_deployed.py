"""A suggested move keeps its deployed officers, and open slots count only officers on duty
(issue 16, fourth review): "Move to 10:00–12:00, feasible yes" left the officer deployed on it
off duty, and ``staffing_open`` counted deployed officers who were not on duty."""

from __future__ import annotations

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.suggest import apply_option, suggest
from tests.conftest import at
from words.deployments import phrase
from words.facts import reason


@pytest.fixture
def valk(store: Store) -> tuple[Store, str]:
    return _valk(store, "10:00")


def _valk(store: Store, dd_until: str) -> tuple[Store, str]:
    """VALK (W2) has Rit 08:00–10:00 with ESCORT (1 close protection + 1 driver). DD (close
    protection, on duty 06:00–10:00) is deployed; no driver is on duty before 10:00. FF (both)
    and GG (driver) are on duty 10:00–16:00: the unit covers Rit from 10:00 — without DD."""
    subjects.add_subject(store, "VALK", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "VALK", level=2)
    for callsign, quals, start, end in (
        ("DD", ["close_protection"], "06:00", dd_until),
        ("FF", ["close_protection", "protective_driving"], "10:00", "16:00"),
        ("GG", ["protective_driving"], "10:00", "16:00"),
    ):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(q, None) for q in quals])
        roster.add_shift(
            store,
            callsign,
            start=at(store, f"2026-12-01 {start}"),
            end=at(store, f"2026-12-01 {end}"),
        )
    item = agenda.add_activity(
        store,
        person="VALK",
        title="Rit",
        start=at(store, "2026-12-01 08:00"),
        end=at(store, "2026-12-01 10:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, item.id, ["DD"])
    return store, item.id


def test_a_move_that_the_deployed_officer_could_not_keep_is_not_feasible(
    valk: tuple[Store, str],
) -> None:
    store, activity_id = valk
    (move,) = [o for o in suggest(store, activity_id) if o.action == "move"]
    assert not move.feasible
    assert reason("", move.fact).startswith(
        "at 2026-12-01 10:00–12:00 the unit covers it, but DD (deployed) could not stay: DD is "
        "not on duty for the whole activity"
    )


def test_a_move_the_deployed_officer_keeps_deploys_a_free_driver(store: Store) -> None:
    """DD on duty until 13:00 could stay at 10:00, and the unit covers it then; DD alone
    leaves the driver's place open (plan10), and FF, free then, fills it: the move names FF
    and carrying it out fills every place (issue 16, rev16d r4)."""
    store, activity_id = _valk(store, "13:00")
    (move,) = [o for o in suggest(store, activity_id) if o.action == "move"]
    assert (move.feasible, move.team, move.start) == (True, ("FF",), at(store, "2026-12-01 10:00"))
    apply_option(store, activity_id, move, authority="OvJ")
    assert [d.callsign for d in roster.list_deployments(store, activity_id)] == ["DD", "FF"]
    assert staffing.staffing_shortfalls(store, activity_id) == []


def test_open_slots_count_only_deployed_officers_on_duty(valk: tuple[Store, str]) -> None:
    """Moved to 09:00–11:00 by a restriction, DD (on duty until 10:00) fills close protection
    only until 10:00; the driver's slot is open throughout."""
    store, activity_id = valk
    agenda.restrict_activity(
        store,
        activity_id,
        kind="moved",
        reason="tbp_choice",
        authority="BEVER",
        new_start=at(store, "2026-12-01 09:00"),
        new_end=at(store, "2026-12-01 11:00"),
    )
    assert [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, activity_id)
    ] == [
        # whole places: the driver's for all of it, close protection from 10:00 (plan13)
        "protective_driving: 1 slot open 2026-12-01 09:00–11:00",
        "close_protection: 1 slot open 2026-12-01 10:00–11:00 (DD not on duty)",
    ]
