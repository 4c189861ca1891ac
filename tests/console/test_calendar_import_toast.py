"""The console words a calendar import's warnings as the command line does (the toast after
the import lists them), instead of dropping them (issue 15 point 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from console.screens.agenda import TOAST_WARNINGS, _imported
from store.ics import ImportResult
from store.sync.notice import notice
from words.calendar import warning


def test_the_import_toast_lists_the_warnings_in_words() -> None:
    result = ImportResult(
        window=(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC))
    )
    read = notice("calendar_read_as_cp1252", file="x.ics")
    result.warnings = [read] * (TOAST_WARNINGS + 2)
    lines = _imported(result).split("\n")
    assert lines[0].startswith("Calendar imported: 0 added")
    assert lines[1] == "Warning: " + warning(read)
    assert lines[1] == (
        "Warning: x.ics is not UTF-8; it was read as Windows-1252 (Western European)."
    )
    assert len(lines) == 1 + TOAST_WARNINGS + 1 and lines[-1] == "… and 2 more warnings."
    result.warnings = []
    assert _imported(result).count("\n") == 0
