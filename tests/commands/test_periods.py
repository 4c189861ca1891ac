"""Every command that takes a period refuses a reversed or empty one (issue 14, review): exit 2,
one sentence that names the wrong end, nothing written. Before, ``gaps`` exited 1 for a long
reversal (IndexError) and printed "0 gaps", exit 0, for a short one — a false all-clear with
``--fail-on-gap``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.errors import BadInput
from store.gaps import find_gaps
from tests.conftest import refused_as, snapshot

from .conftest import Run

COMMANDS = {
    "activity list": ("activity", "list"),
    "log list": ("log", "list"),
    "shift list": ("shift", "list"),
    "gaps": ("gaps",),
    "gaps --fail-on-gap": ("gaps", "--fail-on-gap"),
    "gaps --unplanned": ("gaps", "--unplanned"),
    "gaps --violations": ("gaps", "--violations"),
    "capacity": ("capacity",),
    "capacity restrictions": ("capacity", "restrictions"),
    "capacity scenario": ("capacity", "scenario", "--change", "add-officers:1:RT"),
    "handover draft": ("handover", "draft"),
    "handover sign": ("handover", "sign"),
}

PERIODS = {
    "a long reversal": (
        ("2026-12-05 10:00", "2026-11-28 10:00"),
        "--to 2026-11-28 10:00 lies before --from 2026-12-05 10:00: the period would run "
        "backwards; give --to after --from (or swap them).",
    ),
    "a short reversal": (
        ("2026-11-29 10:30", "2026-11-29 10:00"),
        "--to 2026-11-29 10:00 lies before --from 2026-11-29 10:30",
    ),
    "an empty period": (
        ("2026-11-29 10:00", "2026-11-29T10:00+01:00"),
        "--to 2026-11-29 10:00 is the same moment as --from: the period is empty",
    ),
}


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_reversed_or_empty_period_is_exit_2_naming_the_wrong_end(
    initialised: Run, db_path: Path, command: str, period: str
) -> None:
    (start, end), sentence = PERIODS[period]
    before = snapshot(db_path)
    result = initialised(*COMMANDS[command], "--from", start, "--to", end)
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.stdout)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and sentence in line
    assert result.stdout == ""
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ("gaps", "--to", "2026-11-28 09:00"),
            "--to 2026-11-28 09:00 lies before the start of the period (2026-11-28 10:00, the "
            "default); give --to after it, or --from too.",
        ),
        (
            ("capacity", "--to", "2026-11-28 10:00"),
            "--to 2026-11-28 10:00 lies at the start of the period",
        ),
        (
            ("capacity", "restrictions", "--from", "2026-12-28 09:00"),
            "--from 2026-12-28 09:00 lies after the end of the period (2026-11-29 10:00, the "
            "default); give --from before it, or --to too.",
        ),
    ],
)
def test_one_end_against_the_default_other_names_the_given_end(
    initialised: Run, args: tuple[str, ...], sentence: str
) -> None:
    result = initialised(*args)
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert sentence in line


def test_the_store_refuses_a_reversed_period_too(demo_store: object) -> None:
    """The console and any other caller get the same refusal, not an IndexError."""
    first, last = datetime(2026, 12, 5, 9, tzinfo=UTC), datetime(2026, 11, 28, 9, tzinfo=UTC)
    with refused_as(BadInput, "lies before the start"):
        find_gaps(demo_store, first, last)  # type: ignore[arg-type]
