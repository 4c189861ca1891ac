"""An officer deployed on another unit's activity is away from their home unit while they
travel there and back, not only while deployed (issue 16, fourth review): gaps and capacity
counted them at home during the travel."""

from __future__ import annotations

from datetime import UTC, date, datetime

from store import agenda, capacity, gaps, roster, staff, staffing, subjects
from store.clock import local_text
from store.db import Store
from store.suggest import suggest
from tests.conftest import at


def d_at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def test_travel_to_and_from_another_unit_is_off_the_home_unit(store: Store) -> None:
    """R1 (Rotterdam, close protection) works 08:00–16:00 and is deployed on a The Hague
    activity 10:00–12:00; the catalogue gives 30 minutes between DH and RT. Rotterdam's own
    activity 09:00–13:00 needs one close protection officer: R1 covers it only until 09:30
    and again from 12:30."""
    subjects.add_subject(store, "KRAAI", kind="person", domain="local", unit="DH")
    subjects.assess_threat(store, "KRAAI", level=2)
    subjects.add_subject(store, "MEEUW", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEEUW", level=2)
    staff.add_staff(store, "R1", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        store, "R1", start=at(store, "2026-12-01 08:00"), end=at(store, "2026-12-01 16:00")
    )
    there = agenda.add_activity(
        store, person="KRAAI", title="Overleg", start=at(store, "2026-12-01 10:00"),
        end=at(store, "2026-12-01 12:00"), concept="ESCORT",
    )  # fmt: skip
    staffing.deploy(store, there.id, ["R1"])
    home = agenda.add_activity(
        store, person="MEEUW", title="Werkbezoek", start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 13:00"), concept="ESCORT",
    )  # fmt: skip
    day = (at(store, "2026-12-01 00:00"), at(store, "2026-12-02 00:00"))
    duties = gaps.load_duties(store, *day)
    assert [(d.unit, local_text(d_at(d.start)), local_text(d_at(d.end))) for d in duties] == [
        ("RT", "2026-12-01 08:00", "2026-12-01 09:30"),
        ("DH", "2026-12-01 10:00", "2026-12-01 12:00"),
        ("RT", "2026-12-01 12:30", "2026-12-01 16:00"),
    ]
    short = [
        (local_text(g.start), local_text(g.end, with_date=False), g.shortfall)
        for g in gaps.find_gaps(store, *day, unit="RT")
        if g.qualification == "close_protection"
    ]
    assert short == [("2026-12-01 09:30", "12:30", 1)]
    assert home.id in next(g for g in gaps.find_gaps(store, *day, unit="RT")).activities
    # capacity: R1's eight hours less the hour on the road (the two hours at DH count there)
    supply = {r.key: r.supply_hours for r in capacity.capacity_report(store, *day)}
    assert supply == {"DH": 2.0, "RT": 5.0}


def test_travel_to_an_activity_the_officer_is_not_at_cuts_no_time(store: Store) -> None:
    """Issue 16 (rev16c f4): R1 and R2 are deployed on Rotterdam's escort 09:00–11:00 and on
    The Hague's 14:00–16:00, which a restriction moves to 10:00–12:00. They are at the one
    that starts first (``bind``) until 11:00: the trip to The Hague (09:30–10:00) cuts nothing
    from Rotterdam's escort; they reach The Hague at 11:30 (rev16d r1: 30 minutes from
    Rotterdam) — ``gaps``, ``capacity``, ``suggest`` and what the activity still needs say the
    same: Rotterdam's covered, The Hague's short 10:00–11:30."""
    subjects.add_subject(store, "KRAAI", kind="person", domain="local", unit="DH")
    subjects.assess_threat(store, "KRAAI", level=2)
    subjects.add_subject(store, "MEEUW", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEEUW", level=2)
    both: list[tuple[str, date | None]] = [("close_protection", None), ("protective_driving", None)]
    for callsign in ("R1", "R2"):
        staff.add_staff(store, callsign, unit="RT", qualifications=both)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 19:00")
        )
    home = agenda.add_activity(
        store, person="MEEUW", title="Werkbezoek", start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"), concept="ESCORT",
    )  # fmt: skip
    there = agenda.add_activity(
        store, person="KRAAI", title="Overleg", start=at(store, "2026-12-01 14:00"),
        end=at(store, "2026-12-01 16:00"), concept="ESCORT",
    )  # fmt: skip
    staffing.deploy(store, home.id, ["R1", "R2"])
    staffing.deploy(store, there.id, ["R1", "R2"])
    agenda.restrict_activity(
        store, there.id, kind="moved", reason="capacity", authority="OvJ",
        new_start=at(store, "2026-12-01 10:00"), new_end=at(store, "2026-12-01 12:00"),
    )  # fmt: skip
    day = (at(store, "2026-12-01 00:00"), at(store, "2026-12-02 00:00"))
    duties = gaps.load_duties(store, *day)
    assert [
        (d.unit, local_text(d_at(d.start)), local_text(d_at(d.end)))
        for d in duties
        if d.officer == "R1"
    ] == [
        ("RT", "2026-12-01 07:00", "2026-12-01 11:00"),  # at Rotterdam's escort till 11:00
        ("DH", "2026-12-01 11:30", "2026-12-01 12:00"),  # 11:00–11:30 on the road to DH
        ("RT", "2026-12-01 12:30", "2026-12-01 19:00"),  # the trip back is on the road
    ]
    rows = {(g.unit, local_text(g.start), local_text(g.end)) for g in gaps.find_gaps(store, *day)}
    assert rows == {("DH", "2026-12-01 10:00", "2026-12-01 11:30")}
    assert staffing.staffing_shortfalls(store, home.id) == []
    assert {
        (local_text(s.start), local_text(s.end))
        for s in staffing.staffing_shortfalls(store, there.id)
    } == {("2026-12-01 10:00", "2026-12-01 11:30")}
    assert [o.action for o in suggest(store, home.id)] == ["none"]
    supply = {r.key: r.supply_hours for r in capacity.capacity_report(store, *day)}
    assert supply == {"DH": 1.0, "RT": 21.0}
