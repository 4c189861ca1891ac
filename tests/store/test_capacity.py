"""Capacity: exact hours across both clock changes, grouping, FTE, and scenarios against
hand-computed figures; a scenario writes nothing."""

from __future__ import annotations

import pytest

from store import agenda, capacity, roster, staff, subjects
from store.db import Store
from store.errors import BadInput, PermissionDenied
from tests.conftest import as_user, at, refused_as, snapshot


@pytest.fixture
def nights(store: Store) -> Store:
    """One officer on the two clock-change nights; a CP-LIGHT activity on each."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    staff.add_staff(
        store,
        "RT-0001",
        unit="RT",
        qualifications=[("close_protection", None), ("protective_driving", None)],
    )
    for first, second in (
        ("2026-10-24 22:00", "2026-10-25 07:00"),
        ("2027-03-27 22:00", "2027-03-28 07:00"),
    ):
        roster.add_shift(store, "RT-0001", start=at(store, first), end=at(store, second))
        agenda.add_activity(
            store,
            person="BEVER",
            title="Nacht",
            concept="CP-LIGHT",
            start=at(store, first),
            end=at(store, second),
        )
    return store


def test_hours_are_exact_across_both_clock_changes(nights: Store) -> None:
    october = capacity.capacity_report(
        nights, at(nights, "2026-10-24 12:00"), at(nights, "2026-10-25 12:00")
    )
    (rt,) = october
    # 22:00–07:00 over the October change is 10 hours; CP-LIGHT needs 3 officers
    assert (rt.key, rt.supply_hours, rt.demand_hours) == ("RT", 10.0, 30.0)
    # one officer covers one of three places: 2 short for 10 hours
    assert rt.shortfall_hours == 20.0 and rt.occupancy == 3.0
    (march,) = capacity.capacity_report(
        nights, at(nights, "2027-03-27 12:00"), at(nights, "2027-03-28 12:00")
    )
    assert (march.supply_hours, march.demand_hours, march.shortfall_hours) == (8.0, 24.0, 16.0)


def test_grouping_by_day_qualification_and_organisation(nights: Store) -> None:
    window = (at(nights, "2026-10-24 12:00"), at(nights, "2026-10-25 12:00"))
    days = {r.key: r for r in capacity.capacity_report(nights, *window, by="day")}
    assert (days["2026-10-24"].supply_hours, days["2026-10-25"].supply_hours) == (2.0, 8.0)
    quals = {r.key: r for r in capacity.capacity_report(nights, *window, by="qualification")}
    assert (quals["close_protection"].demand_hours, quals["protective_driving"].demand_hours) == (
        20.0,
        10.0,
    )
    assert quals["close_protection"].supply_hours == 10.0  # the officer holds both
    (politie,) = capacity.capacity_report(nights, *window, by="organisation")
    assert politie.key == "Politie"


def test_fte_uses_hours_per_fte_per_week(nights: Store) -> None:
    (row,) = capacity.capacity_report(
        nights, at(nights, "2026-10-19 00:00"), at(nights, "2026-10-26 00:00"), hours_per_fte=40
    )
    assert row.supply_hours == 10.0 and row.supply_fte == 0.25


def test_a_day_row_fte_is_over_its_own_day_in_any_window(nights: Store) -> None:
    """2027-03-28 (spring clock change, 23 hours): 00:00–07:00 is 6 real hours, 2 places short,
    12 officer-hours: 12 / (36 × 23/168) = 2.43 FTE, whether the window is that day, three
    days or two weeks (it read 2.33 or less before, issue 16 last review), and the same on the
    console's daily rows."""
    spring = "2027-03-28"
    found = set()
    for first, last in (("03-28", "03-29"), ("03-27", "03-30"), ("03-21", "04-04")):
        window = (at(nights, f"2027-{first} 00:00"), at(nights, f"2027-{last} 00:00"))
        days = {r.key: r for r in capacity.capacity_report(nights, *window, by="day")}
        found.add((days[spring].shortfall_hours, days[spring].shortfall_fte))
    assert found == {(12.0, round(12 / (36 * 23 / 168), 2))} == {(12.0, 2.43)}
    daily, _worst = capacity.week_overview(nights, at(nights, "2027-03-27 00:00"), 3)
    (row,) = [r for r in daily["RT"] if r.key == spring]
    assert (row.shortfall_hours, row.shortfall_fte, row.supply_fte) == (12.0, 2.43, 1.22)


def test_scenarios_against_hand_computed_figures_and_nothing_written(nights: Store) -> None:
    window = (at(nights, "2026-10-24 12:00"), at(nights, "2026-10-25 12:00"))
    before = snapshot(nights.path)
    (row,) = capacity.run_scenario(nights, [capacity.Change("add_officers", 2, "RT")], *window)
    # two added officers work 07:00–16:00 and 15:00–24:00 on the 24th (a Saturday: days on)
    # and cover nothing of the night, except the late shift's 22:00–24:00: 2 places × 2 h less
    assert (row.unit, row.baseline_shortfall_hours) == ("RT", 20.0)
    assert row.scenario_shortfall_hours == 18.0 and row.change_hours == -2.0
    lent = {
        r.unit: r
        for r in capacity.run_scenario(
            nights, [capacity.Change("lend", 1, "RT", to_unit="AM")], *window
        )
    }
    # AM is short of nothing, so lending RT-0001 would not help it: nobody is lent
    assert lent["RT"].scenario_shortfall_hours == 20.0 and lent["RT"].lent_out == ()
    assert snapshot(nights.path) == before


def test_adding_persons_uses_the_lightest_valid_concept(nights: Store) -> None:
    window = (at(nights, "2026-12-01 00:00"), at(nights, "2026-12-02 00:00"))
    (row,) = capacity.run_scenario(
        nights, [capacity.Change("add_persons", 1, "RT", level=4)], *window
    )
    # a W4 person gets CP-HEAVY (5 officers) for three 2-hour activities; nobody on duty
    assert row.scenario_shortfall_hours == 30.0


def test_scenario_refusals(nights: Store) -> None:
    window = (at(nights, "2026-10-24 12:00"), at(nights, "2026-10-25 12:00"))
    with refused_as(BadInput, "Unknown unit"):
        capacity.run_scenario(nights, [capacity.Change("add_officers", 1, "XX")], *window)
    with refused_as(BadInput, "needs their threat level"):
        capacity.run_scenario(nights, [capacity.Change("add_persons", 1, "RT")], *window)
    with refused_as(BadInput, "has only 1 officers"):
        capacity.run_scenario(nights, [capacity.Change("remove_officers", 3, "RT")], *window)
    staff.add_staff(nights, "RT-0002", unit="RT", role="operator")
    with refused_as(PermissionDenied, r"may run capacity scenarios; RT-0002 is operator"):
        capacity.run_scenario(
            as_user(nights, "RT-0002"), [capacity.Change("add_officers", 1, "RT")], *window
        )


def test_restrictions_per_unit_and_week(nights: Store) -> None:
    item = agenda.list_activities(nights)[1]  # March 2027: an activity that is over is not
    agenda.restrict_activity(nights, item.id, kind="cancelled", reason="capacity", authority="OvJ")
    rows = capacity.restriction_report(
        nights, at(nights, "2026-11-01 00:00"), at(nights, "2026-12-31 00:00")
    )
    assert rows == [
        {"unit": "RT", "week": "2026-W48", "capacity": 1, "threat": 0, "tbp_choice": 0, "total": 1}
    ]
