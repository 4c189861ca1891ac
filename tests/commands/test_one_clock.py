"""One clock for the command line: the store's (issue 14, rev14g). ``SCHILDWACHT_NOW`` on a
database created with real time is ignored, and says so; "today" and the default periods of
``gaps`` and ``capacity`` were still read from it ("today 10:00" stored on the fixed day)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commands.context import Env
from commands.gaps_cmd import _default_window
from commands.reports_cmd import _window
from store.clock import FixedClock, SystemClock
from tests.commands.conftest import INIT, Run

ELSEWHERE = "2027-06-01T10:00:00Z"


def _real_database(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHILDWACHT_NOW")
    assert run(*INIT).exit_code == 0
    assert run("log", "add", "vandaag geschreven").exit_code == 0
    monkeypatch.setenv("SCHILDWACHT_NOW", ELSEWHERE)


def test_today_on_a_real_database_is_the_real_today(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _real_database(run, monkeypatch)
    listed = run("log", "list", "--date", "today", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert "SCHILDWACHT_NOW is ignored" in listed.stderr
    texts = [row["text"] for row in json.loads(listed.stdout)]
    assert "vandaag geschreven" in texts  # the fixed day (2027-06-01) has no entry
    assert run("log", "list", "--date", "2027-06-01", "--format", "json").stdout.strip() == "[]"


def test_default_periods_on_a_real_database_start_now(
    run: Run, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    _real_database(run, monkeypatch)
    env = Env(db_path=db_path, user=None)
    assert isinstance(env.clock, FixedClock)
    assert isinstance(env.command_clock(), SystemClock)
    before = datetime.now(UTC)
    for first, _last in (_default_window(env, None, None, None), _window(env, None, None)):
        assert before - timedelta(seconds=1) <= first <= datetime.now(UTC)
    env.close()


def test_a_fixed_clock_database_keeps_the_fixed_clock(initialised: Run, db_path: Path) -> None:
    env = Env(db_path=db_path, user=None)
    assert env.command_clock().now().year == 2026 and env.command_clock() is env.store().clock
    env.close()
