"""A document to read in a modal (a subject's file, the handover, a signal report): Escape
closes it, the arrow keys and Page Up/Down scroll it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown, Static

from ..i18n import _
from ..literal import literal
from .base import Steady


class DocumentScreen(Steady, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", _("Close")),
        Binding("q", "dismiss", _("Close")),
        Binding("f10", "app.quit", _("Quit"), show=False),  # F10 quits anywhere (rev17h)
    ]

    def __init__(self, title: str, body: Text | str, *, markdown: bool = False) -> None:
        super().__init__()
        self.heading = title
        self.body = body
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form document"):
            yield Label(literal(self.heading, limit=None), classes="title")
            if self.markdown:
                yield Markdown(str(self.body), open_links=False)  # a typed URL is never followed
            else:
                yield Static(self.body, id="document-body")
            yield Static(_("Escape closes."), classes="note")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
