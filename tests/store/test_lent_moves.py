"""Issue 16 (rev16e): a move of an activity staffed by officers lent from another unit is
judged with those officers at the new time (on duty, qualified, travel), not only the
receiving unit's pool; and an officer lent out leaves in time to be home by his shift's end,
the same rule at both ends of his duty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store import agenda, roster, staffing
from store.db import Store
from store.roster import Problem
from store.suggest import suggest
from tests.conftest import at
from tests.store.test_travel_arrival import _faces, _two_places, lent_escort
from words.deployments import phrase


def test_move_out_of_the_travel_is_offered_with_the_lent_officers(store: Store) -> None:
    """rev16e f1/s2: The Hague's escort, staffed by R1 and R2 of Rotterdam, moved to
    11:00–13:00 right after their 09:00–11:00 escort at Rotterdam: they arrive 11:30. Moving it
    to 11:30–13:30 covers it with them; the option deploys nobody else."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "11:00", "13:00"))
    (move,) = [o for o in suggest(store, moved) if o.action == "move"]
    assert move.feasible
    assert (move.start, move.end) == (
        at(store, "2026-12-01 11:30"),
        at(store, "2026-12-01 13:30"),
    )
    assert move.team == ()


def test_the_trip_home_at_the_end_of_the_shift_leaves_it_short(store: Store) -> None:
    """rev16e f3/s9: R1 and R2 of Rotterdam (on duty until 19:00) on The Hague's escort, moved
    to 17:00–19:00: to be home by 19:00 they leave at 18:30, so it is short 18:30–19:00 in
    every face, as ``deploy`` and the violations say (rule: travel) — the same rule as at the
    start of their shift."""
    made = lent_escort(store, ("07:00", "19:00"), ("17:00", "19:00"))
    faces = _faces(store, made)
    quals = ("close_protection", "protective_driving")
    assert faces["gaps"] == [("DH", q, "2026-12-01 18:30", "19:00") for q in quals]
    assert faces["open"] == [(q, "2026-12-01 18:30", "19:00") for q in quals]
    # R1, R2: 07:00–16:30 at home, 16:30–17:00 on the road, 1.5 h at DH, 18:30–19:00 home
    assert faces["capacity"] == {"DH": (3.0, 1.0), "RT": (19.0, 0.0)}
    assert faces["suggest"] == "move"
    (short, _other) = staffing.staffing_shortfalls(store, made)
    assert short.leaving == ("R1", "R2") and short.off_duty == ()
    assert phrase(staffing.shortfall_problem(short)) == (
        "close_protection: 1 slot open 2026-12-01 18:30–19:00 "
        "(R1, R2 on the way home to be back by the end of their shift)"
    )


def test_travel_times_in_the_repeated_autumn_hour_carry_their_offset() -> None:
    """rev16e f2: in the night the clocks go back, 02:45 and 02:10 each happen twice; the
    travel problems say which (the offset, as ``told_apart``), elsewhere the bare time."""
    ends = datetime(2027, 10, 31, 0, 45, tzinfo=UTC)  # 02:45+02:00
    by = datetime(2027, 10, 31, 1, 10, tzinfo=UTC)  # 02:10+01:00, the second 02:10
    params = {"callsign": "R1", "minutes": 30, "from": "RT", "to": "DH", "ends": ends, "by": by}
    assert phrase(Problem("travel_from_previous", "travel", params)) == (
        "R1 needs 30 min travel from the previous deployment at RT ending 02:45+02:00 to DH "
        "by 02:10+01:00 (rule: travel)"
    )
    plain = {**params, "ends": ends + timedelta(days=1), "by": by + timedelta(days=1)}
    assert "ending 01:45 to DH by 02:10 (rule" in phrase(
        Problem("travel_from_previous", "travel", plain)
    )


def test_double_booked_and_on_the_way_give_one_bracket(store: Store) -> None:
    """rev16e f5/s11: moved onto the one before, they are bound elsewhere and then on the
    way: one bracket gives both reasons for the span."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "10:00", "12:00"))
    (short, _other) = staffing.staffing_shortfalls(store, moved)
    assert phrase(staffing.shortfall_problem(short)) == (
        "close_protection: 1 slot open 2026-12-01 10:00–11:30 (R1, R2 deployed elsewhere then; "
        "R1, R2 on the way from the deployment before then)"
    )


def test_violations_name_the_double_booking_as_the_move_warned(store: Store) -> None:
    """rev16e f5: the violations list a double-booking as the restriction's warning does —
    the time the two overlap (10:00–11:00), not the other activity's whole time."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "10:00", "12:00"))
    rows = staffing.deployment_violations(
        store, at(store, "2026-12-01 00:00"), at(store, "2026-12-02 00:00")
    )
    warned = roster.double_bookings(store, [moved])
    assert [r["problem"] for r in rows if r["activity"] == moved] == warned
    assert {(p.code, p.params["start"], p.params["end"]) for p in warned} == {
        ("double_booked", at(store, "2026-12-01 10:00"), at(store, "2026-12-01 11:00"))
    }


def test_a_move_that_leaves_travel_too_tight_is_said_as_a_double_booking_is(
    store: Store,
) -> None:
    """rev16e f5: a restriction moving The Hague's escort to 10:00–12:00, when R1 and R2 of
    Rotterdam start their duty at 07:00 — fine; to 07:00, no time to travel: the move is not
    refused (R5) but says so, as ``deploy`` and the violations do."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "11:30", "13:30"))
    assert roster.move_problems(store, [moved]) == []
    agenda.restrict_activity(
        store, moved, kind="moved", reason="capacity", authority="OvJ",
        new_start=at(store, "2026-12-01 07:00"), new_end=at(store, "2026-12-01 09:00"),
    )  # fmt: skip
    assert [(p.code, p.params["callsign"]) for p in roster.move_problems(store, [moved])] == [
        ("travel_from_unit", "R1"),
        ("travel_from_unit", "R2"),
    ]
