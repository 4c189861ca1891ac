"""Edges a hostile reviewer found (issue 14, review): ``demo`` near the ends of the time range.
Each refusal is exit 2, one sentence, and the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import snapshot

from .conftest import Run


@pytest.mark.parametrize(
    ("now", "dates"),
    [
        ("2099-06-01T10:00:00+00:00", "from 2099-05-31 to 2101-05-03"),
        ("1970-01-01T10:00:00+00:00", "from 1969-12-31 to 1971-12-03"),
    ],
)
def test_demo_near_the_ends_of_the_time_range_writes_nothing(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, now: str, dates: str
) -> None:
    monkeypatch.setenv("SCHILDWACHT_NOW", now)
    assert run("init", "--callsign", "OPS-01", "--unit", "RT").exit_code == 0
    before = snapshot(db_path)
    result = run("--quiet", "demo")
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"demo would write dates {dates}, outside 1970-01-01 to 2099-12-31" in line
    assert snapshot(db_path) == before
