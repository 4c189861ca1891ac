"""The command palette's search: Textual's fuzzy match, with an action whose title has the typed
word as a whole word ranked first.

Textual's matcher scores "sign" alike in "Signals: Add a sighting", "Raise a signal" and
"Handover: Sign the handover", so the action one meant came seventh (issue 17). Here a title
holding each typed word whole comes before those that only contain it, the action whose title
starts with it (its verb: "Sign the handover") first of all; the fuzzy score orders the rest.
"""

from __future__ import annotations

import re

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

#: Above any fuzzy score: a title with the typed words whole comes first.
WHOLE = 1000.0


def ranked(title: str, query: str, score: float) -> float:
    """The palette's score of ``title`` for ``query``, given its fuzzy ``score``: more for
    each typed word that is a whole word of the title's action part ("Sign the handover" of
    "Handover: Sign the handover"), most when it is the action's first word."""
    action = title.partition(": ")[2] or title
    words = re.findall(r"\w+", action.lower())
    bonus = 0.0
    for typed in re.findall(r"\w+", query.lower()):
        if typed in words:
            bonus += WHOLE + (WHOLE / 2 if words[0] == typed else 0.0)
    return score + bonus


class ActionsProvider(SystemCommandsProvider):
    """The console's palette entries (``SchildwachtApp.palette``), ranked by ``ranked``."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback, *_rest in self.app.get_system_commands(self.screen):
            if (match := matcher.match(name)) > 0:
                yield Hit(
                    ranked(name, query, match), matcher.highlight(name), callback, help=help_text
                )
