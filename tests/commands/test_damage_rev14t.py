"""rev14t (issue 14): an older database whose catalogue a tool changed is refused before any
migration records the catalogue anew; ``gaps`` checks every table it reads; a stored time in
a shape never written is damage; a refused repair writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
