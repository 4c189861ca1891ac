"""CLI fixtures: a CliRunner over a temp database created with the CLI itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from commands.cli import cli

GOLDEN = Path(__file__).parent / "golden"

Run = Callable[..., Result]


@pytest.fixture
def run(db_path: Path) -> Run:
    """Invoke ``schildwacht`` with ``--db`` set; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str, user: str | None = None, input: str | None = None) -> Result:
        prefix = ["--db", str(db_path)] + (["--user", user] if user else [])
        return runner.invoke(cli, [*prefix, *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def initialised(run: Run) -> Run:
    result = run("init", "--callsign", "OPS-01", "--role", "shift_leader", "--unit", "RT")
    assert result.exit_code == 0, result.stderr
    return run


@pytest.fixture
def demo(initialised: Run) -> Run:
    assert initialised("demo").exit_code == 0
    return initialised


def golden(name: str, text: str) -> None:
    """Compare with tests/commands/golden/NAME; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"output differs from golden/{name}"
