"""The default styles of every widget the console uses, parsed once at start.

Textual adds a widget class's ``DEFAULT_CSS`` to the app's style sheet when the first widget of
that class is mounted, and then parses every source of the sheet again. The Capacity screen
alone brings eight classes not seen before (tabs, selects, inputs, buttons): at its first visit
the sheet was parsed eight times on the UI thread, about 40 ms under load of the time the
screen took to appear (issue 18: the UI thread never blocked over 50 ms). So at start every
widget class imported by then hands over its scoped default styles, and the sheet is parsed
once; a class's first mount finds its styles there, unchanged, and parses nothing.

Only scoped styles are added (the default): they match nothing outside a widget of their own
class, so adding those of a class never mounted changes no widget's looks. Unscoped ones are
left to be added, as before, when their class is first mounted.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget

from .textual_private import default_css


def _classes() -> list[type[Widget]]:
    """Every subclass of ``Widget`` imported so far."""
    found: list[type[Widget]] = []
    seen: set[type[Widget]] = set()
    waiting = [Widget]
    while waiting:
        for sub in waiting.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                found.append(sub)
                waiting.append(sub)
    return found


def preload(app: App[Any]) -> None:
    """Add the scoped default styles of every imported widget class to ``app``'s style sheet
    and parse it (once)."""
    sheet = app.stylesheet
    for cls in _classes():
        for read_from, css, tie_breaker, scope in default_css(cls):
            if scope:
                sheet.add_source(
                    css,
                    read_from=read_from,
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )
    sheet.parse()
