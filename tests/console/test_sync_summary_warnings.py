"""rev17g: at 80x24 with a panel open the Sync summary keeps three lines, which the team's
header filled: the trust warnings under it ("! 150 people's secrets were set by someone else")
were cut off without a mark. They come first now, before the header."""

from __future__ import annotations

from console.app import SchildwachtApp
from store.db import Store
from store.sync import roster as rosters
from tests.console.conftest import settle


def _summary_shown(app: SchildwachtApp) -> list[str]:
    """The lines of the Sync summary as the screen shows them (its region, cut as drawn)."""
    region = app.screen.query_one("#sync-summary").region
    lines = app.screen._compositor.render_update(full=True).strips  # type: ignore[union-attr]
    return [
        "".join(segment.text for segment in line)[region.x : region.right]
        for line in lines[region.y : region.bottom]
    ]


async def test_the_trust_warning_stays_on_screen_with_a_panel_open_at_80x24(
    demo_store: Store,
) -> None:
    rosters.create_team(demo_store, "Team Rotterdam")
    app = SchildwachtApp(demo_store, remember=False, watch=None, ahead=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        full = str(app.screen.query_one("#sync-summary").render())
        assert "secrets were set by someone else" in full
        for _ in range(4):  # Tab to the first panel: it opens
            await pilot.press("tab")
            await settle(pilot)
            if app.screen.query(".-open"):
                break
        assert app.screen.query(".-open") and app.screen.has_class("-drawer-open")
        shown = _summary_shown(app)
        assert len(shown) == 3, shown  # the room the summary keeps with a panel open
        assert shown[0].lstrip().startswith("! "), shown
        assert "secrets were set by someone else" in shown[0]
