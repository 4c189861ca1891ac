"""A concept put on an activity must fit the officers deployed on it as a group, as the store
refuses one (``roster.check_concept_fits``, ``concept_misfits_deployed``): the judge weighs a
received concept against the group deployed when it was written (the deployments made before
it), and weighs it again when one of them arrives later, so every laptop ends alike whatever
came first (issue 13; fix13c item 4: the check was a known gap, ``GAPS``)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from store import agenda, roster, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.sync_team import (
    Laptop,
    exchange_all,
    held,
    make_team,
    raw_change_sets,
    user_tables,
    without_segments_of,
)

START = NOW + timedelta(days=3)


def test_a_concept_the_deployed_group_does_not_fit_is_quarantined_in_any_order(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=2)
    act = agenda.add_activity(
        a.store,
        person="KIEVIT",
        title="zitting",
        start=START,
        end=START + timedelta(hours=2),
        location="R",
        concept="CP-LIGHT",
    ).id
    for callsign in ("RT-0080", "RT-0081"):
        staff.add_staff(a.store, callsign, unit="RT", qualifications=[("close_protection", None)])
        roster.add_shift(
            a.store, callsign, start=START - timedelta(hours=1), end=START + timedelta(hours=7)
        )
    exchange_all([a, b, c], tmp_path / "share")
    clock.advance(minutes=1)
    roster.deploy(b.store, act, ["RT-0080", "RT-0081"])  # two close protection officers
    exchange.import_file(c.store, exchange.export(b.store, out=tmp_path / "b1.swb").path)
    clock.advance(minutes=1)
    # ESCORT has one close protection slot: the store refuses it while both are deployed
    raw_change_sets(c, f"UPDATE activity SET concept = 'ESCORT' WHERE id = '{act}'")
    from_b = exchange.export(b.store, out=tmp_path / "b.swb").path
    with without_segments_of(b.id):  # the transport lost b's file: c's change comes first
        from_c = exchange.export(c.store, out=tmp_path / "c.swb").path
    a.store.close()
    laptops = []
    for order in ((from_b, from_c), (from_c, from_b)):
        folder = tmp_path / f"a-{len(laptops)}"
        shutil.copytree(tmp_path / "team" / "laptop-a", folder)
        laptop = Laptop("a", Store(folder / "schildwacht.db", clock=clock))
        for bundle in order:
            exchange.import_file(laptop.store, bundle)
        laptops.append(laptop)
    exchange.import_file(b.store, from_c)
    laptops.append(b)
    for laptop in laptops:
        assert laptop.store.tuples("SELECT concept FROM activity") == [("CP-LIGHT",)]
        assert laptop.store.tuples("SELECT count(*) FROM deployment") == [(2,)]
        assert user_tables(laptop.store) == user_tables(laptops[0].store)
        assert held(laptop) == held(laptops[0])
    assert any("concept_misfits_deployed" in row[5] for row in held(laptops[0])), held(b)


def test_a_concept_the_group_fits_is_applied(tmp_path: Path, clock: FixedClock) -> None:
    a, b, _c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    subjects.add_subject(a.store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "KIEVIT", level=2)
    act = agenda.add_activity(
        a.store,
        person="KIEVIT",
        title="zitting",
        start=START,
        end=START + timedelta(hours=2),
        location="R",
        concept="CP-LIGHT",
    ).id
    staff.add_staff(a.store, "RT-0080", unit="RT", qualifications=[("close_protection", None)])
    roster.add_shift(
        a.store, "RT-0080", start=START - timedelta(hours=1), end=START + timedelta(hours=7)
    )
    roster.deploy(a.store, act, ["RT-0080"])
    exchange_all([a, b], tmp_path / "share")
    clock.advance(minutes=1)
    agenda.assign_concept(b.store, act, "ESCORT")  # one close protection officer: fits
    exchange.import_file(a.store, exchange.export(b.store, out=tmp_path / "b.swb").path)
    assert held(a) == []
    assert a.store.tuples("SELECT concept FROM activity") == [("ESCORT",)]
