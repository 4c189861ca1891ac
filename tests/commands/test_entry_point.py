"""The installed ``schildwacht`` script as a process: a scripted command ends early (without the
interpreter's teardown), so check that its exit codes and its whole output survive that."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from store.db import Store
from store.subjects import add_subject

SCRIPT = Path(sys.executable).with_name("schildwacht")


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), "--db", str(db), *args], capture_output=True, text=True)


def test_exit_codes_and_output_survive_the_early_exit(store: Store) -> None:
    db = store.path
    for n in range(40):
        add_subject(store, f"BEVER-{n:02d}", kind="person", domain="local", unit="RT")
    store.close()
    listed = _run(db, "person", "list", "--format", "json")
    assert listed.returncode == 0
    assert [p["code"] for p in json.loads(listed.stdout)] == [f"BEVER-{n:02d}" for n in range(40)]
    refused = _run(db, "gaps", "--unit", "XX", "--fail-on-gap")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.startswith("Error: Unknown unit 'XX'")
    clear = _run(db, "gaps", "--fail-on-gap", "--format", "json")
    assert (clear.returncode, clear.stdout) == (0, "[]\n")
    assert clear.stderr == "0 gaps; 0 activities without a concept (gaps --unplanned).\n"
