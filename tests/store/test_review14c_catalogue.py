"""The third review of issue 14, catalogue: ``init --catalogue`` ended with exit 1 on an FTE of
``sNaN`` (InvalidOperation) or ``Infinity`` (OverflowError), a travel pair given both ways
(UNIQUE) and a concept's ``pilot_packages`` naming no package (FOREIGN KEY); an FTE of ``-120``,
``1E+11``, ``0`` or `` 1_2 `` was taken, and a lower-case unit code that no ``--unit`` could
reach. Each is refused now naming the field, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.cli import cli
from store import catalogue
from store.errors import BadInput
from tests.conftest import refused_as
from tests.store.test_catalogue_shape import changed

FTE = 'fte = "120"'
PAIR = '{ units = ["AM", "RT"], minutes = 60 }'
BAD_FTES = ["sNaN", "NaN", "Infinity", "-120", "1E+11", "0", "0.0", " 1_2 ", "12.25", "10000.1"]
BAD_FTES += ["１２", "+12"]
FTE_WRONG = r"reinforcements\[1\]\.fte must be full-time equivalents written with digits"

CASES = {
    **{f"fte_{given}": (changed(FTE, f'fte = "{given}"'), FTE_WRONG) for given in BAD_FTES},
    "travel_both_ways": (
        changed(PAIR, PAIR + ', { units = ["RT", "AM"], minutes = 1 }'),
        r"travel\.pairs\[2\]\.units repeats the pair 'AM and RT' of travel\.pairs\[1\]",
    ),
    "travel_to_itself": (
        changed(PAIR, '{ units = ["AM", "AM"], minutes = 60 }'),
        r"travel\.pairs\[\d+\]\.units\[2\] repeats 'AM'",
    ),
    "pilot_package_unknown": (
        changed("[[concepts]]\n", '[[concepts]]\npilot_packages = ["NOPE"]\n'),
        r"Pilot concept CAM names unknown package NOPE\.",
    ),
    "package_concept_twice": (
        changed('concepts = ["CAM", "STATIC", "ESCORT"]', 'concepts = ["CAM", "STATIC", "CAM"]'),
        r"packages\[1\]\.concepts\[3\] repeats 'CAM' of packages\[1\]\.concepts\[1\]",
    ),
    "package_level_unknown": (
        changed('level = "W1"\nconcepts = ["CAM"', 'level = "W9"\nconcepts = ["CAM"'),
        r"Package PKG-W1 names unknown level W9\.",
    ),
    "unit_lower_case": (
        changed('code = "NN"', 'code = "nn"'),
        r"units\[\d+\]\.code must be written in upper case .* 'nn' is not",
    ),
    "concept_lower_case": (
        changed('code = "CAM"', 'code = "cam"'),
        r"concepts\[1\]\.code must be written in upper case",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_catalogue_is_refused_naming_the_field(tmp_path: Path, case: str) -> None:
    text, message = CASES[case]
    path = tmp_path / "hostile.toml"
    path.write_text(text, "utf-8")
    with refused_as(BadInput, message):
        catalogue.load_catalogue(path)


@pytest.mark.parametrize("given", ["27.5", "0.1", "10000", "120"])
def test_a_sane_fte_is_read(tmp_path: Path, given: str) -> None:
    path = tmp_path / "fine.toml"
    path.write_text(changed(FTE, f'fte = "{given}"'), "utf-8")
    assert catalogue.load_catalogue(path)["reinforcements"][0]["fte"] == given


@pytest.mark.parametrize("case", ["fte_sNaN", "fte_Infinity", "travel_both_ways"])
def test_init_exits_2_where_it_exited_1_and_writes_nothing(tmp_path: Path, case: str) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(CASES[case][0], "utf-8")
    db = tmp_path / "new.db"
    args = ["--db", str(db), "init", "--callsign", "OPS-01", "--role", "shift_leader"]
    result = CliRunner().invoke(cli, [*args, "--unit", "RT", "--catalogue", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.output
    assert not db.exists()
