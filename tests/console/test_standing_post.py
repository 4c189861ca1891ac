"""Issue 17: a gap on a standing post showed an empty suggestion panel without a word. It says
what can be done (a shift for an officer of its unit); issue 16 (plan21): a post below the required
level is re-planned here (c), where it said "nothing to re-plan" while ``gaps`` said re-plan."""

from __future__ import annotations

import re

from textual.widgets import OptionList

from console.app import SchildwachtApp
from console.screens.base import Confirm
from console.screens.forms import ConceptPicker
from console.screens.roster import RosterScreen
from console.widgets.table import RecordTable
from store import posts, subjects
from store.db import Store
from tests.console.conftest import rows, settle, toasts


async def test_a_standing_posts_gap_says_what_can_be_done(app: SchildwachtApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "]", "]")  # Monday: the week's standing posts are staffed
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        posts = [i for i, row in enumerate(rows(app, "#gap-list")) if row[-1] == "post"]
        assert posts, "the demo's Monday has a standing post short"
        gaps = screen.query_one("#gap-list", RecordTable)
        await pilot.press("home", *(["down"] * posts[0]))
        await settle(pilot)
        assert gaps.cursor_row == posts[0]
        activities = screen.query_one("#gap-activities", RecordTable)
        suggestions = screen.query_one("#suggestions", RecordTable)
        assert (activities.row_count, suggestions.row_count) == (0, 0)
        said = activities.empty  # counted in words: "1 standing post", "2 standing posts"
        first = said.split(" at the required level")[0]
        assert re.fullmatch(r"1 standing post|([2-9]|\d\d+) standing posts", first), said
        assert said.endswith(" at the required level: add a shift (n) or lend officers."), said
        assert suggestions.empty.startswith("A standing post has no activity to move")
        assert "add a shift (n)" in suggestions.empty


async def test_o_on_a_standing_posts_gap_says_why_the_first_time(app: SchildwachtApp) -> None:
    """fix17: at 80x24 o on a standing post's gap first said "press the key again" (it opened
    the closed activities drawer), then "Select a gap with an activity first"; it says at once
    that a standing post has no activity to put officers on, and what to do instead."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "]", "]")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        found = [i for i, row in enumerate(rows(app, "#gap-list")) if row[-1] == "post"]
        assert found, "the demo's Monday has a standing post short"
        await pilot.press("home", *(["down"] * found[0]))
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        said = toasts(app)
        assert said[-1].startswith("A standing post has no activity to put officers on"), said
        assert not any("press the key again" in s for s in said), said
        assert isinstance(app.screen, RosterScreen)  # no form opened


async def test_a_standing_post_below_the_level_is_re_planned_here(
    app: SchildwachtApp, demo_store: Store
) -> None:
    for code in sorted({p.subject for p in posts.list_posts(demo_store)}):
        subjects.assess_threat(demo_store, code, level=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "]", "]")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        found = [i for i, row in enumerate(rows(app, "#gap-list")) if row[-1] == "post"]
        assert found, "the demo's Monday has a standing post short"
        await pilot.press("home", *(["down"] * found[0]))
        await settle(pilot)
        said = screen.query_one("#gap-activities", RecordTable).empty
        assert "below the required level: re-plan with c." in said, said
        assert "(c)" in screen.query_one("#suggestions", RecordTable).empty
        assert screen.detail is not None
        post = next(p for p in screen.detail.posts if p.needs_replanning)
        await pilot.press("c")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ConceptPicker)
        options = picker.query_one("#concept-options", OptionList)
        assert options.get_option(post.concept).disabled  # below the level now (R1)
        assert not options.get_option("OBJ-HRB").disabled
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == "OBJ-HRB"
        )
        await pilot.press("enter")
        await settle(pilot)
        if isinstance(app.screen, Confirm):
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert posts.get_post(demo_store, post.id).concept == "OBJ-HRB"
    assert not posts.get_post(demo_store, post.id).needs_replanning


async def test_p_and_j_on_a_standing_posts_gap_say_what_to_do_at_once(
    app: SchildwachtApp,
) -> None:
    """rev17f: p said "press the key again" then "Select a gap with an activity and a
    suggestion first", j "Select a gap with an activity first"; and the advice to "lend officers
    (Capacity, scenario)" pointed at a what-if that writes nothing. Each says at once that a
    shift (n) for an officer of the post's unit is what helps, at 80x24."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "]", "]")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        found = [i for i, row in enumerate(rows(app, "#gap-list")) if row[-1] == "post"]
        assert found, "the demo's Monday has a standing post short"
        await pilot.press("home", *(["down"] * found[0]))
        await settle(pilot)
        gap = screen.selected_gap()
        assert gap is not None
        for key, what in (
            ("o", "put officers on"),
            ("p", "apply a suggestion to"),
            ("j", "show on the agenda"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert toasts(app)[-1] == (
                f"A standing post has no activity to {what}: add a shift (n) for an officer "
                f"of {gap.unit}."
            ), (key, toasts(app))
            assert isinstance(app.screen, RosterScreen)
        said = toasts(app)
        assert not any("press the key again" in s or "Capacity, scenario" in s for s in said)
        suggestions = screen.query_one("#suggestions", RecordTable)
        assert "Capacity" not in suggestions.empty and "add a shift (n)" in suggestions.empty
