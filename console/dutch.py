"""The Dutch words the command palette finds each screen and action by: DESIGN.md's glossary
(Dutch → English → identifier) and the screens' own Dutch names, in one table.

People of the protective-security system name things in Dutch ("beperking", "overdracht",
"rooster"); the console's words are English. Typing a screen's Dutch name put another entry
first, so Enter ran an action (rev17p: "rooster" ranked Add a shift before Go to Gaps), and the
glossary's words for actions found nothing or another action first. A target is a main screen
(its mode: its "Go to" entry) or a screen's action (``mode.action``); a word that names a
screen ranks its "Go to" entry first (``palette.by_dutch``). Lower case, whole words.
"""

from __future__ import annotations

#: Dutch words per palette target: a screen's mode, or ``mode.action``.
WORDS: dict[str, tuple[str, ...]] = {
    # the screens ("Go to …")
    "today": (
        "vandaag",
        "te beveiligen persoon",
        "te beveiligen personen",
        "tbp",
        "dreiging",
        "weerstandsniveau",
        "beveiligingspakket",
    ),
    "agenda": ("agenda", "activiteit", "activiteiten", "journaal"),
    "roster": ("rooster", "gaten"),
    "signals": ("signaal", "signalen", "informatieorganisatie", "signaalrapporten"),
    "handover": ("overdracht",),
    "capacity": ("capaciteit", "eenheid", "eenheden"),
    "sync": ("synchronisatie",),
    # the screens' actions
    "today.assess": ("dreigingsinschatting", "dreigingsniveau"),
    "today.decide": ("gezag", "maatwerk", "besluit"),
    "agenda.concept": ("beveiligingsconcept",),
    "agenda.restrict": ("beperking", "facilitering", "gezag"),
    "agenda.deploy": ("beveiliger", "beveiligers", "inzet"),
    "agenda.log": ("journaal",),
    "roster.new_shift": ("dienst",),
    "signals.step('interpreted')": ("duiding",),  # the glossary: duiding is interpretation
    "signals.open_report": ("signaalrapport",),
}


def words_for(mode: str, action: str | None = None) -> tuple[str, ...]:
    """The Dutch words of a screen (``action`` None) or of one of its actions."""
    return WORDS.get(mode if action is None else f"{mode}.{action}", ())
