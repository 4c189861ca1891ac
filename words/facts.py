"""Why something would not work, in words, whichever kind of fact the store gave: a concept's
verdict (``words.errors.concept_why``), a deployment problem (``words.deployments``) or a
suggestion's own reason (``words.suggestions.WHY``). Used for
the reasons of suggestions (``store.suggest.Option.fact``) by the command line and the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from store.clock import local

from . import _
from .deployments import misfit_words, phrase
from .errors import CONCEPT_WHY, concept_why
from .suggestions import WHY


def reason(text: str, fact: Mapping[str, Any] | None) -> str:
    """``fact`` (``{code, params}``) in words, or ``text`` when there is none."""
    if fact is None:
        return text
    code = str(fact["code"])
    if code in WHY:
        return WHY[code](fact["params"])
    if code in CONCEPT_WHY:
        return concept_why(code, fact["params"])
    if code == "move_loses_deployed":
        p = fact["params"]
        return _(
            "at {start}–{end} the unit covers it, but {callsign} (deployed) could not stay: "
            "{why}; deploy others first"
        ).format(
            start=f"{local(p['start']):%Y-%m-%d %H:%M}",
            end=f"{local(p['end']):%H:%M}",
            callsign=p["problem"]["params"].get("callsign", ""),
            why=phrase(p["problem"]),
        )
    if code == "concept_misfits_deployed":
        return _("{misfit} first").format(misfit=misfit_words(fact["params"]))
    return phrase(fact)
