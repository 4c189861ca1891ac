"""A palette action acts on what the person is looking at (issue 17, review: "Write in the
operational log" from Today wrote on the Agenda's older cursor, KIEVIT instead of GRUTTO).

From every main screen, with a record selected there, every palette entry of another screen
that takes a selected record (``selects``) or a selection as its default or link (``about``)
either refuses with "Select … first" or acts on that screen's selection: the form it opens,
the question it asks and the record its screen then has selected name no other protected person.
"""

from __future__ import annotations

import re
from typing import Any

from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from console.actions import Action
from console.app import MAIN_SCREENS, SchildwachtApp
from console.screens.base import BaseScreen
from console.widgets.table import RecordTable
from store import logbook
from store.db import Store
from store.subjects import list_subjects
from tests.console.conftest import dialog_problems, settle

#: Actions that change only what a screen shows.
VIEW = ("day(", "go_today", "toggle_mine", "tab(")


def form_text(screen: ModalScreen[Any]) -> str:
    """What a form or question shows: its words, its fields' values and choices made."""
    parts = [str(w.render()) for w in screen.query(Static)]
    parts += [str(w.value) for w in screen.query(Input)]
    parts += [str(w.value) for w in screen.query(Select) if w.value != Select.BLANK]
    return "\n".join(parts)


async def place(app: SchildwachtApp, pilot: Any, mode: str) -> BaseScreen[Any]:
    """Go to a screen and select a record there that no other screen has selected."""
    app.action_go(mode)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BaseScreen)
    if mode == "today":
        screen.query_one("#subjects", RecordTable).move_cursor(row=3)
    elif mode == "agenda":
        screen.query_one("#day-activities", RecordTable).move_cursor(row=5)
    elif mode == "roster":  # a gap with an activity, not the first
        gaps = screen.query_one("#gap-list", RecordTable)
        for row in range(gaps.row_count - 1, -1, -1):
            gaps.move_cursor(row=row)
            await settle(pilot)
            if screen.signal_context()[1] is not None:
                break
    await settle(pilot)
    return screen


async def test_every_palette_action_acts_on_the_screen_in_view_or_asks_to_select(
    app: SchildwachtApp, demo_store: Store, monkeypatch: Any
) -> None:
    # Nothing is written here: a screen shown again keeps the data it read (no reload per
    # switch), so 200 palette runs stay cheap.
    monkeypatch.setattr(BaseScreen, "on_screen_resume", lambda self: None)
    codes = {s.code for s in list_subjects(demo_store)}
    # One action of each kind of record each screen selects (``run_on`` puts the cursor on
    # that record, or refuses, alike for every action of the kind; the screen's own walk checks
    # the action), and every other action of the screens that show protected persons but
    # those that only change the view (a day, a tab, a filter).
    targets: dict[str, tuple[str, Action]] = {}
    kinds: set[tuple[str, str]] = set()
    for mode, screen_class in MAIN_SCREENS.items():
        persons = "signal_context" in vars(screen_class) or "select_record" in vars(screen_class)
        for item in screen_class.ACTIONS:
            if item.selects:
                if (mode, item.selects) in kinds:
                    continue
                kinds.add((mode, item.selects))
            elif not persons or item.action.startswith(VIEW):
                assert not getattr(item, "about", False), item
                continue
            targets[f"{screen_class.TITLE}: {item.title}"] = (mode, item)
    said: list[str] = []
    original = app.notify

    def notify(message: Any, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    checked: dict[str, int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for source in MAIN_SCREENS:
            looking = await place(app, pilot, source)
            person, activity, _where = looking.signal_context()
            if source in ("today", "agenda", "roster"):
                assert person is not None, source  # each of these has a selection to act on
            for title, _help, run in app.palette():
                if title not in targets:
                    continue
                mode, item = targets[title]
                if app.current_mode != source:
                    app.action_go(source)
                    await pilot.pause()
                assert looking.signal_context() == (person, activity, _where)
                heard = len(said)
                run()
                for _ in range(2):
                    await pilot.pause()
                news = said[heard:]
                where = f"{title} from {source}"
                opened = app.screen if isinstance(app.screen, ModalScreen) else None
                if opened is not None:  # it fits the small terminal, every field in sight
                    await settle(pilot)
                    assert dialog_problems(opened) == [], where
                    checked["dialogs"] = checked.get("dialogs", 0) + 1
                if any("first" in n and "Select" in n for n in news):
                    assert opened is None, where  # refused, nothing opened
                    checked["refused"] = checked.get("refused", 0) + 1
                else:
                    named = set(re.findall(r"[A-Z]{3,}", form_text(opened))) if opened else set()
                    assert named & codes <= {person}, (where, named & codes, person)
                    target = app.main_screen() or next(
                        s for s in reversed(app.screen_stack) if isinstance(s, BaseScreen)
                    )
                    if item.selects in ("activity", "person") and mode != source:
                        context = target.signal_context()
                        assert context[0] == person, (where, context, person)
                        if item.selects == "activity":
                            assert context[1] == activity, (where, context, activity)
                    checked["acted"] = checked.get("acted", 0) + 1
                while not isinstance(app.screen, BaseScreen):
                    app.pop_screen()
                    await pilot.pause()
    assert checked["refused"] > 20 and checked["acted"] > 20, checked
    assert checked["dialogs"] > 20, checked


async def test_the_palette_log_from_today_writes_on_the_person_selected_there(
    app: SchildwachtApp, demo_store: Store
) -> None:
    """The review's steps: Agenda cursor on one activity, Today on GRUTTO, the palette's "Write
    in the operational log": the entry is about GRUTTO, not the Agenda's activity."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        agenda = await place(app, pilot, "agenda")
        other = agenda.signal_context()[0]
        today = await place(app, pilot, "today")
        person = today.signal_context()[0]
        assert person is not None and person != other
        run = next(r for t, _h, r in app.palette() if "Write in the operational log" in t)
        run()
        await settle(pilot)
        await settle(pilot)
        assert person in form_text(app.screen)  # type: ignore[arg-type]
        await pilot.press(*"about it", "enter")
        await settle(pilot)
    written = [e for e in logbook.list_entries(demo_store) if e.text == "about it"]
    assert [e.person for e in written] == [person]
