"""Characters a renderer shows as nothing pass no name check (issue 14, fourth review): tag
characters, Hangul fillers, the combining grapheme joiner and every other
Default_Ignorable_Code_Point would let two names that differ look the same. Refused in code
names, callsigns, team names and device labels; escaped wherever text is shown (but the
variation selectors, which only choose an emoji's form)."""

from __future__ import annotations

import json

import pytest

from store import subjects, validate
from store.db import Store
from store.errors import BadInput
from tests.conftest import refused_as, snapshot

IGNORABLE = [
    "\U000e0041",  # TAG LATIN CAPITAL LETTER A
    "\U000e007f",  # CANCEL TAG
    "\u3164",  # HANGUL FILLER
    "\u115f",  # HANGUL CHOSEONG FILLER
    "\u1160",  # HANGUL JUNGSEONG FILLER
    "\uffa0",  # HALFWIDTH HANGUL FILLER
    "\u034f",  # COMBINING GRAPHEME JOINER
    "\u17b4",  # KHMER VOWEL INHERENT AQ
    "\ufe0f",  # VARIATION SELECTOR-16
    "\u2064",  # INVISIBLE PLUS
    "\U0001d173",  # MUSICAL SYMBOL BEGIN BEAM
]


@pytest.mark.parametrize("char", IGNORABLE, ids=lambda c: f"U+{ord(c):04X}")
def test_an_invisible_character_in_a_name_is_refused_and_escaped(store: Store, char: str) -> None:
    for check in (validate.code, validate.line):
        with refused_as(BadInput, "invisible formatting character"):
            check(f"BE{char}VER", "The code name")
    before = snapshot(store.path)
    with pytest.raises(BadInput):
        subjects.add_subject(store, f"BE{char}VER", kind="person", domain="local", unit="RT")
    assert snapshot(store.path) == before
    if char == "\ufe0f":  # a variation selector only picks a glyph's form: text keeps it
        assert validate.visible("\U0001f6e1\ufe0f") == "\U0001f6e1\ufe0f"
        return
    shown = validate.visible(f"a{char}b")
    assert char not in shown and shown.startswith("a\\") and shown.endswith("b")
    document = json.dumps({"t": f"a{char}b"}, ensure_ascii=False)
    assert json.loads(validate.visible_json(document)) == {"t": f"a{char}b"}
    assert char not in validate.visible_json(document)
