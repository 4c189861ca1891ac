"""The change log as it is kept on disk: one row per run (``change.Run``), device ids and field
lists interned.

``sync_log`` holds a run's origin (an id of ``sync_origin``, where each device id is written
once), its first number and how many records it holds, its clock, row, causal length and author,
its fields (an id of ``sync_shape``: the JSON list of field names, written once), its values (the
run's canonical JSON text) and, when a field carries one, the ``prev`` of each field. A large
demo's 374,000 records are 34,000 such rows: the log stays smaller than the data it describes.

The view ``sync_change`` shows the log one record per row (for people and tests reading it with
SQL; the store reads runs). A row inserted into it becomes a run of one record whose value is kept
as it is (``raw``), as a hand-written change would be (see migration 012).

Everything here runs on the caller's connection, inside its transaction where it writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from ..errors import IntegrityFailure
from . import bundle
from .change import (
    EXISTENCE,
    Run,
    changes_of,
    compact,
    decode_values,
    encode_values,
    runs_of,
)
from .reason import fact, value
from .reason import read as read_reason

_COLUMNS = "l.origin, l.seq, l.hlc, l.tbl, l.pk, l.cl, l.actor, l.shape, l.vals, l.prevs, l.raw"


#: How many distinct histories a read keeps one copy of (most runs repeat a few).
MAX_SHARED_HISTORIES = 4096


class _Names:
    """The interned device ids and field lists, read once per use of the log."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.devices: dict[int, str] = dict(conn.execute("SELECT id, device FROM sync_origin"))
        self.shapes: dict[int, tuple[str, ...]] = {}
        #: one copy of the text many runs repeat (tables, authors) and of the histories read
        #: lately, as ``bundle.decode_line`` keeps them: a whole log read (an export's first
        #: segment) holds a fifth less
        self.shared: dict[object, object] = {}
        self.histories: dict[tuple[str, int], tuple[str | None, ...]] = {}

    def shape(self, shape_id: int) -> tuple[str, ...]:
        found = self.shapes.get(shape_id)
        if found is None:
            row = self.conn.execute("SELECT cols FROM sync_shape WHERE id = ?", (shape_id,))
            found = _shape(shape_id, row.fetchone())
            self.shapes[shape_id] = found
        return found

    def run(self, row: Sequence[object]) -> Run:
        origin, seq, hlc, tbl, pk, cl, actor, shape, vals, prevs, raw = row
        cols = self.shape(shape)  # type: ignore[arg-type]
        if vals is None:  # one record written by hand (``sync_change``): its value as it is
            vals = encode_values([raw], str(pk), str(actor), int(hlc))  # type: ignore[call-overload]
        once = self.shared.setdefault
        history = None
        if prevs is not None:
            key = (str(prevs), len(cols))
            history = self.histories.get(key)
            if history is None:
                if len(self.histories) >= MAX_SHARED_HISTORIES:  # a log of distinct ones
                    self.histories.clear()
                history = self.histories[key] = _prevs(key[0], key[1])
        return Run(
            self.devices[origin],  # type: ignore[index]
            seq,  # type: ignore[arg-type]
            hlc,  # type: ignore[arg-type]
            once(tbl, tbl),  # type: ignore[arg-type]
            pk,  # type: ignore[arg-type]
            cl,  # type: ignore[arg-type]
            once(actor, actor),  # type: ignore[arg-type]
            cols,
            vals,  # type: ignore[arg-type]
            history,
        )

    def runs(self, rows: Iterable[Sequence[object]]) -> list[Run]:
        return [self.run(row) for row in rows]


def _shape(shape_id: int, row: Sequence[object] | None) -> tuple[str, ...]:
    """A field list as Schildwacht wrote it (a JSON list of names), else the refusal (exit 5):
    it cannot be rebuilt from what the log holds, so the repair is the latest backup."""
    try:
        cols = json.loads(str(row[0])) if row is not None else None
    except ValueError:
        cols = None
    if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
        raise IntegrityFailure(code="log_shape_foreign", shape=shape_id)
    return tuple(cols)


def check_shapes(conn: sqlite3.Connection, *, records: bool = True) -> None:
    """Every run's field list is one Schildwacht wrote for it (as many fields as the run has
    records), every kept segment's header its own and (``records``) every run's key, values
    and history as Schildwacht writes them, else the refusal (exit 5) naming the first: checked
    before anything is written that would read or send the log (an enrolment's welcome, an
    export; an export checks the records it packs, ``check_records``).

    Args:
        records: also check every run's key, values and history.

    Raises:
        IntegrityFailure: a record whose count of records is not its field list's
            (``record_refusal``), a field list no Schildwacht wrote, or a segment not its own.
    """
    counted = conn.execute(  # its count, or the field list, or both not as Schildwacht wrote
        f"SELECT o.device, l.seq, l.shape, {_COUNT_ALONE} FROM sync_log l"
        " JOIN sync_shape s ON s.id = l.shape JOIN sync_origin o ON o.id = l.origin"
        f" WHERE l.n != ({_WIDTH}) ORDER BY l.origin, l.seq LIMIT 1"
    ).fetchone()
    if counted is not None and (counted[3] or _shape_agreed(conn, int(counted[2]))):
        # the record's count alone, or a field list other records agree with: the record
        raise record_refusal(str(counted[0]), int(counted[1]), fact("log_fields_count"))
    if counted is not None:
        _shape(int(counted[2]), None)  # raises, naming the field list
    _check_segments(conn)
    if records:
        check_records(conn)


def _shape_agreed(conn: sqlite3.Connection, shape_id: int) -> bool:
    """Whether a field list is a list of names that some record of the log has as many
    fields as (so a record that disagrees with it is the one changed)."""
    row = conn.execute("SELECT cols FROM sync_shape WHERE id = ?", (shape_id,)).fetchone()
    try:
        cols = _shape(shape_id, row)
    except IntegrityFailure:
        return False
    found = conn.execute(
        "SELECT 1 FROM sync_log WHERE shape = ? AND n = ? LIMIT 1", (shape_id, len(cols))
    ).fetchone()
    return bool(cols) and found is not None


def check_records(
    conn: sqlite3.Connection, origin: str | None = None, first: int = 1, last: int = 2**62
) -> None:
    """The refusal (exit 5) naming the first change log row (of ``origin``, numbered
    ``first`` … ``last``; default: all) whose key, values or history no Schildwacht wrote.

    Args:
        origin: a device id, or None for every origin.
        first: the first record's sequence number.
        last: the last record's sequence number.

    Raises:
        IntegrityFailure: such a row (``record_refusal``).
    """
    found = malformed_records(conn, limit=1, origin=origin, first=first, last=last)
    if found:
        raise record_refusal(*found[0])


def record_refusal(device: str, seq: int, what: str) -> IntegrityFailure:
    """The refusal (exit 5) to send a change log whose record ``seq`` of ``device`` no
    Schildwacht wrote or no laptop could read (``what``); ``db repair`` sets it aside.

    Args:
        device: the device id.
        seq: the record's sequence number.
        what: what is wrong with it, a reason as kept (``reason.fact``; the faces word it).

    Returns:
        The ``IntegrityFailure`` to raise.
    """
    return IntegrityFailure(code="log_malformed", seq=seq, device=device[:13], what=what)


#: SQL: what is wrong with a change log row's own text (its key, values, history), as a reason
#: is kept (``reason.fact``, worded by ``words.quarantine``), or NULL.
def _said(code: str) -> str:
    """A reason as SQL text: ``'{"code":…,"params":{}}'``."""
    return "'" + fact(code).replace("'", "''") + "'"


#: SQL: whether a change log row's count of records (``n``) alone is not as Schildwacht wrote
#: it: its field list and its values agree on another count (``restore_counts`` restores it).
#: (CASE, not AND: SQLite may evaluate every operand, and JSON functions fail on text that is
#: not JSON.)
_WIDTH = "CASE WHEN NOT json_valid(s.cols) THEN -1 ELSE coalesce(json_array_length(s.cols), -1) END"
_COUNT_ALONE = (
    f"(CASE WHEN ({_WIDTH}) < 1 OR l.n = ({_WIDTH}) THEN 0 WHEN l.vals IS NULL THEN ({_WIDTH}) = 1"
    " WHEN NOT json_valid(l.vals) THEN 0"
    f" ELSE coalesce(json_array_length(l.vals), -1) = ({_WIDTH}) END)"
)

_MALFORMED = (
    f"CASE WHEN {_COUNT_ALONE} OR ({_WIDTH}) NOT IN (-1, 0, l.n)"
    f" THEN {_said('log_fields_count')}"
    " WHEN NOT json_valid(l.pk) OR json_type(l.pk) != 'array'"
    f" THEN {_said('log_key_not_list')}"
    f" WHEN l.vals IS NULL AND l.n != 1 THEN {_said('log_values_missing')}"
    " WHEN l.vals IS NOT NULL AND (NOT json_valid(l.vals) OR json_type(l.vals) != 'array')"
    f" THEN {_said('log_values_not_list')}"
    " WHEN l.vals IS NOT NULL AND json_array_length(l.vals) != l.n"
    f" THEN {_said('log_values_count')}"
    " WHEN l.prevs IS NOT NULL AND (NOT json_valid(l.prevs) OR json_type(l.prevs) != 'object')"
    f" THEN {_said('log_history_not_object')}"
    " WHEN instr(l.vals, '{') AND EXISTS (SELECT 1 FROM json_each(l.vals) e"
    " WHERE e.type = 'object' AND ((json_type(e.value, '$.k') IS NOT NULL"
    " AND (json_type(e.value, '$.k') != 'integer'"
    " OR json_extract(e.value, '$.k') NOT BETWEEN 0 AND json_array_length(l.pk) - 1))"
    " OR (SELECT count(*) FROM json_each(e.value)) != 1"
    " OR (SELECT key FROM json_each(e.value)) NOT IN ('k', 'a', 't')))"
    f" THEN {_said('log_unknown_reference')} END"
)


def malformed_records(
    conn: sqlite3.Connection,
    limit: int = -1,
    *,
    origin: str | None = None,
    first: int = 1,
    last: int = 2**62,
) -> list[tuple[str, int, str]]:
    """The change log's rows whose text no Schildwacht wrote: (device, first number, what);
    of one origin's records ``first`` … ``last`` when ``origin`` is given.

    Args:
        limit: the most rows to name (-1: all).
        origin: a device id, or None for every origin.
        first: the first record's sequence number.
        last: the last record's sequence number.

    Returns:
        ``(device id, first sequence number of the run, why)`` per malformed run, by origin and
        number; ``why`` is a reason fact's canonical JSON (``reason.fact``: ``log_key_not_list``…).
        Empty when every row reads.
    """
    where = "" if origin is None else " AND o.device = ? AND l.seq + l.n - 1 >= ? AND l.seq <= ?"
    params = () if origin is None else (origin, first, last)
    return [
        (str(device), int(seq), str(what))
        for device, seq, what in conn.execute(
            f"SELECT o.device, l.seq, {_MALFORMED} AS what FROM sync_log l"
            " JOIN sync_origin o ON o.id = l.origin LEFT JOIN sync_shape s ON s.id = l.shape"
            f" WHERE what IS NOT NULL{where}"
            " ORDER BY l.origin, l.seq LIMIT ?",
            (*params, limit),
        )
    ]


def _segment_fault(origin: str, number: int, first: int, last: int, header: object) -> bool:
    """Whether a kept segment's signed header is not the one its row describes."""
    try:
        found = json.loads(bytes(header))  # type: ignore[call-overload]
    except (ValueError, TypeError):
        return True
    return not isinstance(found, dict) or (
        found.get("origin"),
        found.get("number"),
        found.get("first_seq"),
        found.get("last_seq"),
    ) != (origin, number, first, last)


def _check_segments(conn: sqlite3.Connection) -> None:
    """Every kept segment's header is the one its row describes, else the refusal (exit 5)."""
    for row in conn.execute("SELECT origin, number, first_seq, last_seq, header FROM sync_segment"):
        if _segment_fault(*row):
            raise IntegrityFailure(code="segment_malformed", number=row[1], device=str(row[0])[:13])


def unsent_range(conn: sqlite3.Connection, me: str) -> tuple[int, int]:
    """The numbers of this laptop's own records not yet in a signed segment: (first, last);
    first > last when there are none.

    Args:
        me: this device's id.

    Returns:
        ``(first, last)`` sequence numbers, inclusive; ``first > last`` when everything is signed.
    """
    covered = conn.execute(
        "SELECT max(last_seq) FROM sync_segment WHERE origin = ?", (me,)
    ).fetchone()[0]
    return int(covered or 0) + 1, last_seq(conn, me)


def unreadable_records(
    conn: sqlite3.Connection, origin: str, first: int, last: int
) -> list[tuple[int, str]]:
    """Records ``first`` … ``last`` of ``origin`` that a receiving laptop could not read in a
    segment (it would refuse the whole bundle): (number, what), in order. A run is encoded and
    decoded exactly as a bundle carries it (``bundle.encode_line``, ``bundle.decode_line``);
    its numbers must follow on without a hole and its clock never run backwards.

    Args:
        origin: the origin's device id.
        first: the first record's sequence number.
        last: the last record's sequence number.

    Returns:
        ``(sequence number, why)`` per problem in number order, ``why`` a reason fact's canonical
        JSON (``log_numbers_missing``, a run that does not round-trip, a clock running backwards…);
        empty when the range reads (or the origin is unknown).
    """
    found: list[tuple[int, str]] = []
    ident = origin_id(conn, origin)
    if ident is None or last < first:
        return found
    before = hlc_at(conn, origin, first - 1) or 0
    expected = first
    names = _Names(conn)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM sync_log l WHERE l.origin = ? AND l.seq + l.n - 1 >= ?"
        " AND l.seq <= ? ORDER BY l.seq",
        (ident, first, last),
    )
    for row in rows:
        seq, hlc = int(row[1]), int(row[2])
        if seq > expected:
            found.append((expected, fact("log_numbers_missing", first=expected, last=seq - 1)))
        try:
            run = names.run(row)
            bundle.decode_line(bundle.encode_line(run), origin, {})
            run.changes()
        except bundle.Oversized:
            found.append((seq, fact("log_too_large")))
        except (ValueError, TypeError, KeyError, IntegrityFailure):
            found.append((seq, fact("log_unreadable")))
        else:
            if hlc < before:
                found.append((seq, fact("log_clock_back")))
        before = max(before, hlc)
        expected = max(expected, seq + _width(row, names))
    if expected <= last:
        found.append((expected, fact("log_numbers_missing", first=expected, last=last)))
    return found


def _width(row: Sequence[object], names: _Names) -> int:
    try:
        return len(names.shape(row[7]))  # type: ignore[arg-type]
    except IntegrityFailure:
        return 1


#: How much of a set-aside record's key and values is kept (``SetAside.held``).
HELD = 400


class SetAside(NamedTuple):
    """What ``db repair`` set aside: a record of this laptop's change log (``first`` … ``last``,
    emptied in place: it keeps its numbers and carries nothing), numbers that were missing
    (filled with one such record), or a kept segment whose signed header was not its own
    (removed: the next export signs its records again).

    Attributes:
        what: ``record``, ``missing`` or ``segment``.
        first, last: the record numbers it covered.
        table: the table the record named ("" when none).
        why: the reason, as kept (``reason.fact``).
        held: the record's key and values as they were, cut to ``HELD`` characters.
    """

    what: str
    first: int
    last: int
    table: str
    why: str
    held: str

    def as_dict(self) -> dict[str, object]:
        """For an audit event's detail and a script: every field, the reason as its facts.

        Returns:
            ``{what, first, last, table, why, held}``, ``why`` as the reason's facts (a dict).
        """
        return {**self._asdict(), "why": json.loads(self.why)}


#: How many set-aside records an audit event names one by one (the count names them all).
NAMED = 50


def set_aside_detail(done: Sequence[SetAside]) -> dict[str, object]:
    """An audit event's detail for what ``db repair`` set aside: how many, and (the first
    ``NAMED``) each one's facts with what it held, so it can be looked at afterwards.

    Args:
        done: what ``set_aside_malformed`` set aside.

    Returns:
        ``{"set_aside": count, "set_aside_kept": [SetAside.as_dict(), …]}`` (at most ``NAMED``).
    """
    return {"set_aside": len(done), "set_aside_kept": [d.as_dict() for d in done[:NAMED]]}


def set_aside_malformed(
    conn: sqlite3.Connection, me: str, more: Iterable[tuple[int, str]] = ()
) -> list[SetAside]:
    """``db repair``: this laptop's own change log rows no Schildwacht wrote, or that a
    receiving laptop could not read, and not yet sent (with the records ``more`` names)
    keep their numbers but carry nothing (a key no table has: every laptop quarantines them,
    and takes the rest); a hole in their numbers is filled so; a clock that runs back is set
    after the record ahead; kept segments whose header is not theirs are removed.

    Args:
        me: this device's id.
        more: further records to set aside: (sequence number, why as kept).

    Returns:
        What was set aside, in order.
    """
    ident = origin_id(conn, me)
    first, last = unsent_range(conn, me)
    done: list[SetAside] = []
    if ident is not None:
        chosen = {s: w for d, s, w in malformed_records(conn) if d == me and s >= first}
        chosen.update((s, w) for s, w in more if s >= first and s not in chosen)
        holes = []
        for seq, what in unreadable_records(conn, me, first, last):
            if read_reason(what).code == "log_numbers_missing":
                holes.append(seq)
            else:
                chosen.setdefault(seq, what)
        for seq in sorted(chosen):
            done += _set_aside(conn, ident, me, seq, chosen[seq])
        for seq in holes:
            done += _fill_hole(conn, ident, me, seq, last)
        if done:
            _forget_clocks(conn, ident, me, first)
    for row in conn.execute(
        "SELECT origin, number, first_seq, last_seq, header FROM sync_segment"
    ).fetchall():
        if _segment_fault(*row):
            conn.execute(
                "DELETE FROM sync_segment WHERE origin = ? AND number = ?", (row[0], row[1])
            )
            why = fact("segment_not_signed", number=row[1])
            done.append(SetAside("segment", int(row[2]), int(row[3]), "", why, ""))
    return done


def restore_counts(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """``db repair``: a change log record whose count of records (``n``) alone was changed:
    its field list and its values still agree on how many it holds, and those numbers are its
    own (the next record of its device starts after them). The count is restored from them;
    nothing it carries changes, sent or not.

    Returns:
        ``{"device", "seq", "was", "now"}`` per record restored, by device and number.
    """
    rows = conn.execute(
        "SELECT l.origin, o.device, l.seq, l.n, json_array_length(s.cols) FROM sync_log l"
        " JOIN sync_shape s ON s.id = l.shape JOIN sync_origin o ON o.id = l.origin"
        f" WHERE {_COUNT_ALONE} AND NOT EXISTS (SELECT 1 FROM sync_log x"
        " WHERE x.origin = l.origin AND x.seq > l.seq"
        f" AND x.seq < l.seq + ({_WIDTH}))"
        " ORDER BY l.origin, l.seq"
    ).fetchall()
    for ident, _device, seq, _was, now in rows:
        conn.execute("UPDATE sync_log SET n = ? WHERE origin = ? AND seq = ?", (now, ident, seq))
    return [
        {"device": str(d)[:13], "seq": int(q), "was": int(w), "now": int(n)}
        for _i, d, q, w, n in rows
    ]


def unrepaired(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """What ``db repair`` could not set aside: change log records no Schildwacht wrote that
    were already sent (or came from another laptop); ``sync export`` refuses until the latest
    backup is restored.

    Returns:
        ``{"device", "seq", "why"}`` (``why`` a reason's facts) for the first ``NAMED``.
    """
    return [
        {"device": device[:13], "seq": seq, "why": json.loads(why)}
        for device, seq, why in malformed_records(conn, limit=NAMED)
    ]


def _forget_clocks(conn: sqlite3.Connection, ident: int, me: str, first: int) -> None:
    """The per-field clocks (``sync_clock``) this laptop's unsent records set and no record
    of its log names any more (set aside or deleted): forgotten, so that a row whose records
    went is written whole again (a new row, every field) when ``db repair`` queues it, not as
    changes of a row no other laptop holds. Clocks of sent records are kept (the clock of the
    last sent record bounds them)."""
    sent = hlc_at(conn, me, first - 1) or 0
    conn.execute(
        "DELETE FROM sync_clock WHERE origin = ? AND hlc > ? AND NOT EXISTS (SELECT 1 FROM"
        " sync_log l WHERE l.origin = ? AND l.seq >= ? AND l.hlc = sync_clock.hlc"
        " AND l.tbl = sync_clock.tbl AND l.pk = sync_clock.pk)",
        (ident, sent, ident, first),
    )


def _clock_between(conn: sqlite3.Connection, me: str, seq: int, width: int) -> int:
    """A clock for records ``seq`` … ``seq + width - 1`` set aside: after the record ahead of
    them (a change set of their own where the next record's clock leaves room)."""
    before = hlc_at(conn, me, seq - 1) or 0
    row = conn.execute(
        "SELECT l.hlc FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ? AND l.seq >= ? ORDER BY l.seq LIMIT 1",
        (me, seq + width),
    ).fetchone()
    following = None if row is None else int(row[0])
    return before + 1 if following is None or before + 1 < following else before


def _set_aside(conn: sqlite3.Connection, ident: int, me: str, seq: int, why: str) -> list[SetAside]:
    """One run set aside (see ``set_aside_malformed``): what it was, or nothing when its
    fields are unknown. A run whose count of records (``n``) is not its field list's first
    takes the field list's: the records it names are the ones its fields and values describe
    (as every reader counts them), so the numbers after it follow on."""
    width = _WIDTH.replace("s.cols", "cols")
    conn.execute(
        f"UPDATE sync_log SET n = (SELECT {width} FROM sync_shape WHERE id = sync_log.shape)"
        f" WHERE origin = ? AND seq = ? AND (SELECT {width} FROM sync_shape"
        " WHERE id = sync_log.shape) NOT IN (-1, 0, sync_log.n)",
        (ident, seq),
    )
    row = conn.execute(
        "SELECT l.hlc, l.n, l.tbl, l.pk, l.vals FROM sync_log l JOIN sync_shape s"
        " ON s.id = l.shape WHERE l.origin = ? AND l.seq = ? AND json_valid(s.cols)"
        " AND json_array_length(s.cols) = l.n",
        (ident, seq),
    ).fetchone()
    if row is None:
        return []
    held, table = str(value(f"{row[3]} {row[4]}", HELD)), str(value(row[2] or ""))
    was = SetAside("record", seq, seq + int(row[1]) - 1, table, why, held)
    before = hlc_at(conn, me, seq - 1) or 0
    hlc = int(row[0]) if int(row[0]) >= before else _clock_between(conn, me, seq, int(row[1]))
    conn.execute(
        "UPDATE sync_log SET pk = '[]', hlc = ?, vals = (SELECT json_group_array(NULL) FROM"
        " json_each(s.cols)), prevs = NULL, raw = NULL FROM sync_shape s WHERE"
        " sync_log.origin = ? AND sync_log.seq = ? AND s.id = sync_log.shape",
        (hlc, ident, seq),
    )
    if unreadable_records(conn, me, seq, seq):  # emptied, still unreadable (its table's name):
        conn.execute("DELETE FROM sync_log WHERE origin = ? AND seq = ?", (ident, seq))
        _fill_hole(conn, ident, me, seq, was.last)  # replaced whole, as missing numbers are
    return [was]


def _fill_hole(
    conn: sqlite3.Connection, ident: int, me: str, seq: int, last: int
) -> list[SetAside]:
    """Numbers ``seq`` … (the next record held) that were deleted: one record set aside."""
    row = conn.execute(
        "SELECT min(seq) FROM sync_log WHERE origin = ? AND seq > ?", (ident, seq)
    ).fetchone()
    end = int(row[0]) - 1 if row[0] is not None else last
    width = end - seq + 1
    if width < 1:
        return []
    shape = _intern(conn, "sync_shape", "cols", {json.dumps([EXISTENCE] * width)})
    actor = conn.execute("SELECT value FROM meta WHERE key = 'operator'").fetchone()
    conn.execute(
        "INSERT INTO sync_log (origin, seq, n, hlc, tbl, pk, cl, actor, shape, vals, prevs)"
        " VALUES (?, ?, ?, ?, 'log_entry', '[]', 1, ?, ?, ?, NULL)",
        (
            ident,
            seq,
            width,
            _clock_between(conn, me, seq, width),
            str(actor[0]) if actor else "",
            next(iter(shape.values())),
            compact([None] * width),
        ),
    )
    why = fact("log_numbers_missing", first=seq, last=end)
    return [SetAside("missing", seq, end, "", why, "")]


def _prevs_text(prevs: Sequence[str | None]) -> str:
    """A run's prevs as kept: a JSON object from the place of each field that has one."""
    return compact({str(i): p for i, p in enumerate(prevs) if p is not None})


def _prevs(text: str, count: int) -> tuple[str | None, ...]:
    held = json.loads(text)
    return tuple(held.get(str(i)) for i in range(count))


def origin_id(conn: sqlite3.Connection, device: str) -> int | None:
    """The local id ``device`` is interned as in ``sync_origin``, or None when it has none.

    Args:
        device: the device id.

    Returns:
        The ``sync_origin`` row id, or None.
    """
    row = conn.execute("SELECT id FROM sync_origin WHERE device = ?", (device,)).fetchone()
    return None if row is None else int(row[0])


def _intern(conn: sqlite3.Connection, table: str, column: str, names: set[str]) -> dict[str, int]:
    """The ids of these names in an intern table, adding the new ones."""
    conn.executemany(
        f"INSERT OR IGNORE INTO {table} ({column}) VALUES (?)", [(n,) for n in sorted(names)]
    )
    found: dict[str, int] = {}
    for name in names:
        found[name] = int(
            conn.execute(f"SELECT id FROM {table} WHERE {column} = ?", (name,)).fetchone()[0]
        )
    return found


def intern_origins(conn: sqlite3.Connection, devices: set[str]) -> dict[str, int]:
    """The interned ids of these device ids (added where new).

    Args:
        devices: the device ids.

    Returns:
        Device id → its interned id.
    """
    return _intern(conn, "sync_origin", "device", devices)


# Writing ---------------------------------------------------------------------------------------


def store(conn: sqlite3.Connection, runs: Sequence[Run]) -> None:
    """Keep these runs (records this log does not hold yet).

    Args:
        runs: the runs.
    """
    if not runs:
        return
    origins = intern_origins(conn, {r.origin for r in runs})
    cols: dict[tuple[str, ...], str] = {}
    histories: dict[tuple[str | None, ...], str] = {}  # the few of a large write, written once
    for run in runs:
        if run.cols not in cols:
            cols[run.cols] = json.dumps(list(run.cols), ensure_ascii=False)
        if run.prevs is not None and run.prevs not in histories:
            histories[run.prevs] = _prevs_text(run.prevs)  # "{}" for none: read back as none
    shapes = _intern(conn, "sync_shape", "cols", set(cols.values()))
    shape_of = {c: shapes[text] for c, text in cols.items()}
    conn.executemany(
        "INSERT INTO sync_log (origin, seq, n, hlc, tbl, pk, cl, actor, shape, vals, prevs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                origins[r.origin],
                r.seq,
                len(r.cols),
                r.hlc,
                r.tbl,
                r.pk,
                r.cl,
                r.actor,
                shape_of[r.cols],
                r.vals,
                None if r.prevs is None or histories[r.prevs] == "{}" else histories[r.prevs],
            )
            for r in runs
        ],
    )


# Reading ---------------------------------------------------------------------------------------


def last_seq(conn: sqlite3.Connection, origin: str) -> int:
    """The highest number held of this origin (0: none).

    Args:
        origin: the origin's device id.

    Returns:
        The sequence number of its last record held, or 0 when none is.
    """
    row = conn.execute(
        "SELECT l.seq + l.n - 1 FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ? ORDER BY l.seq DESC LIMIT 1",
        (origin,),
    ).fetchone()
    return int(row[0]) if row else 0


def vector(conn: sqlite3.Connection) -> dict[str, int]:
    """Per origin, the highest number held (this laptop's version vector).

    Returns:
        Device id → highest sequence number held, for every origin that has a record here.
    """
    found = {}
    for device, last in conn.execute(
        "SELECT o.device, (SELECT l.seq + l.n - 1 FROM sync_log l WHERE l.origin = o.id"
        " ORDER BY l.seq DESC LIMIT 1) FROM sync_origin o"
    ):
        if last is not None:
            found[str(device)] = int(last)
    return found


def read(conn: sqlite3.Connection, origin: str, first: int, last: int) -> list[Run]:
    """The records numbered ``first`` … ``last`` of this origin, as runs.

    Args:
        origin: the origin's device id.
        first: the first record's sequence number.
        last: the last record's sequence number.

    Returns:
        The runs in number order, cut to ``first`` … ``last`` (``Run.part``); empty when the origin
        is unknown or ``last < first``.
    """
    names = _Names(conn)
    ident = origin_id(conn, origin)
    if ident is None or last < first:
        return []
    start = conn.execute(
        "SELECT max(seq) FROM sync_log WHERE origin = ? AND seq <= ?", (ident, first)
    ).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM sync_log l WHERE l.origin = ? AND l.seq BETWEEN ? AND ?"
        " ORDER BY l.seq",
        (ident, first if start is None else start, last),
    )
    runs = []
    for row in rows:
        run = names.run(row)
        if run.last >= first:
            runs.append(run.part(first, last))
    return runs


def stream(
    conn: sqlite3.Connection, origin: str, first: int, last: int, batch: int = 2048
) -> Iterator[Run]:
    """The records numbered ``first`` … ``last`` of this origin, as runs, read ``batch`` whole
    runs at a time (a segment of any size is written holding one batch).

    Args:
        origin: the origin's device id.
        first: the first record's sequence number.
        last: the last record's sequence number.
        batch: how many runs to read at a time.

    Yields:
        The runs in number order, the first and last cut to the range; nothing when the origin is
        unknown or ``last < first``.
    """
    ident = origin_id(conn, origin)
    if ident is None or last < first:
        return
    names = _Names(conn)
    start = conn.execute(
        "SELECT max(seq) FROM sync_log WHERE origin = ? AND seq <= ?", (ident, first)
    ).fetchone()[0]
    cursor = first if start is None else start
    while cursor <= last:
        runs = names.runs(
            conn.execute(
                f"SELECT {_COLUMNS} FROM sync_log l WHERE l.origin = ? AND l.seq BETWEEN ? AND ?"
                " ORDER BY l.seq LIMIT ?",
                (ident, cursor, last, batch),
            )
        )
        if not runs:
            return
        for run in runs:
            if run.last >= first:
                yield run.part(first, last)
        cursor = runs[-1].seq + 1


def canonical_runs(runs: Iterable[Run]) -> Iterator[Run]:
    """Runs as maximal runs: neighbours of one row and change set (written one record at a
    time, through ``sync_change``) joined.

    Args:
        runs: runs of one origin, in number order.

    Yields:
        The maximal runs, in the order given.
    """
    pending: list[Run] = []
    for run in runs:
        if pending and (
            run.seq != pending[-1].last + 1
            or run.origin != pending[0].origin
            or run.grouping != pending[0].grouping
        ):
            yield _joined(pending)
            pending = []
        pending.append(run)
    if pending:
        yield _joined(pending)


def _joined(runs: list[Run]) -> Run:
    if len(runs) == 1:
        return runs[0]
    return runs_of(r for run in runs for r in run.changes())[0]


def compressed_body(
    conn: sqlite3.Connection, origin: str, first: int, last: int, encoding: int
) -> tuple[bytes, str, int]:
    """Records ``first`` … ``last`` of ``origin`` as a compressed body in ``encoding``: (the zlib
    stream, the body's SHA-256 and its length).

    Args:
        origin: the origin's device id.
        first: the first record's sequence number.
        last: the last record's sequence number.
        encoding: the body encoding (1 or 2).

    Returns:
        ``(zlib stream, hex SHA-256 of the uncompressed body, its length in bytes)``
        (``bundle.compressed``).
    """
    runs = canonical_runs(stream(conn, origin, first, last))
    if encoding == 1:
        records = [tuple(r)[1:] for r in changes_of(runs)]
        return bundle.compressed([bundle.encode_body(records)])
    return bundle.compressed(bundle.encode_runs(runs))


def hlc_at(conn: sqlite3.Connection, origin: str, seq: int) -> int | None:
    """The clock of record ``seq`` of this origin (None: not held).

    Args:
        origin: the origin's device id.
        seq: the record's sequence number.

    Returns:
        The hybrid logical clock stamp of that record (an integer: ``change.hlc_wall_ms`` reads its
        wall time), or None.
    """
    row = conn.execute(
        "SELECT l.hlc, l.seq + l.n - 1 FROM sync_log l JOIN sync_origin o ON o.id = l.origin"
        " WHERE o.device = ? AND l.seq <= ? ORDER BY l.seq DESC LIMIT 1",
        (origin, seq),
    ).fetchone()
    if row is None or int(row[1]) < seq:
        return None
    return int(row[0])


def change_set(conn: sqlite3.Connection, origin: str, seq: int) -> list[Run]:
    """Every run of the change set record ``seq`` of this origin belongs to (same clock, numbers
    next to each other: the verifier refuses a device whose clock runs backwards).

    Args:
        origin: the origin's device id.
        seq: the sequence number of one of its records.

    Returns:
        The change set's runs in number order (empty when the record is not held).
    """
    ident = origin_id(conn, origin)
    stamp = hlc_at(conn, origin, seq)
    if ident is None or stamp is None:
        return []
    names = _Names(conn)
    before = []
    for row in conn.execute(
        f"SELECT {_COLUMNS} FROM sync_log l WHERE l.origin = ? AND l.seq <= ? ORDER BY l.seq DESC",
        (ident, seq),
    ):
        if row[2] != stamp:
            break
        before.append(names.run(row))
    after = []
    for row in conn.execute(
        f"SELECT {_COLUMNS} FROM sync_log l WHERE l.origin = ? AND l.seq > ? ORDER BY l.seq",
        (ident, seq),
    ):
        if row[2] != stamp:
            break
        after.append(names.run(row))
    return before[::-1] + after


def after(conn: sqlite3.Connection, origin: str, seq: int) -> list[Run]:
    """This origin's records numbered after ``seq``.

    Args:
        origin: the origin's device id.
        seq: the sequence number after which.

    Returns:
        Its runs from ``seq + 1`` on, in number order (empty when there are none or the origin is
        unknown).
    """
    return read(conn, origin, seq + 1, 2**63 - 1)


def staff(conn: sqlite3.Connection) -> list[Run]:
    """Every run of the staff table (who had which role when).

    Returns:
        The runs of ``staff`` from every origin, in no particular order.
    """
    names = _Names(conn)
    return names.runs(conn.execute(f"SELECT {_COLUMNS} FROM sync_log l WHERE l.tbl = 'staff'"))


def of_table(conn: sqlite3.Connection, table: str) -> list[Run]:
    """Every run the log holds of ``table`` (in no particular order).

    Args:
        table: the table.

    Returns:
        The runs, from every origin.
    """
    names = _Names(conn)
    return names.runs(conn.execute(f"SELECT {_COLUMNS} FROM sync_log l WHERE l.tbl = ?", (table,)))


class Existence(NamedTuple):
    """A record that creates or deletes a row (``existences``)."""

    pk: str
    cl: int
    hlc: int
    origin: str
    seq: int  # the existence record's own number
    values: tuple[object, ...] | None  # a creation's values of the fields asked for


def existences(
    conn: sqlite3.Connection,
    table: str,
    cols: tuple[str, ...],
    *,
    rows: Iterable[str] | None = None,
    facts: Iterable[tuple[object, ...]] | None = None,
) -> list[Existence]:
    """The records of ``table`` that create or delete a row, with the values of ``cols`` where
    a creation's run carries them all: of the ``rows`` keys given, or every deletion and the
    creations whose values of ``cols`` are among ``facts``. One pass over the log, the values
    read by SQLite (a value its run refers to, such as the author's callsign, is decoded).

    Args:
        table: the table.
        cols: the columns whose values are read.
        rows: the row keys (JSON text) asked about, or None.
        facts: the values of ``cols`` asked about, or None.

    Returns:
        One ``Existence`` per creation or deletion found (key, clock, stamp, origin, its number, and
        a creation's values of ``cols`` or None), in no particular order.
    """
    names = _Names(conn)
    width = len(cols)
    places = []
    for shape_id, text in conn.execute("SELECT id, cols FROM sync_shape"):
        fields = json.loads(text)
        if EXISTENCE in fields:
            spots = [fields.index(c) if c in fields else None for c in cols]
            if None in spots:  # a run without the fields: none of their values
                spots = [None] * width
            places.append((shape_id, fields.index(EXISTENCE), *spots))
    for name in ("log_shapes", "log_pks", "log_facts"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    marks = ", ".join(f"p{i}" for i in range(width))
    conn.execute(f"CREATE TEMP TABLE log_shapes (id INTEGER PRIMARY KEY, at INTEGER, {marks})")
    conn.executemany(f"INSERT INTO temp.log_shapes VALUES ({', '.join('?' * (width + 2))})", places)
    value = [f"json_extract(l.vals, '$[' || s.p{i} || ']')" for i in range(width)]
    kind = [f"json_type(l.vals, '$[' || s.p{i} || ']')" for i in range(width)]
    where = "l.tbl = ?"
    if rows is not None:
        conn.execute("CREATE TEMP TABLE log_pks (pk TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.executemany("INSERT OR IGNORE INTO temp.log_pks VALUES (?)", [(r,) for r in rows])
        where += " AND l.pk IN (SELECT pk FROM temp.log_pks)"
    if facts is not None:
        conn.execute(f"CREATE TEMP TABLE log_facts ({marks})")
        conn.executemany(
            f"INSERT INTO temp.log_facts VALUES ({', '.join('?' * width)})", list(facts)
        )
        where += (
            " AND (l.cl % 2 = 0 OR s.p0 IS NULL OR l.vals IS NULL"
            + "".join(f" OR {k} = 'object'" for k in kind)
            + f" OR ({', '.join(value)}) IN (SELECT {marks} FROM temp.log_facts))"
        )
    found: list[Existence] = []
    for row in conn.execute(
        f"SELECT l.pk, l.cl, l.hlc, l.origin, l.seq + s.at, l.actor, l.vals,"
        f" {', '.join(f's.p{i}' for i in range(width))}, {', '.join(value)}, {', '.join(kind)}"
        f" FROM sync_log l CROSS JOIN temp.log_shapes s ON s.id = l.shape WHERE {where}",
        (table,),
    ):
        pk, cl, hlc, origin, seq, actor, vals = row[:7]
        spots, picks, kinds = (
            row[7 : 7 + width],
            row[7 + width : 7 + 2 * width],
            row[7 + 2 * width :],
        )
        values: tuple[object, ...] | None = None
        if cl % 2 == 1 and vals is not None and spots[0] is not None:
            if "object" in kinds:  # a value the run refers to, or a blob
                decoded = decode_values(vals, pk, actor, hlc)
                values = tuple(decoded[i] for i in spots)
            else:
                values = tuple(picks)
        found.append(Existence(pk, cl, hlc, names.devices[origin], seq, values))
    for name in ("log_shapes", "log_pks", "log_facts"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    return found


def since(conn: sqlite3.Connection, stamp: int) -> list[Run]:
    """Every run with a later clock than ``stamp``.

    Args:
        stamp: a hybrid logical clock stamp.

    Returns:
        The runs, from every origin, in no particular order.
    """
    names = _Names(conn)
    return names.runs(conn.execute(f"SELECT {_COLUMNS} FROM sync_log l WHERE l.hlc > ?", (stamp,)))


def of_rows(
    conn: sqlite3.Connection, rows: Iterable[tuple[str, str]], *, critical: bool = False
) -> list[Run]:
    """Every run of these (table, key) rows (``critical``: only runs that carry ``prev``).

    Args:
        rows: (table, row key) of each row.
        critical: only runs that carry ``prev``.

    Returns:
        The runs, from every origin, in no particular order (empty for no rows).
    """
    wanted = sorted(set(rows))
    if not wanted:
        return []
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS log_rows (tbl TEXT, pk TEXT, PRIMARY KEY (tbl, pk))"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.log_rows")
    conn.executemany("INSERT INTO temp.log_rows VALUES (?, ?)", wanted)
    names = _Names(conn)
    if critical:
        sql = (
            f"SELECT {_COLUMNS} FROM temp.log_rows r CROSS JOIN sync_log l"  # the rows first
            " ON l.pk = r.pk AND l.tbl = r.tbl WHERE l.prevs IS NOT NULL"
        )
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM sync_log l JOIN temp.log_rows r"
            " ON r.tbl = l.tbl AND r.pk = l.pk"
        )
    found = names.runs(conn.execute(sql))
    conn.execute("DELETE FROM temp.log_rows")
    return found


def revisited(conn: sqlite3.Connection, rows: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (table, key) rows have more than one run that carries ``prev`` (only
    those can hold two records of one critical field).

    Args:
        rows: (table, row key) of each row.

    Returns:
        The ``(table, key)`` pairs among ``rows`` with at least two such runs.
    """
    wanted = sorted(set(rows))
    if not wanted:
        return set()
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS log_rows (tbl TEXT, pk TEXT, PRIMARY KEY (tbl, pk))"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.log_rows")
    conn.executemany("INSERT INTO temp.log_rows VALUES (?, ?)", wanted)
    found = {
        (str(t), str(p))
        for t, p in conn.execute(
            "SELECT r.tbl, r.pk FROM temp.log_rows r WHERE (SELECT count(*) FROM"
            " (SELECT 1 FROM sync_log l WHERE l.tbl = r.tbl AND l.pk = r.pk"
            " AND l.prevs IS NOT NULL LIMIT 2)) > 1"
        )
    }
    conn.execute("DELETE FROM temp.log_rows")
    return found


# Upgrading ---------------------------------------------------------------------------------------


def upgrade(conn: sqlite3.Connection) -> None:
    """Move a change log kept one record per row (before schema 17: ``sync_change_v1``) into
    runs; inside the migration's transaction."""
    if not conn.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'sync_change_v1'"
    ).fetchone():
        return
    from .change import Change

    origins = [r[0] for r in conn.execute("SELECT DISTINCT origin FROM sync_change_v1")]
    for origin in origins:
        rows = conn.execute(
            "SELECT origin, seq, hlc, tbl, pk, col, val, cl, prev, actor FROM sync_change_v1"
            " WHERE origin = ? ORDER BY seq",
            (origin,),
        )
        store(conn, runs_of(Change(*row) for row in rows))
    conn.execute("DROP TABLE sync_change_v1")
