"""The command-line contract: formats, exit codes, stdout for data and stderr for people."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import click
import pytest

from commands.cli import cli
from store import migrations
from tests.commands.conftest import Run, golden
from tests.conftest import snapshot

FORMATS = ("table", "csv", "json", "md")


@pytest.mark.parametrize("fmt", FORMATS)
def test_catalogue_levels_golden(initialised: Run, fmt: str) -> None:
    result = initialised("catalogue", "levels", "--format", fmt)
    assert result.exit_code == 0 and result.stderr == ""
    golden(f"catalogue-levels.{fmt}", result.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_capacity_reinforcements_golden(initialised: Run, fmt: str) -> None:
    result = initialised("capacity", "reinforcements", "--format", fmt)
    assert result.exit_code == 0
    golden(f"reinforcements.{fmt}", result.stdout)


def test_reinforcement_totals_are_exact_numbers(initialised: Run) -> None:
    rows = json.loads(initialised("capacity", "reinforcements", "--totals", "-f", "json").stdout)
    assert rows == [
        {"organisation": "KMar", "fte": 131},
        {"organisation": "Politie", "fte": 347.8},
        {"organisation": "total", "fte": 478.8},
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_person_list_golden_on_demo_data(demo: Run, fmt: str) -> None:
    golden(f"person-list.{fmt}", demo("person", "list", "--format", fmt).stdout)


def test_table_and_csv_agree(demo: Run) -> None:
    table = demo("person", "list").stdout.splitlines()
    rows = list(csv.DictReader(io.StringIO(demo("person", "list", "-f", "csv").stdout)))
    assert len(table) == len(rows) + 2  # header and rule
    for line, row in zip(table[2:], rows, strict=True):
        assert line.split() == [v for v in row.values() if v]


def test_json_shapes_are_the_contract(demo: Run) -> None:
    person = json.loads(demo("person", "show", "BEVER", "-f", "json").stdout)
    assert list(person) == [
        "code",
        "kind",
        "domain",
        "unit",
        "threat_level",
        "required_level",
        "package",
    ]
    activities = json.loads(demo("activity", "list", "--date", "today", "-f", "json").stdout)
    assert activities and set(activities[0]) >= {
        "id",
        "person",
        "title",
        "kind",
        "start",
        "end",
        "location",
        "status",
        "concept",
        "required_level",
        "concept_level",
    }
    assert activities[0]["start"].endswith("+01:00")
    concepts = json.loads(demo("catalogue", "concepts", "-f", "json").stdout)
    assert concepts[0]["staffing"] == [{"qualification": "camera_operator", "count": 1}]
    # staff list, handover list and suggest's team as README's "JSON shapes" gives them (fix17r)
    staff = json.loads(demo("staff", "list", "-f", "json").stdout)
    assert list(staff[0]) == _readme_keys("`staff list`")
    assert set(staff[0]["qualifications"][0]) == {"code", "valid_until"}
    assert demo("handover", "sign").exit_code == 0
    handovers = json.loads(demo("handover", "list", "-f", "json").stdout)
    assert list(handovers[0]) == _readme_keys("`handover list`")
    gaps = json.loads(demo("gaps", "-f", "json").stdout)
    options = json.loads(demo("suggest", gaps[0]["activities"][0], "-f", "json").stdout)
    assert list(options[0]) == _readme_keys("`suggest`")
    assert all(isinstance(o["team"], list) for o in options)


def _readme_keys(name: str) -> list[str]:
    """The keys README's "JSON shapes" lists for ``name`` (the first ``{…}`` after it)."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    shapes = readme[readme.index("### JSON shapes") :]
    after = shapes[shapes.index(name + ":") :]
    depth, keys, key = 0, [], ""
    for char in " ".join(after[after.index("{") :].split()):
        depth += (char in "{[") - (char in "}]")
        if depth == 0:
            break
        if depth == 1 and char == ",":
            keys.append(key)
            key = ""
        elif depth == 1 and char != "{":
            key += char
    return [k.split(":")[0].strip() for k in [*keys, key]]


def test_create_prints_the_id_alone_on_the_last_line(initialised: Run, db_path: Path) -> None:
    result = initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    assert result.exit_code == 0
    (subject_id,) = result.stdout.splitlines()
    assert "Added person BEVER" in result.stderr
    assert sqlite3.connect(db_path).execute(
        "SELECT code FROM subject WHERE id = ?", (subject_id,)
    ).fetchone() == ("BEVER",)


def test_a_day_built_from_the_command_line(initialised: Run) -> None:
    assert initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT").exit_code == 0
    assert initialised("threat", "assess", "BEVER", "--level", "3").exit_code == 0
    added = initialised(
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "Zitting",
        "--start",
        "2026-12-01 09:30",
        "--end",
        "2026-12-01 12:00",
        "--location",
        "Rechtbank",
    )
    activity_id = added.stdout.strip()
    refused = initialised("activity", "assign", activity_id, "STATIC")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == (
        "Error: Concept STATIC provides W2 but BEVER requires W3 (rule R1); "
        "choose one of: CP-LIGHT, CP-HEAVY.\n"
    )
    assert initialised("activity", "assign", activity_id[:13], "CP-LIGHT").exit_code == 0
    raised = initialised("threat", "assess", "BEVER", "--level", "4")
    assert "1 activity now needs re-planning (rule R1)" in raised.stderr
    shown = json.loads(initialised("activity", "show", activity_id, "-f", "json").stdout)
    assert (shown["concept"], shown["required_level"], shown["replan"]) == (
        "CP-LIGHT",
        "W4",
        "below_required",
    )
    restricted = initialised(
        "activity",
        "restrict",
        activity_id,
        "--kind",
        "cancelled",
        "--reason",
        "capacity",
        "--authority",
        "OvJ Havenstad",
    )
    assert restricted.exit_code == 0
    counts = json.loads(initialised("activity", "restrictions", "-f", "json").stdout)
    assert counts == [{"person": "BEVER", "capacity": 1, "threat": 0, "tbp_choice": 0, "total": 1}]


def test_log_from_the_command_line(initialised: Run) -> None:
    entry_id = initialised(
        "log", "add", "Portofoon defect", "--kind", "equipment", "--flag"
    ).stdout.strip()
    listed = json.loads(initialised("log", "list", "--open", "-f", "json").stdout)
    assert [e["id"] for e in listed] == [entry_id]
    assert initialised("log", "clear", entry_id, "--reason", "Vervangen").exit_code == 0
    assert json.loads(initialised("log", "list", "--open", "-f", "json").stdout) == []


def test_dst_gap_on_the_command_line_is_bad_input(initialised: Run) -> None:
    initialised("person", "add", "BEVER", "--domain", "local", "--unit", "RT")
    result = initialised(
        "activity",
        "add",
        "--person",
        "BEVER",
        "--title",
        "x",
        "--start",
        "2027-03-28 02:30",
        "--end",
        "2027-03-28 04:00",
    )
    assert result.exit_code == 2
    assert "does not exist in Europe/Amsterdam" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("person", "show", "NOPE"), 2, "Error: No protected subject with code name 'NOPE'"),
        (("person", "add", "X", "--domain", "local", "--unit", "RT"), 2, "not a code name"),
        (("catalogue", "planets"), 2, "Invalid value"),
        (("threat", "assess", "NOPE", "--level", "2"), 2, "No protected subject"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(
    initialised: Run, db_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = snapshot(db_path)
    result = initialised(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(db_path) == before


def test_role_refusal_exits_4_and_changes_nothing(initialised: Run, db_path: Path) -> None:
    initialised("staff", "add", "RT-0001", "--unit", "RT", "--role", "operator")
    before = snapshot(db_path)
    result = initialised(
        "person", "add", "BEVER", "--domain", "local", "--unit", "RT", user="RT-0001"
    )
    assert result.exit_code == 4
    assert result.stderr.startswith(
        "Error: Only admin, authority liaison, information analyst, planner, shift "
        "leader may add protected subjects"
    )
    assert snapshot(db_path) == before


def test_directory_as_db_and_missing_db(tmp_path: Path) -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(tmp_path), "person", "list"])
    assert result.exit_code == 2 and "is a directory" in result.stderr
    result = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), "person", "list"])
    assert result.exit_code == 2 and "schildwacht init" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_newer_schema_exits_2(initialised: Run, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 5}")
    conn.close()
    result = initialised("person", "list")
    assert result.exit_code == 2
    assert "newer than this Schildwacht understands" in result.stderr


def test_db_path_and_status(initialised: Run, db_path: Path) -> None:
    assert initialised("db", "path").stdout.strip() == str(db_path)
    status = json.loads(initialised("db", "status", "-f", "json").stdout)
    assert status["schema_version"] == migrations.SCHEMA_VERSION
    assert status["counts"]["unit"] == 12 and status["journal_mode"] == "wal"


def test_output_to_a_file(initialised: Run, tmp_path: Path) -> None:
    target = tmp_path / "levels.csv"
    result = initialised("catalogue", "levels", "-f", "csv", "-o", str(target))
    assert result.stdout == "" and target.read_text().startswith("code,rank,label\n")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = click.Context(group)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    command: click.Command = cli
    for name in path:
        found = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        assert found is not None
        command = found
    assert command.help or command.short_help, f"{' '.join(path)} has no help text"


LISTINGS = [
    ("catalogue", "units"),
    ("catalogue", "levels"),
    ("catalogue", "packages"),
    ("catalogue", "concepts"),
    ("catalogue", "qualifications"),
    ("catalogue", "threat-levels"),
    ("person", "list"),
    ("person", "show", "BEVER"),
    ("threat", "explain", "BEVER"),
    ("staff", "list"),
    ("activity", "list"),
    ("activity", "restrictions"),
    ("log", "list"),
    ("capacity", "reinforcements"),
    ("db", "status"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_listing_accepts_every_format(demo: Run, fmt: str) -> None:
    for args in LISTINGS:
        result = demo(*args, "--format", fmt)
        assert result.exit_code == 0, (args, result.stderr)
        if fmt == "json":
            json.loads(result.stdout)
        elif fmt == "csv":
            assert list(csv.reader(io.StringIO(result.stdout)))
        else:
            assert result.stdout.strip()
