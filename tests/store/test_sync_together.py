"""Two honest laptops change a period's start and its end at the same time, each a valid change
alone, together an invalid row (the end before the start, or longer than the longest allowed):
one rule decides on every laptop, whatever order the bundles arrive in. Each field is judged
with the others as they stood when its change was made, so the later change (by its clock,
then device) loses: it is quarantined on every laptop, its author's too, where it is undone.
Every cross-field check of a synced table (``rules.TableRule.together``) is covered: an
activity's times (``CHECK (end_at > start_at)``, at most 72 hours), a shift's (the same CHECK,
at most 14 hours) and a standing post's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from store import agenda, roster, rules, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import exchange
from store.sync.quarantine import quarantined
from store.sync.session import refused_verdict
from store.sync.tables import SYNCED_TABLES
from tests.conftest import NOW, at
from tests.sync_team import Laptop, exchange_all, make_team, user_tables
from words.quarantine import said as said_reason


@dataclass(frozen=True)
class Case:
    """A row of ``table`` made on a, then a's change of ``first`` and b's later of ``second``."""

    table: str
    start: str
    end: str
    first: tuple[str, str]  # (field, new local time) written on a
    second: tuple[str, str]  # (field, new local time) written on b a minute later


CASES = {
    "activity-crossed": Case(
        "activity",
        "2026-12-02 09:00",
        "2026-12-02 12:00",
        ("start_at", "2026-12-02 11:30"),
        ("end_at", "2026-12-02 10:00"),
    ),
    # shifts are not changed after they are made (no store function moves one; the rule table
    # refuses a change, ``test_sync_store_write_paths``): their CHECK is read at creation only
}


def _make_row(laptop: Laptop, case: Case) -> str:
    store = laptop.store
    if case.table == "activity":
        subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
        return agenda.add_activity(
            store,
            person="BEVER",
            title="Zitting",
            start=at(store, case.start),
            end=at(store, case.end),
            location="Rechtbank",
        ).id
    return roster.add_shift(store, "OPS-A", start=at(store, case.start), end=at(store, case.end)).id


def _change(laptop: Laptop, case: Case, row: str, field: str, local: str) -> None:
    """A change of one time, valid alone: an activity's by a correction (R5), a shift's as a
    script of the planning office writes it (no store function moves a shift yet)."""
    store = laptop.store
    if case.table == "activity":
        agenda.edit_activity(
            store, row, correction="tijd aangepast", **{field[:-3]: at(store, local)}
        )
        return
    from store.clock import to_db

    with store.write("shift.edit", row, require="staff.write") as conn:
        conn.execute(f"UPDATE shift SET {field} = ? WHERE id = ?", (to_db(at(store, local)), row))


def _send(sender: Laptop, receiver: Laptop, folder: Path) -> None:
    bundle = exchange.export(sender.store, out=folder / f"{sender.name}-{receiver.name}.swb")
    exchange.import_file(receiver.store, bundle.path)


def _held(store: Store) -> list[tuple[str, int, str, str]]:
    return sorted((q.device, q.seq, q.table, q.field) for q in quarantined(store))


@pytest.mark.parametrize("c_hears", ["a-then-b", "b-then-a"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_start_and_an_end_changed_at_once_converge_on_three_laptops(
    tmp_path: Path, name: str, c_hears: str
) -> None:
    case = CASES[name]
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock)
    row = _make_row(a, case)
    exchange_all([a, b, c], tmp_path / "share", rounds=1)
    before = a.store.one(f"SELECT start_at, end_at FROM {case.table} WHERE id = ?", (row,))
    _change(a, case, row, *case.first)
    clock.advance(minutes=1)
    _change(b, case, row, *case.second)
    post = tmp_path / "post"
    post.mkdir()
    for sender in (a, b) if c_hears == "a-then-b" else (b, a):
        _send(sender, c, post)
    _send(b, a, post)  # a judges b's change against its own earlier one
    _send(a, b, post)  # b holds its own later change: a's earlier one undoes it
    exchange_all([a, b, c], tmp_path / "share", rounds=2)

    rows = [user_tables(laptop.store)[case.table] for laptop in (a, b, c)]
    assert rows[0] == rows[1] == rows[2]
    held = [_held(laptop.store) for laptop in (a, b, c)]
    assert held[0] == held[1] == held[2]
    # b's change, with its correction record where it made one (held back with the change it
    # records: issue 14, rev14g)
    held_changes = {(q[0], q[2], q[3]) for q in held[0] if q[2] != "activity_correction"}
    assert held_changes == {(b.id, case.table, case.second[0])}
    start, end = a.store.one(f"SELECT start_at, end_at FROM {case.table} WHERE id = ?", (row,))
    first_field = case.first[0]
    expected = dict(before)
    expected[first_field] = a.store.one(
        f"SELECT {first_field} FROM {case.table} WHERE id = ?", (row,)
    )[0]
    assert (start, end) == (expected["start_at"], expected["end_at"])
    assert expected[case.second[0]] == before[case.second[0]]  # b's change is undone on b too
    for laptop in (a, b, c):
        assert not laptop.store.one("SELECT 1 FROM sync_deferred")
    reasons = {said_reason(q.reason) for q in quarantined(c.store)}
    assert all("as it stood when this change was made" in r for r in reasons), reasons


def test_every_cross_field_check_of_a_synced_table_is_judged_together(store: Store) -> None:
    """Each CHECK of a synced table that reads two of its columns (read from a new database's
    schema) is one the rule table judges together: no such check can split the team."""
    crossed: dict[str, set[str]] = {}
    for table in SYNCED_TABLES:
        columns = {r[1] for r in store.tuples(f"PRAGMA table_info({table})")}
        sql = store.one("SELECT sql FROM sqlite_master WHERE name = ?", (table,))[0]
        for check in re.findall(r"CHECK \((.*?)\)(?:,|\n|$)", sql):
            read = columns & set(re.findall(r"[a-z_]+", check))
            if len(read) > 1:
                crossed.setdefault(table, set()).update(read)
    expected = {t: {"start_at", "end_at"} for t in ("activity", "standing_post", "shift")}
    expected["activity_request"] = {"start_at", "end_at"}  # issue 20's records: append-only
    expected["request_answer"] = {"answer", "option", "activity_id", "reason", "authority"}
    expected["experience"] = {"activity_id", "week"}
    expected["care_record"] = {"on_date", "recorded_at"}  # a day not ahead of its recording
    assert crossed == expected
    for table, read in crossed.items():
        assert read <= rules.TABLES[table].together


def test_the_database_refusing_a_record_the_judge_let_through_quarantines_it() -> None:
    """The last guard (a CHECK the rule table did not foresee) keeps the record visibly aside
    with the database's reason, never waiting for a schema change."""
    verdict = refused_verdict("CHECK constraint failed: end_at > start_at")
    assert (verdict.outcome, verdict.rule) == ("quarantine", "database")
    assert said_reason(verdict.reason) == (
        "refused by the database: CHECK constraint failed: end_at > start_at"
    )
    assert refused_verdict("NOT NULL constraint failed: x.y").outcome == "defer"
