"""The database's guards are the ones this version of Schildwacht makes, or it stays shut.

The rules that live in the database — R1, the append-only records, the audit trail, change
capture and whatever a later migration adds — live in its triggers and in the views those
triggers read; its indexes and its tables' definitions decide what it takes in (a planted
UNIQUE index refuses legal rows from the team, an added column holds what no store function
reads). Anyone with the file can drop or rewrite them with any sqlite tool, so opening a
database compares its triggers, views, indexes and table definitions, by name and exact SQL,
with a reference schema built in memory from the same migrations (once per process).
Missing, altered or unexpected guards are an integrity failure (exit 5) that names them,
until ``db repair`` restores them.
A table or view named like a table-valued function SQLite has (``pragma_…``, ``json_each``,
``json_tree``, any module of ``PRAGMA module_list``) is refused too: it stands in for the function
in a trigger's ``FROM``. Only SQLite's own objects are exempt (the automatic indexes of
constraints, ``sqlite_sequence``, ``sqlite_stat1``…``4``): a trigger or index renamed
``sqlite_…`` through writable_schema is compared like any other, and ``db repair`` drops it.

Building the reference runs every migration in memory (about 25 ms, the larger part of a short
scripted command), so an open first compares one SHA-256 of the database's guards with
``REFERENCE_DIGEST``, the digest of this version's reference written into the code: equal, the
guards are exactly the reference's; different (or the constant stale), the reference is built
and compared name by name. The digest covers the schema version, so a new migration can only
make it miss, never match; ``tests/store/test_integrity.py`` fails until it is brought up to date.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
from dataclasses import dataclass, field
from functools import cache, lru_cache

from . import migrations
from .errors import IntegrityFailure
from .sha import sha256

#: The one thing that lets a write below R1 through: this application-defined function,
#: registered only on the import's own connection (``Store.merging``).
MERGING_FUNCTION = "schildwacht_merging"


def finish_migrations(conn: sqlite3.Connection, from_version: int) -> None:
    """After migrations, inside the last one's transaction: re-create the capture triggers (a
    migration may have rebuilt a table; a database from before sync queues its existing rows so
    they reach the other laptops), drop the old table switch nothing reads any more, and keep an
    older change log as runs.

    Args:
        from_version: the schema version the database had before these migrations (0: a new
            database).
    """
    from .sync import capture, log  # the change log's code: loaded when something changes

    capture.install_triggers(conn, baseline=0 < from_version < capture.SYNC_SCHEMA)
    conn.execute("DROP TABLE IF EXISTS sync_applying")
    log.upgrade(conn)  # a change log kept one record per row before schema 17, into runs


#: ``reference_digest()`` of this version (its test prints the value when it is stale): a database
#: whose guards have it needs no reference built.
REFERENCE_DIGEST = "2315839ac9e14ddf84c522bc23fbbe0d0c85ca3971d8ac15ea02abe0e82bad5c"


@cache
def reference() -> dict[str, tuple[str, str]]:
    """name → (type, SQL) of every trigger and view a fresh database of this version has.

    Returns:
        Guard name → ``(type, SQL)``: ``"trigger"`` or ``"view"`` and its exact SQL, as the
        migrations make them in a fresh in-memory database (built once per process).

    Raises:
        Nothing in practice: ``migrations.migrate`` refuses (``BadInput``) only a database
            newer than this program, and this one is made new in memory.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn, ":memory:", after=finish_migrations)
        return _guards(conn)
    finally:
        conn.close()


@cache
def _reference_at(version: int) -> dict[str, tuple[str, str]]:
    """name → (type, SQL) of the objects the migrations up to ``version`` make (no capture
    triggers: those are the program's, not a migration's)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn, ":memory:", upto=version)
        return _guards(conn)
    finally:
        conn.close()


def applied_later(conn: sqlite3.Connection, version: int) -> list[str]:
    """Objects in the database exactly as a migration after ``version`` (the schema version its
    header holds) makes them: the migration is already applied, so the header's version was
    overwritten with a lower one (issue 14, rev14p), and migrating would fail half way or apply
    a migration twice. Checked before migrating an older database; reads only.

    Args:
        conn: a connection to the database.
        version: the schema version its header holds.

    Returns:
        The names of such objects, sorted (empty: the schema is that version's, or older).
    """
    if not 0 < version < migrations.SCHEMA_VERSION:
        return []
    then, now = _reference_at(version), _reference_at(migrations.SCHEMA_VERSION)
    present = _guards(conn)
    return sorted(
        name
        for name, made in now.items()
        if then.get(name) != made and present.get(name) == made and name not in _may_exist()
    )


def check_at(conn: sqlite3.Connection, version: int) -> Findings:
    """Compare an older database's guards (triggers, views, indexes) with the ones the
    migrations up to ``version`` (the schema version its header holds) make, before it is
    migrated: a guard a tool dropped or changed, which a later migration drops or replaces, made
    that migration fail ("not a Schildwacht database", exit 2) or replaced it unseen (rev14t
    M6); it is refused as a current file's is (``refusal``). Tables are left to their own
    checks; capture triggers (the program's, not a migration's) are not compared.

    Args:
        conn: a connection to the database.
        version: the schema version its header holds (older than this program's).

    Returns:
        ``Findings``: the guards of that version missing or altered (empty: as made).
    """
    then = {n: made for n, made in _reference_at(version).items() if made[0] != "table"}
    present = _guards(conn)
    return Findings(
        missing=sorted(n for n in then if n not in present),
        altered=sorted(n for n in then if n in present and present[n] != then[n]),
    )


def restore_at(conn: sqlite3.Connection, findings: Findings, version: int) -> None:
    """Make again, as the migrations up to ``version`` make them, the guards ``check_at``
    found missing or altered; inside the caller's transaction (``db repair`` of an older
    database, before its migrations run).

    Args:
        conn: the repair's connection, inside the migrations' transaction.
        findings: what ``check_at`` found.
        version: the schema version the database's header holds.
    """
    then = _reference_at(version)
    for name in findings.altered:
        if (kind := _kind(conn, name)) is not None:
            _drop(conn, kind, name)
    order = {"index": 0, "view": 1, "trigger": 2}  # triggers read the views
    for name in sorted(findings.missing + findings.altered, key=lambda n: (order[then[n][0]], n)):
        conn.execute(then[name][1])


@cache
def _may_exist() -> frozenset[str]:
    """Tables a migration creates ``IF NOT EXISTS`` (a database may hold them before it), with
    their indexes and triggers: their presence says nothing about the schema version."""
    tables = {
        match.lower()
        for _version, _name, sql in migrations.MIGRATIONS
        for match in re.findall(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)", sql, re.I)
    }
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn, ":memory:")
        rows = conn.execute("SELECT name, tbl_name FROM sqlite_master").fetchall()
    finally:
        conn.close()
    return frozenset(str(name) for name, table in rows if str(table).lower() in tables)


def _guards(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    # Triggers and views hold the rules; an index (a planted UNIQUE one refuses legal rows) and
    # a table's definition (an added column, a changed constraint) change what the database
    # takes in, so they are compared too. Only SQLite's own objects are exempt: the automatic
    # indexes of a table's constraints (no SQL of their own: they follow from the table's
    # definition, and one with no such constraint makes the schema malformed) and its
    # bookkeeping tables. A trigger or index named ``sqlite_…`` (writable_schema) is compared
    # like any other.
    # Names are compared as SQLite compares them, without regard to letter case (rev13q H3,
    # H4): a view ``LOG_ENTRY`` stands in place of the table ``log_entry`` (the reference's
    # names are all lower case).
    return {
        str(name).lower(): (kind, sql)
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM main.sqlite_master"
            " WHERE type IN ('trigger', 'view', 'index', 'table') AND sql IS NOT NULL"
            " AND NOT (type = 'table' AND name COLLATE NOCASE IN ("
            + ", ".join("?" * len(SQLITE_TABLES))
            + "))",
            SQLITE_TABLES,
        )
    }


#: SQLite's own bookkeeping tables (AUTOINCREMENT, ANALYZE): not guards.
SQLITE_TABLES = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")


@cache
def _module_names() -> frozenset[str]:
    """The virtual table modules SQLite has here (``json_each``, ``dbstat``…), lower case."""
    conn = sqlite3.connect(":memory:")
    try:
        return frozenset(str(r[0]).lower() for r in conn.execute("PRAGMA module_list"))
    finally:
        conn.close()


def _shadows(conn: sqlite3.Connection) -> list[str]:
    """Tables and views named like a table-valued function SQLite has (``json_each``,
    ``pragma_…``, any eponymous virtual table's module): each would stand in for the function
    in a trigger's or a query's ``FROM``."""
    modules = _module_names() | {str(r[0]).lower() for r in conn.execute("PRAGMA module_list")}
    return sorted(
        name.lower()
        for (name,) in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type IN ('table', 'view')"
        )
        if name.lower() in modules or name.lower().startswith("pragma_")
    )


@dataclass(frozen=True)
class Findings:
    """What differs between the database's guards (triggers, views) and the ones this version makes.

    Attributes:
        missing: guards this version makes that the database lacks.
        altered: guards whose SQL differs from this version's.
        unexpected: triggers, views or indexes no version makes, and tables shadowing a
            built-in (another table of one's own changes no rule: it is not named).
        kinds: for each unexpected name, ``"trigger"``, ``"view"``, ``"index"`` or ``"table"``.

    True when anything differs.
    """

    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # triggers, views, shadowing tables
    kinds: dict[str, str] = field(default_factory=dict)  # unexpected name → its type

    def __bool__(self) -> bool:
        return bool(self.missing or self.altered or self.unexpected)

    @property
    def only_capture_missing(self) -> bool:
        """Whether the only findings are missing sync capture triggers (repairable as such)."""
        from .sync import capture

        return (
            not self.altered
            and not self.unexpected
            and all(n.startswith(capture.TRIGGER_PREFIX) for n in self.missing)
        )

    def sentence(self) -> str:
        """The findings in one English sentence (``missing: …; altered: …``).

        Returns:
            English text naming at most six guards per kind, each with its purpose, and how many
            more; '' when nothing differs. The refusal of a database whose guards differ
            carries it (message and ``found``).
        """
        parts = []
        for label, names in (
            ("missing", self.missing),
            ("altered", self.altered),
            ("unexpected", self.unexpected),
        ):
            if names:
                shown = ", ".join(f"{n} ({purpose(n, self.kinds.get(n))})" for n in names[:6])
                more = f" and {len(names) - 6} more" if len(names) > 6 else ""
                parts.append(f"{label}: {shown}{more}")
        return "; ".join(parts)


def purpose(name: str, kind: str | None = None) -> str:
    """What a guard protects, in a few words, for the refusal; ``kind`` is what an unexpected
    object is in the database (a planted view is named a view, not a trigger).

    Args:
        name: the guard's name (a trigger or view).
        kind: what the object found in the database is (``trigger``, ``view``, ``table``…), or None.

    Returns:
        A few words: ``R1``, ``audit trail``, ``sync capture``…
    """
    from .sync import capture

    if name.lower().startswith(capture.TRIGGER_PREFIX.lower()):
        return "sync capture"
    if name.lower().startswith("pragma_") or name.lower() in _module_names():
        return "shadows a built-in"
    found = reference().get(name.lower())
    sql = found[1] if found else ""
    if "R1:" in sql:
        return "R1"
    if name.lower().startswith("audit_event"):
        return "audit trail"
    if "append-only" in sql or "never edited" in sql or "never deleted" in sql:
        return "append-only"
    found_kind = found[0] if found else kind
    return found_kind if found_kind in {"view", "index", "table"} else "trigger"


def digest(guards: dict[str, tuple[str, str]]) -> str:
    """The SHA-256 of a set of guards (name, type, exact SQL) at this schema version.

    Args:
        guards: name → (type, exact SQL) of each guard.

    Returns:
        The hex SHA-256.
    """
    hashed = sha256(str(migrations.SCHEMA_VERSION).encode())
    for name in sorted(guards):
        kind, sql = guards[name]
        for text in (name, kind, sql):
            hashed.update(len(text).to_bytes(4, "big") + text.encode())
    return hashed.hexdigest()


def reference_digest() -> str:
    """The digest of this version's reference guards (built in memory).

    Returns:
        The hex SHA-256 of ``reference()`` (``digest``): the value ``REFERENCE_DIGEST`` must hold.
    """
    return digest(reference())


@lru_cache(maxsize=16)
def _digest_of(guards: tuple[tuple[str, tuple[str, str]], ...]) -> str:
    """``digest`` of the guards given as (name, (type, SQL)) pairs, kept per process by their
    exact text: every store opened checks its guards (``check``), and hashing their ~58 kB of
    SQL in Python was a fifth of opening a database (issues 15/18). Other text is another key,
    hashed afresh; the comparison with the reference is made at every check."""
    return digest(dict(guards))


def check(conn: sqlite3.Connection) -> Findings:
    """Compare this database's guards with the reference (built only when they differ from
    ``REFERENCE_DIGEST``).

    Returns:
        ``Findings``: empty (false) when the database's guards are this version's; else the names
        missing, altered and unexpected (a table shadowing a pragma function counts as unexpected).
    """
    present = _guards(conn)
    shadows = _shadows(conn)
    if not shadows and REFERENCE_DIGEST and _digest_of(tuple(present.items())) == REFERENCE_DIGEST:
        return Findings()
    expected = reference()
    planted = (n for n in present if n not in expected and present[n][0] != "table")
    unexpected = sorted({*planted, *shadows})  # a table of one's own changes no rule
    return Findings(
        missing=sorted(n for n in expected if n not in present),
        altered=sorted(n for n in expected if n in present and present[n] != expected[n]),
        unexpected=unexpected,
        kinds={n: present[n][0] for n in unexpected if n in present},
    )


def refusal(findings: Findings, path: str) -> IntegrityFailure:
    """The refusal to open a database whose guards were changed outside Schildwacht.

    Args:
        findings: what the check of the guards found.
        path: the database file, for the message.

    Returns:
        The ``IntegrityFailure`` to raise (code ``guards_changed``, or the capture's own).
    """
    from .sync import capture

    if findings.only_capture_missing:
        return capture.missing_refusal(set(findings.missing), path)
    return IntegrityFailure(code="guards_changed", path=path, found=findings.sentence())


def restore(conn: sqlite3.Connection, findings: Findings) -> None:
    """Put the reference guards back; inside the caller's transaction (``db repair``).

    A planted index, view or trigger is dropped and a missing or altered one re-made (a missing
    table is made empty; a table planted in place of one of this version's views, triggers or
    indexes is dropped and the guard made again). A table whose definition differs is left to
    ``drop_added_columns`` (called first); one that differs otherwise is named at the next open
    still: only a backup restores it (one replaced by a view: ``replaced_tables``).

    Args:
        findings: what the check of the guards found: unexpected, altered and missing guards.
    """
    expected = reference()
    for name in findings.unexpected + findings.altered:
        kind = _kind(conn, name)
        if kind == "table" and expected.get(name, ("",))[0] == "table":
            continue  # its added columns went first (``drop_added_columns``)
        if kind is not None:  # a table shadowing a built-in, or planted for a view: dropped
            _drop(conn, kind, name)
    redo = [n for n in findings.missing + findings.altered if expected[n][0] != "table"]
    tables = [n for n in findings.missing if expected[n][0] == "table"]
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}  # triggers read the views
    for name in sorted(tables + redo, key=lambda n: (order[expected[n][0]], n)):
        conn.execute(expected[name][1])


def drop_planted(conn: sqlite3.Connection, findings: Findings) -> list[str]:
    """Drop what no version makes — planted triggers, views and indexes (``sqlite_…``-named
    ones too), tables and views shadowing a built-in — and this version's indexes whose SQL was
    altered (``restore`` makes them again); ``db repair``, first, in the caller's transaction:
    a shadow of ``json_each`` breaks every later statement that calls it, a planted trigger
    could act on the repair's own writes, an index on an added column keeps it from being
    dropped.

    Args:
        findings: what the check of the guards found (its unexpected and altered names).

    Returns:
        The names dropped.
    """
    expected = reference()
    altered_indexes = [n for n in findings.altered if expected[n][0] == "index"]
    dropped = []
    for name in findings.unexpected + altered_indexes:
        kind = _kind(conn, name)
        if kind is None or (kind == "table" and name in expected):
            continue
        _drop(conn, kind, name)
        dropped.append(name)
    return dropped


def replaced_tables(conn: sqlite3.Connection) -> list[str]:
    """This version's tables that the database holds as something else (a view planted in
    place of one, its rows moved aside): no repair makes its rows come back; only a backup
    restores it.

    Args:
        conn: the open database.

    Returns:
        Their names, sorted.
    """
    expected = reference()
    return sorted(
        name
        for name, (kind, _sql) in expected.items()
        if kind == "table" and _kind(conn, name) not in (None, "table")
    )


def lost_tables(conn: sqlite3.Connection) -> list[str]:
    """This version's tables that are gone from the database while its change log holds rows
    of them (rev13q H3): a repair would make them empty and record every row as deleted, to go
    out with the next export; only a backup restores them.

    Args:
        conn: the open database.

    Returns:
        Their names, sorted.
    """
    if _kind(conn, "sync_log") != "table":
        return []
    return sorted(
        name
        for name, (kind, _sql) in reference().items()
        if kind == "table"
        and _kind(conn, name) is None
        and conn.execute(
            "SELECT 1 FROM main.sync_log WHERE tbl = ? COLLATE NOCASE LIMIT 1", (name,)
        ).fetchone()
    )


def _drop(conn: sqlite3.Connection, kind: str, name: str) -> None:
    """Drop one object of the database. A view or trigger named ``sqlite_…`` (renamed through
    writable_schema) SQLite may refuse to drop: its schema row is deleted with writable_schema
    on for that one row (a view or trigger owns no pages), and the schema is read again."""
    if kind in ("view", "trigger") and name.lower().startswith("sqlite_"):
        conn.execute("PRAGMA writable_schema = ON")
        try:
            conn.execute(
                "DELETE FROM main.sqlite_master WHERE type = ? AND name = ? COLLATE NOCASE",
                (kind, name),
            )
            version = int(conn.execute("PRAGMA main.schema_version").fetchone()[0])
            conn.execute(f"PRAGMA main.schema_version = {version + 1}")
        finally:
            conn.execute("PRAGMA writable_schema = OFF")
        return
    conn.execute(f'DROP {kind.upper()} main."{_quoted(name)}"')


def drop_added_columns(conn: sqlite3.Connection, findings: Findings) -> list[str]:
    """Drop the columns that were added to this version's tables (``db repair``, in the caller's
    transaction, after ``drop_planted`` took away the indexes that name them and before
    anything on the connection builds triggers from the columns).

    Args:
        findings: what the check of the guards found (its altered tables are looked at).

    Returns:
        ``table.column`` of every column dropped; a column that still cannot be dropped (in a
        constraint of the table's altered definition) stays, and the table is named at the next
        open until a backup is restored.
    """
    expected = reference()
    dropped = []
    for table in findings.altered:
        if expected[table][0] != "table":
            continue
        reference_conn = sqlite3.connect(":memory:")
        try:
            reference_conn.execute(expected[table][1])
            wanted = {r[1] for r in reference_conn.execute(f'PRAGMA table_info("{table}")')}
        finally:
            reference_conn.close()
        for column in [r[1] for r in conn.execute(f'PRAGMA main.table_info("{table}")')]:
            if column in wanted:
                continue
            try:
                conn.execute(f'ALTER TABLE main."{table}" DROP COLUMN "{column}"')
                dropped.append(f"{table}.{column}")
            except _database_errors(conn):
                break  # indexed, or in a constraint: the table stays named until restored
    return dropped


#: ``CREATE TABLE`` and the table's name as SQLite may store it: bare, in any letter case, or
#: quoted (a rename stores ``"name"``); what follows is the table's definition.
_CREATE_TABLE = re.compile(
    r'\s*CREATE\s+TABLE\s+(?:"(?:[^"]|"")+"|\[[^\]]+\]|`(?:[^`]|``)+`|\w+)\s*', re.I
)


def _definition(sql: str) -> str | None:
    """A table's CREATE statement without its name (None: not one)."""
    found = _CREATE_TABLE.match(sql)
    return None if found is None else sql[found.end() :]


def rebuild_tables(conn: sqlite3.Connection, findings: Findings, path: str) -> list[str]:
    """Give this version's tables whose stored definition differs only in how their name is
    written (a tool's rewrite — new table, copy, drop, rename — stores ``CREATE TABLE
    "log_entry"``; one made again as ``LOG_ENTRY``) our exact definition again: each is
    rebuilt with our ``CREATE TABLE`` and its rows copied, in the caller's transaction, with
    foreign keys off (``db repair``, after ``drop_added_columns``; ``restore`` then makes its
    indexes and triggers again). Anything else — other or looser columns or constraints, rows
    our definition does not take — is refused: only a backup restores it (issue 13, rev13s F1).

    Args:
        conn: the repair's connection, inside its transaction, foreign keys off.
        findings: what the check of the guards found (its altered tables are looked at).
        path: the database's path, for the refusal.

    Returns:
        The names of the tables rebuilt.

    Raises:
        IntegrityFailure: ``table_redefined``, naming the first table that cannot be rebuilt;
            the caller rolls its transaction back.
    """
    expected = reference()
    rebuilt = []
    for table in findings.altered:
        if expected[table][0] != "table":
            continue
        row = conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
            " AND name = ? COLLATE NOCASE",
            (table,),
        ).fetchone()
        if row is None or (str(row[0]), str(row[1])) == (table, expected[table][1]):
            continue  # gone (made again by ``restore``), or its added columns were its change
        ours = _definition(expected[table][1])
        if ours is None or _definition(str(row[1])) != ours:
            if moved := _reference_rewritten(conn, table, expected[table][1]):
                raise IntegrityFailure(
                    code="table_reference_rewritten",
                    path=path,
                    table=table,
                    refers=moved[0],
                    meant=moved[1],
                )
            raise IntegrityFailure(code="table_redefined", path=path, table=table)
        try:
            _rebuild(conn, str(row[0]), table, expected[table][1])
        except _database_errors(conn):  # a row ours does not take
            raise IntegrityFailure(code="table_redefined", path=path, table=table) from None
        rebuilt.append(table)
    return rebuilt


def _reference_rewritten(
    conn: sqlite3.Connection, table: str, create: str
) -> tuple[str, str] | None:
    """The (table it refers to, table ours refers to) of the first foreign key of ``table``
    whose target differs from our definition's: SQLite rewrites a ``REFERENCES`` when a tool
    renames the table it names (``ALTER TABLE activity RENAME TO activity_old`` before making
    it again; rev13t). None when every reference is ours."""
    reference_conn = sqlite3.connect(":memory:")
    try:
        reference_conn.execute(create)
        ours = reference_conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
    finally:
        reference_conn.close()
    stored = conn.execute(f'PRAGMA main.foreign_key_list("{table}")').fetchall()
    if len(stored) != len(ours):
        return None
    for theirs, mine in zip(stored, ours, strict=True):
        if str(theirs[2]).lower() != str(mine[2]).lower():
            return str(theirs[2]), str(mine[2])
    return None


def _rebuild(conn: sqlite3.Connection, stored: str, table: str, create: str) -> None:
    """Copy the rows of table ``stored`` aside, drop it, make ``table`` with ``create`` and
    copy the rows back (each row keeps its rowid); raise the driver's error when a row does not
    fit, or when one refers to a row that is not there."""
    columns = [str(r[1]) for r in conn.execute(f'PRAGMA main.table_info("{_quoted(stored)}")')]
    names = ", ".join(f'"{_quoted(c)}"' for c in columns)
    rowid = "WITHOUT ROWID" not in create.upper()
    source = ("rowid AS schildwacht_rowid, " if rowid else "") + names
    conn.execute("DROP TABLE IF EXISTS temp.schildwacht_rebuild")
    conn.execute(
        f'CREATE TEMP TABLE schildwacht_rebuild AS SELECT {source} FROM main."{_quoted(stored)}"'
    )
    conn.execute(f'DROP TABLE main."{_quoted(stored)}"')
    conn.execute(create)
    target = ("rowid, " if rowid else "") + names
    copied = ("schildwacht_rowid, " if rowid else "") + names
    conn.execute(
        f'INSERT INTO main."{table}" ({target}) SELECT {copied} FROM temp.schildwacht_rebuild'
    )
    conn.execute("DROP TABLE temp.schildwacht_rebuild")
    if conn.execute(f'PRAGMA main.foreign_key_check("{table}")').fetchone() is not None:
        raise sqlite3.IntegrityError(f"{table}: a row refers to a row that is not there")


def audit_trail_cut(conn: sqlite3.Connection) -> bool:
    """Whether the audit trail is gone, emptied or cut at its start: its first event, the
    ``db.init`` that records the catalogue's fingerprint, is not there. ``db repair`` refuses
    such a database before it looks at anything the trail records (it named the catalogue as
    changed, rev13s F5): no repair makes a trail whole. A gap further on is left to ``audit
    verify``, which names the event missing once repair has put the guards back. Reads only.

    Args:
        conn: the open database.

    Returns:
        True when the trail is gone, empty, or its first event is missing.
    """
    if _kind(conn, "audit_event") != "table":
        return True
    first = conn.execute("SELECT min(seq) FROM main.audit_event").fetchone()[0]
    return first != 1


def _database_errors(conn: sqlite3.Connection) -> tuple[type[Exception], ...]:
    """The driver's own DatabaseError (sqlite3, or SQLCipher's module for an encrypted file)."""
    driver = importlib.import_module(type(conn).__module__)
    return (sqlite3.DatabaseError, getattr(driver, "DatabaseError", sqlite3.DatabaseError))


def _kind(conn: sqlite3.Connection, name: str) -> str | None:
    """The type of the object of that name, its letter case as SQLite ignores it (a trigger
    may share a name with a table: the table, view or index first)."""
    row = conn.execute(
        "SELECT type FROM main.sqlite_master WHERE name = ? COLLATE NOCASE"
        " ORDER BY type = 'trigger', name = ? DESC LIMIT 1",
        (name, name),
    ).fetchone()
    return None if row is None else str(row[0])


def _quoted(name: str) -> str:
    """A name for inside double quotes (a planted object's name may hold one)."""
    return name.replace('"', '""')
