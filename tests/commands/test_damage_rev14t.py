"""rev14t (issue 14): an older database whose catalogue a tool changed is refused before any
migration records the catalogue anew; ``gaps`` checks every table it reads; a stored time in
a shape never written is damage; a refused repair writes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store import machine
from store.db import Store
from tests.commands.conftest import Run
from tests.commands.test_damage_rev14p import _fingerprint
from tests.commands.test_damage_rev14s import LAST, _version, callsign, older  # noqa: F401


def _sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(statement)
    finally:
        conn.close()


def test_an_older_file_with_a_changed_catalogue_is_refused_before_it_migrates(
    older: Run,  # noqa: F811
    db_path: Path,
) -> None:
    """Was (H1): the migrations recorded the changed catalogue's fingerprint as their own
    before the check ran: exit 0, R2 lowered for good."""
    _sql(db_path, "UPDATE threat_level SET package = 'PKG-W1' WHERE level = 3")
    before = _fingerprint(db_path)
    for command in (("person", "list"), ("db", "status")):
        result = older(*command)
        assert result.exit_code == 5, result.stderr
        assert "changed outside Schildwacht" in result.stderr
        assert _fingerprint(db_path) == before and _version(db_path) == LAST - 1


def _tables_read(db_path: Path, *reads: Callable[[Store], object]) -> set[str]:
    """The tables SQLite reads (its authorizer: views resolved to their tables) while every
    one of ``reads`` runs on the database."""
    store = Store(db_path)
    try:
        tables = {
            n for (n,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        read: set[str] = set()

        def authorizer(action: int, table: str | None, *_: object) -> int:
            if action == sqlite3.SQLITE_READ and table in tables:
                read.add(table)
            return sqlite3.SQLITE_OK

        store.conn.set_authorizer(authorizer)
        for one in reads:
            one(store)
        store.conn.set_authorizer(None)
        return read
    finally:
        store.close()


def test_gaps_checks_the_indexes_of_every_table_it_reads(demo: Run, db_path: Path) -> None:
    """Was (H2): GAP_TABLES named 4 of the tables; an index of standing_post (or staff, or
    the catalogue) that no longer matched its table hid gaps (67 of 85, exit 0)."""
    from store import gaps
    from store.agenda import list_activities
    from store.staffing import deployment_violations

    start = datetime(2026, 12, 2, tzinfo=UTC)
    end = start + timedelta(days=7)
    read = _tables_read(
        db_path,
        lambda s: gaps.find_gaps(s, start, end),
        lambda s: gaps.gaps_by_hour(s, start, 24),
        lambda s: gaps.unplanned_activities(s, start, end, unit=None),
        lambda s: gaps.posts_below_required(s, start, end, unit=None),
        lambda s: gaps.any_deployed(s, start, end, unit=None),
        lambda s: list_activities(s, start=start, end=end),
        lambda s: deployment_violations(s, start, end, unit=None),
    )
    assert {"standing_post", "staff", "deployment"} <= read
    assert read <= set(machine.GAP_TABLES), sorted(read - set(machine.GAP_TABLES))


def test_a_space_padded_stored_day_is_damage_in_every_reading(demo: Run, db_path: Path) -> None:
    """Was (M3): activity show/list read '2026-12- 2T07:00:00Z' as a time (exit 0), gaps
    refused it as damage."""
    conn = sqlite3.connect(db_path)
    (activity,) = conn.execute(
        "SELECT id FROM activity WHERE end_at > '2026-12-02T08:00:00Z' ORDER BY start_at LIMIT 1"
    ).fetchone()
    conn.close()
    _sql(db_path, f"UPDATE activity SET start_at = '2026-12- 2T07:00:00Z' WHERE id = '{activity}'")
    for command in (
        ("activity", "show", activity),
        ("activity", "list", "--from", "2026-12-01 00:00", "--to", "2026-12-09 00:00"),
        ("gaps", "--from", "2026-12-01 00:00", "--to", "2026-12-09 00:00"),
    ):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "is damaged" in result.stderr


def test_a_repair_refused_for_its_catalogue_changes_nothing(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """Was (H5): ``db repair`` dropped a planted index and committed that before the audited
    write refused the catalogue (not the shipped one, changed outside): exit 5, file changed."""
    from store import catalogue

    own = tmp_path / "own.toml"
    own.write_text(
        Path(catalogue.__file__)
        .with_name("catalogue.toml")
        .read_text("utf-8")
        .replace('label = "Low"', 'label = "Low (ours)"', 1),
        "utf-8",
    )
    made = run(
        "init", "--callsign", "OPS-01", "--name", "Demo", "--role", "shift_leader",
        "--unit", "RT", "--catalogue", str(own),
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    _sql(db_path, "UPDATE threat_level SET package = 'PKG-W1' WHERE level = 3")
    _sql(db_path, "CREATE INDEX planted_idx ON activity (title)")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _fingerprint(db_path)
    result = run("db", "repair")
    assert result.exit_code == 5, result.stderr
    assert "cannot be restored here" in result.stderr
    assert _fingerprint(db_path) == before
