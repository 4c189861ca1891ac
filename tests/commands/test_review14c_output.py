"""The third review of issue 14: a listing onto a full device (``>/dev/full``) ended with exit 6
blaming the database ("No room to use the database …") that it had only read. The output that
failed is named now, still exit 6, and the database is unchanged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.commands.test_machine_faults import CLI
from tests.conftest import copy_database, snapshot

FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "listing", [["audit", "list", "-f", "csv"], ["person", "list", "-f", "json"]]
)
def test_a_listing_onto_a_full_device_names_the_output(
    demo_template: Path, tmp_path: Path, listing: list[str]
) -> None:
    database = copy_database(demo_template, tmp_path / "d.db")
    before = snapshot(database)
    with FULL.open("w") as full:
        done = subprocess.run(
            [*CLI, "--db", str(database), *listing],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 6, done.stderr
    assert done.stderr.startswith("Error: Writing to standard output failed (no space left on")
    assert "database '" not in done.stderr and "Traceback" not in done.stderr
    assert snapshot(database) == before
