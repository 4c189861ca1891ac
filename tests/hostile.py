"""A hostile team member: a really enrolled operator laptop whose user edits its own database
with raw SQL (or writes change records no store would write), then sends them with the real
export, properly signed by the laptop's own key."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from commands.cli import cli
from store import agenda, logbook, signals, staff, subjects
from store.clock import FixedClock
from store.db import Store
from store.sync import capture, exchange
from tests.conftest import NOW, at
from tests.sync_team import Laptop, exchange_all, make_team, user_tables


def build_template(root: Path) -> Path:
    """Laptop a (the admin) and b (an operator, the hostile one) that share BEVER (threat level
    4, needs W4), an activity with CP-HEAVY, a signal and a flagged entry of b's, an officer with
    a shift: every table a forbidden change could aim at has something in it."""
    clock = FixedClock(NOW)
    a, b = make_team(root / "team", clock, names=("a", "b"), role="operator")
    admin = a.store
    subjects.add_subject(admin, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(admin, "BEVER", level=4)
    activity = agenda.add_activity(
        admin,
        person="BEVER",
        title="Zitting",
        start=at(admin, "2026-11-30 09:00"),
        end=at(admin, "2026-11-30 12:00"),
        location="Rechtbank",
        concept="CP-HEAVY",
    )
    staff.add_staff(admin, "RT-0001", unit="RT", qualifications=[("close_protection", None)])
    exchange_all([a, b], root / "share")
    signals.raise_signal(b.store, "Grijze bus", category="vehicle", urgency="priority", tlp="amber")
    logbook.add_entry(b.store, "Voertuig gezien", flagged=True, activity=activity.id)
    exchange_all([a, b], root / "share")
    for laptop in (a, b):
        laptop.store.close()
    return root / "team"


@contextmanager
def copied_team(template: Path, work: Path) -> Iterator[tuple[Laptop, Hostile]]:
    """A fresh copy of the template team: the admin's laptop and the hostile operator's."""
    shutil.copytree(template, work)
    clock = FixedClock(NOW)
    a = Store(work / "laptop-a" / "schildwacht.db", clock=clock)
    b = Store(work / "laptop-b" / "schildwacht.db", clock=clock)
    try:
        yield Laptop("a", a), Hostile(Laptop("b", b), work)
    finally:
        a.close()
        b.close()


class Hostile:
    """The hostile operator's laptop: raw SQL, forged change records, the real export."""

    def __init__(self, laptop: Laptop, work: Path) -> None:
        self.laptop = laptop
        self.work = work
        self.sent = 0

    @property
    def store(self) -> Store:
        return self.laptop.store

    def sql(self, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
        """Raw SQL through another connection, as any sqlite tool would (capture still sees
        it: the triggers are the database's own)."""
        raw = sqlite3.connect(self.store.path)
        try:
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, ())
                raw.execute(sql, params)
            raw.commit()
        finally:
            raw.close()

    def forge(self, *records: tuple[str, str, str, object], cl: int = 1, **extra: Any) -> None:
        """Change records written straight into the change log as one change set:
        (table, key, field, value) each, all stamped alike; ``prev`` and ``actor`` as given."""
        self.forge_raw(
            [
                (tbl, pk, col, val, cl, extra.get("prev"), extra.get("actor", "OPS-B"))
                for tbl, pk, col, val in records
            ]
        )

    def forge_raw(self, records: list[tuple[Any, ...]]) -> None:
        """Records (table, key, field, value, causal length, prev, actor) as one change set."""
        with self.store.write("test.forge") as conn:
            self.store.seal()
            seq = capture.last_seq(conn, self.laptop.id)
            stamp = capture.next_hlc(conn, self.store.now_ms())
            conn.executemany(
                "INSERT INTO sync_change (origin, seq, hlc, tbl, pk, col, val, cl, prev, actor)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(self.laptop.id, seq + n, stamp, *r) for n, r in enumerate(records, 1)],
            )

    def export(self) -> Path:
        self.sent += 1
        return exchange.export(self.store, out=self.work / f"from-b-{self.sent}.swb").path


def import_with_cli(receiver: Laptop, bundle: Path) -> tuple[int, dict[str, Any]]:
    """``sync import BUNDLE --format json`` on the receiver: the exit code and the receipt."""
    result = CliRunner().invoke(
        cli, ["--db", str(receiver.store.path), "sync", "import", str(bundle), "--format", "json"]
    )
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def tables_with(store: Store, table: str, rows: list[tuple[object, ...]]) -> dict[str, Any]:
    """The receiver's user tables as they must be: as now, plus exactly these rows."""
    expected = user_tables(store)
    expected[table] = sorted(expected[table] + rows, key=repr)
    return expected


def key(row_id: str) -> str:
    return json.dumps([row_id])
