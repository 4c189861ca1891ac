"""The Dutch words the command palette finds each screen and action by: DESIGN.md's glossary
(Dutch → English → identifier) and the screens' own Dutch names, in one table.

People of the protective-security system name things in Dutch ("beperking", "overdracht",
"rooster"); the console's words are English. Typing a screen's Dutch name put another entry
first, so Enter ran an action (rev17p: "rooster" ranked Add a shift before Go to Gaps), and the
glossary's words for actions found nothing or another action first. A target is a main screen
(its mode: its "Go to" entry) or a screen's action (``mode.action``); a word that names a
screen ranks its "Go to" entry first (``palette.by_dutch``). Lower case, whole words.

A word typed in the plural names what its singular names (``plurals``: "beperkingen" is
"beperking", "diensten" "dienst"; rev17q: they found nothing). The table holds singulars (a few
plurals stay, older than the rule); the rule is the regular Dutch plural, enough for the
glossary's nouns, not a full grammar.
"""

from __future__ import annotations

import re

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
    # a restriction's overview: after Restrict (its second word), so a role that may not
    # restrict finds the restrictions it may read (fix17u: "beperkingen" found nothing)
    "capacity.tab('restrictions')": ("beperkingen per eenheid", "beperking"),
    "agenda.deploy": ("beveiliger", "beveiligers", "inzet"),
    "agenda.log": ("journaal",),
    "roster.new_shift": ("dienst",),
    "signals.step('interpreted')": ("duiding",),  # the glossary: duiding is interpretation
    "signals.open_report": ("signaalrapport",),
}


#: Vowels; a long vowel written double in a closed syllable is written single in the plural.
VOWELS = "aeiou"


def plurals(word: str) -> frozenset[str]:
    """The regular Dutch plurals of a glossary word; of a phrase, of its last word ("te
    beveiligen persoon" → "te beveiligen personen"):

    - ``-en`` after a consonant: beperking → beperkingen, dienst → diensten; a double vowel
      before the last consonant is written single (signaal → signalen, persoon → personen), a
      single vowel's consonant doubled (inzet → inzetten: both forms are given, as the rule
      needs the stress to choose);
    - ``-heid`` → ``-heden``: eenheid → eenheden;
    - ``-s`` after ``-el``, ``-em``, ``-en``, ``-er`` and ``-je`` (beveiliger → beveiligers);
      ``'s`` after a vowel, and ``-s`` as typed without the apostrophe (agenda → agenda's,
      dreigingsniveau → dreigingsniveaus).

    Args:
        word: a glossary word, lower case.

    Returns:
        Its plural forms (none for a word too short to bear one).
    """
    head, _space, last = word.rpartition(" ")
    if len(last) < 3:
        return frozenset()
    if last.endswith("heid"):
        forms = {last[:-4] + "heden"}
    elif last[-1] in VOWELS:
        forms = {last + "'s", last + "s"}  # agenda's; dreigingsniveaus
    elif last.endswith(("el", "em", "en", "er", "je")):
        forms = {last + "s"}
    else:
        forms = {last + "en"}
        if last[-3] == last[-2] and last[-2] in VOWELS:  # signaal → signalen
            forms = {last[:-2] + last[-1] + "en"}
        elif last[-2] in VOWELS and last[-3] not in VOWELS:  # inzet → inzetten, gat → gaten
            forms.add(last + last[-1] + "en")
    return frozenset(f"{head} {form}" if head else form for form in forms)


def names(word: str, typed: str) -> bool:
    """Whether ``typed`` (lower case, its words joined by single spaces, as the palette reads
    a query) is the glossary ``word`` or one of its plurals.

    Args:
        word: a glossary word.
        typed: what was typed.

    Returns:
        True when it names the word.
    """
    said = {" ".join(re.findall(r"\w+", form)) for form in plurals(word)}  # as the palette
    return typed == word or typed in said  # reads what is typed: "agenda's" is "agenda s"


def words_for(mode: str, action: str | None = None) -> tuple[str, ...]:
    """The Dutch words of a screen (``action`` None) or of one of its actions."""
    return WORDS.get(mode if action is None else f"{mode}.{action}", ())
