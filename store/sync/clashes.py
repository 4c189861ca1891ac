"""Two laptops giving one unique name to two different rows offline: a clash, settled the same
way on every laptop.

Two shift leaders add the callsign RT-0600 on their own laptops; two laptops make the code
name VALK; two laptops import the same person's calendar offline (the same event twice). The
database takes one row per name, so the second could never be applied, and what it carried
waited for ever. Instead: of the rows that hold a name (by their own creation's value), the one
the team's signed roster binds it to (a laptop's enrolled operator) keeps it everywhere, else
the one whose creation came first (by its change's stamp, then its device, then its id: a
late creation never takes the name of a row the team already holds, whatever id it chose);
each other is kept under a derived name (the name and
the end of its id: ``RT-0600-3B1F``). References are by id and follow unchanged. Because the
outcome depends only on which rows exist, every laptop ends the same whatever the order, and
the clash is listed (``sync conflicts``, ``sync status``, the handover) for a person to look at.

A creation's stamp is its author's word, so a laptop whose clock was set back could date a
decoy before the row the team named. The team's admin laptop is therefore the **witness of
first use**: when it first holds a row under a name (made there, or taken in from a bundle), it
records a *name claim* (``name_claim``: table, name, row id) in its own signed changes; the
rule table lets no other laptop write one (quarantined). A clash gives the name to the row the
admin's earliest claim names, wherever one is held, before any stamp is read: a decoy
back-dated after the admin laptop saw the real row loses on every laptop as soon as the admin
laptop's bundle arrives. What stays open: a name the admin laptop has not seen yet is settled by
the stamps, as before.

Runs inside the import's transaction (``merge``, ``rebuild``): the renaming is not captured as
this laptop's change, and the change log keeps the name each row was created with.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..clock import epoch_ms, to_db
from ..errors import IntegrityFailure
from ..ids import uuid7
from ..rules import MAX_CLAIMED_NAME, NAMED_TABLES
from .change import COUNTER_BITS
from .notice import Notice, notice

#: Per table: the columns of its unique key, and the one that takes the derived name.
CLASH_KEYS = {
    "staff": (("callsign",), "callsign"),
    "subject": (("code",), "code"),
    "activity": (("subject_id", "source_uid", "source_recurrence"), "source_uid"),
    # two laptops each recording a person's first partner offline both make ``MEREL-P1``
    "household_member": (("subject_id", "code"), "code"),
}
#: The longest name each renamed column may hold (the callsign and code name patterns).
_WIDTH = {"callsign": 24, "code": 32, "source_uid": 1000}

_ACCEPTED = (
    " AND NOT EXISTS (SELECT 1 FROM sync_quarantine q WHERE q.origin = c.origin"
    " AND q.seq = c.seq) AND NOT EXISTS (SELECT 1 FROM sync_deferred d"
    " WHERE d.origin = c.origin AND d.seq = c.seq)"
)


def derived(column: str, name: str, row_id: str, digits: int = 4) -> str:
    """The name a row that lost a clash is kept under: the name and the end of its id.

    Args:
        column: the column (its width bounds the name).
        name: the name the row was created with.
        row_id: the row's id.
        digits: how many characters of the id end the name (at most the column's width less 2).

    Returns:
        ``NAME-SUFFIX``: the name cut to fit the column, a hyphen, and the last ``digits`` letters
        and digits of the id in upper case; never longer than the column holds.
    """
    digits = max(1, min(digits, _WIDTH[column] - 2))
    suffix = _letters_and_digits(row_id)[-digits:].upper()
    return f"{name[: _WIDTH[column] - len(suffix) - 1]}-{suffix}"


@lru_cache(maxsize=4096)
def _letters_and_digits(row_id: str) -> str:
    """The letters and digits of an id, in order (kept per process: the judge asks for the
    derived names of the same ids at every import, five lengths each)."""
    return "".join(ch for ch in row_id if ch.isalnum())


#: How many characters end a derived name made from the whole id (``hashed``).
_TAIL = 20


def hashed(column: str, name: str, row_id: str, turn: int = 0) -> str:
    """A derived name made from the whole id: the name cut to fit, a hyphen, and 20 base-32
    characters of the id's SHA-256 (the ``turn``-th such name ends in the turn's number): two
    rows never share one (their ids differ), and ``turn`` counts past names other rows were
    created with.

    Args:
        column: the column (its width bounds the name).
        name: the name the row was created with.
        row_id: the row's id.
        turn: 0 for the first; 1, 2, … for the next ones.

    Returns:
        ``NAME-TAIL``, as long as the column holds at most, in upper-case letters and digits.
    """
    digest = base64.b32encode(hashlib.sha256(row_id.encode()).digest()).decode()
    mark = "" if turn == 0 else str(turn)
    return f"{name[: _WIDTH[column] - _TAIL - 1]}-{digest[: _TAIL - len(mark)]}{mark}"


def _short_forms(column: str, name: str, row_id: str) -> list[str]:
    """The short derived names (the end of the id), tried first: only those whose name is not
    cut, so one derived name never stands for two created names."""
    return [
        derived(column, name, row_id, digits)
        for digits in _DIGITS
        if len(name) + digits + 1 <= _WIDTH[column]
    ]


_DIGITS = (4, 6, 8, 12)


def is_derived(column: str, name: object, row_id: str, value: object) -> bool:
    """Whether ``value`` is a name a clash may give a row created with ``name``.

    Args:
        column: the column.
        name: the name the row was created with.
        row_id: the row's id.
        value: the value asked about.

    Returns:
        True when ``value`` is ``derived`` of ``name`` with 4, 6, 8 or 12 digits of the id, or
        one of its ``hashed`` names.
    """
    if not isinstance(name, str) or not isinstance(value, str):
        return False
    if any(value == derived(column, name, row_id, digits) for digits in (*_DIGITS, 32)):
        return True
    first = hashed(column, name, row_id)
    if len(value) != len(first) or value[:-_TAIL] != first[:-_TAIL]:
        return False
    for cut in range(_TAIL):  # the turn is the number that ends it, in ASCII digits (a bundle
        # may bring any text: str.isdigit takes "²", which int() then refuses with an exception)
        mark = value[len(value) - cut :] if cut else ""
        if (not cut or (mark.isascii() and mark.isdigit() and mark[0] != "0")) and value == hashed(
            column, name, row_id, int(mark or 0)
        ):
            return True
    return False


def _looks_derived(column: str, alias: str = "t") -> str:
    """SQL: whether the row's ``column`` ends as a derived name of it does (``derived``,
    ``hashed``): the rows a clash may have renamed, found without reading the change log."""
    ends = " OR ".join(
        f"substr({alias}.{column}, -{n + 1}) = '-' || upper(substr(replace({alias}.id, '-', ''),"
        f" -{n}))"
        for n in (4, 6, 8, 12, 22, 30, 32)
    )
    hashed_like = f"substr({alias}.{column}, -{_TAIL + 1}) GLOB '-{'[A-Z0-9]' * _TAIL}'"
    return f"({ends} OR {hashed_like})"


def clash_of(table: str, message: str) -> bool:
    """Whether the database refused an insert into ``table`` for its clash key.

    Args:
        table: the table.
        message: the database's refusal (``sqlite3.IntegrityError`` text).

    Returns:
        True when the table has a clash key and the message names every column of it.
    """
    if table not in CLASH_KEYS or "UNIQUE constraint failed" not in message:
        return False
    columns, _renamed = CLASH_KEYS[table]
    return all(f"{table}.{c}" in message for c in columns)


def group_of(table: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """The clash key of a row about to be inserted (its own creation's values).

    Args:
        table: the table.
        values: the row's values by column.

    Returns:
        The values of the clash key's columns, in ``CLASH_KEYS`` order (None for an absent one).
    """
    return tuple(values.get(c) for c in CLASH_KEYS[table][0])


def groups_of_rows(
    conn: sqlite3.Connection, table: str, row_ids: Iterable[str]
) -> set[tuple[Any, ...]]:
    """The clash keys these rows were created with (before they are rebuilt).

    Args:
        table: the table.
        row_ids: the rows' ids.

    Returns:
        The distinct clash keys, each with the name the row was created with (not a derived one);
        empty for a table without a clash key or rows not held.
    """
    if table not in CLASH_KEYS:
        return set()
    columns, renamed = CLASH_KEYS[table]
    found = set()
    for row_id in row_ids:
        row = conn.execute(
            f"SELECT {', '.join(columns)}, {_looks_derived(renamed, table)} FROM {table}"
            " WHERE id = ?",
            (row_id,),
        ).fetchone()
        if row is None:
            continue
        if not row[-1]:  # it holds its own name: the name it was created with
            found.add(group_of(table, dict(zip(columns, row[:-1], strict=True))))
            continue
        row = row[:-1]
        name = _intended(conn, table, renamed, row_id)
        if row is not None and name is not None:
            values = dict(zip(columns, row, strict=True)) | {renamed: name}
            found.add(group_of(table, values))
    return found


def _intended(conn: sqlite3.Connection, table: str, column: str, row_id: str) -> object:
    """The name a row was created with, by its accepted records (the latest wins)."""
    row = conn.execute(
        "SELECT c.val FROM sync_change c WHERE c.tbl = ? AND c.pk = json_array(?) AND c.col = ?"
        + _ACCEPTED
        + " ORDER BY c.cl DESC, c.hlc DESC, c.origin DESC LIMIT 1",
        (table, row_id, column),
    ).fetchone()
    return None if row is None else row[0]


def enrolled_clocks(devices: object) -> dict[str, int]:
    """Per device of a signed roster, its enrolment as a clock value (``capture``'s stamps):
    a creation counts as made no earlier than its laptop joined the team, so a laptop whose
    clock was set back cannot date a name before the rows the team held when it joined.

    Args:
        devices: the roster's ``devices`` (anything else: none).

    Returns:
        Device id → its enrolment as a hybrid logical clock stamp.
    """
    found: dict[str, int] = {}
    for device in devices if isinstance(devices, list) else []:
        if not isinstance(device, dict) or not isinstance(device.get("enrolled_at"), str):
            continue
        try:
            when = datetime.fromisoformat(device["enrolled_at"])
        except ValueError:
            continue
        if when.tzinfo is not None:
            found[str(device.get("id"))] = epoch_ms(when) << COUNTER_BITS
    return found


def first_order(hlc: int, origin: str, enrolled: dict[str, int]) -> tuple[int, str]:
    """The order of a row's creation among rows created with one name: its stamp, no earlier
    than its laptop's enrolment, then its laptop.

    Args:
        hlc: the creation's stamp.
        origin: the device id that made it.
        enrolled: device id → its enrolment stamp (``enrolled_clocks``).

    Returns:
        ``(stamp, device id)``, the stamp raised to the enrolment's: smaller sorts first.
    """
    return (max(hlc, enrolled.get(origin, 0)), origin)


def _first_named(
    conn: sqlite3.Connection, table: str, column: str, row_id: str, enrolled: dict[str, int]
) -> tuple[int, str]:
    """When the row was first given its name (its creation, by its accepted record's stamp
    and origin, ``first_order``): of two rows created with one name, the earlier keeps it, on
    every laptop alike (an id is the sender's choice: ``'0'`` would sort before every honest
    id)."""
    row = conn.execute(
        "SELECT c.hlc, c.origin FROM sync_change c WHERE c.tbl = ? AND c.pk = json_array(?)"
        " AND c.col = ?" + _ACCEPTED + " ORDER BY c.hlc, c.origin LIMIT 1",
        (table, row_id, column),
    ).fetchone()
    return (1 << 63, "") if row is None else first_order(int(row[0]), str(row[1]), enrolled)


def settle(conn: sqlite3.Connection, table: str, groups: Iterable[tuple[Any, ...]]) -> list[Notice]:
    """Give each clash group's name to the row the team's roster binds it to (a laptop's
    enrolled operator), else to the row the admin laptop's earliest name claim names, else to
    its row created first (stamp, device, id), and a derived name to the others; return what
    was settled, as facts for the receipt (``clash_bound``, ``clash``).

    Args:
        table: the table.
        groups: the clash keys to settle.

    Returns:
        One ``Notice`` per group with rows renamed, for the receipt: ``clash_bound`` (the name
        waits for the row the roster binds it to; every row holding it now is kept under a
        derived name) or ``clash`` (one row keeps it, ``kept_as`` lists the others' names);
        empty when no group needed it.

    Raises:
        sqlite3.IntegrityError: the database refused a renaming (no derived name may be refused:
            a fault of this version or of the database); the caller raises ``Unsettled``.
    """
    return _settle(conn, table, groups)


class Unsettled(IntegrityFailure):
    """The database refused to settle a clash (``settle``): the import is refused, named.

    Args:
        table: the table whose clash could not be settled.
        error: the database error's kind.
    """

    def __init__(self, table: str, error: str) -> None:
        super().__init__(code="clash_unsettled", table=table, error=error)


def _settle(
    conn: sqlite3.Connection, table: str, groups: Iterable[tuple[Any, ...]]
) -> list[Notice]:
    """``settle``, which may fail."""

    columns, renamed = CLASH_KEYS[table]
    told: list[Notice] = []
    for group in sorted(set(groups), key=repr):
        values = dict(zip(columns, group, strict=True))
        name = values[renamed]
        if name is None:
            continue
        others = [c for c in columns if c != renamed]
        match = " AND ".join(f"t.{c} IS ?" for c in others) or "1"
        ids = [
            str(r[0])
            for r in conn.execute(
                f"SELECT t.id FROM {table} t WHERE {match} AND t.id IN (SELECT"
                " json_extract(c.pk, '$[0]') FROM sync_change c WHERE c.tbl = ? AND c.col = ?"
                f" AND c.val = ?{_ACCEPTED}) ORDER BY t.id",
                [*(values[c] for c in others), table, renamed, name],
            )
        ]
        bound = _enrolled(conn, table, name)
        claimed = _claimed(conn, table, group, ids)
        enrolled = enrolled_clocks(_roster_devices(conn))
        first = {i: _first_named(conn, table, renamed, i, enrolled) for i in ids}
        ids.sort(key=lambda row_id: (row_id != bound, row_id != claimed, first[row_id], row_id))
        if bound is not None and bound not in ids:  # the name waits for its bound row
            kept_as = [_rename(conn, table, row_id, str(name)) for row_id in ids]
            if ids:
                told.append(
                    notice("clash_bound", field=f"{table}.{renamed}", name=name, kept_as=kept_as)
                )
            continue
        kept_as = [_rename(conn, table, row_id, str(name)) for row_id in ids[1:]]
        if ids:
            _give(conn, table, ids[0], name)
        if len(ids) < 2:
            continue
        told.append(
            notice(
                "clash",
                field=f"{table}.{renamed}",
                name=name,
                rows=len(ids),
                keeper=ids[0],
                kept_as=kept_as,
            )
        )
    return told


def bound_elsewhere(conn: sqlite3.Connection) -> set[tuple[Any, ...]]:
    """The staff clash groups whose callsign the signed roster binds to another row than the
    one holding it here (planted by another laptop, or held before the binding arrived): each
    is settled, so the bound person's callsign stands for nobody else, from the start.

    Returns:
        One ``(callsign,)`` clash key per such callsign; empty without a signed roster (or one that
        does not read).
    """
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    try:
        devices = json.loads(row[0])["devices"] if row is not None else []
    except (ValueError, KeyError, TypeError):
        return set()
    bound = {
        str(d["callsign"]).upper(): str(d["staff"])
        for d in (devices if isinstance(devices, list) else [])
        if isinstance(d, dict)
        and d.get("status") == "active"
        and isinstance(d.get("callsign"), str)
        and isinstance(d.get("staff"), str)
    }
    found: set[tuple[Any, ...]] = set()
    for name, staff_id in bound.items():
        held = conn.execute(
            "SELECT 1 FROM staff WHERE callsign = ? AND id != ?", (name, staff_id)
        ).fetchone()
        if held is not None:
            found.add((name,))
    return found


def _enrolled(conn: sqlite3.Connection, table: str, name: object) -> str | None:
    """The staff row the team's signed roster binds a callsign to (a laptop's enrolled
    operator), or None: that row keeps its callsign whatever the ids (a claimant chooses its
    ids and its clock; the admin signs the roster)."""
    if table != "staff" or not isinstance(name, str):
        return None
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    try:
        devices = json.loads(row[0])["devices"] if row is not None else []
    except (ValueError, KeyError, TypeError):
        return None
    for device in devices if isinstance(devices, list) else []:
        if (
            isinstance(device, dict)
            and device.get("status") == "active"
            and str(device.get("callsign", "")).upper() == name.upper()
            and isinstance(device.get("staff"), str)
        ):
            return str(device["staff"])
    return None


def _roster_devices(conn: sqlite3.Connection) -> object:
    """The devices of the team's latest signed roster held here (None: none readable)."""
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    try:
        return json.loads(row[0])["devices"] if row is not None else None
    except (ValueError, KeyError, TypeError):
        return None


def free_name(
    conn: sqlite3.Connection,
    table: str,
    name: str,
    row_id: str,
    key: dict[str, Any],
    avoid: object = None,
) -> str:
    """The derived name a row created with ``name`` is kept under: of its short forms (the end
    of its id, while no other row created with the name has an id ending alike) and then its
    ``hashed`` names, the first no accepted change gives any other row (a name a laptop made
    on purpose is never taken, whichever arrived first) and no other row of its key holds.
    It depends only on the rows' ids and logged names, so every laptop picks the same one, and
    it always fits the column (``derived``, ``hashed``).

    Args:
        table: the table (one of ``CLASH_KEYS``).
        name: the name the row was created with.
        row_id: the row's id.
        key: the row's other clash-key columns' values (a calendar event's person and
            recurrence), by column.
        avoid: a name the row must leave (the one another row is about to be given).

    Returns:
        The derived name: free here, and the one every laptop holding these rows gives it.
    """
    columns, column = CLASH_KEYS[table]
    others = [c for c in columns if c != column]
    held = f"SELECT 1 FROM {table} WHERE {column} = ? AND id != ?" + "".join(
        f" AND {c} IS ?" for c in others
    )
    for candidate in _candidates(conn, table, column, name, row_id):
        if candidate == avoid or _logged(conn, table, column, candidate, row_id):
            continue
        if conn.execute(held, (candidate, row_id, *(key.get(c) for c in others))).fetchone():
            continue  # only two ids with one SHA-256 prefix could get here
        return candidate
    raise AssertionError("unreachable: the hashed names never end")  # pragma: no cover


def _candidates(
    conn: sqlite3.Connection, table: str, column: str, name: str, row_id: str
) -> Iterable[str]:
    """The derived names to try, in order: the short ones no sibling's id shares, then the
    hashed ones without end."""
    siblings = [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT json_extract(c.pk, '$[0]') FROM sync_change c WHERE c.tbl = ?"
            " AND c.col = ? AND c.val = ? AND c.pk != json_array(?)" + _ACCEPTED,
            (table, column, name, row_id),
        )
    ]
    for digits, short in zip(_DIGITS, _short_forms(column, name, row_id), strict=False):
        if all(derived(column, name, other, digits) != short for other in siblings):
            yield short
    for turn in itertools.count():
        yield hashed(column, name, row_id, turn)


def _logged(conn: sqlite3.Connection, table: str, column: str, value: str, row_id: str) -> bool:
    """Whether an accepted change gives another row this name (made there on purpose)."""
    return (
        conn.execute(
            "SELECT 1 FROM sync_change c WHERE c.tbl = ? AND c.col = ? AND c.val = ?"
            " AND c.pk != json_array(?)" + _ACCEPTED + " LIMIT 1",
            (table, column, value, row_id),
        ).fetchone()
        is not None
    )


def _rename(
    conn: sqlite3.Connection, table: str, row_id: str, name: str, avoid: object = None
) -> str:
    """Keep a row that lost the clash for ``name`` under its derived name; return it."""
    columns, column = CLASH_KEYS[table]
    others = [c for c in columns if c != column]
    row = conn.execute(
        f"SELECT {', '.join(others) or 'NULL'} FROM {table} WHERE id = ?", (row_id,)
    ).fetchone()
    key = dict(zip(others, row or (), strict=False))
    kept_as = free_name(conn, table, name, row_id, key, avoid)
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (kept_as, row_id))
    return kept_as


def _give(conn: sqlite3.Connection, table: str, row_id: str, name: object) -> None:
    """Give ``name`` to the row that keeps it; a row holding it only as a derived name (another
    row was made with that very name) moves on to its next derived name first."""
    columns, column = CLASH_KEYS[table]
    others = [c for c in columns if c != column]
    match = "".join(f" AND t.{c} IS (SELECT k.{c} FROM {table} k WHERE k.id = ?)" for c in others)
    holders = conn.execute(
        f"SELECT t.id FROM {table} t WHERE t.{column} = ? AND t.id != ?{match}",
        (name, row_id, *[row_id] * len(others)),
    ).fetchall()
    for (holder,) in holders:
        created = _intended(conn, table, column, str(holder))
        created = created if isinstance(created, str) else name
        _rename(conn, table, str(holder), str(created), avoid=name)
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (name, row_id))


@dataclass(frozen=True)
class Clash:
    """A row kept under a derived name: which one, what it was created as, what it is now."""

    table: str
    row_id: str
    name: str
    shown_as: str
    kept_by: str | None  # the row that holds the name


def list_clashes(conn: sqlite3.Connection) -> list[Clash]:
    """Every row kept under a derived name, by table and name (the same on every laptop).

    Returns:
        One ``Clash`` per renamed row (table, row id, the name asked for, the name kept as, the id
        of the row holding the name or None), sorted by table, name and id.
    """
    found = []
    for table, (_columns, renamed) in CLASH_KEYS.items():
        looks = (  # a derived name has a hyphen: most rows are passed over without the rest
            f"SELECT 1 FROM {table} t WHERE t.{renamed} LIKE '%-%' AND {_looks_derived(renamed)}"
            " LIMIT 1"
        )
        if conn.execute(looks).fetchone() is None:
            continue  # no row looks renamed (the usual case): the change log is not read
        for row_id, value, name in conn.execute(
            f"SELECT t.id, t.{renamed}, c.val FROM {table} t JOIN sync_change c"
            f" ON c.tbl = ? AND c.pk = json_array(t.id) AND c.col = ? WHERE"
            f" {_looks_derived(renamed)} AND c.val IS NOT t.{renamed}" + _ACCEPTED,
            (table, renamed),
        ):
            if not is_derived(renamed, name, str(row_id), value):
                continue
            holder = conn.execute(f"SELECT id FROM {table} WHERE {renamed} = ?", (name,)).fetchone()
            found.append(
                Clash(
                    table, str(row_id), str(name), str(value), None if holder is None else holder[0]
                )
            )
    return sorted(set(found), key=lambda c: (c.table, c.name, c.row_id))


# Name claims: the admin laptop's witness of a name's first holder ------------------------------


def claim_name(table: str, group: tuple[Any, ...]) -> str:
    """The name a claim carries for a clash group: the name itself (a callsign, a code name),
    or the JSON array of the key's values (a calendar event: its person, uid, recurrence).

    Args:
        table: the table.
        group: the clash key's values (``group_of``).

    Returns:
        The name as a claim's ``name`` field holds it (text).
    """
    if len(CLASH_KEYS[table][0]) == 1:
        return str(group[0])
    return json.dumps(list(group), ensure_ascii=False, separators=(",", ":"))


def _group_of_claim(table: str, name: str) -> tuple[Any, ...] | None:
    """The clash group a claim's name stands for (None: not one of ``table``)."""
    if table not in CLASH_KEYS:
        return None
    if len(CLASH_KEYS[table][0]) == 1:
        return (name,)
    try:
        values = json.loads(name)
    except ValueError:
        return None
    width = len(CLASH_KEYS[table][0])
    return tuple(values) if isinstance(values, list) and len(values) == width else None


def _claimed(
    conn: sqlite3.Connection, table: str, group: tuple[Any, ...], ids: list[str]
) -> str | None:
    """Of ``ids``, the row the earliest name claim held here names (by its claim's time, then
    its id: only the admin laptop's claims are ever applied), or None."""
    if not ids:
        return None
    marks = ", ".join("?" * len(ids))
    row = conn.execute(
        f"SELECT row_id FROM name_claim WHERE tbl = ? AND name = ? AND row_id IN ({marks})"
        " ORDER BY claimed_at, id LIMIT 1",
        (table, claim_name(table, group), *ids),
    ).fetchone()
    return None if row is None else str(row[0])


def claimed_groups(conn: sqlite3.Connection, claim_ids: Iterable[str]) -> set[tuple[str, Any]]:
    """The clash groups (table, group) that these name claims name: settled again when a claim
    arrives, so a row the admin laptop saw first takes its name back from a back-dated decoy.

    Args:
        claim_ids: the ids of name claims just taken in.

    Returns:
        ``(table, group)`` per claim held here whose name reads as a group of that table; empty
        when none does.
    """
    found: set[tuple[str, Any]] = set()
    for claim_id in claim_ids:
        row = conn.execute("SELECT tbl, name FROM name_claim WHERE id = ?", (claim_id,)).fetchone()
        group = None if row is None else _group_of_claim(str(row[0]), str(row[1]))
        if row is not None and group is not None:
            found.add((str(row[0]), group))
    return found


def admin_laptop(conn: sqlite3.Connection) -> str | None:
    """The team's admin laptop (the latest signed roster's ``admin_device``), or None.

    Args:
        conn: an open connection.

    Returns:
        The admin laptop's device id; None before a roster or when it names none.
    """
    row = conn.execute("SELECT body FROM sync_roster ORDER BY version DESC LIMIT 1").fetchone()
    try:
        admin = json.loads(row[0]).get("admin_device") if row is not None else None
    except (ValueError, AttributeError, TypeError):
        return None
    return admin if isinstance(admin, str) else None


def unclaimed(
    conn: sqlite3.Connection, device: str, only: dict[str, set[str]] | None = None
) -> list[tuple[str, str, tuple[Any, ...]]]:
    """On the team's admin laptop, the rows that hold their own unique name here and have no
    name claim yet, as (table, row id, clash group); elsewhere none.

    Args:
        device: this laptop's id.
        only: per table, the ids of the rows to look at (None: every row).

    Returns:
        ``(table, row id, clash group)`` by table and id; empty on any other laptop.
    """
    if admin_laptop(conn) != device:
        return []
    found: list[tuple[str, str, tuple[Any, ...]]] = []
    for table, (columns, renamed) in CLASH_KEYS.items():
        if table not in NAMED_TABLES or (only is not None and not only.get(table)):
            continue  # a household member's code is settled by the stamps (no claim)
        where = f"t.{renamed} IS NOT NULL AND NOT {_looks_derived(renamed)}"
        params: list[Any] = []
        if only is not None:
            params = sorted(only[table])
            where += f" AND t.id IN ({', '.join('?' * len(params))})"
        found += [
            (table, str(row[0]), tuple(row[1:]))
            for row in conn.execute(
                f"SELECT t.id, {', '.join(f't.{c}' for c in columns)} FROM {table} t"
                f" WHERE {where} AND NOT EXISTS (SELECT 1 FROM name_claim c"
                f" WHERE c.row_id = t.id AND c.tbl = '{table}') ORDER BY t.id",
                params,
            )
        ]
    # a name longer than a claim may carry (a calendar key full of escaped characters) is
    # left to the stamps: a claim no laptop takes in would stop this laptop's exports
    return [f for f in found if len(claim_name(f[0], f[2])) <= MAX_CLAIMED_NAME]


def witness(
    conn: sqlite3.Connection,
    device: str,
    now: datetime,
    only: dict[str, set[str]] | None = None,
) -> int:
    """On the team's admin laptop: claim every row that holds its own unique name here and has
    no claim yet (``unclaimed``), inside the caller's write transaction, so the claims are
    captured and signed as this laptop's changes. Elsewhere nothing.

    Args:
        device: this laptop's id.
        now: the time the claims are made (aware).
        only: per table, the ids of the rows to look at (None: every row).

    Returns:
        How many claims were written (0 on any laptop but the admin's).
    """
    claims = [
        (uuid7(), table, claim_name(table, group), row_id, to_db(now), device)
        for table, row_id, group in unclaimed(conn, device, only)
    ]
    conn.executemany(
        "INSERT INTO name_claim (id, tbl, name, row_id, claimed_at, device)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        claims,
    )
    return len(claims)
