"""Untrusted text stays text (STYLE.md).

Anything a person typed, a file carried or a bundle delivered — titles, log entries, signal
text, code names, device labels, notes, conflict values, refusals that quote input — reaches a
widget only through these helpers: never as a markup string, with control and bidi characters
written as ``\\uXXXX`` (``store.validate.visible``). A title ``[/]`` shows as ``[/]``; an escape
sequence cannot move the cursor or write the clipboard; a right-to-left override cannot reorder
the cells beside it.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from store.validate import visible

#: The longest text one table cell shows; the rest is cut with an ellipsis (the record keeps
#: all of it, and its own view shows it whole).
CELL_LIMIT = 200


def literal(
    value: object, style: str = "", *, limit: int | None = CELL_LIMIT, lines: bool = False
) -> Text:
    """A value as literal text for a table cell, a label or a static, in ``style``. With
    ``lines`` a line break stays a line break (a receipt of several lines)."""
    raw = "" if value is None else str(value)
    if limit is not None and len(raw) > limit:
        raw = raw[:limit] + "…"
    return Text(visible(raw, keep_newlines=lines), style=style, end="")


def template(markup: str, **values: object) -> Content:
    """Our own markup (``[b]``, ``[dim]``) with ``$name`` placeholders filled by values shown
    literally: the values are never read as markup."""
    return Content.from_markup(
        markup, **{name: visible("" if v is None else str(v)) for name, v in values.items()}
    )


def plain(value: object) -> str:
    """A value as plain text for a widget that takes no markup (a notification with
    ``markup=False``, an input's value, a placeholder)."""
    return visible("" if value is None else str(value))
