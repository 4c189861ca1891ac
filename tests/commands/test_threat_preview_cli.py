"""`threat assess CODE --level N --preview` (issue 20): a report in the four formats that
records nothing; without --preview a report's options are refused (exit 2), and a person who
may not assess may not preview (exit 4). Every refusal writes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.conftest import snapshot

KEYS = [
    "subject",
    "level_before",
    "level_after",
    "required_level_before",
    "required_level_after",
    "package_before",
    "package_after",
    "from",
    "to",
    "hours_needed",
    "units_short",
    "falling",
    "units",
]


def test_the_preview_reports_and_records_nothing(demo: Run, db_path: Path) -> None:
    rows = snapshot(db_path)
    result = demo("threat", "assess", "MEREL", "--level", "3", "--preview", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == KEYS  # the JSON shape (fields may be added, never renamed)
    assert (data["level_before"], data["level_after"]) == (1, 3)
    assert data["units_short"] == ["RT"] and data["hours_needed"] > 0
    assert data["falling"] and {f["reason"] for f in data["falling"]} == {"below_required"}
    assert snapshot(db_path) == rows
    for fmt in ("table", "csv", "md"):
        shown = demo("threat", "assess", "MEREL", "--level", "3", "--preview", "-f", fmt)
        assert shown.exit_code == 0 and "MEREL" in shown.stdout
    assert snapshot(db_path) == rows
    listed = json.loads(demo("person", "show", "MEREL", "-f", "json").stdout)
    assert listed["threat_level"] == 1


@pytest.mark.parametrize("extra", [("-f", "json"), ("--output", "out.txt")])
def test_a_report_option_without_preview_is_refused(
    demo: Run, db_path: Path, tmp_path: Path, extra: tuple[str, str]
) -> None:
    rows = snapshot(db_path)
    result = demo("threat", "assess", "MEREL", "--level", "3", *extra)
    assert result.exit_code == 2
    assert "--preview" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(db_path) == rows


def test_who_may_not_assess_may_not_preview(demo: Run, db_path: Path) -> None:
    assert demo("staff", "secret", "AM-0002").exit_code == 0
    rows = snapshot(db_path)
    result = demo("threat", "assess", "MEREL", "--level", "3", "--preview", user="AM-0002")
    assert result.exit_code == 4 and result.stdout == ""
    assert snapshot(db_path) == rows


def test_the_readme_shows_what_the_preview_prints(demo: Run) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("$ schildwacht threat assess MEREL --level 3 --preview\n", 1)[1]
    example = example.split("```", 1)[0]
    printed = demo("threat", "assess", "MEREL", "--level", "3", "--preview").stdout

    def without_ids(text: str) -> list[str]:
        return [re.sub(r"id: [0-9a-f-]{36}", "id: …", line) for line in text.splitlines()]

    assert without_ids(example) == without_ids(printed)  # ids differ per demo, nothing else


def test_the_preview_counts_what_the_real_assessment_then_says(demo: Run) -> None:
    seen = json.loads(
        demo("threat", "assess", "MEREL", "--level", "3", "--preview", "-f", "json").stdout
    )
    real = demo("threat", "assess", "MEREL", "--level", "3")
    assert real.exit_code == 0
    # an activity already over is not re-planned: the real message counts from now on too
    assert f"{len(seen['falling'])} activities now need re-planning" in real.stderr


def test_a_summary_the_assessment_refuses_is_refused_by_the_preview(
    demo: Run, db_path: Path
) -> None:
    rows = snapshot(db_path)
    long = "x" * 4001
    previewed = demo("threat", "assess", "MEREL", "--level", "3", "--summary", long, "--preview")
    recorded = demo("threat", "assess", "MEREL", "--level", "3", "--summary", long)
    assert previewed.exit_code == recorded.exit_code == 2
    assert previewed.stderr == recorded.stderr
    assert snapshot(db_path) == rows
