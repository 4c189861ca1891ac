"""An officer placed at an activity he cannot reach in time counts there only from his
arrival (issue 16, rev16d r1/r2/r11): the end of where ``gaps.bind`` placed him before plus the
travel between the two places. Before that the activity is short by him — in ``gaps``,
``capacity``, ``suggest`` and what the activity still needs (``activity show``) alike — and he
counts for no unit while on the road, his own included (the trip back). With time enough to
travel, nothing changes."""

from __future__ import annotations

from datetime import date

import pytest

from store import agenda, capacity, gaps, roster, staff, staffing, subjects
from store.clock import local_text
from store.db import Store
from store.suggest import suggest
from tests.conftest import at
from words.deployments import phrase

BOTH: list[tuple[str, date | None]] = [("close_protection", None), ("protective_driving", None)]
DAY = ("2026-12-01 00:00", "2026-12-02 00:00")


def _two_places(store: Store, first: tuple[str, str, str], second: tuple[str, str, str]) -> str:
    """R1 and R2 of Rotterdam (both qualifications, on duty 07:00–19:00) deployed on the
    escort ``first`` (person, start, end) and on ``second`` 14:00–16:00, which a restriction
    then moves to (start, end); RT–DH is 30 minutes in the shipped catalogue. Returns the
    moved activity's id."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    subjects.add_subject(store, "VOS", kind="person", domain="local", unit="DH")
    subjects.assess_threat(store, "VOS", level=2)
    for callsign in ("R1", "R2"):
        staff.add_staff(store, callsign, unit="RT", qualifications=BOTH)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 19:00")
        )
    ids = []
    for person, start, end in (first, (second[0], "14:00", "16:00")):
        made = agenda.add_activity(
            store, person=person, title=person.title(), start=at(store, f"2026-12-01 {start}"),
            end=at(store, f"2026-12-01 {end}"), concept="ESCORT",
        )  # fmt: skip
        staffing.deploy(store, made.id, ["R1", "R2"])
        ids.append(made.id)
    moved = (at(store, f"2026-12-01 {second[1]}"), at(store, f"2026-12-01 {second[2]}"))
    agenda.restrict_activity(
        store, ids[1], kind="moved", reason="capacity", authority="OvJ",
        new_start=moved[0], new_end=moved[1],
    )  # fmt: skip
    return ids[1]


def lent_escort(store: Store, duty: tuple[str, str], moved: tuple[str, str]) -> str:
    """R1 and R2 of Rotterdam (both qualifications, on duty ``duty`` local times on
    2026-12-01) deployed on The Hague's escort 14:00–16:00, which a restriction then moves to
    ``moved``. Returns its id."""
    subjects.add_subject(store, "VOS", kind="person", domain="local", unit="DH")
    subjects.assess_threat(store, "VOS", level=2)
    for callsign in ("R1", "R2"):
        staff.add_staff(store, callsign, unit="RT", qualifications=BOTH)
        roster.add_shift(
            store, callsign, start=at(store, f"2026-12-01 {duty[0]}"),
            end=at(store, f"2026-12-01 {duty[1]}"),
        )  # fmt: skip
    made = agenda.add_activity(
        store, person="VOS", title="Vos", start=at(store, "2026-12-01 14:00"),
        end=at(store, "2026-12-01 16:00"), concept="ESCORT",
    )  # fmt: skip
    staffing.deploy(store, made.id, ["R1", "R2"])
    agenda.restrict_activity(
        store, made.id, kind="moved", reason="capacity", authority="OvJ",
        new_start=at(store, f"2026-12-01 {moved[0]}"), new_end=at(store, f"2026-12-01 {moved[1]}"),
    )  # fmt: skip
    return made.id


def _faces(store: Store, moved: str) -> dict[str, object]:
    """What each face says: the gap rows, the activity's open places, capacity per unit
    (supply, shortfall hours) and the first suggestion's action."""
    day = (at(store, DAY[0]), at(store, DAY[1]))
    return {
        "gaps": sorted(
            (g.unit, g.qualification, local_text(g.start), local_text(g.end, with_date=False))
            for g in gaps.find_gaps(store, *day)
            if moved in g.activities
        ),
        "open": sorted(
            (s.qualification, local_text(s.start), local_text(s.end, with_date=False))
            for s in staffing.staffing_shortfalls(store, moved)
        ),
        "capacity": {
            r.key: (r.supply_hours, r.shortfall_hours)
            for r in capacity.capacity_report(store, *day)
        },
        "suggest": suggest(store, moved)[0].action,
    }


def test_moved_too_close_after_the_one_before_is_short_until_they_arrive(store: Store) -> None:
    """rev16d r2: Rotterdam's escort 09:00–11:00, The Hague's moved to 11:00–13:00. They arrive
    11:30: The Hague's is short 11:00–11:30 everywhere, the open places name them on the way;
    deploy would refuse it, and the violations name the travel."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "11:00", "13:00"))
    faces = _faces(store, moved)
    half_hour = [
        ("DH", q, "2026-12-01 11:00", "11:30") for q in ("close_protection", "protective_driving")
    ]
    assert faces["gaps"] == half_hour
    assert faces["open"] == [(q, a, b) for _u, q, a, b in half_hour]
    # R1 and R2: 4 h at Rotterdam, 11:00–11:30 on the road, 1.5 h at DH, 13:00–13:30 back
    assert faces["capacity"] == {"DH": (3.0, 1.0), "RT": (19.0, 0.0)}
    assert faces["suggest"] != "none"
    (short, _other) = staffing.staffing_shortfalls(store, moved)
    assert short.travelling == ("R1", "R2") and short.elsewhere == () and short.off_duty == ()
    assert phrase(staffing.shortfall_problem(short)) == (
        "close_protection: 1 slot open 2026-12-01 11:00–11:30 "
        "(R1, R2 on the way from the deployment before then)"
    )
    day = (at(store, DAY[0]), at(store, DAY[1]))
    assert {
        (v["callsign"], v["problem"].code) for v in staffing.deployment_violations(store, *day)
    } == {("R1", "travel_from_previous"), ("R2", "travel_from_previous")}


def test_moved_onto_the_one_before_is_short_until_it_ends_and_they_arrive(store: Store) -> None:
    """rev16d r1: The Hague's moved to 10:00–12:00, over Rotterdam's 09:00–11:00: bound to
    Rotterdam's until 11:00 (it starts first), at The Hague from 11:30."""
    moved = _two_places(store, ("BEVER", "09:00", "11:00"), ("VOS", "10:00", "12:00"))
    faces = _faces(store, moved)
    assert faces["gaps"] == [
        ("DH", q, "2026-12-01 10:00", "11:30") for q in ("close_protection", "protective_driving")
    ]
    assert faces["open"] == [
        (q, "2026-12-01 10:00", "11:30") for q in ("close_protection", "protective_driving")
    ]
    (short, _other) = staffing.staffing_shortfalls(store, moved)
    assert (short.elsewhere, short.travelling) == (("R1", "R2"), ("R1", "R2"))


def test_the_trip_back_into_their_own_unit_leaves_it_short(store: Store) -> None:
    """rev16d r11: The Hague's escort 09:00–11:00, then Rotterdam's own moved to 11:00–13:00:
    they are back at 11:30, and count at Rotterdam's (their own unit) only from then."""
    moved = _two_places(store, ("VOS", "09:00", "11:00"), ("BEVER", "11:00", "13:00"))
    faces = _faces(store, moved)
    half_hour = [
        ("RT", q, "2026-12-01 11:00", "11:30") for q in ("close_protection", "protective_driving")
    ]
    assert faces["gaps"] == half_hour
    assert faces["open"] == [(q, a, b) for _u, q, a, b in half_hour]
    # 07:00–08:30 at home, 08:30–09:00 on the road, 2 h at DH, 11:00–11:30 on the road
    assert faces["capacity"] == {"DH": (4.0, 0.0), "RT": (18.0, 1.0)}
    assert faces["suggest"] != "none"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("BEVER", "09:00", "11:00"), ("VOS", "11:30", "13:30")),
        (("VOS", "09:00", "11:00"), ("BEVER", "11:30", "13:30")),
    ],
    ids=["to-DH", "back-to-RT"],
)
def test_time_enough_to_travel_leaves_nothing_open(
    store: Store, first: tuple[str, str, str], second: tuple[str, str, str]
) -> None:
    """The contrast: 30 minutes between the two, the catalogue's travel: covered everywhere."""
    moved = _two_places(store, first, second)
    faces = _faces(store, moved)
    assert (faces["gaps"], faces["open"], faces["suggest"]) == ([], [], "none")
    assert all(short == 0.0 for _supply, short in faces["capacity"].values())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("on_duty", "short"), [("10:00", True), ("09:30", False)])
def test_moved_to_the_start_of_their_shift_is_short_until_they_arrive(
    store: Store, on_duty: str, short: bool
) -> None:
    """Where he was before may be his own unit when his duty began: R1 and R2 of Rotterdam,
    on duty from 10:00, deployed on The Hague's 14:00–16:00, moved to 10:00–12:00, arrive at
    10:30 — short until then, as ``deploy`` would refuse them; on duty from 09:30 they are
    there in time."""
    made_id = lent_escort(store, (on_duty, "19:00"), ("10:00", "12:00"))
    faces = _faces(store, made_id)
    if not short:
        assert (faces["gaps"], faces["open"], faces["suggest"]) == ([], [], "none")
        return
    quals = ("close_protection", "protective_driving")
    assert faces["gaps"] == [("DH", q, "2026-12-01 10:00", "10:30") for q in quals]
    assert faces["open"] == [(q, "2026-12-01 10:00", "10:30") for q in quals]
    assert faces["capacity"] == {"DH": (3.0, 1.0), "RT": (13.0, 0.0)}
    assert faces["suggest"] != "none"
    shorts = staffing.staffing_shortfalls(store, made_id)
    assert {(s.travelling, s.arriving) for s in shorts} == {((), (("R1", "RT"), ("R2", "RT")))}
    assert phrase(staffing.shortfall_problem(shorts[0])) == (  # rev16e f5: from their unit
        "close_protection: 1 slot open 2026-12-01 10:00–10:30 (R1, R2 on the way from RT)"
    )
