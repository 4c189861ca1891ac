"""Issue 17, a fresh breaker's low findings (console13): the What-if form by ctrl+s and its
result in sight at 80x24, the focus after Switch user, keys typed as a form opens, the autumn
night's repeated hour, an open drop-down's border, the footer and cut cells."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, Select
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectOverlay

from console.app import SchildwachtApp
from console.screens.base import FormScreen
from console.screens.forms import ActivityForm
from console.screens.switch_user import SwitchUserForm
from console.widgets.dayboard import activity_row
from console.widgets.footer import KeysFooter
from console.widgets.table import RecordTable
from store import agenda
from store.db import Store
from tests.conftest import at
from tests.console.conftest import settle, toasts, type_text


def in_sight(table: RecordTable, key: str) -> bool:
    """Whether the row with this key is among the rows the table shows now."""
    index = table.keys.index(key)
    top = round(table.scroll_y)
    return top <= index < top + table.scrollable_content_region.height - 1


async def test_the_what_if_by_ctrl_s_in_sight_at_80x24_and_the_focus_after_switch_user(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await type_text(pilot, "\b3")
        await pilot.press("ctrl+s")  # in the count field: Input takes no ctrl+s
        await settle(pilot)
        result = app.screen.query_one("#scenario-result", RecordTable)
        assert result.row_count > 5
        assert result.cursor_key == "RT"  # the acting shift leader's unit, the default
        assert in_sight(result, "RT")  # below the fold at 80x24 before (issue 17)
        result.set_rows([])
        unit = app.screen.query_one("#scenario-unit", Select)
        unit.focus()
        unit.value = "AM"
        await pilot.press("enter")  # Enter on a closed drop-down runs it too
        await settle(pilot)
        assert result.cursor_key == "AM" and in_sight(result, "AM")
        screen = app.screen
        assert app.focused is unit
        await switch_user(pilot, "u", "RT-0080")  # by its key, from the unit list
        assert app.screen is screen and app.actor.callsign == "RT-0080"
        assert app.focused is unit  # was: the count field (a late Hide blurred the list)
        await pilot.press("r")  # a screen key, not typed into a field
        await settle(pilot)
        assert app.focused is screen.query_one("#restrictions-table")
        await pilot.press("w")
        await settle(pilot)
        assert app.focused is screen.query_one("#scenario-count")
        await switch_user(pilot, "ctrl+p", "OPS-01")  # u is typed in a field: by the palette
        assert app.actor.callsign == "OPS-01"
        assert app.focused is screen.query_one("#scenario-result")  # not back into the field
        await pilot.press("b")
        await settle(pilot)
        result.set_rows([])
        await pilot.press("ctrl+s")  # ^s is the What-if's alone: on another tab it does nothing
        await settle(pilot)
        assert result.row_count == 0


async def switch_user(pilot: Pilot[None], key: str, callsign: str) -> None:
    """Switch user by ``u`` or by the palette (``ctrl+p``), proven with the demo secret."""
    await pilot.press(key)
    await settle(pilot)
    if key == "ctrl+p":
        await type_text(pilot, "switch user")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    await type_text(pilot, callsign)
    await pilot.press("tab")
    await type_text(pilot, "demo-secret")
    await pilot.press("enter")
    await settle(pilot)


def test_the_autumn_nights_repeated_hour_reads_with_its_offsets(demo_store: Store) -> None:
    added = agenda.add_activity(
        demo_store,
        person="BEVER",
        title="Nachtvlucht",
        start=at(demo_store, "2027-10-31T02:30:00+02:00"),
        end=at(demo_store, "2027-10-31T02:30:00+01:00"),
        location="Havenstad",
        kind="work",
    )
    row = activity_row(added, person=True, day=date(2027, 10, 31))
    assert str(row.cells[0]) == "02:30+02–02:30+01"  # "02:30–02:30" before (issue 17)


async def test_keys_typed_as_a_form_opens_go_into_it_and_a_cancelled_activitys_deploy_form(
    app: SchildwachtApp, demo_store: Store
) -> None:
    later = [
        a
        for a in agenda.list_activities(
            demo_store,
            start=at(demo_store, "2026-11-28 12:00"),
            end=at(demo_store, "2026-11-29 00:00"),
        )
        if a.start_at > demo_store.clock.now()
    ][-1]
    agenda.restrict_activity(
        demo_store, later.id, kind="cancelled", reason="capacity", authority="Burgemeester"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        assert table.move_to(later.id)
        # nobody on it to release, none may be deployed: refused at once, no form that could
        # only be refused on saving (rev17h; before rev17g it said so on saving alone)
        await pilot.press("o")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("Not deployed: the activity is cancelled." in t for t in toasts(app))
        await type_text(pilot, "nPersmoment")  # one read: the form opens as they arrive
        await pilot.press("tab")
        await type_text(pilot, "16:00")
        await pilot.press("tab")
        await type_text(pilot, "17:00")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        assert [app.screen.query_one(f"#{n}", Input).value for n in ("title", "start", "end")] == [
            "Persmoment",
            "16:00",
            "17:00",
        ]
        await pilot.press("escape")
        await settle(pilot)
        await type_text(pilot, "uRT-0080")  # another form, by a key of every screen
        await settle(pilot)
        assert isinstance(app.screen, SwitchUserForm)
        assert app.screen.query_one("#callsign", Input).value == "RT-0080"


async def test_every_footer_at_80x24_shows_help_and_quit_and_no_key_cut(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        for key in "tagshky":
            await pilot.press(key)
            await settle(pilot)
            footer = app.screen.query_one(KeysFooter)
            palette = next(k for k in footer.query(FooterKey) if k.has_class("-command-palette"))
            shown = [
                k
                for k in footer.query(FooterKey)
                if k.display and not k.has_class("-command-palette")
            ]
            assert [k.key for k in shown[:2]] == ["question_mark", "q"], key
            assert len(shown) >= 5, key
            for item in shown:  # whole, left of the palette's key (80x24 showed "l▏")
                assert item.region.width and item.region.right <= palette.region.x, (key, item)


def line_text(table: RecordTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_the_selected_row_shows_its_cut_cells_whole_and_a_list_has_a_border(
    app: SchildwachtApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#day-activities", RecordTable)
        cells = [str(c) for c in table.get_row_at(0)]
        title, location = cells[2], cells[-1]
        assert title == "Kinderen naar school"  # 19 cells wide at 120x40: cut before
        assert app.focused is table and table.cursor_row == 0
        shown = " ".join(line_text(table, y) for y in (1, 2, 3))
        assert "…" not in line_text(table, 1)
        for word in (*title.split(), *location.split()):
            assert word in shown.split(), word
        assert "…" in line_text(table, 4)  # the next row, not selected: cut as before
        await pilot.press("down")  # the cursor's row alone is shown whole
        await settle(pilot)
        assert "…" in line_text(table, 1) and "…" not in line_text(table, 2)
        await pilot.press("l")  # a form's drop-down, opened: a border of box characters
        await settle(pilot)
        await pilot.press("tab", "down")
        await settle(pilot)
        overlay = app.screen.query_one(SelectOverlay)
        assert overlay.display and overlay.region.height >= 3
        assert overlay.styles.border_top[0] == "round"  # Textual's "tall" drew no edge in tmux


async def test_f1_and_f10_are_help_and_quit_in_a_form_where_question_mark_and_q_are_typed(
    app: SchildwachtApp,
) -> None:
    from console.screens.forms import LogForm
    from console.screens.help import HelpScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")  # the Agenda: l writes the log
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        await pilot.press("q", "question_mark")  # typed into the field, not quit or help
        await settle(pilot)
        assert isinstance(app.screen, LogForm) and app.is_running
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)  # back in the form, nothing lost
        await pilot.press("f10")  # quits (the app ends: nothing left to settle)
    assert app.return_code == 0 and not app.is_running


async def test_f10_quits_outside_a_field_too(app: SchildwachtApp) -> None:
    """newcomer12: README says F10 quits; on a screen's table (no field focused) it did
    nothing, and the next shell command was typed into the console as keys."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.focused, Input)
        await pilot.press("f10")
    assert app.return_code == 0 and not app.is_running
