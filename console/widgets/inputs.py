"""Inputs that cannot echo a control sequence: what a person types or pastes (a message copied
from elsewhere can carry escape sequences or direction marks) has its control and bidi
characters written as ``\\uXXXX`` as it goes in, so the field never sends them to the terminal
and the store receives them visibly (STYLE.md: untrusted text stays text)."""

from __future__ import annotations

import re

from textual.document._document import EditResult
from textual.document._edit import Edit
from textual.widgets import Input, TextArea

from store.validate import visible

_BREAKS = re.compile(r"\r\n?")


class TextInput(Input):
    """A one-line input (typing and pasting go through ``replace``)."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(visible(text), start, end)


class NotesArea(TextArea):
    """A multi-line text area: line breaks stay line breaks, tabs become spaces, every other
    control or bidi character is written out."""

    def edit(self, edit: Edit) -> EditResult:
        edit.text = visible(_BREAKS.sub("\n", edit.text).replace("\t", "    "), keep_newlines=True)
        return super().edit(edit)
