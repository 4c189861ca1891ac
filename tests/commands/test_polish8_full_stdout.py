"""Issue 14, the reviews' leftovers: every command that writes and prints an id prints it
inside the transaction that writes (``output.creating``), so a stdout that cannot take the id
(``>/dev/full``) rolls the write back: exit 6 and nothing written, and running the command
again writes it once. In-process (stdout swapped for /dev/full) to stay cheap."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

from commands.cli import cli
from tests.commands.conftest import INIT, Run, _cli_template
from tests.conftest import copy_database, snapshot

FULL = Path("/dev/full")

# The team every case starts from, then each case's own setup: (name, args, user); a name
# keeps the id the command printed for ``{name}`` in later arguments.
TEAM: list[tuple[str | None, tuple[str, ...], str | None]] = [
    (None, ("person", "add", "BEVER", "--domain", "local", "--unit", "RT"), None),
    (None, ("threat", "assess", "BEVER", "--level", "3"), None),
    (None, ("staff", "add", "IO-01", "--unit", "DKDB", "--role", "info_analyst"), None),
    (None, ("staff", "add", "GZ-01", "--unit", "RT", "--role", "authority"), None),
    (None, ("staff", "add", "RT-0100", "--unit", "RT", "--role", "shift_leader"), None),
    (
        None,
        (
            "staff",
            "add",
            "RT-0001",
            "--unit",
            "RT",
            "--qualification",
            "close_protection",
            "--qualification",
            "protective_driving",
        ),
        None,
    ),
    (
        None,
        ("shift", "add", "RT-0001", "--start", "2026-12-01 07:00", "--end", "2026-12-01 15:00"),
        None,
    ),
]
ACTIVITY = (
    "activity",
    (
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Zitting",
        "--start",
        "2026-12-01 09:00",
        "--end",
        "2026-12-01 11:00",
        "--concept",
        "CP-LIGHT",
    ),
    None,
)
SIGNAL = (
    "signal",
    (
        "signal",
        "raise",
        "Drone",
        "--category",
        "approach",
        "--urgency",
        "immediate",
        "--tlp",
        "amber",
        "--person",
        "BEVER",
    ),
    None,
)
REPORT = (
    "report",
    ("intel", "draft", "--title", "Beeld", "--interpretation", "Verkenning"),
    "IO-01",
)
HANDOVER = ("handover", ("handover", "sign", "--note", "Rustig"), None)
FLAGGED = ("entry", ("log", "add", "Portofoon defect", "--flag"), None)

CASES: dict[
    str, tuple[list[tuple[str | None, tuple[str, ...], str | None]], tuple[str, ...], str | None]
] = {
    "threat assess": ([], ("threat", "assess", "BEVER", "--level", "3"), None),
    "signal raise": ([], SIGNAL[1], None),
    "signal receive": ([SIGNAL], ("signal", "receive", "{signal}"), "IO-01"),
    "signal sight": ([SIGNAL], ("signal", "sight", "{signal}", "--type", "seen_again"), "RT-0001"),
    "intel draft": ([], REPORT[1], "IO-01"),
    "intel scenario": ([REPORT], ("intel", "scenario", "{report}", "--text", "Stil"), "IO-01"),
    "intel interpret": ([REPORT], ("intel", "interpret", "{report}", "--text", "Ander"), "IO-01"),
    "decision add": (
        [],
        (
            "decision",
            "add",
            "--person",
            "BEVER",
            "--step",
            "decision",
            "--rationale",
            "Dreiging",
            "--document",
            "GEM-1",
            "--authority",
            "mayor:Havenstad",
        ),
        "GZ-01",
    ),
    "handover sign": ([], HANDOVER[1], None),
    "handover accept": ([HANDOVER], ("handover", "accept", "{handover}"), "RT-0100"),
    "handover withdraw": (
        [HANDOVER],
        ("handover", "withdraw", "{handover}", "--reason", "Fout"),
        None,
    ),
    "activity edit": ([ACTIVITY], ("activity", "edit", "{activity}", "--title", "Zitting 2"), None),
    "activity assign": ([ACTIVITY], ("activity", "assign", "{activity}", "CP-HEAVY"), None),
    "activity restrict": (
        [ACTIVITY],
        (
            "activity",
            "restrict",
            "{activity}",
            "--kind",
            "cancelled",
            "--reason",
            "capacity",
            "--authority",
            "mayor:Havenstad",
        ),
        None,
    ),
    "deploy": ([ACTIVITY], ("deploy", "{activity}", "RT-0001"), None),
    "log clear": ([FLAGGED], ("log", "clear", "{entry}", "--reason", "Vervangen"), None),
    "staff role": ([], ("staff", "role", "RT-0001", "shift_leader"), None),
    "team create": ([], ("team", "create", "--name", "DKDB-RT"), None),
}


def _full_run(args: list[str]) -> int:
    """The command in this process with stdout on /dev/full; its exit code."""
    saved, full = sys.stdout, FULL.open("w")
    sys.stdout = full
    try:
        cli.main(args=args, prog_name="schildwacht", standalone_mode=True)
    except SystemExit as done:
        return int(done.code or 0)
    finally:
        sys.stdout = saved
        with contextlib.suppress(OSError):  # what it could not write is still buffered
            full.close()
    return 0


@pytest.fixture(scope="session")
def team_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``init`` and the team, once per test process; each case gets a copy."""
    root = tmp_path_factory.mktemp("full-stdout-team")
    return _cli_template(root, INIT, *(step for _name, step, _who in TEAM))


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize("case", list(CASES))
def test_an_id_that_cannot_be_printed_writes_nothing(
    team_template: Path, run: Run, db_path: Path, case: str
) -> None:
    copy_database(team_template, db_path)
    setup, args, user = CASES[case]
    ids: dict[str, str] = {}
    for name, step, who in setup:
        done = run(*[a.format(**ids) for a in step], user=who)
        assert done.exit_code == 0, (step, done.stderr)
        if name:
            ids[name] = done.stdout.strip()
    argv = [a.format(**ids) for a in args]
    prefix = ["--db", str(db_path), *(["--user", user] if user else [])]
    before = snapshot(db_path)
    assert _full_run([*prefix, *argv]) == 6
    assert snapshot(db_path) == before, f"{case} wrote, then said exit 6"
    again = run(*argv, user=user)
    assert again.exit_code == 0, again.stderr
    # the refused run wrote nothing (above), so the retry's write is the one write; its id
    # is printed once (inside the transaction, not again after it)
    lines = again.stdout.split()
    assert lines and len(lines) == len(set(lines)) and snapshot(db_path) != before
