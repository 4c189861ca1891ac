"""Words for people, shared by the command line and the console.

The store gives facts (a code and its parameters); the faces put them into words through one
translation function, ``_`` (stdlib gettext, domain ``schildwacht``). English is the source
language; a Dutch catalogue is added without touching the code: compile
``words/locale/nl/LC_MESSAGES/schildwacht.po`` to ``.mo`` beside it, and the words follow the
person's locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``).

This package imports no UI toolkit, so scripted commands can use it without loading the
console; the store never imports it (import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "schildwacht"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR, fallback=True)
#: The translation function: ``_("Today")``.
_ = _translation.gettext
#: The plural form: ``ngettext("{n} action", "{n} actions", n)``.
ngettext = _translation.ngettext

__all__ = ["DOMAIN", "LOCALE_DIR", "_", "ngettext"]
