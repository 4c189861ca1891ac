"""A move is judged by whether the activity can be staffed at the new time (issue 16, rev16d
r4): RT-0001 and RT-0002 are lent to DH's B 11:00–13:00 (30 min travel back), RT's C
13:00–14:00 has nobody deployed. At 13:30 both are back and free: the move is "yes", names
them, and applying it deploys them in the same transaction. Without a free officer at the new
time it is never "yes"; a move is not offered when deploying covers the activity where it is;
a move that can no longer deploy its officers writes nothing."""

from __future__ import annotations

import pytest

from store import agenda, audit, roster, staff, staffing, subjects
from store.db import Store
from store.errors import PermissionDenied, RuleViolation
from store.gaps import find_gaps
from store.suggest import apply_option, apply_suggestion, suggest
from tests.conftest import as_user, at, refused_as, snapshot
from words.suggestions import describe

QUALIFIED = [("close_protection", None), ("protective_driving", None)]


def _lent_then_short(store: Store, shift: tuple[str, str]) -> str:
    """r3/r4: BEVER (RT) and VOS (DH); RT-0001/RT-0002 on ``shift`` and deployed on VOS's B
    11:00–13:00; BEVER's C 13:00–14:00 (ESCORT) with nobody deployed. Returns C's id."""
    for name, unit in (("BEVER", "RT"), ("VOS", "DH")):
        subjects.add_subject(store, name, kind="person", domain="local", unit=unit)
        subjects.assess_threat(store, name, level=2)
    for callsign in ("RT-0001", "RT-0002"):
        staff.add_staff(store, callsign, unit="RT", qualifications=QUALIFIED)
        roster.add_shift(store, callsign, start=at(store, shift[0]), end=at(store, shift[1]))
    b = agenda.add_activity(
        store,
        person="VOS",
        title="B",
        start=at(store, "2026-12-01 11:00"),
        end=at(store, "2026-12-01 13:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, b.id, ["RT-0001", "RT-0002"])
    return agenda.add_activity(
        store,
        person="BEVER",
        title="C",
        start=at(store, "2026-12-01 13:00"),
        end=at(store, "2026-12-01 14:00"),
        concept="ESCORT",
    ).id


@pytest.fixture
def c(store: Store) -> str:
    return _lent_then_short(store, ("2026-12-01 07:00", "2026-12-01 19:00"))


def test_a_move_to_when_the_lent_officers_are_back_is_yes_and_deploys_them(
    store: Store, c: str
) -> None:
    options = suggest(store, c)
    move = options[0]
    assert (move.action, move.verdict, move.fact) == ("move", "yes", None)
    assert (move.start, move.end) == (at(store, "2026-12-01 13:30"), at(store, "2026-12-01 14:30"))
    assert move.team == ("RT-0001", "RT-0002")
    assert describe(move.what).endswith("and deploy RT-0001, RT-0002")
    moved, activity = apply_suggestion(store, c, n=1, token=move.token, authority="OvJ")
    assert moved == move and activity.start_at == at(store, "2026-12-01 13:30")
    assert [d.callsign for d in roster.list_deployments(store, c)] == ["RT-0001", "RT-0002"]
    assert staffing.staffing_shortfalls(store, c) == []
    window = (at(store, "2026-12-01 00:00"), at(store, "2026-12-02 00:00"))
    assert find_gaps(store, *window) == []
    assert [o.action for o in suggest(store, c)] == ["none"]


def test_without_a_free_officer_at_any_new_time_no_move_is_yes(store: Store) -> None:
    """The contrast: on duty 10:30–14:00 only, they are nowhere free for C within four hours
    (13:30–14:30 runs past their shift; before 13:00 they are on B or travelling)."""
    c = _lent_then_short(store, ("2026-12-01 10:30", "2026-12-01 14:00"))
    moves = [o for o in suggest(store, c) if o.action == "move"]
    assert moves and not [o for o in moves if o.feasible or o.partial or o.team]


def test_no_move_when_deploying_covers_it_where_it_is(store: Store, c: str) -> None:
    """RT-0003 is free at 13:00–14:00 with both qualifications, and RT-0004 too: deploying
    them covers C in place, so no move (a cost to the protected person) is offered."""
    for callsign in ("RT-0003", "RT-0004"):
        staff.add_staff(store, callsign, unit="RT", qualifications=QUALIFIED)
        roster.add_shift(
            store,
            callsign,
            start=at(store, "2026-12-01 12:00"),
            end=at(store, "2026-12-01 15:00"),
        )
    assert not [o for o in suggest(store, c) if o.action == "move"]


def test_a_move_whose_officers_are_taken_meanwhile_writes_nothing(store: Store, c: str) -> None:
    (move,) = [o for o in suggest(store, c) if o.action == "move" and o.feasible]
    other = agenda.add_activity(
        store,
        person="VOS",
        title="D",
        start=at(store, "2026-12-01 14:00"),
        end=at(store, "2026-12-01 15:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, other.id, ["RT-0001", "RT-0002"])  # busy at 14:00 (and travelling)
    before = snapshot(store.path)
    with pytest.raises(RuleViolation):
        apply_option(store, c, move, authority="OvJ")  # the option as shown, now stale
    assert snapshot(store.path) == before
    assert agenda.get_activity(store, c).start_at == at(store, "2026-12-01 13:00")


def test_a_move_that_deploys_needs_staff_rights(store: Store, c: str) -> None:
    (move,) = [o for o in suggest(store, c) if o.action == "move" and o.feasible]
    staff.add_staff(store, "GZ-01", unit="RT", role="authority")  # may restrict, not deploy
    authority = as_user(store, "GZ-01")
    before = snapshot(store.path)
    with refused_as(PermissionDenied, r"."):
        apply_option(authority, c, move, authority="OvJ")
    assert snapshot(store.path) == before
    assert not audit.list_audit(store, action="suggest.apply")
