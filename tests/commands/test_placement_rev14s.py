"""A file the database recorded but the rename after the COMMIT could not put in place
(``machine.placed_after_commit``, ``file_not_placed``): said as that, the target as it was,
never exit 1 (rev14s, from the known list: the path had no test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.exits import ExitCode
from commands.output import exit_code
from commands.refusals import refusal
from store import machine
from store.errors import MachineFault


def test_a_rename_that_fails_after_the_commit_is_said_and_leaves_the_target(
    tmp_path: Path,
) -> None:
    target = tmp_path / "bundle.swb"
    target.write_bytes(b"the bundle exported before")
    with pytest.raises(MachineFault) as caught, machine.placed_after_commit() as files:
        files.stage(target, b"the new bundle", "the bundle")
        (temporary,) = [p for p in tmp_path.iterdir() if p != target]
        assert temporary.read_bytes() == b"the new bundle"
        temporary.unlink()  # gone before the rename (another program cleaned the folder)
    assert caught.value.code == "file_not_placed"
    assert caught.value.params["reason"] == "no such file or directory"
    assert target.read_bytes() == b"the bundle exported before"
    said = refusal(caught.value)
    assert said.startswith("The database recorded the bundle, but it could not be put at ")
    assert "move it to" in said and temporary.name in said
    assert exit_code(caught.value) != ExitCode.FAILURE


def test_a_file_placed_after_the_commit_replaces_the_one_at_its_name(tmp_path: Path) -> None:
    target = tmp_path / "bundle.swb"
    target.write_bytes(b"old")
    with machine.placed_after_commit() as files:
        files.stage(target, b"new", "the bundle")
        assert target.read_bytes() == b"old"  # not before the block ends (the COMMIT)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.swb"]
