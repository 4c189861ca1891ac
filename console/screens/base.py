"""One way to load a screen, and one way to write from it.

``StoreWork`` runs a store call in a thread worker and posts a ``StoreCall.Done`` or
``StoreCall.Failed`` message back to the screen; the UI thread never touches the database. Each
call belongs to a group ("load", "save", …) and takes a ticket; only the answer to the newest
ticket of its group is shown, so a slow load for yesterday never overwrites today's, whatever
the worker did after it was cancelled. A write is different: it happened once it answers, so
every write's answer is shown (``every=True``: no write is cancelled or superseded by the next).

``BaseScreen`` is what every main screen is built on: the navigation bar, a line that says when
a load failed (also as an error notification), the footer, the screen's ``ACTIONS`` as key
bindings (hidden from roles that may not take them), ``fetch`` (in the worker) and ``show`` (on
the UI thread) for its data, ``write`` for an action without a form, and ``open_form`` for one
with a form: a toast after every write, and the screen (and badge) refreshed.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from textual import events
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.types import NoActiveAppError
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea
from textual.worker import get_current_worker

from store import access
from store.db import Store
from store.errors import StoreError, unexpected_kind
from words.errors import sentence as refusal

from .. import collector
from ..actions import Action, KeyedTitle, bindings
from ..i18n import _
from ..labels import label
from ..literal import literal, plain
from ..textual_private import styles_current
from ..widgets.drawer import Drawer, focus_in
from ..widgets.footer import KeysFooter
from ..widgets.navbar import NavBar
from ..widgets.table import RecordTable

if TYPE_CHECKING:
    from ..app import SchildwachtApp

T = TypeVar("T")
D = TypeVar("D")

_numbers = itertools.count(1)


class Lines(tuple[str, ...]):
    """A toast of several lines: each line is escaped on its own (``plain``) and the lines are
    joined with real line breaks, so a break we put between sentences is not shown as the text
    ``\\u000a`` (as a line break inside a value still is)."""

    __slots__ = ()


class Unfit(Exception):
    """A form's own refusal, already in the console's words (what to fill in before the store
    is asked); the store's refusals are ``StoreError``s, worded from their code."""


def sentence(error: BaseException) -> str:
    """A store refusal in words (``words.errors``, from its code and parameters); a form's own
    refusal as it is said; anything else is named as unexpected."""
    if isinstance(error, StoreError):
        return refusal(error)  # words/ names roles and statuses as the console's labels do
    if isinstance(error, Unfit):
        return str(error)
    return unexpected(error)


def unexpected(error: BaseException) -> str:
    """A failure that is no store refusal, in words: never Python's own text (rev17g: "Unexpected
    error (ValueError): time data …"); its details are in the error log
    (``errorlog.record``, written once where the failure arrives)."""
    from ..errorlog import error_log

    kind = unexpected_kind(error)
    if kind == "database":
        said = _("The database cannot be read")
    elif kind == "record":
        said = _("A record in the database cannot be read")
    else:
        said = _("Something went wrong in the console")
    return _("{said} (the details are in {log}).").format(said=said, log=error_log())


@dataclass(frozen=True)
class Context:
    """What a person is looking at: a protected person, an activity (ids), and words for it."""

    person: str | None = None
    activity: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Ticket:
    """One store call: its group, its number, and what to do with its answer."""

    group: str
    number: int
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None] | None
    every: bool = False


class StoreCall:
    """The two answers of a store call run in a worker."""

    class Done(Message, bubble=False):
        def __init__(self, ticket: Ticket, result: object) -> None:
            super().__init__()
            self.ticket = ticket
            self.result = result

    class Failed(Message, bubble=False):
        def __init__(self, ticket: Ticket, error: BaseException) -> None:
            super().__init__()
            self.ticket = ticket
            self.error = error


if TYPE_CHECKING:
    _Node = DOMNode
else:
    _Node = object


def closing(node: DOMNode) -> bool:
    """Whether the console is closing (``q``, F10, the terminal gone): its screens are being
    taken down, their widgets removed before the messages still queued for them."""
    try:
        app = node.app
    except NoActiveAppError:
        return True
    return app.return_code is not None or not app.is_running  # exiting, or shut down


class Steady(_Node):
    """A screen of the console (main, form, question, help) whose handlers may find their
    widgets gone once the console is closing. A quit that came while a screen was still
    opening ("uq" typed at once: the Switch-user form's mount) ran that screen's handlers after
    Textual had taken its widgets down, and their ``query_one`` ended the console with a
    NoMatches traceback and exit code 1 (fix17m). Closing, a widget that is gone is no fault:
    the handler stops there, for every screen and every handler, not per key."""

    #: Whether the screen takes keys: mounted, its first field (or table) has the focus. Keys
    #: typed before, in one burst with the key that opened it, are held by the app until then
    #: and handed to it in order (issue 17: a question, help, another main screen alike).
    taking_keys = False

    async def on_event(self, event: events.Event) -> None:
        try:
            await super().on_event(event)
        except NoMatches:
            if not closing(self):
                raise
        if isinstance(event, events.Mount) and not closing(self):
            # after the screen's own on_mount, which asked for its first field's focus: the
            # app sets that focus before it runs this, so the held keys go into the field
            self.app.call_later(self._take_keys)

    def _take_keys(self) -> None:
        self.taking_keys = True
        takes = getattr(self.app, "screen_takes_keys", None)
        if takes is not None and not closing(self):
            takes(self)


class StoreWork(_Node):
    """Runs store calls in thread workers (a mixin for the app, its screens and forms)."""

    _tickets: dict[str, int]

    def call_store(
        self,
        call: Callable[[Store], T],
        done: Callable[[T], None],
        *,
        group: str = "load",
        failed: Callable[[BaseException], None] | None = None,
        every: bool = False,
    ) -> None:
        """Run ``call(store)`` in a thread worker; ``done(result)`` on the UI thread when it is
        the newest call of its group, else ``failed(error)`` (by default: said on the screen and
        as an error notification). With ``every`` (a write) each call's answer is shown, however
        many calls of the group started after it: a second write never swallows the first's."""
        if not hasattr(self, "_tickets"):
            self._tickets = {}
        number = next(_numbers)
        if not every:
            self._tickets[group] = number
        ticket = Ticket(group, number, done, failed, every)
        store = cast("SchildwachtApp", self.app).store

        def work() -> None:
            worker = get_current_worker()
            try:
                with collector.paused():
                    result = call(store)
            except Exception as exc:  # every failure is shown, never lost in a worker
                if not worker.is_cancelled:  # a damaged file or a full disk said in words
                    self.post_message(StoreCall.Failed(ticket, store.refusal_of(exc)))
                return
            if not worker.is_cancelled:
                self.post_message(StoreCall.Done(ticket, result))

        self.run_worker(
            work,
            name=f"store:{group}",
            group=f"store:{group}",
            thread=True,
            exclusive=not every,
            exit_on_error=False,
        )

    def _current(self, ticket: Ticket) -> bool:
        return ticket.every or getattr(self, "_tickets", {}).get(ticket.group) == ticket.number

    def on_store_call_done(self, message: StoreCall.Done) -> None:
        message.stop()
        if closing(self):
            return
        if self._current(message.ticket):
            message.ticket.done(message.result)

    def on_store_call_failed(self, message: StoreCall.Failed) -> None:
        message.stop()
        if not isinstance(message.error, StoreError | Unfit):  # its details in the log
            from ..errorlog import record

            record(message.error)
        if closing(self) or not self._current(message.ticket):
            return
        if message.ticket.failed is not None:
            message.ticket.failed(message.error)
        else:
            self.report_failure(message.error)

    def report_failure(self, error: BaseException) -> None:
        self.app.notify(plain(sentence(error)), severity="error", markup=False)


class OnStore(Steady, StoreWork):
    """A screen or form of the console: the app, its store and the acting role, typed."""

    @property
    def console_app(self) -> SchildwachtApp:
        return cast("SchildwachtApp", self.app)

    @property
    def store(self) -> Store:
        return self.console_app.store

    def refuse_key(self, text: str) -> None:
        """A screen key refused at once ("Select an activity first.", a cancelled activity):
        said once as a warning, and the keys typed after it in the same burst are dropped, not
        taken as this screen's keys (rev17n: "r" then "q" on a cancelled activity quit)."""
        self.console_app.refuse_key(text)

    @property
    def role(self) -> str:
        return self.console_app.role

    @property
    def actor(self) -> access.ActingPerson:
        """Who acts, with this laptop's enrolled role (what ``access.may`` bounds)."""
        return self.console_app.actor


class BaseScreen(OnStore, Screen[None], Generic[D]):
    """A main screen: navigation bar, failure line, body, footer; data loaded in a worker."""

    #: The screen's actions (keys, palette entries, help lines).
    ACTIONS: ClassVar[tuple[Action, ...]] = ()
    #: Its mode name in the app, its name for people and what it is for.
    MODE: ClassVar[str] = ""
    TITLE = ""
    PURPOSE: ClassVar[str] = ""
    #: The screen's main table: focused when the screen opens and after Escape in a field.
    MAIN: ClassVar[str] = ""
    #: Where each kind of record an action ``selects`` is listed (its table): an action taken
    #: from the palette with none listed says so, instead of asking to select one.
    RECORDS: ClassVar[dict[str, str]] = {}
    #: Section titles that name keys: each names only the keys the acting role may use.
    KEYED_TITLES: ClassVar[tuple[KeyedTitle, ...]] = ()
    BINDINGS = [
        Binding("question_mark", "app.help", _("Help"), key_display="?"),
        Binding("q", "app.quit", _("Quit")),
        # In a field ? and q are typed, not keys: the footer shows these instead
        Binding("f1", "typing_help", _("Help"), key_display="F1"),
        Binding("f10", "typing_quit", _("Quit"), key_display="F10"),
        # Escape leaves a field as it arrives, before the keys typed after it: a key behind it
        # in one burst went to the field still focused ("Escape x" typed x into the handover
        # notes, fix17m); priority, so only while a field has the focus (check_action)
        Binding("escape", "leave_field", _("Leave the field"), show=False, priority=True),
    ]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "ACTIONS" in cls.__dict__:
            cls.BINDINGS = [*cls.__dict__.get("BINDINGS", []), *bindings(cls.ACTIONS)]
        if cls.__dict__.get("MAIN"):
            cls.AUTO_FOCUS = cls.MAIN
        super().__init_subclass__(**kwargs)

    def action_leave_field(self) -> None:
        """Escape from a field (notes, a scenario's numbers): back to the main table, where
        the screen's keys work again."""
        if self.MAIN:
            self.set_focus(self.query_one(self.MAIN))  # now: the next key is the table's

    def __init__(self) -> None:
        super().__init__()
        # A new screen's widgets take the styles as they are when they mount. Textual would
        # also parse every style sheet again and restyle every widget of every screen at a
        # screen's first visit (twice: 30-100 ms of the UI thread on the large set, issue 18);
        # it still does when the styles changed since (a theme), as for any screen it shows.
        with contextlib.suppress(NoActiveAppError):
            styles_current(self, self.app)
        self.data: D | None = None
        self.loading = False
        self._announce = False
        self._pending: list[str | Callable[[], object]] = []
        self._on_mounted: list[Callable[[], None]] = []
        self._borrowed: Context | None = None
        self._titled: dict[str, str] = {}  # the keyed titles as shown (show_role)

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Static("", id="problem", classes="problem")
        yield from self.compose_body()
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        return iter(())

    # Loading ----------------------------------------------------------------------------------

    @staticmethod
    def load(store: Store, *params: Any) -> Any:
        """Read the screen's data for ``params`` (in a worker thread: store calls only, no
        widgets), cell text included."""
        raise NotImplementedError

    def params(self) -> tuple[Any, ...]:
        """What the screen asks for now (a day, a filter)."""
        return ()

    @classmethod
    def opening(cls, app: SchildwachtApp) -> tuple[Any, ...]:
        """What a new screen of this kind asks for first (read ahead by the app)."""
        return ()

    def show(self, data: D) -> None:
        """Put the data on the screen (UI thread)."""

    def on_mount(self) -> None:
        self.show_role()
        ahead = self.console_app.read_ahead(self.MODE, self.params())
        if ahead is not None:
            self._loaded(ahead)  # read while the first screen was on; refreshed at once
        self.reload()
        waiting, self._on_mounted = self._on_mounted, []
        for callback in waiting:
            callback()

    def when_mounted(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` now, or once the screen is mounted (a screen opened just now)."""
        if self.is_mounted:
            callback()
        else:
            self._on_mounted.append(callback)

    def show_role(self) -> None:
        """Name in the section titles only the keys the acting person's role may use (again
        after Switch user: another role, other keys)."""
        for keyed in self.KEYED_TITLES:
            hidden = frozenset(a for a, _w in keyed.keys if self.check_action(a, ()) is False)
            text = keyed.text(self.ACTIONS, self.actor, hidden)
            if self._titled.get(keyed.selector) == text:
                continue  # as shown: no update, no new layout at every return from a form
            self._titled[keyed.selector] = text
            for widget in self.query(keyed.selector):
                if isinstance(widget, Static):
                    widget.update(text)

    def on_screen_resume(self) -> None:
        self.show_role()
        self.query_one(NavBar).refresh()
        if self.data is not None or not self.loading:  # a failed first load: try again
            self.reload()

    def reload(self, *, announce: bool = False) -> None:
        """Read the data again (in a worker); ``announce`` says so once it is shown."""
        params, load = self.params(), self.load
        self._announce = self._announce or announce
        self.loading = True
        self.query_one(NavBar).refresh()
        self.call_store(lambda store: load(store, *params), self._loaded, failed=self._load_failed)

    def _take_keys(self) -> None:
        """A main screen takes the keys typed on the way to it once its first data is shown:
        "a" Down Down in one burst moved nothing when the Downs reached the Agenda's table
        before its rows (fix17o's test failed on an idle machine). Seen before: at once."""
        if self.data is None and not closing(self):
            self._keys_after_load = True
            return
        super()._take_keys()

    def _keys_now(self) -> None:
        """The first load answered (shown, or said as failed): the held keys are this screen's."""
        if getattr(self, "_keys_after_load", False):
            self._keys_after_load = False
            super()._take_keys()

    def _loaded(self, data: D) -> None:
        self.loading = False
        self.query_one(NavBar).refresh()
        self.data = data
        problem = self.query_one("#problem", Static)
        if problem.has_class("shown"):  # an update lays the screen out again: only when said
            problem.update("")
            problem.remove_class("shown")
        with self.app.batch_update():
            self.show(data)
            self._show_body()
        collector.shown()
        pending, self._pending = self._pending, []
        for action in pending:
            self.call_later(self._run_pending, action)
        if self._announce:
            self._announce = False
            self.notify(_("Up to date."))
        self.console_app.first_shown()
        self.call_after_refresh(self._keys_now)

    def _load_failed(self, error: BaseException) -> None:
        """A load that failed says so on the screen, in words (its details in the error log).
        A first load that failed shows nothing else: the body's counts and placeholders
        ("0 protected subjects", "Loading…") would be false, so the body stays hidden until a
        reload (F5, or the database changing) succeeds (fix17m)."""
        self.loading = False
        self.query_one(NavBar).refresh()
        first = self.data is None
        if first:
            self._hide_body()
            self.call_after_refresh(self._keys_now)
        text = (
            _(
                "This screen could not be loaded: {why} Nothing is shown until it is; "
                "F5 tries again."
            )
            if first
            else _("This screen could not be loaded: {why} What you see may be out of date.")
        )
        problem = self.query_one("#problem", Static)
        problem.update(literal(text.format(why=sentence(error)), limit=None))
        problem.add_class("shown")
        self.report_failure(error)

    def _body(self) -> list[Widget]:
        """The screen's own widgets: all but the navigation bar, the failure line and the
        footer."""
        return [
            child
            for child in self.children
            if not isinstance(child, NavBar | KeysFooter) and child.id != "problem"
        ]

    def _hide_body(self) -> None:
        for child in self._body():
            child.add_class("-unloaded")

    def _show_body(self) -> None:
        """The body again, once a load after a failed first one succeeded."""
        hidden = [child for child in self._body() if child.has_class("-unloaded")]
        for child in hidden:
            child.remove_class("-unloaded")
        if hidden and self.MAIN and self.focused is None:
            self.query_one(self.MAIN).focus()

    def when_loaded(self, action: str | Callable[[], object]) -> None:
        """Run a screen action (its name, or a callable) once its data is here (from the
        palette, on a fresh screen)."""
        if self.data is not None:
            self.call_later(self._run_pending, action)
        else:
            self._pending.append(action)

    def none_listed(self, action: str) -> bool:
        """Whether ``action`` acts on a selected record and this screen lists none of its kind
        (an empty table): then it says so, in words, and True (fix17m: from the palette an
        empty screen answered nothing, or "Select the activity on Agenda first")."""
        item = next((a for a in self.ACTIONS if a.action == action), None)
        selector = self.RECORDS.get(item.selects or "") if item is not None else None
        if item is None or selector is None:
            return False
        tables = [t for t in self.query(selector) if isinstance(t, RecordTable)]
        if not tables or any(t.row_count for t in tables):
            return False
        self.refuse_key(
            _("{what}: there is no {kind} on {screen} now.").format(
                what=item.title, kind=_(item.selects or ""), screen=self.TITLE
            )
        )
        return True

    async def _run_pending(self, action: str | Callable[[], object]) -> None:
        if isinstance(action, str) and self.none_listed(action):
            return
        if isinstance(action, str):
            _target, name, params = parse_action(action)
            if self.check_action(name, params) is False:
                # hidden for now (join in a team, resolve with no conflict): from the palette
                # it says why, never nothing
                if any(a.action == action and a.allowed(self.actor) for a in self.ACTIONS):
                    self.hidden_action(name, params)
                return
        if isinstance(action, str):
            await self.run_action(action)
        else:
            action()

    def hidden_action(self, name: str, params: tuple[object, ...]) -> None:
        """An action hidden for now (``check_action`` False) taken from the palette: by default
        the action itself says why; a screen whose key says it another way (a toast, no
        write) says it here too, so the key and the palette behave as one."""
        getattr(self, f"action_{name}")(*params)

    def in_view(self, selector: str, what: str) -> bool:
        """Whether the table a key acts on (``selector``) is on screen. In a drawer that is
        closed (a short terminal), the key does not act on a row nobody sees: the drawer opens
        with the focus on that table, and the person is asked to check the row and press the
        key again."""
        table = self.query_one(selector)
        drawer = next((a for a in table.ancestors if isinstance(a, Drawer)), None)
        if drawer is None or drawer.has_class("-open") or not self.has_class("-short"):
            return True
        focus_in(table)
        self.refuse_key(
            _("Opened {what}: check the selected row, then press the key again.").format(what=what)
        )
        return False

    def about(self) -> Context:
        """The person and activity an ``about`` action takes: those the person was looking at
        on another screen when it came from the palette there, else this screen's own."""
        if self._borrowed is not None:
            return self._borrowed
        person, activity, where = self.signal_context()
        return Context(person, activity, where)

    @property
    def elsewhere(self) -> bool:
        """Whether the ``about`` action running now came from another screen (so this screen's
        own selection — a gap, a signal — is not what the person was looking at)."""
        return self._borrowed is not None

    async def run_about(self, action: str, context: Context) -> None:
        """Run an ``about`` action on the context of another screen (a palette action taken
        there), never on this screen's cursor."""
        self._borrowed = context
        try:
            await self.run_action(action)
        finally:
            self._borrowed = None

    def select_record(self, kind: str, person: str | None, activity: str | None) -> bool:
        """Put this screen's cursor on the record of ``kind`` the person was looking at on
        another screen (its ``signal_context``: person and activity), for a palette action
        taken there; False when this screen does not show it (none by default)."""
        return False

    # Actions ----------------------------------------------------------------------------------

    def _typing(self, widget: Widget | None = None) -> bool:
        """Whether the focused widget (or ``widget``) takes ? and q as typed characters (a
        field, a list that searches as one types)."""
        focused = self.focused if widget is None else widget
        return focused is not None and (
            focused.check_consume_key("q", "q") or focused.check_consume_key("question_mark", "?")
        )

    def action_typing_help(self) -> None:
        self.console_app.action_help()

    async def action_typing_quit(self) -> None:
        await self.app.action_quit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what the acting person's role may not do (the store refuses it anyway); show
        F1 and ^q for help and quit while a field takes ? and q as text."""
        if action in ("typing_help", "typing_quit"):
            return self._typing()
        if action == "leave_field":  # a field of this screen (not a list, not a drop-down)
            return isinstance(self.focused, Input | TextArea) and self.focused.screen is self
        for item in self.ACTIONS:
            if item.action.split("(")[0] == action:
                return item.allowed(self.actor)
        return True

    def say_refused(self, key: str) -> bool:
        """A key of this screen the acting person may not use (hidden from the footer: their
        role, or the role this laptop is enrolled with, does not allow it) says so, instead of
        doing nothing; True when it did. The app asks once the key came back up to it, not
        this screen as the key passes: a key typed in one burst after the key that opens a
        form is the form's, and passes here before that form opens (issue 17, rev17h:
        "!Man met camera" lost its n, c and i to role toasts here)."""
        for item in self.ACTIONS:
            if item.key == key and not item.allowed(self.actor):
                if item.allowed_role(self.role):
                    text = _(
                        "{key} ({what}): this laptop is enrolled in the team as {laptop}, "
                        "which may not do this."
                    ).format(
                        key=item.shown_key,
                        what=item.title,
                        laptop=label("role", str(self.actor.laptop_role)),
                    )
                else:
                    text = _("{key} ({what}): the {role} role may not do this.").format(
                        key=item.shown_key, what=item.title, role=label("role", self.role)
                    )
                self.refuse_key(text)
                return True
        return False

    def write(
        self,
        call: Callable[[Store], T],
        toast: str | Callable[[T], str],
        done: Callable[[T], None] | None = None,
    ) -> None:
        """An action without a form: the store call in a worker, a toast when it is written, a
        refusal as an error notification; then the screen shows the new state."""

        def written(result: T) -> None:
            message = toast(result) if callable(toast) else toast
            self.notify(plain(message), markup=False)
            if done is not None:
                done(result)
            self.console_app.changed()

        self.call_store(call, written, group="write", every=True)

    def open_form(
        self,
        form: FormScreen[T],
        toast: str | Callable[[T], str | Lines] | None,
        done: Callable[[T], None] | None = None,
        *,
        to_keys: bool = False,
    ) -> None:
        """Open a form; once it saved, a toast (``Lines``: each line escaped on its own, the
        breaks between them kept), ``done(result)`` and a refresh. The focus goes
        back where it was; with ``to_keys`` (another person acts now) a field it was in is left
        for the screen's table, so the next keys are the screen's, not typed into a field."""

        before = self.focused

        def closed(outcome: Saved[T] | None) -> None:
            if to_keys and outcome is not None and (before is None or self._typing(before)):
                self.call_after_refresh(self.action_leave_field)
            else:
                self.call_after_refresh(self._refocus, before)
            if outcome is None:
                return
            if toast is not None:
                message = toast(outcome.result) if callable(toast) else toast
                said = message if isinstance(message, Lines) else Lines((message,))
                text = "\n".join(plain(line) for line in said)
                if text:  # no toast: the form leads to another (an edit that moves asks how)
                    self.notify(text, markup=False)
            if done is not None:
                done(outcome.result)
            self.console_app.changed()

        self.app.push_screen(form, closed)

    def read_then(
        self, call: Callable[[Store], T], then: Callable[[T], None], *, group: str
    ) -> None:
        """A key's action that asks the store first and then may open a form or a question
        (the concepts, who is free, whether the period is signed already). The keys typed
        after the key wait for what opens and go into it; when nothing opens (the store
        refused, said once as a toast) they are dropped, never taken as this screen's keys
        (issue 17, rev17m: "ort-0012" after a refused o opened the Restrict form)."""
        app = self.console_app
        app.form_coming()

        def done(result: T) -> None:
            then(result)
            app.form_came()

        def failed(error: BaseException) -> None:
            app.form_came()
            self.report_failure(error)

        self.call_store(call, done, group=group, failed=failed)

    def confirm(self, question: str, yes: str, then: Callable[[], None]) -> None:
        """Ask before what cannot be undone; ``then()`` only on yes."""

        before = self.focused

        def answered(sure: bool | None) -> None:
            self.call_after_refresh(self._refocus, before)
            if sure:
                then()

        self.app.push_screen(Confirm(question, yes), answered)

    def _refocus(self, widget: Widget | None) -> None:
        """Give the focus back to where it was before a form or question opened."""
        if widget is not None and widget.is_attached and widget.screen is self:
            self.set_focus(widget)

    def signal_context(self) -> tuple[str | None, str | None, str]:
        """Person, activity and a label for a signal raised from here (none by default)."""
        return None, None, ""


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What a form hands back once the store accepted it."""

    result: T


class FormScreen(OnStore, ModalScreen["Saved[T] | None"], Generic[T]):
    """A modal form: Escape cancels, ctrl+s (or Enter in a text field) saves; saving runs
    ``save(store, values)`` in a worker, a refusal is shown inline (the form stays open,
    nothing written), success closes the form."""

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "save", _("Save"), key_display="^s"),
        # a form's fields take ? and q as text: F1 and F10 are help and quit here too
        Binding("f1", "app.help", _("Help"), key_display="F1"),
        Binding("f10", "app.quit", _("Quit"), key_display="F10"),
        # Tab moves to the next field before the keys after it are handed on: typed fast (or
        # arriving in one read over SSH) "09:30<Tab>11:00" filled one field with "09:3011:00",
        # as Textual hands each key to the field focused when it arrives (issue 17)
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def action_save(self) -> None:
        self.submit()

    def __init__(self, save: Callable[[Store, dict[str, str]], T]) -> None:
        super().__init__()
        self.save = save
        self.saving = False

    def action_cancel(self) -> None:
        self.dismiss(None)

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def submit(self) -> None:
        if self.saving:
            return
        self.saving = True
        values = self.values()
        self.query_one(".error", Static).update(_("Saving…"))
        save = self.save
        self.call_store(
            lambda store: save(store, values), self._saved, group="save", failed=self._refused
        )

    def _saved(self, result: T) -> None:
        self.saving = False
        self.dismiss(Saved(result))

    def _refused(self, error: BaseException) -> None:
        self.saving = False
        self.query_one(".error", Static).update(literal(sentence(error), limit=None))
        if not isinstance(error, StoreError | Unfit):
            self.report_failure(error)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.submit()
        elif event.button.id == "cancel":
            event.stop()
            self.dismiss(None)

    def buttons(self, label: str) -> ComposeResult:
        yield Static("", classes="error")
        with Horizontal(classes="buttons"):
            yield Button(label, id="save", variant="primary", compact=True)
            yield Button(_("Cancel"), id="cancel", compact=True)


class Confirm(Steady, ModalScreen[bool]):
    """Yes or no, before what cannot be undone (sign, accept, issue, resolve, apply)."""

    BINDINGS = [
        Binding("y", "answer(True)", _("Yes")),
        Binding("n", "answer(False)", _("No")),
        Binding("escape", "answer(False)", _("No")),
        Binding("f10", "app.quit", _("Quit"), show=False),  # F10 quits anywhere (rev17h)
    ]

    def __init__(self, question: str, yes: str, no: str | None = None) -> None:
        """``no`` names the way back when "Cancel" would be read as the action itself (to
        cancel an activity: "Keep it", rev17m)."""
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no if no is not None else _("Cancel")

    def compose(self) -> ComposeResult:
        with Vertical(classes="form confirm"):
            yield Label(literal(self.question, limit=None), classes="title")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning", compact=True)
                yield Button(f"{self.no} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, sure: bool) -> None:
        self.dismiss(sure)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
