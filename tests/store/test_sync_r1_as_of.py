"""Issue 13 (review of phase 5), item 6: R1 for a concept put on a done activity is judged by
the level its person required when the change was made (the latest assessment by assessed_at at
the change's stamp, as R2 derives it), not by the receiving laptop's level now: a rise assessed
later on another laptop does not make one laptop refuse what another took in."""

from __future__ import annotations

from pathlib import Path

from store import agenda, subjects
from store.clock import FixedClock
from store.sync import exchange
from tests.conftest import at
from tests.sync_team import Laptop, exchange_all, make_team, user_tables


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> None:
    bundle = exchange.export(sender.store, out=folder / f"{sender.name}-{receiver.name}.swb")
    exchange.import_file(receiver.store, bundle.path)


def test_a_concept_on_a_done_activity_is_judged_by_the_level_then(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c = make_team(tmp_path / "team", clock)
    subjects.add_subject(a.store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(a.store, "DAS", level=2)
    visit = agenda.add_activity(  # ended an hour ago
        a.store,
        person="DAS",
        title="Werkbezoek",
        start=at(a.store, "2026-11-28 07:00"),
        end=at(a.store, "2026-11-28 09:00"),
        concept="CP-LIGHT",
    )
    agenda.edit_activity(a.store, visit.id, status="done")
    exchange_all([a, b, c], tmp_path / "share", rounds=2)
    clock.advance(minutes=30)
    agenda.assign_concept(b.store, visit.id, "ESCORT")  # enough for level 2 (W2)
    clock.advance(minutes=10)
    subjects.assess_threat(a.store, "DAS", level=3)  # later, on A: W3 from now on
    post = tmp_path / "post"
    post.mkdir()
    _send(a, c, post)  # C has the rise before B's concept arrives
    _send(b, c, post)
    _send(b, a, post)
    for laptop in (a, c):
        assert laptop.store.tuples("SELECT reason FROM sync_quarantine") == []
        row = laptop.store.one("SELECT concept FROM activity WHERE id = ?", (visit.id,))
        assert row is not None and row[0] == "ESCORT"
    exchange_all([a, b, c], tmp_path / "share", rounds=2)
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
