"""Issue 14 (fix14b, reviewer rev14f): the Agenda's Import (i) form with a calendar the import
refuses shows the import's own sentence on the form — never "Unexpected error (OverflowError)"
— and imports nothing; a title of invisible characters is refused there as when typed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from console.app import SchildwachtApp
from console.screens.forms import FormScreen
from store.db import Store
from tests.console.conftest import settle, toasts

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u1@x\r\n"
    "DTSTAMP:20270101T000000Z\r\nDTSTART:20261205T090000Z\r\nDTEND:20261205T100000Z\r\n"
    "SUMMARY:Test\r\nRDATE;VALUE=PERIOD:20261210T090000Z/P500000W\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


async def _refused(demo_store: Store, tmp_path: Path, text: str) -> str:
    """The error the Import form shows for ``text``; the store is unchanged."""
    path = tmp_path / "cal.ics"
    path.write_text(text)
    count = "SELECT count(*) FROM activity"
    before = demo_store.conn.execute(count).fetchone()[0]
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(140, 45)) as pilot:
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
        assert app.screen is form, toasts(app)
        said = str(form.query_one(".error", Static).render())
        assert not toasts(app)
    assert demo_store.conn.execute(count).fetchone()[0] == before
    assert "Unexpected error" not in said and "OverflowError" not in said
    return said


async def test_an_rdate_period_past_2099_is_refused_on_the_form(
    demo_store: Store, tmp_path: Path
) -> None:
    said = await _refused(demo_store, tmp_path, CALENDAR)
    assert "RDATE period end must lie between 1970-01-01 and 2099-12-31" in said, said


async def test_a_title_of_invisible_characters_is_refused_on_the_form(
    demo_store: Store, tmp_path: Path
) -> None:
    text = CALENDAR.replace("SUMMARY:Test", "SUMMARY:\u200b").replace(
        "RDATE;VALUE=PERIOD:20261210T090000Z/P500000W\r\n", ""
    )
    said = await _refused(demo_store, tmp_path, text)
    assert "SUMMARY may not be empty." in said, said
