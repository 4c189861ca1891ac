"""A database's states in words (``store.status``, ``store.fingerprint``): the store gives
codes, ``db status`` and ``db repair`` say them with these."""

from __future__ import annotations

from store.states import CatalogueState, ClockState, GuardState

from . import _

CLOCK: dict[ClockState, str] = {
    ClockState.REAL: _("real"),
    ClockState.FIXED: _("fixed for tests/demos"),
}
GUARDS: dict[GuardState, str] = {GuardState.INTACT: _("intact")}
CATALOGUE: dict[CatalogueState, str] = {
    CatalogueState.AS_MADE: _("as made at init"),
    CatalogueState.RESTORED: _("restored from the catalogue shipped with Schildwacht"),
    CatalogueState.NOT_RESTORED: _("changed outside Schildwacht; not restored"),
}


def catalogue(kept: object) -> str | None:
    """What ``db repair`` found of the catalogue, in words, from what it kept (a code, or the
    English text of a version before issue 15); None for nothing kept.

    Args:
        kept: the ``catalogue`` of ``db repair``'s result or audit event.

    Returns:
        The words, or the kept value as it is when it is no state.
    """
    if kept is None:
        return None
    state = CatalogueState.read(kept)
    return CATALOGUE[state] if state is not None else str(kept)
