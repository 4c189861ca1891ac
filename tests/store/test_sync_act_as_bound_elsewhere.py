"""Once the signed roster binds a callsign to a laptop, nobody acts as that callsign on another
laptop (the team would credit the work to that laptop's operator): exit 4, one sentence,
nothing written (issue 13, rev13f HIGH 3: the join window)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from commands.cli import cli
from store.clock import FixedClock
from tests.conftest import NOW, snapshot
from tests.sync_team import exchange_all, make_team

SECRET = "bos-secret-1"


def test_acting_as_a_callsign_bound_to_another_laptop_is_refused(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"))
    exchange_all([a, b, c], tmp_path / "share")
    path = a.store.path
    for laptop in (a, b, c):
        laptop.store.close()

    def on_a(*args: str, **env: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(path), *args], env=env)
        return result.exit_code, result.stderr

    assert on_a("staff", "secret", "OPS-B", SCHILDWACHT_NEW_SECRET=SECRET)[0] == 0
    assert on_a("staff", "add", "RT-0042", "--unit", "RT", SCHILDWACHT_NEW_SECRET=SECRET)[0] == 0
    before = snapshot(path)
    code, said = on_a("--user", "OPS-B", "log", "add", "Auto bij woning", SCHILDWACHT_SECRET=SECRET)
    assert code == 4, said
    assert "OPS-B" in said and "laptop-b" in said and "Traceback" not in said
    assert snapshot(path) == before
    code, said = on_a("--user", "RT-0042", "log", "add", "Auto", SCHILDWACHT_SECRET=SECRET)
    assert code == 0, said  # a person bound to no laptop acts here with their secret
