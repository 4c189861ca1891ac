"""The fields a sync conflict can be on, in words: one table, so the Sync screen's conflicts
table, its questions and its form never show a column's code (``end_at``), and the form says
what a value looks like. Keyed by ``(table, column)`` as ``store.sync.tables.CRITICAL_FIELDS``
names them (``column`` "" for a row's existence); a test checks every critical field is here.
"""

from __future__ import annotations

from typing import NamedTuple

from . import _


class ConflictField(NamedTuple):
    """A conflict's field: its name in a table cell and a question, and the form of a value
    one types for it (None: no value can be typed; the conflict is resolved otherwise)."""

    label: str
    form: str | None


#: Per critical field, its name and the form of a typed value.
CONFLICT_FIELDS: dict[tuple[str, str], ConflictField] = {
    ("activity", "start_at"): ConflictField(
        _("Start"), _("a time: HH:MM (on the day of value 1) or YYYY-MM-DD HH:MM")
    ),
    ("activity", "end_at"): ConflictField(
        _("End"), _("a time: HH:MM (on the day of value 1) or YYYY-MM-DD HH:MM")
    ),
    ("activity", "location"): ConflictField(_("Location"), _("the place, as text")),
    ("activity", "concept"): ConflictField(
        _("Concept"), _("a concept's code from the catalogue, e.g. CP-LIGHT")
    ),
    ("standing_post", "concept"): ConflictField(
        _("Post concept"), _("a concept's code from the catalogue, e.g. OBJ-HRB")
    ),
    ("subject", "threat_level"): ConflictField(
        _("Threat level"), _("a level in digits, as the catalogue lists them")
    ),
    ("deployment", ""): ConflictField(_("Deployed or not"), None),
}


def field_label(table: str, column: str) -> str:
    """A conflict's field in words (``Start``); a field not in the table by its code.

    Args:
        table: the record's table.
        column: the field's column ("" for the row's existence).

    Returns:
        The field's name for people.
    """
    known = CONFLICT_FIELDS.get((table, column))
    if known is not None:
        return known.label
    return column or _("Exists")


def value_form(table: str, column: str) -> str | None:
    """What a value typed for a conflict's field looks like, or None when none is typed.

    Args:
        table: the record's table.
        column: the field's column.

    Returns:
        The form in words, or None.
    """
    known = CONFLICT_FIELDS.get((table, column))
    return known.form if known is not None else None


def time_form(day: str) -> str:
    """The form of a typed time for a conflict whose first value is on ``day``: the day a bare
    ``HH:MM`` falls on, named (an end past midnight is on the next day, fix17m).

    Args:
        day: the local date of value 1, ``YYYY-MM-DD``.

    Returns:
        The form in words.
    """
    return _("a time: HH:MM on {day} (the day of value 1) or YYYY-MM-DD HH:MM").format(day=day)
