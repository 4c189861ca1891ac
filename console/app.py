"""The Schildwacht console: a keyboard-first Textual app over the store.

One screen per job (Today, Agenda, …), switched with a key, from the navigation bar or the
command palette. Screens read and write through store functions in thread workers
(``screens/base.py``) and never run SQL; the UI thread never waits for the database. The app
remembers the last screen and day, knows who is acting (and their unread badge), and refreshes
the screen when another process changes the database (a thread polls ``PRAGMA data_version``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Select

from store.access import ActingPerson
from store.db import Store
from words.intel import who_has_it

from . import dutch, styles
from .actions import Action
from .i18n import _
from .labels import label
from .literal import plain
from .palette import ActionsProvider
from .screens.agenda import AgendaScreen
from .screens.base import BaseScreen, Context, Steady, StoreWork, closing, sentence
from .screens.capacity import CapacityScreen
from .screens.handover import HandoverScreen
from .screens.help import HelpScreen
from .screens.roster import RosterScreen
from .screens.signals import SignalsScreen
from .screens.sync import SyncScreen
from .screens.today import TodayScreen
from .state import load_state, save_state
from .widgets.navbar import SCREENS, NavBar

#: The main screens, by mode name.
MAIN_SCREENS: dict[str, type[BaseScreen[Any]]] = {
    "today": TodayScreen,
    "agenda": AgendaScreen,
    "roster": RosterScreen,
    "signals": SignalsScreen,
    "handover": HandoverScreen,
    "capacity": CapacityScreen,
    "sync": SyncScreen,
}

#: Actions that work on every screen (their keys are the app's).
GLOBAL_ACTIONS = (
    Action(
        "exclamation_mark",
        "app.raise_signal",
        _("Signal"),
        _("Raise a signal"),
        _(
            "Report something suspicious to the information organisation; person and activity "
            "are taken from where you are"
        ),
        display="!",
    ),
    Action(
        "u",
        "app.switch_user",
        _("User"),
        _("Switch user"),
        _("Act as another person from now on, proven with their secret"),
    ),
    Action(
        "U",
        "app.my_secret",
        _("Secret"),
        _("Set or change a secret"),
        _(
            "Your own secret on this laptop: set a first one, or change it with the current one; "
            "with staff rights another's first one, or a reset (password)"
        ),
        show=False,
    ),
    Action(
        "f5",
        "app.reload",
        _("Reload"),
        _("Reload this screen"),
        _("Read the screen's data again (it also refreshes by itself when the database changes)"),
        show=False,
    ),
    Action(
        "ctrl+p",
        "app.command_palette",
        _("Palette"),
        _("Command palette"),
        _("Every action by name"),
        display="^p",
        show=False,
    ),
    Action(
        "question_mark",
        "app.help",
        _("Help"),
        _("Help and keys"),
        _("Every key and what each screen does (F1 while typing in a field)"),
        display="?",
        show=False,
    ),
    Action(
        "q",
        "app.quit",
        _("Quit"),
        _("Quit"),
        _("Leave the console (F10 while typing in a field); it remembers the screen you were on"),
        show=False,
    ),
)


def escaped_key(event: events.Key) -> events.Key | None:
    """The key typed with Escape in one terminal read, as if typed alone ("alt+x" → "x",
    "alt+exclamation_mark" → "!"), or None when ``event`` is no Escape and printable key."""
    character = event.character or ""
    if not (event.key.startswith("alt+") and character and event.is_printable):
        return None
    if character.isalnum():
        return events.Key(character, character)
    return events.Key(event.key.removeprefix("alt+"), character)


class SchildwachtApp(StoreWork, App[None]):
    """The operations console. Pass the store; tests pass one with a fixed clock and may turn
    off the database watch (``watch=None``) to keep refreshes under their control."""

    CSS_PATH = "app.tcss"
    #: The palette: every action the role may take, the one whose title has the words typed
    #: whole first ("sign": Sign the handover).
    COMMANDS: ClassVar[set[Any]] = {ActionsProvider}
    TITLE = "Schildwacht"
    MODES: ClassVar[dict[str, Any]] = dict(MAIN_SCREENS)
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS: ClassVar[list[Any]] = [
        *(Binding(key, f"go('{mode}')", name, show=False) for key, mode, name in SCREENS),
        *(a.binding() for a in GLOBAL_ACTIONS if not a.action.startswith("app.command")),
        # F10 quits anywhere (newcomer12: outside a field it did nothing); the footer shows
        # it only while a field takes q as text (the screens' typing_quit). A modal screen
        # hides this binding: help, a document and a yes/no question have their own, the
        # palette's is in on_event (rev17h: there F10 did nothing)
        Binding("f10", "quit", _("Quit"), show=False),
    ]

    class DatabaseChanged(Message):
        """Another connection committed (a script, a sync import, a worker of ours)."""

    class DatabaseReplaced(Message):
        """The database file was replaced under the open console (a backup restored over it):
        every write is refused from now on (``Store.replaced``)."""

    def __init__(
        self,
        store: Store,
        *,
        remember: bool = True,
        watch: float | None = 2.0,
        ahead: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.remember = remember
        self.watch_interval = watch
        self.ahead = ahead
        self._ahead: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._ahead_started = False
        self.state: dict[str, Any] = load_state(store.path) if remember else {}
        self.actor: ActingPerson = store.actor  # resolved before the console runs, on this thread
        self.badge = 0
        self._held: list[events.Key | events.Paste] = []
        self._form_coming = False  # a key's form is being read (form_coming)
        self._coming_over: Screen[Any] | None = None  # the screen it is to open over
        self._coming_timer: Timer | None = None
        #: The order keys arrived in (while each is on its way), and the last key of a burst
        #: that is dropped (typed after a refused key): those up to it are not handed on.
        self._order: weakref.WeakKeyDictionary[events.Event, int] = weakref.WeakKeyDictionary()
        self._count = 0
        self._drop_through = 0
        #: The screen each key arrived on (while the key is on its way).
        self._arrived_on: weakref.WeakKeyDictionary[events.Event, Screen[Any]] = (
            weakref.WeakKeyDictionary()
        )
        #: The widget focused when each key arrived (while the key is on its way).
        self._arrived_at: weakref.WeakKeyDictionary[events.Event, Widget | None] = (
            weakref.WeakKeyDictionary()
        )
        self._stop = threading.Event()
        #: Each palette entry's Dutch words (``console.dutch``) and whether it is a screen's.
        self.palette_dutch: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._update_titles()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text, whoever asks for it (issue 14, rev14g): a toast that
        carried a team name ``[/]`` with Textual's default ``markup=True`` crashed the console
        (MarkupError). None of ours uses markup; record data in one is shown as typed."""
        del markup
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # Keys typed as a form opens ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys typed in one burst with the key that opens a form, a question, help or another
        screen ("nPersmoment", "xy") go to what opened, in order. They were lost or acted on
        the screen beneath (issue 17): those on their way through the screen beneath when it
        opened reached its bindings, not the new screen's, and those that came while it was
        opening found no field with the focus. Both are held until it takes keys (its first
        field has the focus), then handed on. Keys typed for a form that never opens (refused)
        or after a key that is refused are dropped (rev17m)."""
        if isinstance(event, (events.Key, events.Paste)):
            if closing(self):  # its screens are being taken down: a key acts on none
                return
            if not event.is_forwarded:
                if (
                    isinstance(event, events.Key)
                    and event.key == "f10"
                    and isinstance(self.screen, CommandPalette)
                ):
                    await self.action_quit()  # the palette is Textual's: no binding of ours
                    return
                if isinstance(event, events.Key) and escaped_key(event) is not None:
                    await self._escape_with(event)
                    event = escaped_key(event) or event  # then the key, as typed alone
                self._arrived(event)
                if self._held or self._opening():
                    self._hold(event)
                    return
            elif 0 < self._order.get(event, 0) <= self._drop_through:
                event.stop()  # typed after a key that was refused, or for a form that was
                return
            elif isinstance(event, events.Key) and (
                self._meant_for_above(event) or self._meant_for_field(event)
            ):
                event.stop()
                self._hold(events.Key(event.key, event.character))
                return
            elif isinstance(event, events.Key) and self._refused_here(event):
                event.stop()
                self._drop_burst()
                return
        await super().on_event(event)

    def _arrived(self, event: events.Key | events.Paste) -> None:
        """Note where a key arrived (screen, focused widget) and in which order."""
        self._count += 1
        self._order[event] = self._count
        self._arrived_on[event] = self.screen
        self._arrived_at[event] = self.focused

    def refuse_key(self, text: str) -> None:
        """The one way the console answers a key (or a paste) with a refusal, at once and
        with nothing opened or done ("Select an activity first.", "0 signal reports.", a drawer
        opened to check its row): said once as a warning, and the keys typed after it in the
        same burst are dropped, not taken as the screen's keys (rev17n: "r" then "q" on a
        cancelled activity quit; rev17p: "cq" on Handover quit after "0 signed handovers to
        accept."). tests/console/test_refuse_key.py scans that no other code warns."""
        self.notify(plain(text), severity="warning")
        self._drop_burst()

    def _drop_burst(self) -> None:
        """A key was refused, or the form it was to open will not open: the keys typed after
        it (held, or still on their way back up to here) are dropped, not taken as the
        screen's keys; the refusal was said once."""
        self._held.clear()
        self._drop_through = self._count

    async def _escape_with(self, event: events.Key) -> bool:
        """Escape and a key pressed together in a field of a main screen, or in a form, a
        question, help, the command palette: the terminal sends them in one read, which
        Textual reads as alt and the key ("alt+x", the character x; any printable key, see
        ``paste.MetaKeyParser``), and the field typed the x after the notes (fix17m); a form
        stayed open with the x typed over its first field (fix17o), the palette with it typed
        into its search (rev17n); "!", "?", "1" were typed too (rev17p). The Escape leaves the
        field, or closes what is open (its own Escape), here, at once; True when it did. The
        key then goes on as if typed alone (``escaped_key``)."""
        screen = self.screen
        if escaped_key(event) is None:
            return False
        if self._close_open_list():
            return True
        if isinstance(screen, BaseScreen):
            if not screen.check_action("leave_field", ()):
                return False
            screen.action_leave_field()
            return True
        escape = screen.active_bindings.get("escape")
        ours = isinstance(screen, (Steady, CommandPalette))  # the palette too (rev17n f5)
        if not ours or escape is None or not escape.enabled:
            return False
        await self.run_action(escape.binding.action, escape.node)
        return True

    def _close_open_list(self) -> bool:
        """A drop-down's list open (the focus in it): the Escape closes it here, at once, and
        gives the focus back to its field; True when it did. Its own Escape only asks its field
        to close it (a message handled later), so the key typed with the Escape went into the
        list still open, moved its highlight there and was gone with it (rev17q): now it comes
        after the Escape, to the field, as when typed after it."""
        focused = self.focused
        opened = next(
            (a for a in (focused.ancestors if focused else ()) if isinstance(a, Select)),
            None,
        )
        if opened is None or not opened.expanded:
            return False
        opened.expanded = False
        opened.screen.set_focus(opened, scroll_visible=False)
        return True

    def _meant_for_field(self, event: events.Key) -> bool:
        """A key that came back up from the widget focused when it arrived, while a key before
        it (in one burst) put the focus in a field of the same screen: the handover's ``n``
        and the notes typed after it ran as the screen's keys (``t`` went to Today, rev17h)."""
        arrived = self._arrived_on.get(event)
        focused = self.focused
        if arrived is not self.screen or focused is None or not isinstance(arrived, BaseScreen):
            return False
        return self._arrived_at.get(event) is not focused and arrived._typing(focused)

    def _refused_here(self, event: events.Key) -> bool:
        """A key of the screen it arrived on that the acting person may not use, once no form
        opened over that screen meanwhile: the screen says so."""
        arrived = self._arrived_on.get(event)
        return (
            arrived is self.screen
            and isinstance(arrived, BaseScreen)
            and arrived.say_refused(event.key)
        )

    def _meant_for_above(self, event: events.Key) -> bool:
        """A key that came back up from the screen it arrived on, while another screen took
        its place (a form, a question, help, the palette, another main screen; rev17m, fix17m:
        "xy" on Handover took Sync under the Sign question, "a" Down moved the old screen's
        cursor) or is about to (its form is read first): it goes to that screen."""
        arrived = self._arrived_on.get(event)
        return arrived is not None and (self._form_coming or arrived is not self.screen)

    def _opening(self) -> bool:
        """Whether a key's screen is on its way (read first) or not yet taking keys."""
        screen = self.screen_stack[-1] if self.screen_stack else None
        return self._form_coming or (isinstance(screen, Steady) and not screen.taking_keys)

    def form_coming(self) -> None:
        """A key's form or question opens once a store read answers (the concepts, the free
        officers, whether the period is signed): the keys typed meanwhile wait for it, not act
        on the screen beneath (``form_came`` when the read answered; after two seconds at most
        they are dropped)."""
        self._form_coming = True
        self._coming_over = self.screen
        if self._coming_timer is not None:
            self._coming_timer.stop()
        self._coming_timer = self.set_timer(2.0, self.form_came)

    def form_came(self) -> None:
        """The awaited form is open, or will not open (refused, said as a toast): the held keys
        go into it once it takes keys, or are dropped with those still on their way."""
        if not self._form_coming:
            return
        self._form_coming = False
        if self._coming_timer is not None:
            self._coming_timer.stop()
            self._coming_timer = None
        if self.screen is self._coming_over:  # nothing opened over the screen
            self._drop_burst()
        else:
            self.release_keys()
        self._coming_over = None

    def screen_takes_keys(self, screen: Screen[Any]) -> None:
        """A screen (form, question, main screen) has the focus where keys go: the keys held
        for it go on, in order."""
        if self._form_coming and screen is not self._coming_over:
            self.form_came()
        self.release_keys()

    def _hold(self, event: events.Key | events.Paste) -> None:
        self._held.append(event)
        if not self._opening():
            self.call_later(self._hand_on)

    def release_keys(self) -> None:
        """A screen has the focus on its first field: the keys held for it go on (in order)."""
        if self._held:
            self.call_later(self._hand_on)

    async def _hand_on(self) -> None:
        while self._held and not self._opening():  # a key may open another form
            event = self._held.pop(0)
            self._arrived(event)  # on the screen it is handed to
            await super().on_event(event)

    # Who is acting ----------------------------------------------------------------------------

    @property
    def role(self) -> str:
        return str(self.actor.role)

    def identity_text(self, width: int = 200) -> str:
        """Who is acting (and the unread badge), as much of it as ``width`` cells hold."""
        role = label("role", self.actor.role)
        badge = _(" · ● {n} new").format(n=self.badge) if self.badge else ""
        for parts in (
            [self.actor.callsign, role, self.store.path.name],
            [self.actor.callsign, role],
            [self.actor.callsign],
        ):
            text = " · ".join(parts) + badge + " "
            if len(text) <= width:
                return text
        return self.actor.callsign + (f" ●{self.badge}" if self.badge else "") + " "

    def _update_titles(self) -> None:
        self.sub_title = self.identity_text().strip()

    def refresh_identity(self) -> None:
        """Who is acting and their unread badge, read in a worker."""
        from store.intel import unacknowledged_count
        from store.signals import unread_count

        def read(store: Store) -> tuple[ActingPerson, int]:
            return store.actor, unread_count(store) + unacknowledged_count(store)

        self.call_store(read, self._identity, group="identity")

    def _identity(self, answer: tuple[ActingPerson, int]) -> None:
        self.actor, self.badge = answer
        self._update_titles()
        for bar in self.screen.query(NavBar):
            bar.refresh()
        self.screen.refresh_bindings()

    # Screens and refreshing -------------------------------------------------------------------

    def on_mount(self) -> None:
        styles.preload(self)  # before the first screen: no screen parses the sheet again
        mode = self.state.get("mode", "today")
        self.switch_mode(mode if mode in self.MODES else "today")
        self.refresh_identity()
        if self.watch_interval:
            threading.Thread(target=self._watch, name="database-watch", daemon=True).start()
        if not self.is_headless:  # a real terminal: leave when it goes away (fix17)
            from . import hangup

            hangup.watch(self.exit, self.set_interval)

    def on_unmount(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        """Poll ``PRAGMA data_version`` on this thread's own connection (the number changes
        when any other connection commits) and say so to the UI thread."""
        assert self.watch_interval
        version: int | None = None
        told = False
        while not self._stop.is_set():
            if not told and self.store.replaced():  # said once, before any write is tried
                told = True
                self.post_message(self.DatabaseReplaced())
            now: int | None
            try:
                now = self.store.data_version()
            except Exception:  # a closing or busy database: try again at the next tick
                now = version
            if version is not None and now != version:
                self.post_message(self.DatabaseChanged())
            version = now
            self._stop.wait(self.watch_interval)

    def on_schildwacht_app_database_changed(self) -> None:
        self.changed()

    def on_schildwacht_app_database_replaced(self) -> None:
        said = plain(sentence(self.store.replaced_refusal()))
        self.notify(said, severity="error", timeout=3600, markup=False)  # until it is seen

    def changed(self) -> None:
        """Something was written: the screen shows the new state, the badge the new count."""
        self.refresh_identity()
        screen = self.screen
        if isinstance(screen, BaseScreen):
            screen.reload()
        else:  # a form or dialog is open: refresh the screen beneath it
            for below in reversed(self.screen_stack):
                if isinstance(below, BaseScreen):
                    below.reload()
                    break

    # Reading ahead -----------------------------------------------------------------------------

    def first_shown(self) -> None:
        """The first screen shows its data: read the other screens' first data behind it, one
        at a time in a worker, so their first visit shows data at once (and refreshes)."""
        if self._ahead_started or not self.ahead:
            return
        self._ahead_started = True
        self._read_next([m for m in MAIN_SCREENS if m != self.current_mode])

    def _read_next(self, modes: list[str]) -> None:
        if not modes:
            return
        mode, rest = modes[0], modes[1:]
        screen = MAIN_SCREENS[mode]
        params = screen.opening(self)

        def keep(data: Any) -> None:
            self._ahead[mode] = (params, data)
            self._read_next(rest)

        self.call_store(
            lambda store: screen.load(store, *params),
            keep,
            group="ahead",
            failed=lambda _error: self._read_next(rest),  # the screen reads it when shown
        )

    def read_ahead(self, mode: str, params: tuple[Any, ...]) -> Any:
        """The data read ahead for this screen, if it was read for these parameters."""
        found = self._ahead.pop(mode, None)
        if found is None or found[0] != params:
            return None
        return found[1]

    def remember_state(self, **values: Any) -> None:
        self.state.update(values)
        if self.remember:
            save_state(self.store.path, self.state)

    def action_go(self, mode: str) -> None:
        """Show a main screen (and remember it for the next start)."""
        if mode not in self.MODES:
            return
        self.switch_mode(mode)
        self.remember_state(mode=mode)

    def main_screen(self) -> BaseScreen[Any] | None:
        screen = self.screen
        return screen if isinstance(screen, BaseScreen) else None

    def run_on(self, mode: str, action: str) -> None:
        """Go to a screen and take one of its actions there once its data is shown.

        An action on a selected record, taken from another screen, acts on the record the
        person was looking at when that screen shows it; otherwise it asks them to select
        one there, and never acts on that screen's earlier, unseen cursor."""
        if mode not in self.MODES:
            return
        item = next((a for a in MAIN_SCREENS[mode].ACTIONS if a.action == action), None)
        looking = self.main_screen()
        person = activity = None
        where = ""
        if self.current_mode != mode:
            person, activity, where = looking.signal_context() if looking else (None, None, "")
            self.action_go(mode)
        screen = next((s for s in self.screen_stack if isinstance(s, BaseScreen)), None)
        if screen is None:
            return
        if item is not None and item.about and screen is not looking:
            context = Context(person, activity, where)
            screen.when_loaded(lambda: screen.call_later(screen.run_about, action, context))
            return
        if item is None or item.selects is None or screen is looking:
            screen.when_loaded(action)
            return
        kind = item.selects

        def act() -> None:
            if screen.select_record(kind, person, activity):
                screen.call_later(screen.run_action, action)
                return
            if screen.none_listed(action):
                return
            screen.refuse_key(
                _("Select the {kind} on {screen} first, then press {key}.").format(
                    kind=_(kind), screen=MAIN_SCREENS[mode].TITLE, key=item.shown_key
                )
            )

        screen.when_loaded(act)

    def action_reload(self) -> None:
        screen = self.main_screen()
        if screen is not None:
            screen.reload(announce=True)
        self.refresh_identity()

    # Actions on every screen ------------------------------------------------------------------

    def action_raise_signal(self) -> None:
        """Raise a signal from any screen, person and activity taken from where you are."""
        from .screens.forms import SignalForm

        screen = self.main_screen()
        person, activity, where = screen.signal_context() if screen else (None, None, "")
        if screen is None:
            return

        def said(made: Any) -> str:
            who = who_has_it(form.waits_for_export, "y, e")
            if activity is not None and made.activity_id is None:  # another person was typed
                return _(
                    "Signal raised without the activity {what} (it is {person}'s); {who}"
                ).format(what=where, person=person, who=who)
            return _("Signal raised; {who}").format(who=who)

        def select(made: Any) -> None:
            """On the Signals screen the new signal is selected once the list is read again
            (rev17m); its view (mine or all) stays, as it holds one's own signals."""
            if screen.MODE == "signals":
                screen.revealing = made.id  # type: ignore[attr-defined]

        form: SignalForm[Any] = SignalForm(person, activity, where)
        screen.open_form(form, said, select)

    def action_switch_user(self) -> None:
        """Act as another person from now on: callsign and secret, proven by the store."""
        from .screens.switch_user import SwitchUserForm

        screen = self.main_screen()
        if screen is None:
            return

        def switched(actor: ActingPerson) -> None:
            self.actor = actor
            self._update_titles()
            screen.show_role()  # its titles name the new role's keys (the others' on resume)
            screen.refresh_bindings()

        screen.open_form(
            SwitchUserForm(self.actor.callsign),
            lambda actor: _("Now acting as {who} ({role}).").format(
                who=actor.callsign, role=label("role", actor.role)
            ),
            switched,
            to_keys=True,  # a What-if field took the next person's screen keys (issue 17)
        )

    def action_my_secret(self) -> None:
        """Set or change a secret: one's own (current, new, repeated), or with staff rights
        another's first one or a forgotten one reset."""
        from .screens.switch_user import SecretForm

        screen = self.main_screen()
        if screen is None:
            return
        actions = {
            "staff.secret_first": _("{who} has a secret on this laptop now."),
            "staff.secret_reset": _("{who}'s secret was reset; the reset is in the audit trail."),
            "staff.secret": _("{who}'s secret was changed."),
        }
        screen.open_form(
            SecretForm(self.actor.callsign),
            lambda done: actions.get(done[0], _("{who}'s secret was set.")).format(who=done[1]),
        )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.actor, self.current_mode))

    # The command palette ----------------------------------------------------------------------

    def palette(self) -> list[tuple[str, str, Callable[[], object]]]:
        """Every palette entry for the acting person's role: (title, help, what it runs); each
        one's Dutch words are noted in ``palette_dutch``."""
        entries: list[tuple[str, str, Callable[[], object]]] = []
        self.palette_dutch.clear()
        for key, mode, name in SCREENS:
            title = _("Go to {screen}").format(screen=name)
            self.palette_dutch[title] = (dutch.words_for(mode), True)
            entries.append(
                (
                    title,
                    _("Key {key}: {what}").format(key=key, what=MAIN_SCREENS[mode].PURPOSE),
                    partial(self.action_go, mode),
                )
            )
        for item in GLOBAL_ACTIONS:
            if item.action == "app.command_palette":
                continue
            entries.append(
                (
                    item.title,
                    f"{item.shown_key}: {item.help}",
                    getattr(self, f"action_{item.action.removeprefix('app.')}"),
                )
            )
        for mode, screen_class in MAIN_SCREENS.items():
            for item in screen_class.ACTIONS:
                if item.allowed(self.actor):
                    title = f"{screen_class.TITLE}: {item.title}"
                    self.palette_dutch[title] = (dutch.words_for(mode, item.action), False)
                    entries.append(
                        (
                            title,
                            f"{item.shown_key}: {item.help}",
                            partial(self.run_on, mode, item.action),
                        )
                    )
        return entries

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for title, help_text, run in self.palette():
            yield SystemCommand(title, help_text, run)

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
    from .paste import install

    install()  # a bracketed paste arrives as the text pasted
    app = SchildwachtApp(store)
    app.run()
    if app.return_code:  # a crash (Textual printed its traceback) never exits 0
        raise SystemExit(app.return_code)
