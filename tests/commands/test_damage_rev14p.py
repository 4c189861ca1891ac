"""rev14p: damage a quick check or a header test does not see, said as damage (exit 5) with
nothing written anywhere (issue 14): a lowered schema version in the header, one changed byte in
an index, a stored value of the wrong type, a bundle left behind by a refused export, a cut file."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest

from tests.commands.conftest import Run


def _fingerprint(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _schema_version(path: Path, version: int) -> None:
    with open(path, "r+b") as file:
        file.seek(60)
        file.write(struct.pack(">I", version))


@pytest.mark.parametrize("version", [4, 30, 34])
def test_a_lowered_schema_version_is_damage_and_nothing_is_migrated(
    demo: Run, db_path: Path, tmp_path: Path, version: int
) -> None:
    """Was: exit 2 "not a Schildwacht database (table … already exists)" after migration 031
    had been applied again (30), or exit 0 with migrations 032–035 applied twice (34)."""
    _schema_version(db_path, version)
    before = _fingerprint(db_path)
    for command in (("activity", "list"), ("db", "status"), ("backup", str(tmp_path / "k.db"))):
        result = demo(*command)
        assert result.exit_code == 5, (command, result.stderr)
        assert "schema version was overwritten" in result.stderr, result.stderr
        assert f"it says {version}" in result.stderr
    assert _fingerprint(db_path) == before and not (tmp_path / "k.db").exists()
