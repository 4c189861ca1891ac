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
from .literal import plain
from .screens.agenda import AgendaScreen
from .screens.capacity import CapacityScreen
from .screens.forms import SignalForm
from .screens.handover import HandoverScreen
from .screens.help import HelpScreen
from .screens.roster import RosterScreen
from .screens.signals import SignalsScreen
from .screens.sync import SyncScreen
from .screens.today import TodayScreen
from .state import load_state, save_state


class SchildwachtApp(App[None]):
    """The operations console. Pass the store; tests pass one with a fixed clock."""

    CSS_PATH = "app.tcss"
    TITLE = "Schildwacht"
    MODES = {
        "today": TodayScreen,
        "agenda": AgendaScreen,
        "roster": RosterScreen,
        "signals": SignalsScreen,
        "handover": HandoverScreen,
        "capacity": CapacityScreen,
        "sync": SyncScreen,
    }
    BINDINGS = [
        Binding("t", "switch_mode('today')", _("Today")),
        Binding("a", "switch_mode('agenda')", _("Agenda")),
        Binding("g", "switch_mode('roster')", _("Gaps")),
        Binding("s", "switch_mode('signals')", _("Signals")),
        Binding("h", "switch_mode('handover')", _("Handover")),
        Binding("k", "switch_mode('capacity')", _("Capacity")),
        Binding("y", "switch_mode('sync')", _("Sync")),
        Binding("exclamation_mark", "raise_signal", _("Raise signal"), key_display="!"),
        Binding("u", "switch_user", _("Switch user")),
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
        self.update_badge()
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

    def update_badge(self) -> None:
        """Who is acting, and an unread badge: new signals (analysts) or unread reports."""
        from store.intel import unacknowledged_count
        from store.signals import unread_count

        actor = self.store.actor
        unread = unread_count(self.store) + unacknowledged_count(self.store)
        badge = f" · ● {unread} new" if unread else ""
        self.sub_title = plain(
            f"{actor.callsign} · {actor.role.replace('_', ' ')} · {self.store.path.name}{badge}"
        )

    def refresh_data(self) -> None:
        self.update_badge()
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

    def action_raise_signal(self) -> None:
        """Raise a signal from any screen, person and activity taken from where you are."""
        from store.errors import StoreError
        from store.signals import raise_signal
        from store.subjects import list_subjects

        context = getattr(self.screen, "signal_context", lambda: (None, None, ""))()
        person, activity, label = context

        def save(values: dict[str, str]) -> str | None:
            try:
                raise_signal(
                    self.store,
                    values["text"],
                    category=values["category"],
                    urgency=values["urgency"],
                    tlp=values["tlp"],
                    person=values["person"] or None,
                    activity=values["activity"] or None,
                    location=values["location"],
                )
            except StoreError as exc:
                return str(exc)
            self.notify(_("Signal raised; the information organisation has it."))
            self.refresh_data()
            return None

        subjects = [s.code for s in list_subjects(self.store)]
        self.push_screen(SignalForm(save, subjects, person, activity, label))

    def action_switch_user(self) -> None:
        """Act as another person from now on: callsign and secret, proven by the store."""
        from store.errors import StoreError

        from .screens.switch_user import SwitchUserForm

        def save(values: dict[str, str]) -> str | None:
            try:
                actor = self.store.switch_user(values["callsign"], values["secret"] or None)
            except StoreError as exc:
                return str(exc)
            self.notify(
                _("Now acting as {who} ({role}).").format(
                    who=actor.callsign, role=actor.role.replace("_", " ")
                )
            )
            self.refresh_data()
            return None

        self.push_screen(SwitchUserForm(save, self.store.actor.callsign))

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
        yield SystemCommand(
            _("Signals"),
            _("Raise, follow and interpret signals; reports"),
            lambda: self.action_switch_mode("signals"),
        )
        yield SystemCommand(
            _("Raise a signal"), _("Report something suspicious"), self.action_raise_signal
        )
        yield SystemCommand(
            _("Roster & gaps"),
            _("Where the roster falls short; suggestions"),
            lambda: self.action_switch_mode("roster"),
        )
        yield SystemCommand(
            _("Handover"),
            _("ISBAR handover: draft, sign, accept"),
            lambda: self.action_switch_mode("handover"),
        )
        yield SystemCommand(
            _("Capacity"),
            _("Supply against demand, bottlenecks, scenarios"),
            lambda: self.action_switch_mode("capacity"),
        )
        yield SystemCommand(
            _("Sync"),
            _("Exchange bundles with the team; resolve conflicts"),
            lambda: self.action_switch_mode("sync"),
        )
        yield SystemCommand(
            _("Switch user"),
            _("Act as another person, proven with their secret"),
            self.action_switch_user,
        )
        yield SystemCommand(_("Help"), _("Keys and what each screen does"), self.action_help)

    def compose(self) -> ComposeResult:
        return iter(())


def run_console(env: Any) -> None:
    """Open the console for the command line's environment (``schildwacht`` alone).

    An encrypted database asks for its passphrase once, before the console opens, unless
    ``SCHILDWACHT_PASSPHRASE`` is set.
    """
    from store.db import is_encrypted

    if env.passphrase is None and env.db_path.exists() and is_encrypted(env.db_path):
        import click

        env.passphrase = click.prompt(f"Passphrase for {env.db_path}", hide_input=True, err=True)
    store = env.store()
    store.actor  # noqa: B018 - fail early, with a plain message, on an unknown --user
    SchildwachtApp(store).run()
