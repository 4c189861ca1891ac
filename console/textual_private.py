"""The one module that reaches into Textual's private API (names with a leading underscore).

Written against Textual 8.2.8, pinned exactly in pyproject.toml: a private name may change in
any release, so an upgrade of Textual reads this module first (tests/console/test_textual_api.py
scans that no other console module imports ``textual._…`` or reads a ``_…`` attribute of a
Textual object). Each use says why Textual offers no public way.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

# Textual's terminal input parser: no public module exports it, and the Linux drivers name it
# as a module global; ``paste.ExactPasteParser`` extends it to read a bracketed paste exactly.
from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

__all__ = [
    "MetaKeyParser",
    "XTermParser",
    "default_css",
    "escape_pending",
    "run_own_binding",
    "styles_current",
]


def escape_pending(parser: XTermParser) -> bool:
    """Whether Textual's parser still holds a lone ESC it has not yet made the Escape key
    (``XTermParser._timeout_time``: the parser tells nobody it is waiting).

    Args:
        parser: the terminal parser.

    Returns:
        True while it waits on that ESC.
    """
    return parser._timeout_time is not None


def default_css(cls: type[DOMNode]) -> Iterable[tuple[tuple[str, str], str, int, str]]:
    """The default styles a mounted widget of ``cls`` adds to the app's sheet, as
    ``Widget._post_register`` adds them: (where read from, css, tie breaker, scope) per base
    class with ``DEFAULT_CSS``. Textual has no public way to ask for them before a mount, and
    ``styles.preload`` parses them all once at start instead of once per first mount.

    Args:
        cls: a widget class.

    Returns:
        The sources, in the order Textual adds them.
    """
    node = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
    return DOMNode._get_default_css(node)  # type: ignore[arg-type]


def styles_current(screen: Screen[Any], app: App[Any]) -> None:
    """Mark a new screen as styled by the sheet as it is now (``_css_update_count``, Textual's
    private count of sheet changes), so its first visit does not parse every style sheet again
    and restyle every widget of every screen (30-100 ms of the UI thread on the large set,
    issue 18). Textual still does when the styles change since (a theme). No public way: the
    count is how ``App`` decides a screen is out of date.

    Args:
        screen: a screen being constructed.
        app: the running app.
    """
    screen._css_update_count = app._css_update_count


async def run_own_binding(widget: Widget, key: str) -> bool:
    """Run ``widget``'s own (non-priority) binding for ``key`` now, as the app would once the
    key came back up to it (``App._check_bindings``, whose chain starts with the focused
    widget's own ``_bindings``; Textual offers no public way to read them).

    Why: a field inserts a printable key in its own key handler, but a bound key (Backspace,
    the arrows, ctrl+u) bubbles up to the app first; keys arriving in one burst (a lagging
    SSH link) were applied out of order: "RT-0080" Backspace "1" gave "RT-0080" (Textual
    issue #6605; PR #6631 runs the bindings inline as here).

    Args:
        widget: the focused field.
        key: the key's name.

    Returns:
        True when a binding of the widget took the key (its action ran).
    """
    for binding in widget._bindings.key_to_bindings.get(key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            return True
    return False


class MetaKeyParser(XTermParser):
    """Textual's parser, with Escape and any printable key in one read (a fast typist, an SSH
    link) read as alt and that key, as Textual reads Escape and a letter ("alt+x"); the app
    makes it Escape then the key (``console.app.escaped_key``). Textual reads Escape and a
    punctuation key as the bare key ("!", the Escape lost) and Escape and a digit as a macOS
    Option character (ESC 1 → "¡", ESC 0 → "º", its table for WezTerm), both typed into the
    open form (rev17p). Private: ``_sequence_to_key_events`` is the parser's one place that
    names a key from a sequence, with ``alt`` when an ESC came first."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        escape_and_one = len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1].isprintable()
        if escape_and_one and isinstance(ANSI_SEQUENCES_KEYS.get(sequence), str):
            yield from self._sequence_to_key_events(sequence[1], alt=True)
            return
        for event in super()._sequence_to_key_events(sequence, alt):
            one = alt and len(sequence) == 1 and sequence.isprintable()
            if one and event.character == sequence and not event.key.startswith("alt+"):
                event = events.Key(f"alt+{event.key}", event.character)
            yield event
