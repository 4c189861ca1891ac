"""``demo`` on a database that has data is refused in one sentence on stderr (issue 14, fresh
review): the progress label "Building demo data" was printed before the store's refusal."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import snapshot

from .conftest import Run


def test_demo_on_a_filled_database_is_one_sentence(demo: Run, db_path: Path) -> None:
    before = snapshot(db_path)
    result = demo("demo")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: demo fills an empty database, and this one already has 12 protected subjects; "
        "use a new --db path."
    ]
    assert result.stdout == ""
    assert snapshot(db_path) == before


def test_demo_on_an_empty_database_still_shows_its_progress(initialised: Run) -> None:
    result = initialised("demo")
    assert result.exit_code == 0, result.stderr
    assert "Building demo data" in result.stderr
