"""Going to one record from elsewhere (the handover's open items): a screen keeps the id it was
asked to show and, once its table holds that row, puts the cursor on it and focuses the table."""

from __future__ import annotations

from textual.widgets import DataTable


def move_to(table: DataTable[object], key: str | None) -> bool:
    """Put the cursor on the row with this key; return whether the row was there."""
    if key is None:
        return False
    for index, row_key in enumerate(table.rows):
        if row_key.value == key:
            table.move_cursor(row=index)
            table.focus()
            return True
    return False
