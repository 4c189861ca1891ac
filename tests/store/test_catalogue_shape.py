"""A hostile catalogue file is refused whole, naming the field, before anything is written
(issue 14, second fresh review): the reviewer's cases, each the shipped catalogue with one value
changed. Before, NaN/inf/float/date ranks, a repeated threat level, staffing 0/-1/NaN and deep
nesting ended ``init --catalogue`` with exit 1; codes with a direction mark or empty, labels with
ESC/BEL/a line break or 100,000 characters, ``rank = "1"``/``true`` and ``typical = "yes"`` were
taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import catalogue
from store.errors import BadInput
from tests.conftest import refused_as

SHIPPED = catalogue.SHIPPED.read_text("utf-8")
RANK = "rank = 1\n"
LABEL = 'label = "Low"'
STAFF = "camera_operator = 1 }"


def changed(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


CASES = {
    "rank_nan": (changed(RANK, "rank = nan\n"), r"resistance_levels\[1\]\.rank must be a whole"),
    "rank_inf": (changed(RANK, "rank = inf\n"), r"resistance_levels\[1\]\.rank must be a whole"),
    "rank_float": (changed(RANK, "rank = 1.5\n"), r"resistance_levels\[1\]\.rank must be a whole"),
    "rank_date": (changed(RANK, "rank = 1979-05-27\n"), r"resistance_levels\[1\]\.rank must be"),
    "rank_str": (changed(RANK, 'rank = "1"\n'), r"resistance_levels\[1\]\.rank must be a whole"),
    "rank_bool": (changed(RANK, "rank = true\n"), r"resistance_levels\[1\]\.rank must be a whole"),
    "rank_huge": (changed(RANK, "rank = 9223372036854775807\n"), r"\[1\]\.rank must lie between"),
    "rank_repeated": (changed("rank = 2\n", "rank = 1\n"), r"resistance_levels\[2\]\.rank repeats"),
    "level_repeated": (changed("level = 2\n", "level = 1\n"), r"threat_levels\[2\]\.level repeats"),
    "code_repeated": (
        changed('code = "W2"', 'code = "W1"'),
        r"levels\[2\]\.code repeats",
    ),
    "code_rlo": (SHIPPED.replace('"W1"', '"W\\u202e1"'), r"resistance_levels\[1\]\.code must be a"),
    "code_markup": (SHIPPED.replace('"W1"', '"[/]"'), r"resistance_levels\[1\]\.code must be a"),
    "code_empty": (SHIPPED.replace('"W1"', '""'), r"resistance_levels\[1\]\.code must be a code"),
    "qual_esc": (
        changed('code = "close_protection"', 'code = "close\\u001bprotection"'),
        r"qualifications\[1\]\.code must be a code",
    ),
    "label_esc": (changed(LABEL, 'label = "\\u001b]0;pwn\\u0007"'), r"threat_levels\[1\]\.label"),
    "label_newline": (changed(LABEL, 'label = "L\\nw"'), r"threat_levels\[1\]\.label contains"),
    "label_huge": (changed(LABEL, f'label = "{"A" * 100_000}"'), r"\[1\]\.label may hold at most"),
    "staffing_nan": (changed(STAFF, "camera_operator = nan }"), r"staffing\.camera_operator must"),
    "staffing_zero": (changed(STAFF, "camera_operator = 0 }"), r"staffing\.camera_operator must"),
    "staffing_negative": (changed(STAFF, "camera_operator = -1 }"), r"camera_operator must lie"),
    "typical_text": (
        changed(
            '(persoonsbeveiliging)"\ntypical = true', '(persoonsbeveiliging)"\ntypical = "yes"'
        ),
        r"qualifications\[1\]\.typical must be true or false",
    ),
    # Issue 14, last fresh review: an empty package made `demo` exit 1 (IndexError).
    "package_no_concepts": (
        changed('concepts = ["CAM", "STATIC", "ESCORT"]', "concepts = []"),
        r"packages\[1\]\.concepts must list at least 1",
    ),
    "concept_no_kinds": (
        changed('subject_kinds = ["object", "service"]', "subject_kinds = []"),
        r"concepts\[\d+\]\.subject_kinds must list at least 1",
    ),
    "deep": (SHIPPED + "\nx = " + "[" * 5000 + "]" * 5000 + "\n", r"nested too deeply"),
    "unknown_table": (SHIPPED + "\n[evil]\nx = 1\n", r"unknown field 'evil'"),
    "unknown_field": (changed(RANK, "rank = 1\nevil = 2\n"), r"resistance_levels\[1\]\.evil"),
    "travel_text": (
        changed("default_minutes = 90", 'default_minutes = "90"'),
        r"travel\.default_minutes must be a whole number",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_catalogue_is_refused_naming_the_field(tmp_path: Path, case: str) -> None:
    text, message = CASES[case]
    path = tmp_path / "hostile.toml"
    path.write_text(text, "utf-8")
    with refused_as(BadInput, message):
        catalogue.load_catalogue(path)


def test_the_shipped_catalogue_passes_its_own_shape() -> None:
    assert catalogue.load_catalogue(None)["resistance_levels"][0]["code"] == "W1"


def test_init_with_a_hostile_catalogue_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """Through the command line: one sentence on stderr, exit 2, no database file."""
    path = tmp_path / "hostile.toml"
    path.write_text(changed(RANK, "rank = nan\n"), "utf-8")
    db = tmp_path / "new.db"
    args = ["--db", str(db), "init", "--callsign", "OPS-01", "--role", "shift_leader"]
    result = CliRunner().invoke(cli, [*args, "--unit", "RT", "--catalogue", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "Error: resistance_levels[1].rank must be a whole number."
    assert not db.exists()
