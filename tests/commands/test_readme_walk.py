"""The README's examples as a newcomer walks them on the `make run` demo (console14): the shift
and calendar examples run on the demo and print what the README shows; a report is issued
only after the README made its draft."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.commands.conftest import Run

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def examples() -> list[tuple[str, list[str]]]:
    """Each ``$ schildwacht …`` of the README's console blocks (continued lines joined), with
    the lines it printed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            if not line.startswith("$ schildwacht "):
                if found and line.strip() and not line.startswith("$ "):
                    found[-1][1].append(line)
                continue
            command = line[2:]
            while command.endswith("\\") and index < len(lines):
                command = command[:-1] + lines[index].strip()
                index += 1
            found.append((command.split("   #")[0].strip(), []))
    return found


def _words(lines: list[str]) -> list[str]:
    """What was printed, ids left out (they differ on every database)."""
    return [line.strip() for line in lines if line.strip() and not ID.match(line)]


def test_the_shift_examples_are_of_a_demo_officer_and_print_what_the_readme_shows(
    demo: Run,
) -> None:
    shifts = [(c, out) for c, out in examples() if c.startswith("schildwacht shift add ")]
    assert len(shifts) >= 2
    for command, printed in shifts:
        result = demo(*shlex.split(command)[1:])
        # RT-0412 was nobody on the demo: "RT-0412 is not on the staff list"
        said = _words(result.stdout.splitlines() + result.stderr.splitlines())
        assert sorted(said) == sorted(_words(printed)), (command, said)


def test_a_report_is_issued_in_the_readme_only_after_its_draft() -> None:
    drafted: list[str] = []
    issued = 0
    for command, printed in examples():
        if " intel draft " in command:
            drafted += [line for line in printed if ID.match(line)]
        match = re.search(r" intel issue (\S+)", command)
        if match:
            issued += 1
            assert any(d.startswith(match.group(1)) for d in drafted), command
    assert issued


def test_the_calendar_examples_import_the_fixtures_step_by_step(demo: Run) -> None:
    steps = [(c, out) for c, out in examples() if " activity import-ics " in c]
    assert steps
    said = []
    for command, printed in steps:
        args = shlex.split(command)[1:]
        assert args[0] == "-q" or (ROOT / args[2]).is_file(), command  # tests/fixtures/ics/…
        if args[0] == "-q":
            continue
        assert args[2].startswith("tests/fixtures/ics/"), command
        result = demo(*args[:2], str(ROOT / args[2]), *args[3:])
        assert result.exit_code == 0, result.stderr
        summary = result.stderr.splitlines()[0]  # the counts, then the table on stdout
        assert summary == printed[0], command
        assert [line.split()[1] for line in result.stdout.splitlines()[2:]] == [
            line.split()[1] for line in printed[3:]
        ], command
        said.append(summary)
    # the reinstated step is shown with the steps before it, none hidden
    assert [" 5 added" in s for s in said][:1] == [True]
    assert any("1 removed from the calendar" in s for s in said)
    assert "1 reinstated" in said[-1]
