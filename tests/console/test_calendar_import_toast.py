"""The console words a calendar import's warnings as the command line does (the toast after
the import lists them), instead of dropping them (issue 15 point 6). rev17g: the toast showed
its line breaks as the text ``\\u000a`` (the whole toast was escaped as one value) and the
warnings past ``TOAST_WARNINGS`` could be read nowhere; now each line is escaped on its own and
a window lists every warning."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input, Select, Static

from console.app import SchildwachtApp
from console.screens.agenda import TOAST_WARNINGS, _imported
from console.screens.document import DocumentScreen
from console.screens.forms import FormScreen
from store.db import Store
from store.ics import ImportResult
from store.sync.notice import notice
from tests.console.conftest import settle, toasts
from words.calendar import warning


def test_the_import_toast_lists_the_warnings_in_words() -> None:
    result = ImportResult(
        window=(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC))
    )
    read = notice("calendar_read_as_cp1252", file="x.ics")
    result.warnings = [read] * TOAST_WARNINGS
    lines = list(_imported(result))
    assert lines[0].startswith("Calendar imported: 0 added")
    assert lines[1] == "Warning: " + warning(read)
    assert lines[1] == (
        "Warning: x.ics is not UTF-8; it was read as Windows-1252 (Western European)."
    )
    assert len(lines) == 1 + TOAST_WARNINGS
    result.warnings = [read] * (TOAST_WARNINGS + 1)  # the window says them: no toast over it
    assert list(_imported(result)) == []
    result.warnings = []
    assert len(_imported(result)) == 1


def _event(n: int) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:m{n}@test\r\nDTSTAMP:20261201T080000Z\r\n"
        f"DTSTART:202612{10 + n}T090000Z\r\nDTEND:202612{10 + n}T100000Z\r\n"
        f"SUMMARY:Afspraak {n}\r\nSTATUS:MAYBE{n}\r\nEND:VEVENT\r\n"
    )


async def test_the_toast_on_screen_breaks_its_lines_and_a_window_lists_every_warning(
    demo_store: Store, tmp_path: Path
) -> None:
    """Eight unknown STATUS values: the toast on screen holds real line breaks (never the text
    ``\\u000a``), and the window that opens lists all eight warnings, the last three too."""
    path = tmp_path / "many.ics"
    events = "".join(_event(n) for n in range(TOAST_WARNINGS + 3))
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n")
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#path", Input).value = str(path)
        form.query_one("#person", Select).value = "BEVER"
        form.submit()
        await settle(pilot)
        assert toasts(app) == []  # none over the window, which says it all (rev17m f8)
        window = app.screen
        assert isinstance(window, DocumentScreen)
        body = str(window.query_one("#document-body", Static).render())
        assert all(f"'MAYBE{n}'" in body for n in range(8)), body
        assert "8. VEVENT m7@test (Afspraak 7)" in body
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DocumentScreen)


async def test_a_low_terminal_opens_the_window_for_more_than_two_warnings(
    demo_store: Store, tmp_path: Path
) -> None:
    """rev17h: at 80x24 a toast with 4 warnings was taller than the screen and its first line
    ("Calendar imported: …") was never seen. On a terminal below 32 lines the toast lists 2,
    and the window opens with the summary as its first line and every warning."""
    path = tmp_path / "four.ics"
    events = "".join(_event(n) for n in range(4))
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n")
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#path", Input).value = str(path)
        form.query_one("#person", Select).value = "BEVER"
        form.submit()
        await settle(pilot)
        assert toasts(app) == []  # rev17m f8: a toast covered the window's first lines
        window = app.screen
        assert isinstance(window, DocumentScreen)
        body = str(window.query_one("#document-body", Static).render())
        assert body.startswith("Calendar imported: 4 added"), body
        assert all(f"'MAYBE{n}'" in body for n in range(4)), body
