"""The third review of issue 14: ``team enroll`` asked "Do the codes match?" and only after the
answer refused for a reason known before (this laptop in no team; an actor who may not enrol).
``roster.check_enrol`` runs those checks first; the command line (and the console's enrol form)
call it before asking, so the refusal comes without the question, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from commands.cli import cli
from tests.conftest import snapshot

from .conftest import Run

QUESTION = "Do the codes match?"


@pytest.fixture
def request_file(tmp_path: Path) -> Path:
    """An enrolment request of another laptop (operator OPS-B of unit RT)."""
    base = ["--db", str(tmp_path / "other.db")]
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, [*base, "init", "--callsign", "OPS-B", "--role", "operator", "--unit", "RT"]
        ).exit_code
        == 0
    )
    path = tmp_path / "req.json"
    assert runner.invoke(cli, [*base, "device", "request", "--out", str(path)]).exit_code == 0
    return path


def _enrol(run: Run, request: Path, out: Path, user: str | None = None) -> Result:
    return run("team", "enroll", str(request), "--out", str(out), input="y\n", user=user)


def test_a_laptop_in_no_team_is_refused_before_the_question(
    initialised: Run,
    db_path: Path,
    request_file: Path,
    tmp_path: Path,
) -> None:
    before = snapshot(db_path)
    result = _enrol(initialised, request_file, tmp_path / "w.swb")
    assert result.exit_code == 2, result.stderr
    assert QUESTION not in result.stderr and "Authentication code" not in result.stderr
    assert result.stderr.startswith("Error: This device is not in a team yet")
    assert snapshot(db_path) == before and not (tmp_path / "w.swb").exists()


def test_an_actor_who_may_not_enrol_is_refused_before_the_question(
    initialised: Run,
    db_path: Path,
    request_file: Path,
    tmp_path: Path,
) -> None:
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    assert (
        initialised("staff", "add", "RT-0001", "--unit", "RT", "--role", "operator").exit_code == 0
    )
    before = snapshot(db_path)
    result = _enrol(initialised, request_file, tmp_path / "w.swb", user="RT-0001")
    assert result.exit_code == 4, result.stderr
    assert QUESTION not in result.stderr
    assert snapshot(db_path) == before and not (tmp_path / "w.swb").exists()


def test_an_allowed_enrolment_still_asks_first(
    initialised: Run,
    request_file: Path,
    tmp_path: Path,
) -> None:
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    result = _enrol(initialised, request_file, tmp_path / "w.swb")
    assert result.exit_code == 0, result.stderr
    assert QUESTION in result.stderr and (tmp_path / "w.swb").exists()
