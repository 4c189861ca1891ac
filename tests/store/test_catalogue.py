"""The reference catalogue: exact FTE, a deterministic threat → level → package rule (R2)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from store import agenda, capacity, catalogue, migrations, roster, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput
from store.setup import init_database
from store.suggest import suggest
from tests.conftest import TEST_SECRET, at, refused_as

CP = [("close_protection", None), ("protective_driving", None)]


def test_reinforcements_are_the_letters_table_exactly(store: Store) -> None:
    rows = catalogue.list_reinforcements(store)
    assert len(rows) == 8
    assert [r.fte for r in rows] == [
        Decimal(x) for x in ("120", "27", "27", "96", "33", "3", "77.8", "95")
    ]
    assert catalogue.reinforcement_totals(store) == {
        "KMar": Decimal("131"),
        "Politie": Decimal("347.8"),
        "total": Decimal("478.8"),
    }
    assert store.one("SELECT typeof(fte_tenths) FROM reinforcement")[0] == "integer"  # type: ignore[index]


def test_units_are_the_ten_regions_plus_dkdb_and_kmar(store: Store) -> None:
    units = catalogue.list_units(store)
    assert len(units) == 12
    assert {u.organisation for u in units} == {"Politie", "KMar"}
    assert {"DKDB", "KMAR-HRB"} <= {u.code for u in units}


def test_threat_rule_is_deterministic_and_total(store: Store) -> None:
    mapping = {level: catalogue.derive(store, level) for level in range(1, 6)}
    assert [(r.resistance_level, r.package) for r in mapping.values()] == [
        ("W1", "PKG-W1"),
        ("W2", "PKG-W2"),
        ("W3", "PKG-W3"),
        ("W4", "PKG-W4"),
        ("W4", "PKG-W4-PLUS"),
    ]
    assert catalogue.derive(store, 3) == catalogue.derive(store, 3)
    with refused_as(BadInput, "Threat level 9 does not exist"):
        catalogue.derive(store, 9)


def test_every_package_concept_meets_the_package_level(store: Store) -> None:
    ranks = {lv.code: lv.rank for lv in catalogue.list_levels(store)}
    concepts = {c.code: c for c in catalogue.list_concepts(store)}
    for package in catalogue.list_packages(store):
        for code in package.concepts:
            assert ranks[concepts[code].level] >= ranks[package.level]
    assert sum(c.pilot for c in concepts.values()) == 1
    assert len(concepts) >= 6
    assert all(c.staffing for c in concepts.values())


def test_a_catalogue_that_breaks_r1_is_refused(tmp_path: Path) -> None:
    text = catalogue.SHIPPED.read_text("utf-8")
    broken = text.replace('concepts = ["CP-HEAVY", "OBJ-HRB"]', 'concepts = ["CP-HEAVY", "CAM"]', 1)
    path = tmp_path / "broken.toml"
    path.write_text(broken)
    with refused_as(BadInput, r"lists CAM, which provides only W1 \(rule R1\)"):
        catalogue.load_catalogue(path)


# The catalogue's marks: what code once knew by a catalogue code (issue 15 item 9) ------------


def _store_with(tmp_path: Path, clock: FixedClock, text: str) -> Store:
    """A fresh database seeded from a catalogue file with ``text`` (operator OPS-01 in RT)."""
    path = tmp_path / "other.toml"
    path.write_text(text, "utf-8")
    return init_database(
        tmp_path / "other.db",
        callsign="OPS-01",
        role="shift_leader",
        unit="RT",
        catalogue=path,
        clock=clock,
        secret=TEST_SECRET,
    )


def test_the_shipped_catalogue_marks_typical_qualifications_and_national_units(
    store: Store,
) -> None:
    assert {q.code for q in catalogue.list_qualifications(store) if q.typical} == {
        "close_protection",
        "protective_driving",
    }
    assert {u.code for u in catalogue.list_units(store) if u.national} == {"DKDB", "KMAR-HRB"}
    assert (
        catalogue.get_unit(store, "dkdb").national and not catalogue.get_unit(store, "RT").national
    )


def test_a_mark_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    text = catalogue.SHIPPED.read_text("utf-8").replace(
        "national = true\n", 'national = "yes"\n', 1
    )
    path = tmp_path / "marks.toml"
    path.write_text(text, "utf-8")
    with refused_as(BadInput, r"units\[11\]\.national must be true or false"):
        catalogue.load_catalogue(path)


def test_a_database_from_before_the_marks_gets_the_shipped_ones(tmp_path: Path) -> None:
    path = tmp_path / "v13.db"
    conn = sqlite3.connect(path)
    for version, _name, sql in migrations.MIGRATIONS:
        if version <= 13:
            conn.executescript(sql)
    conn.executemany(
        "INSERT INTO unit (code, name, organisation) VALUES (?, ?, ?)",
        [("RT", "Rotterdam", "Politie"), ("DKDB", "DKDB", "Politie")],
    )
    conn.executemany(
        "INSERT INTO qualification (code, name) VALUES (?, ?)",
        [("close_protection", "CP"), ("hrb", "HRB")],
    )
    conn.execute("PRAGMA user_version = 13")
    conn.commit()
    conn.close()
    opened = Store(path)
    assert [u.code for u in catalogue.list_units(opened) if u.national] == ["DKDB"]
    assert [q.code for q in catalogue.list_qualifications(opened) if q.typical] == [
        "close_protection"
    ]
    opened.close()


def test_an_added_officer_holds_the_catalogues_typical_qualifications(
    store: Store, tmp_path: Path, clock: FixedClock
) -> None:
    """Officers added to a unit short of nothing hold the typical qualifications: with the
    shipped catalogue they staff the added person's CP-LIGHT; with a catalogue that marks only
    HRB typical they staff nothing, so the scenario is as short as the person alone."""
    text = catalogue.SHIPPED.read_text("utf-8").replace("typical = true\n", "")
    text = text.replace('code = "hrb"\n', 'code = "hrb"\ntypical = true\n', 1)
    other = _store_with(tmp_path, clock, text)
    window = (at(store, "2026-12-01 00:00"), at(store, "2026-12-02 00:00"))
    person = capacity.Change("add_persons", 1, "RT", level=3)
    officers = capacity.Change("add_officers", 2, "RT")
    for opened, helped in ((store, True), (other, False)):
        (alone,) = capacity.run_scenario(opened, [person], *window)
        (both,) = capacity.run_scenario(opened, [officers, person], *window)
        assert alone.scenario_shortfall_hours > 0
        assert (both.scenario_shortfall_hours < alone.scenario_shortfall_hours) is helped
    other.close()


def test_officers_of_national_units_are_suggested_after_regional_ones(
    store: Store, tmp_path: Path, clock: FixedClock
) -> None:
    """A DKDB and a ZWB officer could both drive for BEVER: ZWB (regional) is offered first;
    with a catalogue that marks no unit national, the order is by unit code (DKDB first)."""
    unmarked = catalogue.SHIPPED.read_text("utf-8").replace("national = true\n", "")
    other = _store_with(tmp_path, clock, unmarked)
    for opened, expected in (
        (store, ["ZWB-0001", "DKDB-0001"]),
        (other, ["DKDB-0001", "ZWB-0001"]),
    ):
        subjects.add_subject(opened, "BEVER", kind="person", domain="local", unit="RT")
        subjects.assess_threat(opened, "BEVER", level=3)
        item = agenda.add_activity(
            opened,
            person="BEVER",
            title="Werkbezoek",
            start=at(opened, "2026-12-01 12:00"),
            end=at(opened, "2026-12-01 13:00"),
            concept="CP-LIGHT",
        )
        for callsign, unit in (
            ("RT-0001", "RT"),
            ("RT-0002", "RT"),
            ("DKDB-0001", "DKDB"),
            ("ZWB-0001", "ZWB"),
        ):
            quals = [("close_protection", None)] if unit == "RT" else CP
            staff.add_staff(opened, callsign, unit=unit, qualifications=quals)
            roster.add_shift(
                opened,
                callsign,
                start=at(opened, "2026-12-01 06:00"),
                end=at(opened, "2026-12-01 18:00"),
            )
        deploys = [o.callsign for o in suggest(opened, item.id) if o.what["code"] == "lend"]
        assert deploys == expected
    other.close()
