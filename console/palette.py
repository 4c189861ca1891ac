"""The command palette's search: Textual's fuzzy match, with an action whose title has the typed
word as a whole word ranked first.

Textual's matcher scores "sign" alike in "Signals: Add a sighting", "Raise a signal" and
"Handover: Sign the handover", so the action one meant came seventh (issue 17). Here a title
holding each typed word whole comes before those that only contain it, the action whose title
starts with it (its verb: "Sign the handover") first of all; the fuzzy score orders the rest.

An entry is found by its help words too (rev17g: "cancel", "move", "shorten", "relocate" found
nothing, as those are Restrict's help words, not its title; "password" not U): when each typed
word begins a word of an entry's help, it is a hit, after every title that matches.

An entry is found by its Dutch words (``console.dutch``) before all else: the word typed whole
first, a screen's "Go to" before an action named by the same word (rev17p: "rooster" put Add a
shift first, so Enter ran it, not Go to Gaps).
"""

from __future__ import annotations

import re

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

from . import dutch

#: Above any fuzzy score: a title with the typed words whole comes first.
WHOLE = 1000.0
#: A hit by the help words only: below any title's fuzzy score (at least 1).
BY_HELP = 0.5
#: A hit by a Dutch word: above any title's score (``WHOLE`` for each typed word).
DUTCH = 100 * WHOLE


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


def by_help(help_text: str, query: str) -> float:
    """``BY_HELP`` when each word typed begins a word of ``help_text`` ("reloc" of "relocate"),
    the more words the higher; 0 otherwise (a word of one letter is no search)."""
    typed = re.findall(r"\w+", query.lower())
    if not typed or any(len(t) < 2 for t in typed):
        return 0.0
    words = re.findall(r"\w+", help_text.lower())
    if all(any(w.startswith(t) for w in words) for t in typed):
        whole = sum(t in words for t in typed)
        return BY_HELP * (1 + whole) / (2 + whole)
    return 0.0


def by_dutch(words: tuple[str, ...], query: str, screen: bool) -> float:
    """The score of an entry with Dutch ``words`` for ``query``: about ``DUTCH`` when the typed
    words are one of them whole or its plural (``dutch.plurals``: "beperkingen"), less the
    word's place among them ("gezag" first names the authority's decision, then Restrict),
    more for a screen's; when they only begin one ("te beveiligen" of "te beveiligen
    personen"), a help word's score (``BY_HELP``), below every title that matches ("sign" is
    Sign the handover first, not Signals by "signalen"); 0 otherwise (under three letters
    typed, or no Dutch word)."""
    typed = " ".join(re.findall(r"\w+", query.lower()))
    if len(typed) < 3 or not words:
        return 0.0
    bonus = 1.5 if screen else 1.0
    if typed in words:  # the entry it names first before one it names too ("gezag")
        return DUTCH * bonus - words.index(typed)
    plural = next((i for i, word in enumerate(words) if dutch.names(word, typed)), None)
    if plural is not None:  # "beperkingen" names what "beperking" does (rev17q)
        return DUTCH * bonus - plural
    if any(word.startswith(typed) for word in words):
        return BY_HELP * bonus
    return 0.0


class ActionsProvider(SystemCommandsProvider):
    """The console's palette entries (``SchildwachtApp.palette``), ranked first by their Dutch
    words (``by_dutch``), then by ``ranked``; then those found by their help words
    (``by_help``)."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        dutch = getattr(self.app, "palette_dutch", {})
        for name, help_text, callback, *_rest in self.app.get_system_commands(self.screen):
            words, screen = dutch.get(name, ((), False))
            named = by_dutch(words, query, screen)
            if named >= DUTCH / 2:  # named whole (only begun: below, as a help word)
                yield Hit(named + matcher.match(name), name, callback, help=help_text)
            elif (match := matcher.match(name)) > 0:
                yield Hit(
                    ranked(name, query, match), matcher.highlight(name), callback, help=help_text
                )
            elif (found := max(named, by_help(help_text or "", query))) > 0:
                yield Hit(found, name, callback, help=help_text)
