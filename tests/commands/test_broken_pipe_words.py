"""rev14 lows.sh L3: a write command whose reader went away (``| true``) was told to "free
some room"; a broken pipe names the reader that stopped, and the record whose id could not be
printed is not kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import snapshot

from .conftest import Run

CLI = [sys.executable, "-c", "from commands.cli import main; main()"]


def test_a_write_into_a_closed_pipe_says_the_reader_stopped(
    initialised: Run, db_path: Path
) -> None:
    before = snapshot(db_path)
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the id is printed
    try:
        done = subprocess.run(
            [*CLI, "--db", str(db_path), "log", "add", "piped"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SCHILDWACHT_NOW": "2026-11-28T09:00:00+00:00"},
            timeout=60,
        )
    finally:
        os.close(writer)
    assert done.returncode == 6, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "the program reading it stopped before the end" in line
    assert "room" not in line
    assert snapshot(db_path) == before
