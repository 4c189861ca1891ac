"""The second fresh review's small findings of issue 14, on the command line: a refusal of
``team enroll --yes`` is one sentence (the request's description follows a success instead of
preceding the error), ``--role ''`` is refused rather than read as no role, a range refusal
shows the local time it measured, not UTC."""

from __future__ import annotations

from pathlib import Path

from tests.commands.test_sync_cli import Laptops, _enrolment_request, laptops
from tests.conftest import snapshot

__all__ = ["laptops"]  # the fixture, used by name


def test_enroll_with_an_empty_role_is_one_sentence_and_writes_nothing(
    laptops: Laptops, tmp_path: Path
) -> None:
    request = _enrolment_request(laptops, tmp_path)
    out = tmp_path / "w.swb"
    before = snapshot(laptops.db("a"))
    refused = laptops("a", "team", "enroll", str(request), "--out", str(out), "--role", "", "--yes")
    assert refused.exit_code == 2, refused.stderr
    [line] = refused.stderr.splitlines()
    assert line.startswith("Error: Unknown role ''; choose one of")
    assert snapshot(laptops.db("a")) == before and not out.exists()
    done = laptops("a", "team", "enroll", str(request), "--out", str(out), "--yes")
    assert done.exit_code == 0, done.stderr
    assert "Device laptop-c asks to join" in done.stderr
