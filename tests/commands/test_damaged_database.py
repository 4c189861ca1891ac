"""A damaged database file (bytes overwritten, as a failing disk or a cut copy leaves it) is
refused in one sentence that names the damage and what to do, exit 5 (integrity), for reading
and writing alike (issue 14, rev14g): it was exit 1 "unexpected failure (DatabaseError:
'database disk image is malformed')", and damage near the start read as "not a Schildwacht
database". ``backup`` of it says it cannot copy a damaged database and how to recover."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.conftest import Run

DAMAGED = "is damaged (SQLite reads it as malformed); nothing was written."


def _overwrite(path: Path, offset: int, length: int | None = None) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.seek(offset)
        file.write(b"\xff" * ((size - offset) if length is None else length))


@pytest.mark.parametrize(
    "command",
    [
        ("db", "status"),
        ("shift", "list"),
        ("gaps",),
        ("capacity",),
        ("handover", "draft"),
        ("log", "add", "na de schade"),
    ],
)
def test_a_damaged_database_is_refused_in_words_exit_5(
    demo: Run, db_path: Path, command: tuple[str, ...]
) -> None:
    _overwrite(db_path, 4096 * 8)  # everything after the first pages
    result = demo(*command)
    assert result.exit_code == 5, result.stderr
    assert result.stderr.startswith("Error: The database ") and DAMAGED in result.stderr
    assert "Restore the latest backup" in result.stderr
    assert "unexpected failure" not in result.stderr


def test_damage_near_the_start_is_damage_not_another_kind_of_file(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _overwrite(db_path, 100, 4000)
    result = demo("activity", "list")
    assert result.exit_code == 5 and DAMAGED in result.stderr, result.stderr
    other = tmp_path / "brief.txt"  # a file of another kind is still named as such
    other.write_text("geen database\n" * 100)
    result = demo("--db", str(other), "log", "list")
    assert "not a Schildwacht database" in result.stderr and DAMAGED not in result.stderr


def test_a_backup_of_a_damaged_database_is_refused_with_the_way_to_recover(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    _overwrite(db_path, 200_000, 5000)
    target = tmp_path / "kopie.db"
    result = demo("backup", str(target))
    assert result.exit_code == 5, result.stderr
    assert "Cannot back up the database" in result.stderr
    assert ".recover" in result.stderr and "no backup was written" in result.stderr
    assert not target.exists()
    assert not list(tmp_path.glob(".kopie.db*"))
