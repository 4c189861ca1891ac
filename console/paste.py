"""A bracketed paste arrives as exactly the text that was pasted.

Textual's terminal parser (``XTermParser``, Textual 8.2; console/textual_private.py) reads a
bracketed paste character by character, but an ESC inside the paste starts its escape-sequence
loop, whose characters never reach the paste buffer: once the sequence grows past its search
limit they are re-sent as *key presses* (the ESC as ``^``), typed into the field before the
paste's own ``Paste`` event, and control characters among them (BEL, RLO) are lost. Pasting
``A␛[31mB`` stored ``^[31mBA``.

``ExactPasteParser`` takes the paste out of the stream before Textual's parser sees it: from
``ESC [200~`` to ``ESC [201~`` everything is text, sent as one ``events.Paste`` with every
character kept. ``TextInput`` then makes line breaks and tabs spaces (a one-line field keeps
every pasted line) and writes every other control and bidi character as ``\\uXXXX``, as for
typed text; a NUL too, so no NUL reaches the store from a form, typed or pasted (``NotesArea``
keeps line breaks). Outside a paste the parser is Textual's own. A marker split over two
reads is held back until the rest arrives (a part of the start marker at most
``ESCAPE_DELAY``, then it is given to Textual as typed); a read that is one ESC alone goes
to Textual's parser at once (the Escape key is not delayed), and when the next read completes
a start marker while Textual still waits on that ESC, the paste is taken over all the same.
``install`` makes the terminal drivers use it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from time import monotonic

from textual import constants, events
from textual.message import Message

from .textual_private import MetaKeyParser, escape_pending

START, END = "\x1b[200~", "\x1b[201~"


def _partial(text: str, marker: str) -> int:
    """How many characters at the end of ``text`` begin ``marker`` (not all of it)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class ExactPasteParser(MetaKeyParser):
    """Textual's parser, with a bracketed paste read as text (see the module) and Escape with
    any printable key read as alt and the key (``MetaKeyParser``)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._held = ""  # the start of a marker at the end of the last read
        self._held_since = 0.0
        self._pasted: list[str] | None = None  # inside a paste: its text so far
        self._escape_given = False  # the last read, one ESC, went to Textual's parser
        self._textual_pasting = False  # Textual's parser took that ESC as a paste's start

    def feed(self, data: str) -> Iterable[Message]:
        """Parse ``data`` (the empty string: the end of input)."""
        if not data:
            yield from super().feed(self._held) if self._held else ()
            self._held = ""
            yield from super().feed("")
            return
        text, self._held = self._held + data, ""
        if self._escape_given and self._pasted is None:
            rest = yield from self._after_escape(text)
            if rest is None:
                return
            text = rest
        while text:
            if self._pasted is None:
                at = text.find(START)
                if at < 0:
                    keep = _partial(text, START)
                    if keep == len(text) == 1:  # a read of one ESC: the Escape key, at once
                        keep, self._escape_given = 0, True
                    yield from super().feed(text[: len(text) - keep]) if keep < len(text) else ()
                    self._hold(text[len(text) - keep :] if keep else "")
                    return
                yield from super().feed(text[:at]) if at else ()
                self._pasted, text = [], text[at + len(START) :]
            else:
                at = text.find(END)
                if at < 0:
                    keep = _partial(text, END)
                    self._pasted.append(text[: len(text) - keep])
                    self._hold(text[len(text) - keep :] if keep else "")
                    return
                self._pasted.append(text[:at])
                if self._textual_pasting:  # let it end its (empty) paste too
                    self._textual_pasting = False
                    yield from (e for e in super().feed(END) if not isinstance(e, events.Paste))
                yield events.Paste("".join(self._pasted))
                self._pasted, text = None, text[at + len(END) :]

    def _after_escape(self, text: str) -> Generator[Message, None, str | None]:
        """The read after a read of one ESC, which Textual's parser still holds (it has not
        yet made it the Escape key): the rest of a paste's start marker begins the paste (and
        Textual's parser, given the rest too, waits for its end); a part of it is held.
        Returns the text left to parse, or None when all of it is held."""
        self._escape_given = False
        if not escape_pending(self):  # already the Escape key
            return text
        whole = "\x1b" + text
        if whole.startswith(START):
            yield from super().feed(START[1:])
            self._textual_pasting, self._pasted = True, []
            return whole[len(START) :]
        if START.startswith(whole):
            self._escape_given = True
            self._hold(text)
            return None
        return text

    def _hold(self, text: str) -> None:
        self._held, self._held_since = text, monotonic()

    def tick(self) -> Iterable[Message]:
        """Timeouts: Textual's, and a part of a start marker no more input completed."""
        if self._held and self._pasted is None:
            if monotonic() - self._held_since < constants.ESCAPE_DELAY:
                if self._escape_given:
                    return  # Textual's parser holds the marker's ESC: it waits as well
            else:
                held, self._held, self._escape_given = self._held, "", False
                yield from super().feed(held)
        yield from super().tick()


def install() -> None:
    """Make Textual's terminal drivers read input with ``ExactPasteParser`` (they name the
    parser class as a module global; Textual is pinned exactly, see pyproject.toml)."""
    from textual.drivers import linux_driver, linux_inline_driver

    linux_driver.XTermParser = ExactPasteParser  # type: ignore[misc]
    linux_inline_driver.XTermParser = ExactPasteParser  # type: ignore[misc]
