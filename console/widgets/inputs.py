"""Inputs that cannot echo a control sequence: what a person types or pastes (a message copied
from elsewhere can carry escape sequences or direction marks) has its control and bidi
characters written as ``\\uXXXX`` as it goes in, so the field never sends them to the terminal
and the store receives them visibly (STYLE.md: untrusted text stays text)."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, TextArea
from textual.widgets.text_area import Edit, EditResult

from store.validate import visible

from ..i18n import _
from ..textual_private import run_own_binding
from .focus import KeepsFocus

_BREAKS = re.compile(r"\r\n?")


async def bound_in_order(field: Widget, event: events.Key) -> None:
    """A field's own bound key (Backspace, an arrow, ctrl+u) runs as it arrives, in order with
    the printable keys the field inserts as they arrive; it bubbled up to the app before, so
    in a burst of keys "RT-0080" Backspace "1" left "RT-0080" (rev17g; Textual #6605)."""
    if event.is_printable:
        return  # the field's own handler inserted it
    if await run_own_binding(field, event.key):
        event.stop()
        event.prevent_default()


#: What ends a line (``str.splitlines``'s breaks) or moves along one: in a one-line field each
#: becomes one space, so a pasted address or message keeps every line.
_ONE_LINE = re.compile(r"\r\n|[\r\n\t\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


class FlagBox(Checkbox):
    """A form's checkbox: Space ticks it, Enter saves the form as in every other field
    (Textual's checkbox toggles on Enter too, which unticked a flag instead of saving)."""

    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", _("Toggle"), show=False),
        Binding("enter", "screen.save", _("Save"), show=False),
    ]


class TextInput(KeepsFocus, Input):
    """A one-line input (typing and pasting go through ``replace``). A paste keeps all its
    lines: Textual's ``Input`` keeps only the first (``splitlines()[0]``, which also cuts at
    U+0085 or U+2028) without a word; here line breaks and tabs become spaces."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(visible(text), start, end)

    async def on_key(self, event: events.Key) -> None:
        await bound_in_order(self, event)

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not Textual's handler, which keeps the first line only
        event.stop()
        if event.text:
            text = _ONE_LINE.sub(" ", event.text)
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)


#: Line breaks only (``str.splitlines``'s), for a secret: a tab may be part of one.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


class SecretInput(Input):
    """A one-line secret (shown as dots). A paste of more than one line is refused with a
    word, nothing pasted: Textual's ``Input`` kept its first line only, silently, so a secret
    pasted with a line break in it was cut without anyone seeing (the dots hide it). Line
    breaks at the end of a paste (a copied line) are dropped."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, password=True, max_length=1024, compact=True)

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not Textual's handler, which keeps the first line only
        event.stop()
        text = _LINE_BREAK.sub("\n", event.text).rstrip("\n")
        if "\n" in text:
            refuse = getattr(self.app, "refuse_key", self.app.notify)  # the console's one way
            refuse(
                _(
                    "A secret is one line; the paste held {lines} lines, so nothing was pasted."
                ).format(lines=text.count("\n") + 1)
            )
            return
        if text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)


class NotesArea(KeepsFocus, TextArea):
    """A multi-line text area: line breaks stay line breaks, tabs become spaces, every other
    control or bidi character is written out."""

    def edit(self, edit: Edit) -> EditResult:
        edit.text = visible(_BREAKS.sub("\n", edit.text).replace("\t", "    "), keep_newlines=True)
        return super().edit(edit)

    async def on_key(self, event: events.Key) -> None:
        await bound_in_order(self, event)


class FormSelect(KeepsFocus, Select[str]):
    """A dropdown in a dialog whose list stays inside the dialog's border: Textual draws the
    list on the screen's overlay layer, so a field near the dialog's foot (the enrol form's
    Role) had its eight roles run over the border and the buttons' line (issue 17). While it
    is open the list is at most as tall as the rows left below the field inside the dialog
    (it scrolls); with fewer than three rows there it keeps Textual's own height."""

    #: Enter on the closed list saves the form, as in every other field (Textual's Select opens
    #: its list on Enter, so a dialog whose only field is a drop-down never saved by Enter);
    #: Down, Up and Space open the list, and in the open list Enter chooses.
    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,up,space", "show_overlay", _("Show menu"), show=False),
        Binding("enter", "screen.save", _("Save"), show=False),
    ]

    #: The least room, in rows, worth fitting the list into (a border and one option).
    LEAST = 3

    def watch_expanded(self, expanded: bool) -> None:
        """Fit the list into the dialog as it opens."""
        if not expanded:
            return
        dialog = next((a for a in self.ancestors if a.has_class("form")), None)
        if not isinstance(dialog, Widget):
            return
        room = dialog.content_region.bottom - self.region.bottom
        overlay = self.query_one(OptionList)  # the open list (Textual's SelectOverlay)
        overlay.styles.max_height = room if room >= self.LEAST else None
