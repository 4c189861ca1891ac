"""A database's states as codes (``db status``, ``db repair``): ``words.states`` words them.

Importing nothing of the store, every layer may use them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CatalogueState", "ClockState", "GuardState"]


class ClockState(StrEnum):
    """The clock a database reads (``words.states`` words it)."""

    REAL = "real"
    FIXED = "fixed"  # for tests and demos: SCHILDWACHT_NOW


class GuardState(StrEnum):
    """The database's guards: a database whose guards differ does not open (exit 5)."""

    INTACT = "intact"


class CatalogueState(StrEnum):
    """What ``db repair`` found of the reference catalogue (kept in its audit event's
    ``catalogue``; ``words.states`` words it)."""

    AS_MADE = "as_made"  # its fingerprint matches the one recorded at init
    RESTORED = "restored"  # put back from the catalogue shipped with Schildwacht
    NOT_RESTORED = "not_restored"  # changed outside Schildwacht, no catalogue to restore from

    @classmethod
    def read(cls, value: object) -> CatalogueState | None:
        """A state as kept: a code, or the English text versions before issue 15 kept.

        Args:
            value: the kept value.

        Returns:
            The state, or None for anything else.
        """
        if not isinstance(value, str):
            return None
        try:
            return cls(value)
        except ValueError:
            return _OLD_TEXTS.get(value)


#: What ``db repair``'s audit events kept before the states were codes (issue 15).
_OLD_TEXTS = {
    "as made at init": CatalogueState.AS_MADE,
    "restored from the catalogue shipped with Schildwacht": CatalogueState.RESTORED,
    "changed outside Schildwacht; not restored": CatalogueState.NOT_RESTORED,
}
