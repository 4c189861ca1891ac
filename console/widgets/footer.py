"""The footer of every main screen: Textual's, rebuilt only when the keys it shows change.

Textual's ``Footer`` removes and mounts all of its keys again whenever the screen's bindings may
have changed: every focus move, every refresh after a write. A Tab between two tables of one
screen, or a reload, shows the very same keys, yet restyling a dozen new key widgets each time
was the largest part of the console's work per screen (profiled: 7.7 s of 20 s over 21 screen
visits). This footer remembers what it shows and recomposes only for a different set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


def shown_keys(screen: Screen[Any]) -> tuple[tuple[object, ...], ...]:
    """What a footer on this screen would show: each shown binding's key, words, action and
    whether it is enabled, in order."""
    return tuple(
        (binding.key, binding.key_display, binding.description, binding.action, enabled)
        for _node, binding, enabled, _tooltip in screen.active_bindings.values()
        if binding.show
    )


class KeysFooter(Footer):
    """A ``Footer`` that recomposes only when the keys it would show differ."""

    _shown: tuple[tuple[object, ...], ...] | None = None

    def compose(self) -> Iterable[Widget]:
        if self._bindings_ready:
            self._shown = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and shown_keys(screen) == self._shown
        ):
            return
        super().bindings_changed(screen)
