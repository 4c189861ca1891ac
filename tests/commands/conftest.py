"""CLI fixtures: a CliRunner over a temp database created with the CLI itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from commands.cli import cli
from tests.conftest import copy_database, isolate

GOLDEN = Path(__file__).parent / "golden"

Run = Callable[..., Result]
INIT = ("init", "--callsign", "OPS-01", "--role", "shift_leader", "--unit", "RT")


@pytest.fixture
def run(db_path: Path) -> Run:
    """Invoke ``schildwacht`` with ``--db`` set; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str, user: str | None = None, input: str | None = None) -> Result:
        prefix = ["--db", str(db_path)] + (["--user", user] if user else [])
        return runner.invoke(cli, [*prefix, *args], input=input, catch_exceptions=False)

    return invoke


def _cli_template(root: Path, *commands: tuple[str, ...]) -> Path:
    """A database made by these commands through the CLI, closed: tests get a copy."""
    path = root / "schildwacht.db"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(root, monkeypatch)
        for args in commands:
            result = runner.invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
    return copy_database(path, root / "template.db")


@pytest.fixture(scope="session")
def cli_init_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`init` through the CLI, once per test process (~90 ms each time it is made)."""
    return _cli_template(tmp_path_factory.mktemp("cli-init-template"), INIT)


@pytest.fixture
def initialised(cli_init_template: Path, db_path: Path, run: Run) -> Run:
    """A database made by `init` (a copy of one made once per process)."""
    copy_database(cli_init_template, db_path)
    return run


@pytest.fixture(scope="session")
def cli_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`init` then `demo` through the CLI, once per test process; tests get a copy."""
    return _cli_template(tmp_path_factory.mktemp("cli-demo-template"), INIT, ("demo",))


@pytest.fixture
def demo(cli_demo_template: Path, db_path: Path, run: Run) -> Run:
    """A database made by `init` and `demo` (a copy of one built once per process)."""
    copy_database(cli_demo_template, db_path)
    return run


def golden(name: str, text: str) -> None:
    """Compare with tests/commands/golden/NAME; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"output differs from golden/{name}"
