"""fix17: at 80 columns the footer shows first what the screen's state allows: a laptop in no
team sees n New team and j Join on Sync (they were cut after Export/Import/Receipt), and the
Handover footer keeps d Document."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget

from console.app import SchildwachtApp
from console.screens.handover import HandoverScreen
from console.screens.sync import SyncScreen
from console.widgets.footer import KEY_TYPE, KeysFooter
from store.db import Store
from store.setup import init_database
from tests.console.conftest import settle, toasts


def visible_keys(app: SchildwachtApp) -> list[str]:
    """The keys the footer shows whole (a key left out for want of room is not displayed)."""
    footer = app.screen.query_one(KeysFooter)
    keys: list[Widget] = list(footer.query_children(KEY_TYPE))
    return [str(getattr(k, "key", "")) for k in keys if k.display]


async def test_a_laptop_in_no_team_sees_new_team_and_join_at_80_columns(
    tmp_path: Path, clock: object
) -> None:
    store = init_database(tmp_path / "solo.db", callsign="OPS-01", role="shift_leader",
                          unit="RT", clock=clock)  # type: ignore[arg-type]  # fmt: skip
    app = SchildwachtApp(store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        keys = visible_keys(app)
        assert "n" in keys and "j" in keys, keys
        assert "question_mark" in keys or "?" in keys, keys
        for key in ("e", "o"):  # hidden for now: pressing them says why, never nothing
            await pilot.press(key)
            await settle(pilot)
            assert toasts(app)[-1].startswith("No team yet: n creates one"), toasts(app)[-1]
        await pilot.press("r")
        await settle(pilot)
        assert toasts(app)[-1] == "Nothing exchanged in this session yet."


async def test_the_handover_footer_shows_document_at_80x24(demo_store: Store) -> None:
    """d Document was left out at 80 columns after Sign, Accept and Withdraw; it comes before
    them now (Withdraw, the rarest, is the one left out: in the help screen and palette)."""
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        keys = visible_keys(app)
        assert {"question_mark", "q", "j", "n", "d", "x", "c"} <= set(keys), keys
