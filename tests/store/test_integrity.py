"""No switch from outside the process, and guards that are checked at every open (issue 13,
item 7), on plain SQLite and on SQLCipher alike.

Each test tries what a person with the file and any sqlite tool could: write below R1, turn R1
or capture off for everyone, drop or rewrite a trigger or a view, plant one of their own,
delete a threat assessment. Each is refused, or keeps the database shut until ``db repair``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from store import agenda, integrity, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import IntegrityFailure, RuleViolation
from store.setup import init_database
from tests.conftest import NOW, TEST_SECRET, refused_as, snapshot
from words.errors import sentence

START = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
PASSPHRASE = "correct horse battery"


@pytest.fixture(params=["sqlite3", "sqlcipher3"])
def laptop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """BEVER (threat 3 → W3) with one activity under CP-LIGHT; plain or encrypted."""
    passphrase = PASSPHRASE if request.param == "sqlcipher3" else None
    store = init_database(
        tmp_path / "laptop.db",
        callsign="OPS-01",
        role="shift_leader",
        unit="RT",
        clock=FixedClock(NOW),
        passphrase=passphrase,
        secret=TEST_SECRET,
    )
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=START,
        end=START + timedelta(hours=2),
        location="Rechtbank",
    )
    agenda.assign_concept(store, item.id, "CP-LIGHT")
    yield store
    store.close()


def raw(store: Store) -> Any:
    """A connection of any sqlite tool: the same driver, none of Schildwacht's code."""
    if store.passphrase is None:
        return sqlite3.connect(store.path, isolation_level=None)
    import sqlcipher3

    conn = sqlcipher3.connect(str(store.path), isolation_level=None)
    conn.execute(f"PRAGMA key = '{store.passphrase}'")
    return conn


def activity_id(store: Store) -> str:
    return str(store.one("SELECT id FROM activity")[0])  # type: ignore[index]


def reopen(store: Store, **options: Any) -> Store:
    return Store(store.path, clock=store.clock, passphrase=store.passphrase, **options)


def test_the_old_switch_is_gone_and_a_planted_one_turns_nothing_off(laptop: Store) -> None:
    conn = raw(laptop)
    with pytest.raises(conn.OperationalError, match="no such table"):
        conn.execute("INSERT INTO sync_applying (flag) VALUES (1)")
    conn.execute("CREATE TABLE sync_applying (flag INTEGER)")  # the switch as it was
    conn.execute("INSERT INTO sync_applying VALUES (1)")
    before = snapshot_of(laptop)
    with pytest.raises(conn.IntegrityError, match="R1"):
        conn.execute("UPDATE activity SET concept = 'CAM' WHERE id = ?", (activity_id(laptop),))
    conn.close()
    assert snapshot_of(laptop) == before


def test_a_table_posing_as_the_function_list_fails_closed_and_keeps_the_database_shut(
    laptop: Store,
) -> None:
    conn = raw(laptop)
    conn.execute("CREATE TABLE pragma_function_list (name TEXT)")
    conn.execute("INSERT INTO pragma_function_list VALUES ('schildwacht_merging')")
    with pytest.raises(conn.OperationalError, match="not a function"):
        conn.execute("UPDATE activity SET concept = 'CAM' WHERE id = ?", (activity_id(laptop),))
    conn.close()
    laptop.close()
    with refused_as(IntegrityFailure, r"unexpected: pragma_function_list"):
        reopen(laptop)
    reopen(laptop, repair=True).close()
    repaired = reopen(laptop)
    assert not repaired.one("SELECT 1 FROM sqlite_master WHERE name = 'pragma_function_list'")
    repaired.close()


@pytest.mark.parametrize("kind", ["trigger", "index"])
def test_a_guard_named_like_sqlites_own_is_named_and_repair_drops_it(
    laptop: Store, kind: str
) -> None:
    """rev13n f5/f5b: renamed ``sqlite_…`` through writable_schema, a planted trigger (that
    silently drops every higher assessment) or UNIQUE index is no exempt object of SQLite's."""
    laptop.close()
    conn = raw(laptop)
    conn.execute(
        "CREATE TRIGGER planted BEFORE INSERT ON threat_assessment WHEN NEW.level > 1"
        " BEGIN SELECT RAISE(IGNORE); END"
        if kind == "trigger"
        else "CREATE UNIQUE INDEX planted ON log_entry(author)"
    )
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET name = 'sqlite_planted',"
        " sql = replace(sql, ' planted ', ' sqlite_planted ') WHERE name = 'planted'"
    )
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    with refused_as(IntegrityFailure, "Repair the database") as refused:
        reopen(laptop)
    assert f"unexpected: sqlite_planted ({kind})" in sentence(refused.value)
    reopen(laptop, repair=True).close()
    opened = reopen(laptop)
    assert not opened.one("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_planted'")
    assert tuple(opened.one("PRAGMA integrity_check") or ()) == ("ok",)
    subjects.assess_threat(opened, "BEVER", level=5)
    assert tuple(opened.one("SELECT max(level) FROM threat_assessment") or ()) == (5,)
    opened.close()


def test_a_view_named_like_sqlites_own_is_named_and_repair_drops_it(laptop: Store) -> None:
    """rev13p f5: a view renamed ``sqlite_…`` through writable_schema (SQLite refuses to drop
    it): repair deletes its schema row and the database opens, whole, after."""
    laptop.close()
    conn = raw(laptop)
    conn.execute("CREATE VIEW planted AS SELECT 1 AS x")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET name = 'sqlite_planted', tbl_name = 'sqlite_planted',"
        " sql = replace(sql, ' planted ', ' sqlite_planted ') WHERE name = 'planted'"
    )
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    with refused_as(IntegrityFailure, "Repair the database") as refused:
        reopen(laptop)
    assert "unexpected: sqlite_planted (view)" in sentence(refused.value)
    reopen(laptop, repair=True).close()
    opened = reopen(laptop)
    assert not opened.one("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_planted'")
    assert tuple(opened.one("PRAGMA integrity_check") or ()) == ("ok",)
    subjects.assess_threat(opened, "BEVER", level=5)
    opened.close()


@pytest.mark.parametrize("view", ["activity_view", "subject_protection"])
def test_a_table_planted_in_place_of_a_view_is_dropped_by_repair_and_the_view_made_again(
    laptop: Store, view: str
) -> None:
    """rev13p f2: one of our views replaced by a table of its name: the open is refused, and
    repair drops the table and makes the view again (it was refused: the table exists)."""
    laptop.close()
    conn = raw(laptop)
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({view})")]
    conn.execute(f"DROP VIEW {view}")
    conn.execute(f"CREATE TABLE {view} ({', '.join(columns)})")
    conn.close()
    with refused_as(IntegrityFailure, "Repair the database") as refused:
        reopen(laptop)
    assert f"altered: {view} (view)" in sentence(refused.value)
    reopen(laptop, repair=True).close()
    opened = reopen(laptop)
    assert opened.one("SELECT type FROM sqlite_master WHERE name = ?", (view,))[0] == "view"
    assert opened.one("SELECT count(*) FROM activity_view")[0] == 1
    assert tuple(opened.one("PRAGMA integrity_check") or ()) == ("ok",)
    opened.close()


def test_a_view_planted_in_place_of_a_table_needs_a_backup_and_repair_changes_nothing(
    laptop: Store,
) -> None:
    """rev13p f2b: one of our tables moved aside and a view of its name put in its place: no
    repair can make it whole; repair says so in one sentence (``table_replaced``, exit 5 on
    the command line) and writes nothing."""
    laptop.close()
    conn = raw(laptop)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("ALTER TABLE log_entry RENAME TO log_entry_old")
    conn.execute("CREATE VIEW log_entry AS SELECT * FROM log_entry_old")
    conn.close()
    before = snapshot_of(laptop)
    with refused_as(IntegrityFailure, "table log_entry was replaced") as refused:
        reopen(laptop, repair=True)
    assert refused.value.code == "table_replaced"
    assert "Restore the latest backup" in sentence(refused.value)
    assert snapshot_of(laptop) == before


def test_only_the_imports_own_connection_passes_r1_and_only_while_it_lasts(laptop: Store) -> None:
    item = activity_id(laptop)
    other = raw(laptop)
    with laptop.merging() as conn:
        conn.execute("UPDATE activity SET concept = 'ESCORT' WHERE id = ?", (item,))
        listed = "SELECT count(*) FROM pragma_function_list() WHERE name = 'schildwacht_merging'"
        assert conn.execute(listed).fetchone()[0] == 1
        assert other.execute(listed).fetchone()[0] == 0  # not visible to anyone else
    (reason,) = laptop.one("SELECT replan_reason FROM activity_view")  # type: ignore[misc]
    assert reason == "below_required"  # let through, and flagged at once
    with pytest.raises(other.IntegrityError, match="R1"):
        other.execute("UPDATE activity SET concept = 'CAM' WHERE id = ?", (item,))
    with refused_as(RuleViolation, "R1"), laptop.write("test.after") as conn:
        conn.execute("UPDATE activity SET concept = 'CAM' WHERE id = ?", (item,))
    other.close()


def test_raw_writes_are_captured_as_this_laptops_and_the_imports_own_are_not(
    laptop: Store,
) -> None:
    conn = raw(laptop)
    conn.execute("UPDATE subject SET unit = 'DKDB' WHERE code = 'BEVER'")  # before an import
    conn.close()
    with laptop.merging() as merging:
        merging.execute("UPDATE activity SET location = 'Elders'")
    logged = laptop.tuples(
        "SELECT tbl, col, val FROM sync_change WHERE col IN ('unit', 'location')"
    )
    assert ("subject", "unit", "DKDB") in logged  # sealed as a local change, never discarded
    assert ("activity", "location", "Elders") not in logged  # the import's own: not resent
    assert laptop.one("SELECT count(*) FROM sync_pending")[0] == 0  # type: ignore[index]


def test_an_import_that_fails_leaves_nothing(laptop: Store) -> None:
    before = snapshot_of(laptop)
    with pytest.raises(RuntimeError), laptop.merging() as conn:
        conn.execute("UPDATE activity SET concept = 'ESCORT'")
        raise RuntimeError("the import stopped halfway")
    assert snapshot_of(laptop) == before
    with pytest.raises(RuleViolation), laptop.write("test.after") as conn:
        conn.execute("UPDATE activity SET concept = 'CAM'")  # the function went with it


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (["DROP TRIGGER activity_r1_update"], "missing: activity_r1_update (R1)"),
        (["DROP TRIGGER audit_event_no_delete"], "missing: audit_event_no_delete (audit trail)"),
        (
            [
                "DROP TRIGGER threat_assessment_no_delete",
                "CREATE TRIGGER threat_assessment_no_delete BEFORE DELETE ON threat_assessment"
                " WHEN 0 BEGIN SELECT RAISE(ABORT, 'append-only'); END",
            ],
            "altered: threat_assessment_no_delete (append-only)",
        ),
        (
            [
                "DROP VIEW concept_rank",
                "CREATE VIEW concept_rank AS SELECT code AS concept, level, 99 AS rank"
                " FROM concept",
            ],
            "altered: concept_rank (view)",
        ),
        (
            [
                "CREATE TRIGGER quietly AFTER INSERT ON activity"
                " BEGIN UPDATE activity SET concept = NULL WHERE id = NEW.id; END"
            ],
            "unexpected: quietly (trigger)",
        ),
        (["CREATE VIEW staff_all AS SELECT * FROM staff"], "unexpected: staff_all (view)"),
        # an index refuses legal rows from the team ("refused by the database"), rev13m
        (["CREATE UNIQUE INDEX zz ON log_entry(kind)"], "unexpected: zz (index)"),
        (["ALTER TABLE activity ADD COLUMN note TEXT"], "altered: activity (table)"),
        (
            ["CREATE INDEX zz ON log_entry(kind)", "ALTER TABLE log_entry ADD COLUMN x TEXT"],
            "altered: log_entry (table)",
        ),
        # an index on the added column: one repair drops both (rev13n f6)
        (
            ["ALTER TABLE log_entry ADD COLUMN x TEXT", "CREATE INDEX zz ON log_entry(x)"],
            "unexpected: zz (index)",
        ),
        # a table standing in for json_each: named, never exit 1, dropped (rev13n f4)
        (["CREATE TABLE json_each (key, value)"], "unexpected: json_each (shadows a built-in)"),
        (["CREATE VIEW json_tree AS SELECT 1 AS key"], "json_tree (shadows a built-in)"),
    ],
    ids=[
        "r1-dropped",
        "audit-dropped",
        "append-only-altered",
        "view-altered",
        "planted",
        "view",
        "index",
        "column",
        "both",
        "indexed-column",
        "json-each",
        "json-tree",
    ],
)
@pytest.mark.parametrize("laptop", ["sqlite3"], indirect=True)  # SQLCipher: the tests above
def test_changed_guards_keep_the_database_shut_until_repaired(
    laptop: Store, tamper: list[str], named: str
) -> None:
    laptop.close()
    conn = raw(laptop)
    for statement in tamper:
        conn.execute(statement)
    conn.close()
    with refused_as(IntegrityFailure, "Repair the database") as refused:
        reopen(laptop)
    assert named in sentence(refused.value)
    assert refused.value.code in {"guards_changed", "capture_missing"}  # the CLI names db repair
    repaired = reopen(laptop, repair=True)
    assert repaired.one("SELECT 1 FROM audit_event WHERE action = 'db.repair'")
    repaired.close()
    opened = reopen(laptop)
    assert not integrity.check(opened.conn)
    with refused_as(RuleViolation, "R1"), opened.write("test.after") as c:
        c.execute("UPDATE activity SET concept = 'CAM'")
    opened.close()


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM threat_assessment",
        "UPDATE threat_assessment SET level = 1",
        "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)",
        "UPDATE audit_event SET actor = 'X'",
    ],
)
@pytest.mark.parametrize("laptop", ["sqlite3"], indirect=True)
def test_assessments_and_the_audit_trail_are_append_only_for_any_tool(
    laptop: Store, statement: str
) -> None:
    before = snapshot_of(laptop)
    conn = raw(laptop)
    with pytest.raises(conn.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()
    assert snapshot_of(laptop) == before


def snapshot_of(store: Store) -> object:
    if store.passphrase is None:
        return snapshot(store.path)
    conn = raw(store)
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    rows = [(n, sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr)) for n in names]
    conn.close()
    return rows


def test_the_reference_digest_in_the_code_is_this_versions() -> None:
    """Opening compares one digest before building the reference: a stale constant would let a
    database with an earlier version's guards through (after a new migration or a change to the
    capture triggers, put this value into ``integrity.REFERENCE_DIGEST``)."""
    assert integrity.reference_digest() == integrity.REFERENCE_DIGEST


def test_a_guard_changed_in_one_byte_misses_the_digest_and_is_named(laptop: Store) -> None:
    conn = raw(laptop)
    name, sql = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%R1:%' LIMIT 1"
    ).fetchone()
    assert integrity.digest(integrity._guards(conn)) == integrity.REFERENCE_DIGEST
    conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute(sql.replace("R1:", "R1 "))  # the same guard, one character of its message
    assert integrity.digest(integrity._guards(conn)) != integrity.REFERENCE_DIGEST
    conn.close()
    laptop.close()
    with refused_as(IntegrityFailure, rf"altered: {name}"):
        reopen(laptop)


@pytest.mark.parametrize(
    "planted",
    [
        "DROP VIEW activity_view; CREATE TABLE ACTIVITY_VIEW (id TEXT, required_level TEXT)",
        "DROP INDEX log_entry_at; CREATE TABLE LOG_ENTRY_AT (x)",
        "DROP VIEW activity_view; CREATE TABLE activity_view (id TEXT, required_level TEXT)",
    ],
    ids=["c1-upper-table-for-view", "c5-upper-table-for-index", "c4-lower-table-for-view"],
)
def test_a_table_planted_for_a_view_or_index_in_any_letter_case_is_repaired(
    laptop: Store, planted: str
) -> None:
    """rev13q H4 (c1, c4, c5): names compare as SQLite's do, without regard to letter case: a
    table ``ACTIVITY_VIEW`` (or ``LOG_ENTRY_AT``) planted in place of our view (index) is
    named at open, and ``db repair`` drops it and makes ours again."""
    from store import logbook

    logbook.add_entry(laptop, "ronde")
    laptop.close()
    conn = raw(laptop)
    conn.executescript(planted)
    conn.close()
    with refused_as(IntegrityFailure, "changed outside Schildwacht"):
        reopen(laptop)
    reopen(laptop, repair=True).close()
    opened = reopen(laptop)
    kinds = opened.tuples(
        "SELECT type, name FROM sqlite_master WHERE name IN ('activity_view', 'log_entry_at')"
        " COLLATE NOCASE ORDER BY name"
    )
    assert kinds == [("view", "activity_view"), ("index", "log_entry_at")]
    opened.close()


@pytest.mark.parametrize(
    ("planted", "code"),
    [
        (
            "ALTER TABLE log_entry RENAME TO log_entry_moved;"
            " CREATE VIEW LOG_ENTRY AS SELECT * FROM log_entry_moved",
            "table_replaced",
        ),
        (
            "ALTER TABLE log_entry RENAME TO log_entry_moved;"
            " CREATE VIEW log_entry AS SELECT * FROM log_entry_moved",
            "table_replaced",
        ),
        ("DROP TABLE log_entry", "table_lost"),
    ],
    ids=["c2-upper-view-for-table", "c3-lower-view-for-table", "table-dropped"],
)
def test_a_repair_never_records_rows_it_lost_as_deleted(
    laptop: Store, planted: str, code: str
) -> None:
    """rev13q H3 (c2, c3): a table replaced by a view, its name in any letter case, or gone
    while the change log holds its rows: ``db repair`` refuses with one sentence and writes
    nothing (before: it dropped ``LOG_ENTRY``, made an empty table and wrote a deletion of
    every log entry into the change log, to go out with the next export)."""
    from store import logbook

    logbook.add_entry(laptop, "ronde")
    logbook.add_entry(laptop, "overdracht")
    laptop.close()
    conn = raw(laptop)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.executescript(planted)
    conn.close()
    before = snapshot_of(laptop)
    with refused_as(IntegrityFailure, "Restore the latest backup") as refused:
        reopen(laptop, repair=True)
    assert refused.value.code == code
    assert snapshot_of(laptop) == before
    with refused_as(IntegrityFailure, "changed outside Schildwacht"):
        reopen(laptop, repair=True)
