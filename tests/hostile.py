"""A hostile team member: a really enrolled operator laptop whose user edits its own database
with raw SQL (or writes change records no store would write), then sends them with the real
export, properly signed by the laptop's own key."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from commands.cli import cli
from store import agenda, logbook, signals, staff, subjects
from store.clock import FixedClock, to_db
from store.db import Store
from store.sync import bundle, capture, exchange
from store.sync import export as exporter
from store.sync import log as sync_log
from store.sync import roster as rosters
from store.sync.tables import CRITICAL_FIELDS, DERIVED_FIELDS
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


@contextmanager
def without_sender_checks() -> Iterator[None]:
    """Exports that skip the sender's own checks of the records they pack (an honest laptop
    refuses to send a record no store wrote, ``log.check_records``, or no laptop could read,
    ``log.unreadable_records`` and ``export._as_received``): a hostile member runs whatever
    software it likes, so the receivers' own checks are what the tests try."""
    originals = (sync_log.check_records, sync_log.unreadable_records, exporter._as_received)
    sync_log.check_records = lambda *_args, **_kwargs: None
    sync_log.unreadable_records = lambda *_args, **_kwargs: []
    exporter._as_received = lambda *_args, **_kwargs: True
    try:
        yield
    finally:
        sync_log.check_records, sync_log.unreadable_records, exporter._as_received = originals


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

    def seal(self) -> None:
        """Seal what raw SQL left captured, as the next store action on this laptop would."""
        with self.store.write("test.seal"):
            pass

    def forge(self, *records: tuple[str, str, str, object], cl: int = 1, **extra: Any) -> None:
        """Change records written straight into the change log as one change set:
        (table, key, field, value) each, all stamped alike; ``prev`` and ``actor`` as given."""
        self.forge_raw(
            [
                (tbl, pk, col, val, cl, extra.get("prev"), extra.get("actor", "OPS-B"))
                for tbl, pk, col, val in records
            ]
        )

    def forge_raw(self, records: list[tuple[Any, ...]], *, hlc: int | None = None) -> None:
        """Records (table, key, field, value, causal length, prev, actor) as one change set,
        stamped ``hlc`` (default: the laptop's next clock)."""
        with self.store.write("test.forge") as conn:
            self.store.seal()
            seq = capture.last_seq(conn, self.laptop.id)
            stamp = capture.next_hlc(conn, self.store.now()) if hlc is None else hlc
            capture.write_hlc(conn, max(stamp, capture.read_hlc(conn)))
            conn.executemany(
                "INSERT INTO sync_change (origin, seq, hlc, tbl, pk, col, val, cl, prev, actor)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(self.laptop.id, seq + n, stamp, *r) for n, r in enumerate(records, 1)],
            )

    def recreation(
        self, table: str, row_id: str, actor: str = "OPS-B", **changes: object
    ) -> list[tuple[Any, ...]]:
        """The records that create an existing row of this laptop again, with ``changes``: the
        reviewer's ``mkrow.py`` (critical fields name every record of them as seen)."""
        raw = sqlite3.connect(self.store.path)
        raw.row_factory = sqlite3.Row
        try:
            row = dict(raw.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone())
            row.update(changes)
            pk = key(row_id)
            records: list[tuple[Any, ...]] = []
            for col, value in {"": None, **row}.items():
                if (table, col) in DERIVED_FIELDS:
                    continue
                prev = None
                if (table, col) in CRITICAL_FIELDS:
                    seen = raw.execute(
                        "SELECT origin, seq FROM sync_change WHERE tbl = ? AND pk = ? AND col = ?"
                        " AND prev IS NOT NULL",
                        (table, pk, col),
                    )
                    prev = json.dumps([f"{o}/{s}" for o, s in seen])
                records.append((table, pk, col, value, 1, prev, actor))
            return records
        finally:
            raw.close()

    def export(self) -> Path:
        """The real export, signed by the laptop, without the sender's own check of the records
        it packs (``log.check_records``: an honest laptop refuses to send a record no store
        wrote): a hostile member runs whatever software it likes, and the receivers must
        quarantine such a record themselves."""
        self.sent += 1
        with without_sender_checks():
            return exchange.export(self.store, out=self.work / f"from-b-{self.sent}.swb").path

    def export_with(self, manifest: Callable[[bytes], bytes]) -> Path:
        """The real export, with the signed manifest passed through ``manifest`` first (the
        reviewer's ``hexport2.py``): the laptop signs whatever it is given."""
        original = exporter.build_manifest

        def built(*args: Any, **kwargs: Any) -> bytes:
            return manifest(original(*args, **kwargs))

        exporter.build_manifest = built
        try:
            return self.export()
        finally:
            exporter.build_manifest = original


def outsider_bundle(receiver: Laptop, path: Path, manifest: bytes) -> Path:
    """A file anyone who writes the shared folder can plant, knowing only the receiver's public
    age recipient (an enrolment request carries it): unsigned, with ``manifest`` inside."""
    plain = bundle.frame([manifest, b"no signature", b"{}", b"no signature"])
    recipient = rosters.identity(receiver.store).age_recipient
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bundle.encrypt(plain, [recipient]))
    return path


def deep(levels: int = 5000) -> str:
    """JSON nested ``levels`` deep: more than any parser's stack takes."""
    return "[" * levels + "]" * levels


def import_with_cli(receiver: Laptop, bundle: Path) -> tuple[int, dict[str, Any]]:
    """``sync import BUNDLE --format json`` on the receiver: the exit code and the receipt."""
    result = CliRunner().invoke(
        cli, ["--db", str(receiver.store.path), "sync", "import", str(bundle), "--format", "json"]
    )
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def texts(notices: list[dict[str, Any]]) -> list[str]:
    """The words of a JSON receipt's warnings or alarms, each checked to carry a stable code."""
    assert all(isinstance(n, dict) and n.get("code") for n in notices), notices
    return [str(n["text"]) for n in notices]


def tables_with(store: Store, table: str, rows: list[tuple[object, ...]]) -> dict[str, Any]:
    """The receiver's user tables as they must be: as now, plus exactly these rows."""
    expected = user_tables(store)
    expected[table] = sorted(expected[table] + rows, key=repr)
    return expected


def key(row_id: str) -> str:
    return json.dumps([row_id])


def ids(store: Any) -> dict[str, str]:
    """The ids of the template team's rows that attacks aim at, and the clock's now."""

    def one(sql: str) -> str:
        return str(store.one(sql)[0])

    return {
        "subject": one("SELECT id FROM subject WHERE code = 'BEVER'"),
        "activity": one("SELECT id FROM activity"),
        "signal": one("SELECT id FROM signal"),
        "entry": one("SELECT id FROM log_entry"),
        "me": one("SELECT id FROM staff WHERE callsign = 'OPS-B'"),
        "officer": one("SELECT id FROM staff WHERE callsign = 'RT-0001'"),
        "assessment": one("SELECT id FROM threat_assessment"),
        "now": to_db(store.now()),
    }
