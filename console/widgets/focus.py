"""Widgets that keep the focus through a Hide Textual delivers late.

When a dialog over a screen closes, Textual can deliver a ``Hide`` to a widget of the screen
beneath after it is in sight again; its default blurs the widget, and the focus moves on to the
widget before it. So a table lost its cursor's focus, and after Switch user the focus left the
What-if's unit list for its number field, where the next person's screen keys were typed
(issue 17). These widgets blur only when they, or a container of them, are really out of sight
(display: none, a tab not shown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    _Widget = Widget
else:
    _Widget = object  # a plain mixin: a Widget base here would hide the widget's own styles


class KeepsFocus(_Widget):
    """A mixin (first among a widget's bases): ignore a ``Hide`` that arrives while the widget
    is in sight on the current screen."""

    def on_hide(self, event: events.Hide) -> None:
        if self.screen.is_current and all(
            node.display for node in self.ancestors_with_self if node is not self.screen
        ):
            event.prevent_default()
