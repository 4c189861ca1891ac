"""Which tables sync, which of their fields are critical, and how a row's key is written.

Catalogue tables (units, levels, concepts …) come from ``init`` and are not synced; the
device's own bookkeeping (meta, audit trail, sync state) never leaves it. A row's key in the
change log is the JSON array of its primary-key values.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ..validate import json_document

#: Every table whose rows travel between laptops.
SYNCED_TABLES = (
    "staff",
    "staff_qualification",
    "subject",
    "threat_assessment",
    "activity",
    "restriction",
    "activity_correction",
    "standing_post",
    "shift",
    "deployment",
    "log_entry",
    "log_clearance",
    "signal",
    "signal_event",
    "signal_report",
    "report_signal",
    "report_scenario",
    "report_event",
    "handover",
    "handover_event",
    "handover_withdrawal",
    "decision",
    "activity_request",
    "request_answer",
    "experience",
    "household_member",
    "household_end",
    "care_record",
    "name_claim",
)

#: Fields whose concurrent writes become a conflict a person resolves ('' is existence).
CRITICAL_FIELDS = frozenset(
    {
        ("activity", "start_at"),
        ("activity", "end_at"),
        ("activity", "location"),
        ("activity", "concept"),
        ("standing_post", "concept"),
        ("subject", "threat_level"),
        ("deployment", ""),
    }
)

EXISTENCE = ""

#: Tables where another unique key than the id means "the same fact" (two laptops deploying
#: the same officer on the same activity offline): which of its rows a table holds is a rule
#: of its own (``facts``).
SAME_FACT = {"deployment": ("activity_id", "staff_id")}

#: Fields the store derives on every laptop; never captured, never taken from a bundle.
DERIVED_FIELDS = frozenset({("subject", "threat_level")})


@dataclass(frozen=True)
class TableShape:
    """A synced table's columns and key, as the database has them.

    Attributes:
        name: the table.
        columns: its columns, in order.
        key: the columns of its primary key.
    """

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def synced(self) -> tuple[str, ...]:
        """The columns whose values travel (the derived ones follow on every laptop)."""
        return tuple(c for c in self.columns if (self.name, c) not in DERIVED_FIELDS)

    @property
    def key_match(self) -> str:
        """SQL matching this table's key against a JSON key parameter or column ``k``."""
        return " AND ".join(f"{c} = json_extract(?, '$[{i}]')" for i, c in enumerate(self.key))

    def is_key(self, pk: str) -> bool:
        """Whether ``pk`` is a JSON array of as many values as this table's key (anything else
        names no row, and SQLite's JSON functions would refuse it).

        Args:
            pk: a row key (JSON text).

        Returns:
            True for a JSON list of exactly ``len(key)`` values.
        """
        try:
            key = json_document(pk, "a row key", max_depth=2)
        except ValueError:
            return False
        return isinstance(key, list) and len(key) == len(self.key)

    def key_json(self, prefix: str) -> str:
        """SQL for the row key of a row named ``prefix`` (``json_array(p.id)``).

        Args:
            prefix: the table alias in the SQL (``p``).

        Returns:
            SQL text, ``json_array(p.col, …)`` over the key's columns in order.
        """
        return "json_array(" + ", ".join(f"{prefix}.{c}" for c in self.key) + ")"


def shape(conn: sqlite3.Connection, table: str) -> TableShape | None:
    """The table's columns and primary key as this database has them (None: no such table).

    Args:
        table: the table's name.

    Returns:
        A ``TableShape`` (name, columns in order, key columns in key order), or None.
    """
    info = conn.execute(f"PRAGMA main.table_info({table})").fetchall()
    if not info:
        return None
    columns = tuple(r[1] for r in info)
    key = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    return TableShape(table, columns, key)


#: Shapes already read, by the synced tables' definitions (``_definitions``): a table's columns
#: and key follow from its CREATE TABLE text alone, so two databases (or one, before and after
#: a change) with the same text have the same shapes, and any change to a table's definition (a
#: column added by hand, a table rebuilt) is another key, read afresh. Kept per process.
_SHAPES: dict[tuple[tuple[str, str], ...], dict[str, TableShape]] = {}
#: At most this many schemas are kept (a test process sees a few; a program one).
_SHAPES_KEPT = 16


def _definitions(conn: sqlite3.Connection) -> tuple[tuple[str, str], ...]:
    """(name, CREATE TABLE text) of each synced table the database has, in name order."""
    marks = ", ".join("?" * len(SYNCED_TABLES))
    return tuple(
        conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
            f" AND name IN ({marks}) ORDER BY name",
            SYNCED_TABLES,
        ).fetchall()
    )


def shapes(conn: sqlite3.Connection) -> dict[str, TableShape]:
    """The shapes of the synced tables (``SYNCED_TABLES``) the database has, by name.

    Read once per schema per process: the tables' definitions are read at every call and the
    shapes taken from them are reused while the definitions are the same (``_SHAPES``).

    Returns:
        Table name → ``TableShape``, in ``SYNCED_TABLES`` order; tables missing are absent.
    """
    key = tuple((str(name), str(sql)) for name, sql in _definitions(conn))
    found = _SHAPES.get(key)
    if found is None:
        found = {}
        for table in SYNCED_TABLES:
            table_shape = shape(conn, table)
            if table_shape is not None:
                found[table] = table_shape
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        _SHAPES[key] = found
    return dict(found)
