"""What ``db repair`` did, in words: the facts it returns (``Store.repaired``, the records
``log.set_aside_malformed`` set aside as ``SetAside.as_dict`` gives them) as sentences for the
person and as JSON for a script. The records set aside are named one by one, with why, where
what they held is kept (the repair's audit event) and the command that shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from store.sync.reason import Reason
from store.validate import visible

from . import _, ngettext, states
from .quarantine import worded

#: How many set-aside records a sentence names (the rest are counted; JSON names them all).
SHOWN = 5

#: The command that shows what was set aside (the repair's audit events keep it).
LOOK = "schildwacht audit list --action db.repair --format json"


def numbers(item: Mapping[str, Any]) -> str:
    """The record numbers a thing set aside covers: ``#19`` or ``#19–#29``.

    Args:
        item: a ``SetAside.as_dict()``.
    """
    first, last = item["first"], item["last"]
    return f"#{first}" if first == last else f"#{first}–#{last}"


def reason(item: Mapping[str, Any]) -> str:
    """Why a thing was set aside, in words.

    Args:
        item: a ``SetAside.as_dict()``.
    """
    return worded(Reason(str(item["why"]["code"]), dict(item["why"].get("params") or {})))


def set_aside_item(item: Mapping[str, Any]) -> str:
    """One thing set aside: its record numbers, table and why.

    Args:
        item: a ``SetAside.as_dict()``.
    """
    why = reason(item)
    if item["what"] == "segment":
        return _("the signed segment of records {numbers} ({why})").format(
            numbers=numbers(item), why=why
        )
    table = f"{item['table']}: " if item.get("table") else ""
    return f"{numbers(item)} ({visible(table)}{why})"


def set_aside_sentence(items: Sequence[Mapping[str, Any]], count: int) -> str:
    """The paragraph after a repair that set records aside: what, why, what becomes of them,
    where what they held is kept and how to look at it.

    Args:
        items: the records named (``SetAside.as_dict()`` each).
        count: how many were set aside in all.
    """
    named = "; ".join(set_aside_item(i) for i in items[:SHOWN])
    if count > min(len(items), SHOWN):
        named += "; " + _("{n} more").format(n=count - min(len(items), SHOWN))
    return (
        ngettext(
            "Set aside {n} record of this laptop's change log that no Schildwacht wrote or no "
            "other laptop could read: {named}.",
            "Set aside {n} records of this laptop's change log that no Schildwacht wrote or no "
            "other laptop could read: {named}.",
            count,
        ).format(n=count, named=named)
        + " "
        + _(
            "Each keeps its number but carries nothing, so the other laptops quarantine it and "
            "take the rest; the rows it named stay in this database as they are. What each "
            "record held is kept in the audit trail: {look}"
        ).format(look=f"`{LOOK}`.")
    )


def rebuilt(tables: Sequence[str]) -> str:
    """The sentence for tables a tool had rewritten that the repair rebuilt with this
    version's definition (``integrity.rebuild_tables``).

    Args:
        tables: the tables rebuilt.
    """
    return ngettext(
        "Rebuilt table {tables} with this version's definition (a tool had rewritten it); "
        "every row was kept.",
        "Rebuilt tables {tables} with this version's definition (a tool had rewritten them); "
        "every row was kept.",
        len(tables),
    ).format(tables=", ".join(tables))


def counts_restored(items: Sequence[Mapping[str, Any]]) -> str:
    """The sentence for change log records whose count of records alone was changed and was
    restored from their field list (``log.restore_counts``).

    Args:
        items: ``{"device", "seq", "was", "now"}`` each.
    """
    named = "; ".join(
        _("#{seq} of device {device}: {was} → {now}").format(**i) for i in items[:SHOWN]
    )
    if len(items) > SHOWN:
        named += "; " + _("{n} more").format(n=len(items) - SHOWN)
    return ngettext(
        "Restored the count of records of {n} change log record from its field list (it had "
        "been changed outside Schildwacht; what it carries is unchanged): {named}.",
        "Restored the count of records of {n} change log records from their field lists (it "
        "had been changed outside Schildwacht; what they carry is unchanged): {named}.",
        len(items),
    ).format(n=len(items), named=named)


def unrepaired(items: Sequence[Mapping[str, Any]]) -> str:
    """The sentence for change log records no Schildwacht wrote that the repair could not set
    aside (already sent, or another laptop's): export refuses until a backup is restored.

    Args:
        items: ``{"device", "seq", "why"}`` each (``log.unrepaired``).
    """
    first = items[0]
    why = worded(Reason(str(first["why"]["code"]), dict(first["why"].get("params") or {})))
    return ngettext(
        "Not repaired: record #{seq} of device {device} ({why}) is not one Schildwacht wrote "
        "and was already sent or came from another laptop, so it cannot be set aside; "
        "`sync export` refuses until the latest backup is restored.",
        "Not repaired: {n} records of the change log, the first #{seq} of device {device} "
        "({why}), are not ones Schildwacht wrote and were already sent or came from another "
        "laptop, so they cannot be set aside; `sync export` refuses until the latest backup "
        "is restored.",
        len(items),
    ).format(n=len(items), seq=first["seq"], device=first["device"], why=why)


def removed_queue(count: int) -> str:
    """The sentence for queued rows no trigger wrote, removed (they were never sealed).

    Args:
        count: how many were removed.
    """
    return ngettext(
        "Removed {n} row no Schildwacht wrote from the queue of changes to send (it was never "
        "sealed; what really changed was captured again).",
        "Removed {n} rows no Schildwacht wrote from the queue of changes to send (they were "
        "never sealed; what really changed was captured again).",
        count,
    ).format(n=count)


def as_json(done: Mapping[str, Any], kept: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the repair did, for a script: the guards it put back, the queued rows removed, each
    record set aside (its facts, its reason in words, what it held) and where that is kept,
    and whether the indexes were rebuilt from their tables.

    Args:
        done: ``Store.repaired`` (with ``set_aside`` counting both steps of the repair).
        kept: every record set aside (``SetAside.as_dict()`` each, as the audit events keep
            them: at most ``log.NAMED`` per step).
    """
    return {
        "guards_restored": {
            "missing": list(done.get("missing", [])),
            "altered": list(done.get("altered", [])),
            "unexpected": list(done.get("unexpected", [])),
        },
        "reindexed": bool(done.get("reindexed")),  # indexes rebuilt from their tables
        "queue_rows_removed": int(done.get("malformed_queue", 0)),
        "set_aside": int(done.get("set_aside", 0)),
        "set_aside_records": [{**k, "reason": reason(k)} for k in kept],
        "set_aside_kept_in": {"audit_action": "db.repair", "look": LOOK},
        "catalogue": states.catalogue(done.get("catalogue")),
        "rederived": list(done.get("rederived", [])),
        "counts_restored": list(done.get("counts_restored", [])),
        "tables_rebuilt": list(done.get("rebuilt", [])),
        "unrepaired": list(done.get("unrepaired", [])),
    }
