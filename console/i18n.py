"""Words for people go through ``_``: the one translation function of the command line and the
console (``words``: stdlib gettext, English first, a Dutch catalogue later)."""

from __future__ import annotations

from words import _, ngettext

__all__ = ["_", "ngettext"]
