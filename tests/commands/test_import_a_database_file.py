"""rev17s: a database file (a backup, another laptop's database) given to an importer was read
as text: ``import-ics`` said "it looks like UTF-16 or UTF-32 text", ``shift import`` "not UTF-8
text", ``sync import`` "does not begin as an encrypted bundle does". Each now says what the
file is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import Run


@pytest.mark.parametrize(
    ("args", "what", "code"),
    [
        (("activity", "import-ics", "--person", "BEVER"), "calendar", 2),
        (("shift", "import"), "roster", 2),
    ],
)
def test_a_database_file_given_as_a_calendar_or_roster_is_named_a_database(
    demo: Run, db_path: Path, tmp_path: Path, args: tuple[str, ...], what: str, code: int
) -> None:
    other = tmp_path / "other.db"
    shutil.copyfile(db_path, other)
    before = db_path.read_bytes()
    result = demo(*args, str(other))
    assert result.exit_code == code, result.output
    assert result.output.startswith("Error: 'other.db' is a database file"), result.output
    assert f"not a {what} file; nothing was read." in result.output
    assert "UTF" not in result.output
    assert db_path.read_bytes() == before


def test_a_database_file_given_as_a_bundle_is_named_a_database(
    demo: Run, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    shutil.copyfile(db_path, other)
    result = demo("sync", "import", str(other))
    assert result.exit_code == 5, result.output
    assert "it is a database file (SQLite" in result.output and "not a bundle" in result.output
