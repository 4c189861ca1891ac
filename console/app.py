"""The Schildwacht console: a keyboard-first Textual app over the store.

One screen per job (Today, Agenda, …), switched with a key, from the footer or the command
palette. Screens read through store functions in thread workers and never run SQL. The app
remembers the last screen and day, and refreshes when another process changes the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from store.db import Store

from .i18n import _
from .screens.agenda import AgendaScreen
from .screens.help import HelpScreen
from .screens.today import TodayScreen
from .state import load_state, save_state

SCREENS_BY_KEY = {"today": TodayScreen, "agenda": AgendaScreen}


class SchildwachtApp(App[None]):
    """The operations console. Pass the store; tests pass one with a fixed clock."""

    CSS_PATH = "app.tcss"
    TITLE = "Schildwacht"
    MODES = {"today": TodayScreen, "agenda": AgendaScreen}
    BINDINGS = [
        Binding("t", "switch_mode('today')", _("Today")),
        Binding("a", "switch_mode('agenda')", _("Agenda")),
        Binding("question_mark", "help", _("Help"), key_display="?"),
        Binding("q", "quit", _("Quit")),
    ]

    def __init__(self, store: Store, *, remember: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.remember = remember
        self.state: dict[str, Any] = load_state() if remember else {}
        self._data_version = 0

    def on_mount(self) -> None:
        actor = self.store.actor
        self.sub_title = (
            f"{actor.callsign} · {actor.role.replace('_', ' ')} · {self.store.path.name}"
        )
        mode = self.state.get("mode", "today")
        self.switch_mode(mode if mode in self.MODES else "today")
        self._data_version = self.store.data_version()
        self.set_interval(2.0, self._watch_database)

    def _watch_database(self) -> None:
        """Another process (a script, a sync import) committed: refresh the current screen."""
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self.refresh_data()

    def refresh_data(self) -> None:
        screen = self.screen
        if hasattr(screen, "reload"):
            screen.reload()

    def remember_state(self, **values: Any) -> None:
        self.state.update(values)
        if self.remember:
            save_state(self.state)

    def action_switch_mode(self, mode: str) -> None:  # type: ignore[override]
        self.switch_mode(mode)
        self.remember_state(mode=mode)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            _("Today"),
            _("Protected subjects and today's activities"),
            lambda: self.action_switch_mode("today"),
        )
        yield SystemCommand(
            _("Agenda"),
            _("The day board: add, assign, restrict, log"),
            lambda: self.action_switch_mode("agenda"),
        )
        yield SystemCommand(_("Help"), _("Keys and what each screen does"), self.action_help)

    def compose(self) -> ComposeResult:
        return iter(())


def run_console(env: Any) -> None:
    """Open the console for the command line's environment (``schildwacht`` alone)."""
    store = env.store()
    store.actor  # noqa: B018 - fail early, with a plain message, on an unknown --user
    SchildwachtApp(store).run()
