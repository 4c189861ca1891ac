"""Issue 13: a received decision that supersedes another is judged with the store's own check
(``workflows.supersede_decision_refusal``, as ``decisions.add_decision`` refuses): a record of
another subject (``supersede_other_subject``) or one superseded already by a decision made
before it (``decision_already_superseded``). Three really enrolled laptops: authority b writes
such decisions past its store with raw SQL, then the real signed export; a imports it with the
real command (exit 5, each quarantined, a's tables unchanged) and c with the store (the same
quarantine); b's honest superseding decision still applies, and of two laptops superseding one
record at once the first counts on every laptop."""

from __future__ import annotations

from pathlib import Path

from store import decisions, subjects
from store.clock import FixedClock, to_db
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import Laptop, exchange_all, held, make_team, raw_change_sets, user_tables

DECIDED = {"step": "decision", "rationale": "omdat", "document": "D-1", "authority": "mayor"}


def _team(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Laptop, dict[str, str]]:
    """Admin a, authorities b and c; KIEVIT and DAS (local) each with a decision; exchanged."""
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="authority")
    made = {}
    for code in ("KIEVIT", "DAS"):
        subjects.add_subject(a.store, code, kind="person", domain="local", unit="RT")
        made[code] = decisions.add_decision(a.store, person=code, **DECIDED).id
        made[f"{code}-subject"] = str(
            a.store.one("SELECT id FROM subject WHERE code = ?", (code,))[0]
        )
    exchange_all([a, b, c], tmp_path / "share")
    return a, b, c, made


def _superseding(n: int, subject: str, supersedes: str) -> str:
    return (
        "INSERT INTO decision (id, subject_id, step, rationale, authority, document, adopted_at,"
        f" adopted_by, device, tailored, supersedes) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d4{n:02d}', '{subject}', 'decision', 'omdat',"
        f" 'mayor', 'D-2', '{to_db(NOW)}', 'OPS-B', (SELECT value FROM meta WHERE"
        f" key = 'device_id'), NULL, '{supersedes}')"
    )


def test_decisions_superseding_what_the_store_refuses_are_quarantined_alike_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c, made = _team(tmp_path, clock)
    clock.advance(minutes=1)
    honest = decisions.add_decision(b.store, person="KIEVIT", supersedes=made["KIEVIT"], **DECIDED)
    clock.advance(minutes=1)
    raw_change_sets(
        b,
        _superseding(1, made["DAS-subject"], made["KIEVIT"]),  # another subject's record
        _superseding(2, made["KIEVIT-subject"], made["KIEVIT"]),  # superseded already
    )
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    before = user_tables(a.store)
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    after = user_tables(a.store)
    assert [r for r in after["decision"] if r not in before["decision"]] == [
        r for r in user_tables(b.store)["decision"] if r[0] == honest.id
    ]  # b's honest one applied, nothing else
    refused = {
        q.row_id[-2:]: (q.cause.params["error"], q.rule)
        for q in quarantined(a.store)
        if q.field == "" and q.cause.code == "row_refused"
    }
    assert refused == {
        "01": ("supersede_other_subject", "R6"),
        "02": ("decision_already_superseded", "R6"),
    }
    exchange.import_file(c.store, bundle)
    assert held(c) == held(a)
    assert user_tables(c.store) == user_tables(a.store)


def test_two_laptops_superseding_one_record_at_once_keep_the_first_alike(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c, made = _team(tmp_path, clock)
    clock.advance(minutes=1)
    first = decisions.add_decision(c.store, person="KIEVIT", supersedes=made["KIEVIT"], **DECIDED)
    clock.advance(minutes=1)
    later = decisions.add_decision(b.store, person="KIEVIT", supersedes=made["KIEVIT"], **DECIDED)
    from_b = exchange.export(b.store, out=tmp_path / "from-b.swb").path
    from_c = exchange.export(c.store, out=tmp_path / "from-c.swb").path
    exchange.import_file(a.store, from_b)
    exchange.import_file(a.store, from_c)
    exchange.import_file(b.store, from_c)
    exchange.import_file(c.store, from_b)
    for laptop in (a, b, c):
        assert [q.row_id for q in quarantined(laptop.store) if q.field == ""] == [later.id]
        assert decisions.get_decision(laptop.store, made["KIEVIT"]).superseded_by == first.id
    assert user_tables(a.store) == user_tables(b.store) == user_tables(c.store)
