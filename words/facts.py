"""Why something would not work, in words, whichever kind of fact the store gave: a concept's
verdict (``words.errors.concept_why``) or a deployment problem (``words.deployments``). Used for
the reasons of suggestions (``store.suggest.Option.fact``) by the command line and the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .deployments import phrase
from .errors import CONCEPT_WHY, concept_why


def reason(text: str, fact: Mapping[str, Any] | None) -> str:
    """``fact`` (``{code, params}``) in words, or ``text`` when there is none."""
    if fact is None:
        return text
    code = str(fact["code"])
    if code in CONCEPT_WHY:
        return concept_why(code, fact["params"])
    return phrase(fact)
