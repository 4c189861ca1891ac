"""Every action a person takes in the console, declared once: its key, its words for the footer,
the command palette and the help screen, and who may take it.

A screen lists its ``Action`` records in ``ACTIONS``; the base screen turns them into key
bindings, hides from the footer what the acting person's role may not do, and the command palette
and the help screen are made from the same records. So a key, its palette entry and its line in
the help cannot drift apart, and the palette offers exactly what the role may do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding

from store import access

#: Who may take an action: a permission of ``store.access`` (everyone when None), or a test of
#: the acting person for the few actions the permission table does not name on its own. Both
#: are asked through ``access.may``: the person's role and this laptop's enrolled role, as the
#: store's ``access.require`` bounds them.
Permission = str | Callable[[access.Actor], bool] | None


@dataclass(frozen=True)
class Action:
    """One action: ``key`` (a Textual key name) runs ``action`` on the screen (or the app)."""

    key: str
    action: str
    label: str  # a word or two, for the footer
    title: str  # the palette's entry, with the words people search for
    help: str  # what it does, for the palette and the help screen
    permission: Permission = None
    display: str | None = None  # how the key is written, when its name is not it ("[")
    show: bool = True  # shown in the footer
    #: What it acts on: the record selected on its screen ("activity", "person", or another
    #: kind's name), or None. From the palette on another screen it acts only on the record
    #: the person was looking at (``BaseScreen.select_record``), never on a hidden cursor.
    selects: str | None = None
    #: It takes the person and activity selected where it is taken as a default or a link (a
    #: log entry's subject, a new activity's person): from the palette on another screen those
    #: of the screen the person was looking at (``BaseScreen.about``), never this screen's
    #: cursor; none when that screen selects none.
    about: bool = False

    @property
    def shown_key(self) -> str:
        return self.display or self.key

    def allowed(self, actor: access.Actor) -> bool:
        """Whether ``actor`` may take it, by the store's own test (``access.may``)."""
        if self.permission is None:
            return True
        if isinstance(self.permission, str):
            return access.may(actor, self.permission)
        return self.permission(actor)

    def allowed_role(self, role: str) -> bool:
        """Whether a person of ``role`` may take it on a laptop that bounds no one."""
        return self.allowed(access.ActingPerson("", role))

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.label, show=self.show, key_display=self.display)


@dataclass(frozen=True)
class KeyedTitle:
    """A section title that names keys ("Operational log — l write · x clear a flag"): it
    names only those the acting person's role may use, so an operator never reads of a key
    that is not theirs (issue 17). ``keys``: each key's action name and its words."""

    selector: str
    title: str
    keys: tuple[tuple[str, str], ...]
    joiner: str = " · "
    #: The title while every key is hidden for now (``hidden``: no conflict to resolve), when
    #: the section has its own words for that ("No open conflicts"); else ``title``.
    idle: str = ""

    def text(
        self,
        actions: tuple[Action, ...],
        actor: access.Actor,
        hidden: frozenset[str] = frozenset(),
    ) -> str:
        """The title with the keys of ``actions`` the actor may use (an action the screen does
        not declare is everyone's) and that are not ``hidden`` for now (``check_action``)."""
        if self.idle and hidden and all(action in hidden for action, _words in self.keys):
            return self.idle
        refused = {a.action.split("(")[0] for a in actions if not a.allowed(actor)} | hidden
        named = [words for action, words in self.keys if action not in refused]
        return self.title + (" — " + self.joiner.join(named) if named else "")


def any_of(*permissions: str) -> Callable[[access.Actor], bool]:
    """Allowed to whoever holds one of these permissions."""

    def check(actor: access.Actor) -> bool:
        return any(access.may(actor, p) for p in permissions)

    return check


def bindings(actions: tuple[Action, ...]) -> list[Binding]:
    return [a.binding() for a in actions]
