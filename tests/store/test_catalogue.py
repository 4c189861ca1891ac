"""The reference catalogue: exact FTE, a deterministic threat → level → package rule (R2)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from store import catalogue
from store.db import Store
from store.errors import BadInput


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
    with pytest.raises(BadInput, match="Threat level 9 does not exist"):
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
    with pytest.raises(BadInput, match=r"lists CAM, which provides only W1 \(rule R1\)"):
        catalogue.load_catalogue(path)
