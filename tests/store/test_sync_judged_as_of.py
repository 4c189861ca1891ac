"""A concept put on a cancelled activity below its person's required level is refused (R1: no
re-planning flag would show it). Whether the activity was cancelled, and which level was
required, are read as they stood when the concept was written, from the records held: a
cancellation or an assessment made earlier that arrives later judges the concept again, so
every laptop ends the same whatever order the bundles came in (issue 13, the convergence
property's example: three adds, a cancel on one laptop, a raw downgrade on another)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import agenda, subjects
from store.clock import FixedClock, parse_time
from store.db import Store
from store.sync import exchange
from tests.conftest import NOW
from tests.hostile import Hostile
from tests.sync_team import (
    Laptop,
    conflict_set,
    copied_laptops,
    exchange_all,
    make_team,
    user_tables,
)

HELD = "SELECT origin, seq, tbl, col, rule FROM sync_quarantine ORDER BY origin, seq"


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """Admin a, shift leaders b and c; BEVER at level 3 (W3) with an activity on CP-LIGHT."""
    root = Path(tempfile.mkdtemp(prefix="as-of-template-"))
    clock = FixedClock(NOW)
    laptops = make_team(root / "team", clock)
    admin = laptops[0].store
    subjects.add_subject(admin, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(admin, "BEVER", level=3)
    agenda.add_activity(
        admin,
        person="BEVER",
        title="Zitting",
        start=parse_time("2026-12-01 09:00", clock),
        end=parse_time("2026-12-01 12:00", clock),
        concept="CP-LIGHT",
    )
    exchange_all(laptops, root / "share")
    for laptop in laptops:
        laptop.store.close()
    yield root / "team"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def team(template: Path, tmp_path: Path) -> Iterator[list[Laptop]]:
    with copied_laptops(template, tmp_path / "team", "abc") as laptops:
        yield laptops


def _activity(store: Store) -> str:
    return str(store.one("SELECT id FROM activity")[0])


def _raw_concept(b: Hostile, concept: str) -> Path:
    """b writes a concept with raw SQL (its R1 trigger dropped) and sends it."""
    b.sql(
        "DROP TRIGGER IF EXISTS activity_r1_update",
        f"UPDATE activity SET concept = '{concept}' WHERE id = '{_activity(b.store)}'",
    )
    return b.export()


def _converged(a: Laptop, c: Laptop, folder: Path) -> None:
    exchange_all([a, c], folder)
    assert user_tables(c.store) == user_tables(a.store)
    assert conflict_set(c.store) == conflict_set(a.store)
    assert c.store.tuples(HELD) == a.store.tuples(HELD)
    assert [r[3:] for r in a.store.tuples(HELD)] == [("concept", "R1")]


def test_a_cancellation_that_arrives_after_a_later_concept_judges_it_again(
    team: list[Laptop], tmp_path: Path
) -> None:
    a, c = team[0], team[2]
    b = Hostile(team[1], tmp_path)
    agenda.restrict_activity(
        a.store, _activity(a.store), kind="cancelled", reason="capacity", authority="OvJ"
    )
    cancelled = exchange.export(a.store, out=tmp_path / "a.swb").path
    a.store.clock.advance(seconds=5)
    downgrade = _raw_concept(b, "CAM")  # made after the cancellation, not knowing it
    exchange.import_file(c.store, downgrade)  # c: planned then, the re-planning flag shows it
    assert c.store.one("SELECT concept FROM activity")[0] == "CAM"
    exchange.import_file(c.store, cancelled)  # now c knows it was cancelled before
    assert c.store.one("SELECT concept FROM activity")[0] == "CP-LIGHT"
    exchange.import_file(a.store, downgrade)  # a knew of the cancellation all along
    _converged(a, c, tmp_path / "share")


def test_an_assessment_that_arrives_after_a_later_concept_judges_it_again(
    team: list[Laptop], tmp_path: Path
) -> None:
    a, c = team[0], team[2]
    b = Hostile(team[1], tmp_path)
    agenda.restrict_activity(
        a.store, _activity(a.store), kind="cancelled", reason="capacity", authority="OvJ"
    )
    exchange_all(team, tmp_path / "first")
    a.store.clock.advance(seconds=5)
    subjects.assess_threat(a.store, "BEVER", level=4)  # W4 required from now on
    raised = exchange.export(a.store, out=tmp_path / "a.swb").path
    a.store.clock.advance(seconds=5)
    raised_concept = _raw_concept(b, "CP-HEAVY")  # W4: b does not know of level 4
    exchange.import_file(c.store, raised_concept)
    exchange.import_file(a.store, raised_concept)
    a.store.clock.advance(seconds=5)
    lowered = _raw_concept(b, "CP-LIGHT")
    exchange.import_file(c.store, lowered)  # c: W3 suffices, level 3 as far as it knows
    assert c.store.one("SELECT concept FROM activity")[0] == "CP-LIGHT"
    exchange.import_file(c.store, raised)  # the level 4 assessment was made before it
    assert c.store.one("SELECT concept FROM activity")[0] == "CP-HEAVY"
    exchange.import_file(a.store, lowered)
    _converged(a, c, tmp_path / "share")
