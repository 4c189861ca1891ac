"""What a second hostile review of issue 14 broke, reproduced on the command line (the console's
forms: tests/console/test_hostile_text.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import snapshot

from .conftest import Run


def test_a_done_activity_is_not_moved_to_a_time_not_yet_ended(demo: Run, db_path: Path) -> None:
    times = ("--start", "2026-11-20 10:00", "--end", "2026-11-20 11:00")
    added = demo("activity", "add", "--person", "BEVER", "--title", "Zitting", *times)
    assert added.exit_code == 0, added.stderr
    activity = added.stdout.strip()
    assert demo("activity", "edit", activity, "--status", "done").exit_code == 0
    before = snapshot(db_path)
    future = ("--start", "2026-12-02 10:00", "--end", "2026-12-02 11:00")
    moved = demo("activity", "edit", activity, *future, "--correction", "Verkeerd genoteerd")
    assert moved.exit_code == 2
    assert len(moved.stderr.splitlines()) == 1 and "is done" in moved.stderr
    assert snapshot(db_path) == before
    # Within the past it may still be corrected.
    past = ("--start", "2026-11-21 10:00", "--end", "2026-11-21 11:00")
    corrected = demo("activity", "edit", activity, *past, "--correction", "Verkeerd genoteerd")
    assert corrected.exit_code == 0, corrected.stderr
