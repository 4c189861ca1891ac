"""The help screen (``?``): every key of every screen and what it does, made from the same
``Action`` records as the key bindings and the command palette, so the three always agree. It
lists only what the acting person's role may do, as the footer and the palette do (issue 17: an
operator read "x: clear a flag"); the README's key table says who may do each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from store import access

from .. import labels
from ..actions import Action
from ..i18n import _
from ..widgets.navbar import SCREENS
from .base import Steady

if TYPE_CHECKING:
    from .base import BaseScreen

COLOURS = _(
    "Day board: green — the concept meets the required level; red — needs re-planning (the "
    "threat rose, or the activity changed); yellow — no concept yet; grey — cancelled.\n"
    "No concession on the resistance level (R1): a concept below the person's required level "
    "can never be put on an activity. Scarcity may move or cancel an activity — recorded with "
    "reason and deciding authority — but never lower its protection."
)


def key_table(title: str, actions: tuple[Action, ...], actor: access.Actor) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        show_header=False,
        box=None,
        padding=(0, 1),
        expand=True,
    )
    table.add_column(width=7, style="bold")
    table.add_column(ratio=1)
    for action in actions:
        if action.allowed(actor):
            line = Text(action.title, style="bold")
            line.append(named_help(action, " — ")[len(action.title) :])
            table.add_row(Text(action.shown_key, style="bold"), line)
    return table


def named_help(action: Action, joiner: str) -> str:
    """An action's name (as the palette and the README's key table give it), ``joiner`` and
    what it does; the explanation alone when it starts with the name already."""
    if action.help.startswith(action.title):
        return action.help
    return f"{action.title}{joiner}{action.help[0].lower()}{action.help[1:]}"


def everywhere_actions() -> tuple[Action, ...]:
    """The keys that work on every screen: the screens themselves, then the app's actions."""
    from ..app import GLOBAL_ACTIONS, MAIN_SCREENS

    return (
        tuple(
            Action(
                key,
                f"go('{mode}')",
                name,
                name,
                # its purpose alone: the line reads "key  Name — explanation" as every other
                # (rev17q: these seven read "Agenda: the day board…"), the README's "Agenda: …"
                MAIN_SCREENS[mode].PURPOSE,
            )
            for key, mode, name in SCREENS
        )
        + GLOBAL_ACTIONS
    )


def help_tables(actor: access.Actor | str, current: str) -> list[Table]:
    """The help as tables: the current screen's keys first (what the person came for, on the
    first page at 80×24), then the keys that work everywhere (``tab`` once, here), then the
    other screens'. Each line is "key  Name — explanation", the name as in the README's key
    table and the palette."""
    from ..app import MAIN_SCREENS

    if isinstance(actor, str):  # a role alone: on a laptop that bounds no one
        actor = access.ActingPerson("", actor)

    def screen_table(mode: str) -> Table:
        screen: type[BaseScreen[object]] = MAIN_SCREENS[mode]
        return key_table(screen.TITLE, screen.ACTIONS, actor)

    tables = [screen_table(current)] if current in MAIN_SCREENS else []
    tables.append(key_table(_("Everywhere"), everywhere_actions() + NAVIGATION, actor))
    tables += [screen_table(mode) for mode in MAIN_SCREENS if mode != current]
    return tables


#: Keys every table and form shares.
NAVIGATION = (
    Action(
        "tab",
        "focus_next",
        _("Next"),
        _("Next pane"),
        _(
            "Tab / shift+Tab move between the tables and fields (below 32 rows Tab also opens "
            "a panel shown as its title line); arrows, Page Up/Down, Home and End move in a "
            "table; Enter opens or chooses; Escape closes a form"
        ),
        display="tab",
    ),
)


class HelpScreen(Steady, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", _("Close")),
        Binding("question_mark", "dismiss", _("Close"), key_display="?"),
        Binding("q", "dismiss", _("Close")),
        Binding("f10", "app.quit", _("Quit"), show=False),  # F10 quits anywhere (rev17h)
    ]

    def __init__(self, actor: access.Actor, current: str) -> None:
        super().__init__()
        self.actor = actor
        self.role = actor.role
        self.current = current

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form help"):
            yield Label(
                _("Schildwacht — keys (acting as {role}; Escape closes)").format(
                    role=labels.label("role", self.role)
                ),
                classes="title",
            )
            for table in help_tables(self.actor, self.current):
                yield Static(table, classes="help-table")
            yield Static(COLOURS, classes="note")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()


def who_may(action: Action) -> str:
    """The roles that may take an action, in words ("everyone" when all may)."""
    from store.access import ROLES

    roles = [role for role in ROLES if action.allowed_role(role)]
    if len(roles) == len(ROLES):
        return _("everyone")
    if len(roles) >= len(ROLES) - 2:
        others = [labels.label("role", role) for role in ROLES if role not in roles]
        return _("all but {roles}").format(roles=", ".join(others))
    return ", ".join(labels.label("role", role) for role in roles) or _("nobody")


def markdown_keys() -> str:
    """The README's key table, made from the same ``Action`` records as the bindings, the
    palette and the help screen (a test checks that the README holds exactly this table)."""
    from ..app import MAIN_SCREENS

    sections = [(_("anywhere"), everywhere_actions() + NAVIGATION)]
    sections += [(screen.TITLE, screen.ACTIONS) for screen in MAIN_SCREENS.values()]
    lines = ["| Key | Where | What | Who |", "|---|---|---|---|"]
    for where, actions in sections:
        for action in actions:
            what = named_help(action, ": ").replace("|", "\\|")
            lines.append(f"| `{action.shown_key}` | {where} | {what} | {who_may(action)} |")
    return "\n".join(lines) + "\n"
