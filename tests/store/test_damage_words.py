"""rev14h: which driver errors mean a damaged database file (``machine.is_damage``, the one
test every face uses): SQLite's own damage, a stored text that is no UTF-8, a damaged header
field of a plain SQLite file; not a value written wrongly on purpose ("malformed JSON"), nor a
file of another kind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import machine


def _raised(conn: sqlite3.Connection, sql: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        conn.execute(sql).fetchall()
    return raised.value


def test_damage_is_told_from_other_database_errors(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute("INSERT INTO t VALUES (CAST(x'4142ff' AS TEXT))")
    conn.commit()
    not_utf8 = _raised(conn, "SELECT x FROM t")
    json = _raised(conn, "SELECT json_extract('{x', '$.a')")
    conn.close()
    assert machine.is_damage(not_utf8, plain) and machine.is_damage(not_utf8, None)
    assert not machine.is_damage(json, plain)
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    assert machine.is_damage(corrupt, None)
    other = tmp_path / "brief.txt"
    other.write_text("geen database\n" * 400)
    conn = sqlite3.connect(other)
    not_a_database = _raised(conn, "SELECT * FROM sqlite_master")
    conn.close()
    assert not machine.is_damage(not_a_database, other)  # another kind of file
    with open(plain, "r+b") as file:  # its schema format number overwritten
        file.seek(44)
        file.write(b"\xde\xad\xbe\xef")
    conn = sqlite3.connect(plain)
    header = _raised(conn, "SELECT * FROM t")
    conn.close()
    assert machine.is_damage(header, plain)
    assert machine.quick_check(sqlite3.connect(":memory:")) == {}
