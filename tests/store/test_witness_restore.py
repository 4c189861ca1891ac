"""Issue 13 (review of phase 5), item 2: an honest restore that follows the README (backup,
restore, import the team's bundle first) raises no "audit trail rewritten" alarm anywhere: the
restored laptop declares, signed in its manifests, that its trail was restored at the backup's
event; the events after it that peers witnessed before are lost, said once as a notice. A real
rewrite — of an event up to the backup, or after the restore — still alarms."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import audit, logbook, subjects, witness
from store.clock import FixedClock
from store.db import Store, backup_database
from store.errors import IntegrityFailure
from store.witness import ALARM_ACTION
from tests.conftest import refused_as
from tests.store.test_witness import send, tamper
from tests.sync_team import Laptop, make_team, user_tables
from words.receipts import said_all


def _alarms(store: Store) -> list[tuple[object, ...]]:
    return store.tuples("SELECT device, detail FROM audit_event WHERE action = ?", (ALARM_ACTION,))


def _backed_up_worked_restored(
    a: Laptop, b: Laptop, witnesses: list[Laptop], folder: Path, clock: FixedClock
) -> None:
    """B is backed up, works and sends that to the witnesses (A tells B what it saw), and is
    restored from the copy."""
    send(a, b, folder)
    backup_database(b.store, folder / "b-backup.db")
    for n in range(3):
        clock.advance(minutes=5)
        logbook.add_entry(b.store, f"na de backup {n}")
    for seen_by in witnesses:
        send(b, seen_by, folder)
    send(a, b, folder)  # A tells B which head of B it saw
    b.store.close()
    (folder / "b-backup.db").replace(b.store.path)
    b.store = Store(b.store.path, clock=clock)
    clock.advance(minutes=5)


@pytest.fixture
def restored(tmp_path: Path, clock: FixedClock) -> tuple[Laptop, Laptop, Path]:
    """B backed up, worked on (A witnessed its later head and told B), restored, imported the
    team's newest bundle first, then worked again and sent it to A."""
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    subjects.add_subject(a.store, "BEVER", kind="person", domain="local", unit="RT")
    _backed_up_worked_restored(a, b, [a], tmp_path, clock)
    first = send(a, b, tmp_path)  # the team's bundle first, as the README says
    assert not first.alarms, first.alarms
    clock.advance(minutes=5)
    logbook.add_entry(b.store, "na het terugzetten")
    later = send(b, a, tmp_path)
    assert not later.alarms, later.alarms
    return a, b, tmp_path


def test_an_honest_restore_raises_no_alarm_and_converges(
    restored: tuple[Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, folder = restored
    for _ in range(2):
        clock.advance(minutes=5)
        assert not send(a, b, folder).alarms
        assert not send(b, a, folder).alarms
    assert _alarms(a.store) == [] and _alarms(b.store) == []
    assert audit.verify_audit(b.store) > 0  # the lost tail is no rewrite
    assert audit.verify_audit(a.store) > 0
    assert user_tables(a.store)["log_entry"] == user_tables(b.store)["log_entry"]
    notice = a.store.one("SELECT detail FROM audit_event WHERE action = 'audit.witness_restore'")
    assert notice is not None and '"kept_up_to": ' in str(notice[0])  # a fact, not words


def test_a_rewrite_before_the_backup_still_alarms(
    restored: tuple[Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, folder = restored
    tamper(b, "UPDATE audit_event SET actor = 'SOMEONE-ELSE' WHERE seq = 2", rewrite_from=1)
    clock.advance(minutes=5)
    logbook.add_entry(b.store, "herschreven")
    receipt = send(b, a, folder)
    assert any("rewritten" in w for w in said_all(receipt.alarms)), receipt.alarms


def test_a_rewrite_after_the_restore_still_alarms(
    restored: tuple[Laptop, Laptop, Path], clock: FixedClock
) -> None:
    a, b, folder = restored
    send(a, b, folder)  # B learns which head of its new trail A saw
    (restore,) = witness.restores(b.store.conn, b.id)
    after = restore.seq + 1  # the first event written since the restore
    tamper(b, f"UPDATE audit_event SET actor = 'X' WHERE seq = {after}", rewrite_from=1)
    with refused_as(IntegrityFailure, "rewritten"):
        audit.verify_audit(b.store)
    clock.advance(minutes=5)
    logbook.add_entry(b.store, "herschreven")
    receipt = send(b, a, folder)
    assert any("rewritten" in w or "changed" in w for w in said_all(receipt.alarms)), receipt.alarms


def test_a_restore_passed_on_by_another_laptop_raises_no_alarm(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A hears of B's new trail from C first: C passes on B's signed restore with it."""
    a, b, c = make_team(tmp_path / "team", clock)
    _backed_up_worked_restored(a, b, [a, c], tmp_path, clock)  # A and C saw the lost tail
    send(a, b, tmp_path)
    clock.advance(minutes=5)
    logbook.add_entry(b.store, "na het terugzetten")
    assert not send(b, c, tmp_path).alarms
    clock.advance(minutes=5)
    assert not send(c, a, tmp_path).alarms  # B's new head and its restore, through C
    assert not send(b, a, tmp_path).alarms
    assert _alarms(a.store) == [] and _alarms(c.store) == []
