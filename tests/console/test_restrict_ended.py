"""Issue 17 (rev17p): ``r`` (Restrict) on an activity that has ended offered every kind of
restriction, and all but a move were refused only once saved (R5: an activity that is over has
no next; what did not take place may be moved to a time ahead). The console asks the store
which kinds it takes now (``agenda.restriction_kinds``): a move only, chosen already."""

from __future__ import annotations

from textual.widgets import Select

from console.app import SchildwachtApp
from console.screens.forms import RestrictForm
from store import agenda
from store.db import Store
from store.errors import RuleViolation
from tests.console.conftest import settle


async def test_restrict_an_ended_activity_offers_a_move_only(app: SchildwachtApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        item = app.screen.selected()  # type: ignore[attr-defined]
        assert item.end_at <= app.store.clock.now() and item.status in ("planned", "confirmed")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RestrictForm)
        kind = app.screen.query_one("#kind", Select)
        assert [value for _label, value in kind._options if isinstance(value, str)] == ["moved"]
        assert kind.value == "moved"


def test_the_store_rule_matches_what_it_records(demo_store: Store) -> None:
    """Every kind but a move of an ended activity is refused by the store as well."""
    now = demo_store.clock.now()
    ended = next(
        a
        for a in agenda.list_activities(demo_store)
        if a.end_at <= now and a.status in ("planned", "confirmed")
    )
    assert agenda.restriction_kinds(ended, now, ended.id[:8]) == ("moved",)
    try:
        agenda.restrict_activity(
            demo_store,
            ended.id,
            kind="relocated",
            reason="capacity",
            authority="OvJ",
            new_location="Elders",
        )
    except RuleViolation as refusal:
        assert refusal.code == "restriction_after_end"
    else:
        raise AssertionError("a relocation of an ended activity was recorded")
