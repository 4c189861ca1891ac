"""The receipt of importing one bundle file: what was applied, skipped as already held, deferred,
put in conflict and quarantined, or why the file was refused.

Its JSON form, one object per file, is part of the command-line contract::

    {file, bundle_id, origin, result, applied, skipped, deferred, conflicts,
     quarantined: [{device, seq, table, field, reason, ...}], tables: [...],
     records_applied, records: [{table, applied, deferred}],
     warnings: [{code, ...params}], alarms: [{code, ...params}], gaps: [{code, ...params}], ...}

Warnings, alarms and gaps are facts (``notice.Notice``): a stable ``code`` and its params;
``words/receipts.py`` words them (the command line adds that sentence as ``text``).

``applied``, ``skipped``, ``deferred`` and ``conflicts`` and the ``tables`` entries count
changes: one per field of a record (and one for its existence). ``records`` counts records per
table: the rows that changes were applied to, or are waiting for (``deferred``);
``records_applied`` is their sum.

``result`` is a ``Result``: ``applied``, ``partly applied`` (a segment set aside: a gap, or an
origin with too many deferred changes), ``already applied``, ``sent by this device``, ``not
addressed to this device``, ``not in the team's roster``, ``damaged`` or ``refused``. These
values are the JSON contract (scripts read them); people read the words ``words/receipts.py``
gives each, and code compares the members, never the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .notice import Notice
from .quarantine import Quarantined


class Result(StrEnum):
    """What became of a bundle file: a stable value for scripts (the JSON's ``result``)."""

    #: every change was judged (applied, deferred, quarantined or in conflict)
    APPLIED = "applied"
    #: a segment was set aside: a gap, or an origin with too many deferred changes
    PARTLY_APPLIED = "partly applied"
    #: this bundle was imported before; nothing changed
    ALREADY_APPLIED = "already applied"
    #: this laptop's own bundle
    SENT_HERE = "sent by this device"
    #: written for other devices (in a sync folder: not this laptop's to read)
    NOT_ADDRESSED = "not addressed to this device"
    #: a folder's file written for the team but not for this laptop, as is every member's file
    #: of its roster version: the team keeps a roster that does not list it
    #: (``exchange._left_out``)
    LEFT_OUT = "not in the team's roster"
    #: it cannot be decrypted or read as a bundle
    DAMAGED = "damaged"
    #: it failed a check (``check``; its refusal is the receipt's warning)
    REFUSED = "refused"


#: The older name of ``Result.LEFT_OUT``.
LEFT_OUT = Result.LEFT_OUT
#: Results after which the command exits 5 (with quarantined changes, it always does).
FAILED = frozenset({Result.DAMAGED, Result.REFUSED, Result.LEFT_OUT})


@dataclass
class Receipt:
    """The receipt of importing one bundle file (module docstring: its JSON form).

    Attributes:
        bundle_id: the bundle's id ("" when the file was refused before it was read).
        sender: the sending device's label (or its folder's name, when unreadable).
        result: what became of the file (module docstring).
        origin: the sending device's id.
        file: the file's path.
        applied, skipped, deferred, conflicts: changes per table.
        quarantined: the changes held because they broke a rule.
        labels: device id → label, for people.
        check: the check a refused file failed.
        gaps: segments set aside because earlier changes are missing (``segment_missing``).
        set_aside: origins with too many waiting changes.
        over_limit: origins this import took past that limit.
        forked: per origin whose chain forked, its segments set aside (``forks.py``).
        warnings: what a person should know, as facts (``notice.Notice``; worded by
            ``words.receipts``).
        alarms: audit trails found cut or rewritten, chains forked (exit 5), as facts.
        orphans: changes to rows no longer here.
        joined: the team's name, when this was the welcome bundle.
        rows: per outcome (``applied``, ``deferred``), per table, the keys of the records
            its changes touched (``record``).
    """

    bundle_id: str
    sender: str  # the sending device's label (or its folder's name, when unreadable)
    result: Result
    origin: str = ""  # the sending device's id
    file: str = ""
    applied: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    deferred: Counter[str] = field(default_factory=Counter)
    conflicts: Counter[str] = field(default_factory=Counter)
    quarantined: list[Quarantined] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # device id → label, for people
    check: str = ""  # the check a refused file failed
    gaps: list[Notice] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # origins with too many waiting changes
    over_limit: list[str] = field(default_factory=list)  # origins this import took past it
    warnings: list[Notice] = field(default_factory=list)
    #: an audit trail found cut or rewritten (this import's witnessing): exit 5
    alarms: list[Notice] = field(default_factory=list)
    #: per origin that forked its chain, how many of its segments were set aside
    forked: dict[str, int] = field(default_factory=dict)
    orphans: int = 0
    joined: str | None = None  # the team name, when this was the welcome
    rows: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def record(self, outcome: str, table: str, key: str) -> None:
        """A change to the record ``key`` of ``table`` was applied (or deferred).

        Args:
            outcome: ``applied`` or ``deferred``.
            table: the record's table.
            key: the record's primary key (JSON text).
        """
        self.rows.setdefault(outcome, {}).setdefault(table, set()).add(key)

    def records(self) -> list[dict[str, Any]]:
        """Per table, how many records changes were applied to and how many wait.

        Returns:
            One ``{"table", "applied", "deferred"}`` per table touched, sorted by table: how
            many distinct rows (record keys) changes were applied to, or wait for.
        """
        applied, deferred = self.rows.get("applied", {}), self.rows.get("deferred", {})
        return [
            {
                "table": t,
                "applied": len(applied.get(t, ())),
                "deferred": len(deferred.get(t, ())),
            }
            for t in sorted(set(applied) | set(deferred))
        ]

    @property
    def status(self) -> str:  # the older name of ``result``
        """The older name of ``result``."""
        return self.result

    @status.setter
    def status(self, value: str) -> None:
        """Set ``result`` by its older name."""
        self.result = Result(value)

    @property
    def known(self) -> Counter[str]:  # the older name of ``skipped``
        """The older name of ``skipped``."""
        return self.skipped

    @property
    def failed(self) -> bool:
        """Whether the import failed or left something to look at (quarantined, set aside, over a
        limit, an alarm)."""
        return self.result in FAILED or bool(
            self.quarantined or self.set_aside or self.over_limit or self.alarms
        )

    def tables(self) -> list[dict[str, Any]]:
        """Per table: how many changes were applied, skipped, deferred and quarantined.

        Returns:
            One ``{"table", "applied", "already_known", "deferred", "in_conflict", "quarantined"}``
            per table with any, counts of changes, sorted by table.
        """
        quarantined = Counter(q.table for q in self.quarantined)
        names = sorted(
            set(self.applied) | set(self.skipped) | set(self.deferred) | set(quarantined)
        )
        return [
            {
                "table": t,
                "applied": self.applied[t],
                "already_known": self.skipped[t],
                "deferred": self.deferred[t],
                "in_conflict": self.conflicts[t],
                "quarantined": quarantined[t],
            }
            for t in names
        ]

    def as_dict(self) -> dict[str, Any]:
        """The receipt as JSON values (what a script reads).

        Returns:
            A JSON-ready dict: the file, bundle id, origin, sender, ``result`` and ``check`` (None
            when not refused); counts of changes applied, skipped, deferred, in conflict; the
            quarantined changes (``Quarantined.as_dict``), ``tables`` and ``records``; the gaps,
            warnings and alarms as notices (times as UTC ISO text); what was set aside, over the
            limit, forked, orphaned and joined.
        """
        return {
            "file": self.file,
            "bundle_id": self.bundle_id,
            "origin": self.origin,
            "sender": self.sender,
            "result": str(self.result),
            "check": self.check or None,
            "applied": sum(self.applied.values()),
            "skipped": sum(self.skipped.values()),
            "deferred": sum(self.deferred.values()),
            "conflicts": sum(self.conflicts.values()),
            "quarantined": [q.as_dict(self.labels.get(q.device, "")) for q in self.quarantined],
            "tables": self.tables(),
            "records_applied": sum(len(keys) for keys in self.rows.get("applied", {}).values()),
            "records": self.records(),
            "gaps": [n.as_dict() for n in self.gaps],
            "set_aside": self.set_aside,
            "over_limit": self.over_limit,
            "warnings": [n.as_dict() for n in self.warnings],
            "alarms": [n.as_dict() for n in self.alarms],
            "forked": dict(self.forked),
            "orphans": self.orphans,
            "joined": self.joined,
        }
