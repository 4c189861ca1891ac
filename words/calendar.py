"""A calendar import in words: the note of a restriction by which a calendar cancelled an
activity (``store.ics.calendar_note``), and the import's warnings (``store.ics.Warning``)."""

from __future__ import annotations

from . import _

#: How a calendar ended an activity (``store.ics.CALENDAR_ENDINGS``) → the note in words.
ENDINGS: dict[str, str] = {
    "cancelled": _("Cancelled in the calendar ({name})."),
    "removed_from_series": _("Removed from the series in the calendar ({name})."),
    "removed": _("Removed from the calendar ({name})."),
}


def restriction_note(authority: str, note: str) -> str:
    """A restriction's note as a face shows it: a calendar's cancellation (authority
    ``calendar``, note ``cancelled work.ics``) in words; any other note is the person's own
    text, shown as it is.

    Args:
        authority: the restriction's deciding authority.
        note: its note.
    """
    how, _space, name = note.partition(" ")
    if authority != "calendar" or how not in ENDINGS:
        return note
    return ENDINGS[how].format(name=name)
