"""Judging received change records by the rule table (``store/rules.py``) before anything is
applied.

Every record gets one verdict:

- **apply**: the change is one its device and its author could have made through the store;
- **quarantine** (a rule it breaks): never applied, kept with its device, number, table, field
  and reason, shown everywhere;
- **defer** (what it waits for): it cannot be judged yet — a table or column of a newer version,
  a clock more than a day ahead, an author or a row this laptop has not heard of yet. Kept and
  judged again when that arrives.

A verdict is a function of the records this laptop holds, never of the order they came in: the
device's role is the signed roster's; the author's role is the one their staff record had, in
the accepted records, *before* the change (by clock, then device), so a late role change is
judged the same everywhere; whether a referenced row exists is whether any record of its
creation is held. Records are judged a change set at a time (one local write transaction of one
device, ``(origin, hlc)``), because some rules look across it: an activity is cancelled, moved or
shortened only together with its restriction (R5), and a row is created whole or not at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .. import rules, validate, workflows
from ..errors import BadInput, StoreError
from . import judge_plans, judge_signals, written
from .capture import DAY_MS
from .change import (
    EXISTENCE,
    Change,
    Run,
    changes_of,
    clock_moment,
    clock_text,
    hlc_wall_ms,
    key_of,
    key_parts,
)
from .clashes import derived, first_order, hashed, is_derived
from .conflicts import ASSESSED, field_of
from .reason import fact, read
from .reason import value as cut
from .tables import CRITICAL_FIELDS

Key = tuple[str, int]  # (origin, seq)
#: What a record dated ahead waits for: ``clock:`` and the time it is dated.
CLOCK_WAIT = "clock:"
#: The longest history (``prev``) a critical field's record may carry: the concurrent values
#: its writer saw, a few dozen references at most (an honest one is far shorter).
MAX_HISTORY = 64 * 1024
At = tuple[int, str]  # (hlc, origin): the order in which changes were made


@dataclass(frozen=True)
class Verdict:
    """What the judge decided for one change record.

    Attributes:
        outcome: ``apply``, ``quarantine`` (it broke a rule, ``rule``) or ``defer`` (it waits
            for something not yet here, named in ``rule``).
        rule: what was broken, or what it waits for; "" when it applies.
        reason: why, as a fact (``reason.fact``: canonical JSON of a code and its params),
            kept as it is and worded by the faces (``words.quarantine``).
    """

    outcome: str  # apply | quarantine | defer
    rule: str = ""  # what was broken (quarantine) or what it waits for (defer)
    reason: str = ""

    @property
    def applies(self) -> bool:
        """Whether the change is applied now (neither held back nor quarantined)."""
        return self.outcome == "apply"


APPLY = Verdict("apply")
#: One verdict for all of a run's records, or one per record.
RunVerdict = Verdict | tuple[Verdict, ...]


def quarantine(rule: str, code: str, **params: Any) -> Verdict:
    """The verdict for a change that broke ``rule``, with the reason as a fact.

    Args:
        rule: the rule broken (``R1``, ``role``…).
        code: why (a key of ``words.quarantine.REASONS``).
        **params: the facts of the reason (JSON values).

    Returns:
        A ``Verdict`` with outcome ``quarantine``, ``rule`` and the reason's canonical JSON
        (``reason.fact``).
    """
    return Verdict("quarantine", rule, fact(code, **params))


def defer(waits: str, code: str, **params: Any) -> Verdict:
    """The verdict for a change that waits for ``waits`` (``"clock"``, ``"row:…"``), with the
    reason as a fact.

    Args:
        waits: what it waits for (``clock``, ``row:…``).
        code: why (a key of ``words.quarantine.REASONS``).
        **params: the facts of the reason (JSON values).

    Returns:
        A ``Verdict`` with outcome ``defer``, ``waits`` as its rule and the reason's canonical JSON.
    """
    return Verdict("defer", waits, fact(code, **params))


_NO_DEVICE = quarantine("device", "device_unknown")
_REVOKED = quarantine("revoked", "after_revocation")
_FORKED = quarantine("forked", "after_fork")
#: The verdict on every record of a forked laptop after its cut (``forks.set_aside``).
FORKED = _FORKED
_CLOCK_AHEAD = defer("clock", "clock_day_ahead")
_EXISTENCE_VALUE = quarantine("malformed", "existence_value")
_PLAIN_HISTORY = quarantine("malformed", "history_on_plain_field")
_NO_HISTORY = quarantine("malformed", "no_history")
_TWICE = quarantine("malformed", "written_twice")

#: The store's refusal codes this module's checks make on a received change (the planning
#: checks' are ``judge_plans.JUDGED_CODES``; the scan test collects every ``judge*.py``'s).
JUDGED_CODES = frozenset(
    {
        "status_not_plain",  # status_needs_restriction
        "status_set_by_restriction",  # status_needs_restriction
        "stays_cancelled",  # cancelled_never_again
        "done_before_end",  # done_before_it_ends, done_before_end
        "done_hides_replanning",  # done_needs_replanning
        "done_moved_ahead",  # _done_and_moved
        "move_needs_restriction",  # needs_restriction, not_as_restricted
        "restriction_into_past",  # restricted_into_past
        "restriction_after_end",  # restricted_after_end
        "restriction_of_done",  # restricted_when_done
        "calendar_authority_reserved",  # _from_a_calendar
        "signal_activity_of_another",  # activity_of_another
        "experience_activity_of_another",  # experience_activity_of_another
        "care_module_not_for_member",  # _care_of_its_member
        "care_date_before_member",  # _care_of_its_member
        "care_not_a_person",  # _of_a_person
        "withdraw_not_yours",  # withdraw_not_signer
        "handover_withdrawn",  # accepts_withdrawn
        "no_such_option",  # answer_no_such_option
        "request_option_not_feasible",  # answer_option_not_feasible
        "request_assessment_unreadable",  # answer_of_unreadable
        "admin_operator_role_elsewhere",  # admin_operator_elsewhere
        "request_option_gone",  # _answers_its_request: a deployment of the option refused
    }
)


def named(text: str) -> str:
    """A callsign or device label inside a reason: cut short (the words make it visible).

    Args:
        text: the callsign or label.

    Returns:
        At most the first 40 characters of ``text``.
    """
    return text[:40]


def callsign(text: object) -> str:
    """A callsign as records compare them: text, stripped, upper case.

    Args:
        text: the callsign as a record carries it.

    Returns:
        ``str(text)``, stripped of white space, in upper case.
    """
    return str(text).strip().upper()


@dataclass(frozen=True)
class Device:
    """A device of the team as the roster names it.

    Attributes:
        id: its device id.
        label: its label, for people.
        role: the role it was enrolled with (``access.ROLES``).
        status: ``active`` or ``revoked``.
        revoked_after: its last sequence number accepted before revocation, or None.
        forked_after: its last sequence number accepted before its change log forked
            (``forks.py``), or None.
        operator: what its enrolment binds of its own operator (the signed roster's entry):
            ``callsign``, ``staff`` (the row's id), and where the roster holds them ``unit``
            and ``operator_role``; empty for a device enrolled before rosters bound one.
    """

    id: str
    label: str
    role: str
    status: str
    revoked_after: int | None
    forked_after: int | None = None
    operator: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def cut(self) -> tuple[int, Verdict] | None:
        """The last number accepted from it and why later ones are not (revoked, forked).

        Returns:
            ``(last sequence number accepted, the verdict for later ones)``: the lower of a
            revocation's and a fork's cut (at the same number, the revocation); None when the device
            is neither revoked nor forked.
        """
        found = []
        if self.status == "revoked":
            found.append((self.revoked_after or 0, 0, _REVOKED))
        if self.forked_after is not None:
            found.append((self.forked_after, 1, _FORKED))
        if not found:
            return None
        last, _order, why = min(found, key=lambda f: (f[0], f[1]))
        return last, why


class RoleBook:
    """Who is who and had which role when, from the accepted staff records; and what became of
    every held record of a person's creation (accepted, quarantined or still waiting).

    One lookup answers "who is the author recorded as ``name`` at a moment, and what may they
    do", the same on every laptop (a function of the held records and the signed roster only):

    - a callsign the roster binds to a laptop's enrolled operator is that staff row (from its
      creation on; until its creation is held here, changes by that callsign wait for it);
    - otherwise the row created with that callsign, of those that existed then, created
      first (stamp, device, then id): the row that keeps the callsign when two laptops gave it
      to two people (``clashes.settle``);
    - otherwise the row that lost such a clash and is kept under this derived callsign
      (``RT-0600-56FE``, ``clashes.derived``).
    """

    def __init__(
        self, bound: Mapping[str, str] | None = None, enrolled: dict[str, int] | None = None
    ) -> None:
        #: callsign → the staff row key (``["id"]``) the signed roster binds it to
        self._bound = {callsign(name): pk for name, pk in (bound or {}).items()}
        #: device → its enrolment as a clock value (``clashes.enrolled_clocks``)
        self._enrolled = enrolled or {}
        self._created: dict[str, At] = {}  # pk → when its accepted creation was made
        self._name: dict[str, str] = {}  # pk → the callsign it was created with
        self._rows: dict[str, set[str]] = defaultdict(set)  # callsign or derived one → pks
        self._roles: dict[str, list[tuple[At, str]]] = defaultdict(list)  # pk → role history
        #: callsign or derived one → every held creation under it: (when, state, pk)
        self._creations: dict[str, list[tuple[At, str, str]]] = defaultdict(list)
        self._refused: set[str] = set()  # pks whose creation was quarantined
        #: callsign → the admin laptop's name claims of it: (claimed at, claim id, staff pk)
        self._claims: dict[str, list[tuple[str, str, str]]] = defaultdict(list)

    def add(self, record: Change) -> None:
        """Take in an accepted staff record (its callsign or its role).

        Args:
            record: the accepted staff record.
        """
        at = (record.hlc, record.origin)
        if record.col == "callsign" and isinstance(record.val, str):
            name = callsign(record.val)
            if record.pk not in self._created or at < self._created[record.pk]:
                self._created[record.pk] = at
            self._name[record.pk] = name
            for each_name in self.names(record.pk, name):
                self._creations[each_name].append((at, "accepted", record.pk))
                self._rows[each_name].add(record.pk)
        elif record.col == "role" and isinstance(record.val, str):
            self._roles[record.pk].append((at, record.val))

    def note(self, record: Change, state: str) -> None:
        """A held creation of a person that was not accepted: 'quarantined' or 'deferred'.

        Args:
            record: the held creation.
            state: ``quarantined`` or ``deferred``.
        """
        if record.col == "callsign" and isinstance(record.val, str):
            at = (record.hlc, record.origin)
            if state == "quarantined":
                self._refused.add(record.pk)
            for each_name in self.names(record.pk, callsign(record.val)):
                self._creations[each_name].append((at, state, record.pk))

    def claim(self, name: str, pk: str, claimed_at: str, claim_id: str) -> None:
        """Take in an accepted name claim of a callsign (``clashes.witness``): of the rows
        created with it, the one the earliest claim names keeps it, as ``clashes.settle`` gives it.

        Args:
            name: the callsign claimed.
            pk: the staff row's key (JSON text) the claim names.
            claimed_at: when it was claimed (stored UTC text).
            claim_id: the claim's id.
        """
        self._claims[callsign(name)].append((claimed_at, claim_id, pk))

    def rows_named(self, name: str) -> set[str]:
        """The staff rows (keys) whose accepted creation carries this callsign.

        Args:
            name: a callsign, as records compare them.

        Returns:
            The staff rows' keys (JSON text); empty when no accepted creation carries it.
        """
        return {pk for pk in self._rows.get(name, ()) if self._name.get(pk) == name}

    def _claimed(self, name: str) -> str | None:
        """The row the earliest claim of ``name`` names, of the rows created with it."""
        held = [c for c in self._claims.get(name, ()) if self._name.get(c[2]) == name]
        return min(held)[2] if held else None

    @staticmethod
    def names(pk: str, name: str) -> list[str]:
        """The callsign a row was created with and every derived one a clash may give it.

        Args:
            pk: the staff row's key (JSON text).
            name: the callsign it was created with.

        Returns:
            ``name`` first, then the names a clash may derive from it (4, 6, 8, 12 and 32 characters
            of the id, and its first hashed ones).
        """
        row_id = str(_key_values(pk)[0] if _key_values(pk) else pk)
        return [
            name,
            *(derived("callsign", name, row_id, d) for d in (4, 6, 8, 12, 32)),
            *(hashed("callsign", name, row_id, turn) for turn in range(3)),
        ]

    def _waits_for_bound(self, name: str) -> bool:
        """Whether ``name`` is bound to a row whose creation is not held here (or waits)."""
        bound = self._bound.get(name)
        return bound is not None and bound not in self._created and bound not in self._refused

    def heard_of(self, name: str) -> bool:
        """Whether a creation of this person is held that is not itself waiting.

        Args:
            name: a callsign, as records compare them.

        Returns:
            True when an accepted or quarantined creation holds that callsign and it does not wait
            for a bound row.
        """
        if self._waits_for_bound(name):
            return False
        return any(state != "deferred" for _at, state, _pk in self._creations.get(name, ()))

    def row_at(self, name: str, at: At) -> str | None:
        """The staff row (its key) that ``name`` stood for just before ``at``, or None.

        Args:
            name: a callsign, as records compare them.
            at: (hlc, origin): a point in the order changes were made.

        Returns:
            The staff row's key (JSON text): the roster's bound row, else the first row created with
            that exact callsign, else the first that lost it since; None when none stood for it then
            (or it waits for the bound row).
        """
        bound = self._bound.get(name)
        if bound is not None and self._name.get(bound) == name and self._created[bound] < at:
            return bound
        if self._waits_for_bound(name):
            return None
        live = [pk for pk in self._rows.get(name, ()) if self._created[pk] < at]
        exact = [pk for pk in live if self._name[pk] == name and pk != bound]
        if exact:
            return min(exact, key=self._first)
        lost = [pk for pk in live if self._name[pk] != name and self._lost(pk, at)]
        return min(lost, key=self._first) if lost else None

    def _first(self, pk: str) -> tuple[bool, tuple[int, str], str]:
        """The order of rows created with one callsign: the one the admin laptop claimed
        first keeps it, else the earlier creation."""
        claimed = self._claimed(self._name[pk]) if self._claims else None
        unclaimed = claimed is not None and claimed != pk
        return (unclaimed, first_order(*self._created[pk], self._enrolled), pk)

    def _lost(self, pk: str, at: At) -> bool:
        """Whether the row had lost its callsign to another by ``at`` (a clash)."""
        name = self._name[pk]
        bound = self._bound.get(name)
        if bound == pk:
            return False
        return any(
            other != pk
            and self._name[other] == name
            and self._created[other] < at
            and (other == bound or self._first(other) < self._first(pk))
            for other in self._rows.get(name, ())
        )

    def role_at(self, name: str, at: At) -> str | None:
        """The role ``name`` had just before ``at`` (None: no accepted role yet).

        Args:
            name: a callsign, as records compare them.
            at: (hlc, origin): a point in the order changes were made.

        Returns:
            A role code (``admin``, ``shift_leader``…), or None.
        """
        pk = self.row_at(name, at)
        return None if pk is None else self.role_of_row(pk, at)

    def roles_before(self, name: str, at: At) -> set[str]:
        """Every role ``name``'s row held before ``at`` (empty: no accepted role yet).

        Args:
            name: a callsign, as records compare them.
            at: (hlc, origin): a point in the order changes were made.

        Returns:
            Role codes; empty when there is no row or no accepted role record before ``at``.
        """
        pk = self.row_at(name, at)
        return {role for when, role in self._roles.get(pk or "", ()) if when < at}

    def role_of_row(self, pk: str, at: At) -> str | None:
        """The role the staff row had just before ``at`` (None: none accepted yet).

        Args:
            pk: the staff row's key (JSON text).
            at: (hlc, origin): a point in the order changes were made.

        Returns:
            A role code, or None.
        """
        earlier = [(when, role) for when, role in self._roles.get(pk, ()) if when < at]
        return max(earlier)[1] if earlier else None

    def lost_since(self, pk: str, at: At) -> tuple[str, At] | None:
        """The role the staff row holds now and the first role change after ``at``, when its
        role changed since (None: the same role, or no role record after ``at``).

        Args:
            pk: the staff row's key (JSON text).
            at: (hlc, origin): a point in the order changes were made.

        Returns:
            ``(the role now, (hlc, origin) of the first change away from the role at at)``, or None.
        """
        later = sorted((when, role) for when, role in self._roles.get(pk, ()) if when > at)
        if not later:
            return None
        then = self.role_of_row(pk, at)
        first = next((when for when, role in later if role != then), None)
        return None if first is None or later[-1][1] == then else (later[-1][1], first)

    def shared(self, pk: str) -> bool:
        """Whether another accepted row was created with this row's callsign (a clash: who
        the callsign and its derived ones stand for may change with this row).

        Args:
            pk: the staff row's key (JSON text).

        Returns:
            True when the row's callsign is held by another accepted creation too.
        """
        name = self._name.get(pk)
        return name is not None and any(
            other != pk and self._name[other] == name for other in self._rows.get(name, ())
        )

    def others(self, name: str, row: str | None) -> bool:
        """Whether a row other than ``row`` was created with the callsign ``name``, or held
        under it (accepted or not).

        Args:
            name: a callsign, as records compare them.
            row: the row's key, or None.

        Returns:
            True when any creation under ``name`` has another key than ``row`` (all of them for
            ``row`` None).
        """
        return any(pk != row for _at, _state, pk in self._creations.get(name, ()))

    def callsign_of(self, pk: str) -> str | None:
        """The callsign the row was created with (None: its creation is not accepted).

        Args:
            pk: the staff row's key (JSON text).

        Returns:
            The callsign (upper case), or None.
        """
        return self._name.get(pk)

    def without_role(self, name: str, at: At) -> Verdict:
        """Why a change by ``name`` at ``at`` has no author's role to judge it by.

        Args:
            name: a callsign, as records compare them.
            at: (hlc, origin): a point in the order changes were made.

        Returns:
            A ``defer`` verdict (``author_unknown``) while the author's creation may still come;
            else a ``quarantine`` verdict: ``author_not_yet`` (created only after ``at``) or
            ``author_quarantined``.
        """
        if self._waits_for_bound(name):
            return defer(f"author:{name}", "author_unknown", name=named(name))
        held = self._creations.get(name, [])
        earlier = {state for when, state, _pk in held if when < at}
        if not held or "deferred" in earlier:
            return defer(f"author:{name}", "author_unknown", name=named(name))
        if not earlier:
            return quarantine("author", "author_not_yet", name=named(name))
        return quarantine("author", "author_quarantined", name=named(name))


@dataclass
class Context:
    """What the judge knows of this laptop; supplied by the importer."""

    devices: Mapping[str, Device]
    catalogue: Mapping[str, frozenset[object]]
    columns: Mapping[str, frozenset[str]]  # synced table → columns this database has
    horizon: int  # a record stamped later than this waits for the clock
    roles: RoleBook
    known_row: Callable[[str, str], bool]  # (table, key) → has any record of it reached us?
    #: (table, key) → whether the row's creation reached this laptop and was quarantined, and no
    #: creation of it was accepted: the row does not exist, as the store would find it
    refused_row: Callable[[str, str], bool] = lambda *_args: False
    #: creations judged in this judging, (table, key) → quarantined (True) or accepted (False):
    #: they count before ``refused_row`` (the held state before this judging)
    judged_rows: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: (table, key) → whether the row's creation waits here (deferred) and no creation of it
    #: was accepted: a reference to it waits for it (the held state before this judging)
    waiting_row: Callable[[str, str], bool] = lambda *_args: False
    #: creations that wait after this judging (deferred now): they count before ``waiting_row``
    waiting_rows: set[tuple[str, str]] = field(default_factory=set)
    held: set[tuple[str, str]] = field(default_factory=set)  # rows created by records judged now
    #: this laptop's clock plus the allowed skew (stored form): a record dated later than it,
    #: of a table whose stated time decides what holds (``rules.DATED_RECORDS``), waits
    soon: str = "9999"
    #: (table, key, critical field, when) → its value just before then, from accepted records
    field_as_of: Callable[[str, str, str, At], object] = lambda *_args: None
    #: (table, key, causal length, creation record) → every held creation of that life of the
    #: row, as (clock, device, number), the earliest first: the row's own creation is the
    #: earliest
    creations: Callable[[str, str, int, Change], list[tuple[int, str, int]]] = lambda *_args: []
    #: (step table, row id, when) → the accepted steps of that row made before then
    #: (``judge_signals.Steps``)
    steps_before: judge_signals.StepsBefore = lambda *_args: []
    #: (table, key, field) → the field's value in the row's own creation (None: not held)
    created_value: Callable[[str, str, str], object] = lambda *_args: None
    #: (device, number) of creation records whose row was created more than once: the judging
    #: of one depends on the others, so they are judged together (filled in by the judge)
    rivals: set[Key] = field(default_factory=set)
    #: activity id → (clock, device) of each accepted cancellation, and whether its calendar's
    cancelled_at: Callable[[str], list[tuple[At, bool]]] = lambda _activity: []
    #: (activity id, when) → why it needed re-planning just before then (R1 …), from the
    #: accepted records (its concept and review flag, its subject's assessments), or None
    replanning: Callable[[str, At], str | None] = lambda *_args: None
    #: (activity id, concept, when) → why the concept is below the level its person required
    #: just before then (R1: the latest accepted assessment by assessed_at, as R2), or None
    below_required: Callable[[str, str, At], str | None] = lambda *_args: None
    #: activity id → its status here before the import, or None
    status_of: Callable[[str], str | None] = lambda _activity: None
    #: (activity key, when) → its status just before then, from accepted records
    status_as_of: Callable[[str, At], object] = lambda *_args: None
    #: (handover id, when) → who withdrew it by an accepted withdrawal made before then, or
    #: None
    withdrawn_before: Callable[[str, At], str | None] = lambda *_args: None
    #: records taken in that the judge noticed something about: (record, kind, detail)
    flags: list[tuple[Change, str, str]] = field(default_factory=list)
    #: change sets (origin, clock) held for an admin: late for a role lost since (``late``)
    late_holds: set[tuple[str, int]] = field(default_factory=set)
    #: change sets (origin, clock) that reached this laptop, the team's admin laptop, in this
    #: import (only the admin laptop decides holds: elsewhere always empty)
    fresh: set[tuple[str, int]] = field(default_factory=set)
    #: origin → how many holds of its change sets this laptop keeps (at most
    #: ``MAX_HOLDS_PER_ORIGIN``: one more is not decided, never pushes another out)
    hold_counts: Mapping[str, int] = field(default_factory=dict)
    #: the team's admin laptop and its bound operator's staff id (``rules.admin_operator_
    #: elsewhere``), from the signed roster
    admin_operator: tuple[str, str] | None = None
    #: the team's admin laptop (the signed roster's ``admin_device``): the one witness of a
    #: name's first holder (``name_claim``)
    admin_device: str | None = None
    #: this laptop's clock (milliseconds)
    now_ms: int = 0
    #: change sets this judging holds for the first time (origin, clock, first number)
    new_holds: set[tuple[str, int, int]] = field(default_factory=set)
    #: what the planning checks read (``judge_plans``); None: they refuse nothing
    plans: judge_plans.Plans | None = None
    #: (clock, device) of a change set → where its stamp came from (``written.clock_source``)
    clock_source: Callable[[At], str] = lambda _at: written.OWN


@dataclass(frozen=True)
class _Shape:
    """Per field of a run's shape, whether it can be judged here (None) or what waits or is
    refused; whether all can; whether any is critical (carries history)."""

    fields: tuple[Verdict | None, ...]
    known: bool
    critical: bool


@dataclass
class _Row:
    """The records of one row in one change set."""

    tbl: str
    pk: str
    existence: Change | None = None
    fields: dict[str, Change] = field(default_factory=dict)
    seqs: list[int] = field(default_factory=list)  # every record added

    @property
    def records(self) -> list[Change]:
        return ([self.existence] if self.existence else []) + list(self.fields.values())

    def add(self, record: Change) -> bool:
        """Take in a record; True when its field was written already in this change set."""
        self.seqs.append(record.seq)
        if record.col == EXISTENCE:
            twice = self.existence is not None
            self.existence = record
        else:
            twice = record.col in self.fields
            self.fields[record.col] = record
        return twice


class Judge:
    """Judges change sets, in the order they were made, against one ``Context``."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._keys: dict[tuple[str, str], Verdict | None] = {}  # each row key checked once
        self._fields: dict[tuple[str, str], Verdict | None] = {}  # each field once
        #: Per field, short text values checked once (times, codes and names repeat; ids do not)
        self._checked: dict[tuple[str, str], dict[str, Verdict | None]] = defaultdict(dict)
        self._memos = 0
        self._latest: dict[int, str] = {}  # clock → the latest time a record may carry
        self._shapes: dict[tuple[str, tuple[str, ...]], _Shape] = {}
        #: cancellations accepted in this judging: activity id → when, and whether by the calendar
        self._cancelled: dict[str, list[tuple[At, bool]]] = defaultdict(list)
        #: per activity, the new time and place its restrictions and corrections in the change
        #: set being judged give it: an activity's new values must be theirs (R5)
        self._targets: dict[str, list[Mapping[str, object]]] = defaultdict(list)
        #: the change set being judged
        self._runs: Sequence[Run] = ()
        #: the activities a deployment of the change set being judged was refused on
        self._deploys_refused: set[object] = set()
        #: workflow steps judged as the store checks them (R7, ``judge_signals``)
        self._workflows = judge_signals.Workflows(
            lambda *a: context.steps_before(*a),
            lambda *a: context.created_value(*a),
            lambda *a: context.field_as_of(*a),
            self._known,
        )

    def change_set(self, runs: Sequence[Run]) -> list[RunVerdict]:
        """Verdicts for every record of one change set (same origin and clock), one entry per
        run: a verdict for all its records, or a tuple with one per record.

        Args:
            runs: the runs of one change set (same origin and clock).

        Returns:
            One ``RunVerdict`` per run, in the order given: a single ``Verdict`` for all its
            records, or a tuple with one per record.
        """
        first = runs[0]
        device = self.context.devices.get(first.origin)
        self._runs = runs
        self._deploys_refused.clear()
        self._targets.clear()
        self._workflows.start()
        verdicts: list[list[Verdict | None]] = []
        # the row of each run with records left to judge: its first run's place, and the
        # places of its other runs, if any (a first import's change set has tens of thousands
        # of rows, nearly each of one run)
        rows: dict[tuple[str, str], int] = {}
        more: dict[tuple[str, str], list[int]] = {}
        for index, run in enumerate(runs):
            key = run.row  # one tuple per run, shared with the memo of keys checked
            found = self._envelope(run, device, key)
            verdicts.append(found)
            if None in found:
                if key in rows:
                    more.setdefault(key, []).append(index)
                else:
                    rows[key] = index
        ahead = self._dated_ahead(runs, verdicts) if rows else None
        if ahead is not None:  # the whole change set waits: it is applied whole or not at all
            for found in verdicts:
                found[:] = [ahead if v is None else v for v in found]
            rows = {}
        if rows:
            assert device is not None  # _envelope quarantines records of unknown devices
            author = _Author.of(self.context, runs, device)
            restrictions: dict[str, set[str]] = defaultdict(set)
            ordered = sorted(
                rows, key=lambda key: _run_order(runs, verdicts, [rows[key], *more.get(key, ())])
            )
            for key in ordered:
                places = [rows[key], *more.get(key, ())]
                self._judge_row(key, [(runs[i], verdicts[i]) for i in places], author, restrictions)
            _one_store_action(runs, verdicts)
        return [_collapse(found) for found in verdicts]

    def _judge_row(
        self,
        key: tuple[str, str],
        parts: list[tuple[Run, list[Verdict | None]]],
        author: _Author,
        restrictions: dict[str, set[str]],
    ) -> None:
        """Judge the records of one row in one change set that passed ``_envelope``; their
        values are decoded here, one row at a time."""
        row = _Row(key[0], key[1])
        twice = False
        for run, found in parts:
            history = run.prevs is not None or self._shape(run).critical
            for offset, record in enumerate(run.changes()):
                if found[offset] is not None:
                    continue
                if history and record.col != EXISTENCE:  # the rest of _envelope: needs values
                    found[offset] = _malformed_prev(
                        record.tbl, record.pk, record.col, record.val, record.prev
                    )
                    if found[offset] is not None:
                        continue
                twice = row.add(record) or twice
        if not row.seqs:
            return
        by_seq = dict.fromkeys(row.seqs, _TWICE) if twice else self._row(row, author, restrictions)
        for run, found in parts:
            for offset, verdict in enumerate(found):
                if verdict is None:
                    found[offset] = by_seq[run.seq + offset]

    def _dated_ahead(
        self, runs: Sequence[Run], verdicts: list[list[Verdict | None]]
    ) -> Verdict | None:
        """A change set creating a record whose stated time decides what holds now (an
        assessment, a restriction, a decision, a signal's step) dated more than the allowed
        skew ahead of this laptop's clock: it waits until that time, never pinning anything."""
        latest = ""
        created = {r.row for r in runs if EXISTENCE in r.cols and r.cl % 2 == 1}
        for run, found in zip(runs, verdicts, strict=True):
            col = rules.DATED_RECORDS.get(run.tbl)
            if col is None or col not in run.cols or run.row not in created:
                continue
            index = run.cols.index(col)
            value = run.values()[index]
            if found[index] is None and isinstance(value, str) and value > latest:
                latest = value
        if latest <= self.context.soon:
            return None
        return defer(f"{CLOCK_WAIT}{latest}", "dated_ahead", dated=cut(latest))

    # Each record alone -----------------------------------------------------------------------

    def _shape(self, run: Run) -> _Shape:
        """What a run's table and fields say about its records, worked out once per shape."""
        found = self._shapes.get((run.tbl, run.cols))
        if found is None:
            fields = []
            for col in run.cols:
                if (run.tbl, col) not in self._fields:
                    self._fields[(run.tbl, col)] = self._field(run.tbl, col)
                fields.append(self._fields[(run.tbl, col)])
            found = _Shape(
                tuple(fields),
                all(v is None for v in fields),
                any((run.tbl, col) in CRITICAL_FIELDS for col in run.cols),
            )
            self._shapes[(run.tbl, run.cols)] = found
        return found

    def _envelope(
        self, run: Run, device: Device | None, key: tuple[str, str] | None = None
    ) -> list[Verdict | None]:
        """What is wrong with each record itself, whatever its change set holds (but what needs
        a field's value, checked by ``_judge_row``); ``key``: the run's row, if made already."""
        count = len(run.cols)
        if device is None:
            return [_NO_DEVICE] * count
        cut = device.cut()
        revoked, after = (None, _REVOKED) if cut is None else cut
        if revoked is not None and run.seq > revoked:
            return [after] * count
        shape = self._shape(run)
        ahead = run.hlc > self.context.horizon
        key = key or (run.tbl, run.pk)
        if revoked is None and not ahead and shape.known and run.cl % 2 == 1 and run.cl > 0:
            if key not in self._keys:  # the usual run: only its key and existence to look at
                self._keys[key] = _malformed_key(run.pk, rules.TABLES[run.tbl])
            if self._keys[key] is not None:
                return [self._keys[key]] * count
            found: list[Verdict | None] = [None] * count
            for index, col in enumerate(run.cols):
                if col == EXISTENCE:
                    found[index] = self._existence(run, index)
            return found
        found = [None] * count
        for index, col in enumerate(run.cols):
            if revoked is not None and run.seq + index > revoked:
                found[index] = after
                continue
            verdict = shape.fields[index]
            if verdict is None and ahead:
                verdict = _CLOCK_AHEAD
            if verdict is None:
                if key not in self._keys:
                    self._keys[key] = _malformed_key(run.pk, rules.TABLES[run.tbl])
                verdict = self._keys[key]
            if verdict is None and (run.cl < 1 or (col != EXISTENCE and run.cl % 2 == 0)):
                verdict = quarantine("malformed", "causal_length", cl=run.cl)
            if verdict is None and col == EXISTENCE:
                verdict = self._existence(run, index)
            found[index] = verdict
        return found

    @staticmethod
    def _existence(run: Run, index: int) -> Verdict | None:
        """What is wrong with an existence record itself: a value, or malformed history."""
        if not _no_value(run, index):
            return _EXISTENCE_VALUE
        prev = run.prev(index)
        if prev is not None or (run.tbl, EXISTENCE) in CRITICAL_FIELDS:
            return _malformed_prev(run.tbl, run.pk, EXISTENCE, None, prev)
        return None

    def _field(self, tbl: str, col: str) -> Verdict | None:
        """Whether records of this table and field can be judged here at all."""
        rule = rules.table(tbl)
        columns = self.context.columns.get(tbl)
        if rule is None or columns is None:
            return defer("schema", "unknown_table", table=cut(tbl))
        if col in rule.derived:
            return quarantine("derived", "derived_field", table=tbl, column=col)
        if col != EXISTENCE and (col not in columns or col not in rule.fields):
            return defer("schema", "unknown_column", table=tbl, column=cut(col))
        return None

    # One row of a change set ----------------------------------------------------------------

    def _row(
        self, row: _Row, author: _Author, restrictions: dict[str, set[str]]
    ) -> dict[int, Verdict]:
        rule = rules.TABLES[row.tbl]
        if author.verdict is not None:
            return dict.fromkeys(_seqs(row), author.verdict)
        if row.existence is not None and row.existence.cl % 2 == 0:
            return self._delete(row, rule, author)
        if row.existence is not None:
            verdicts = self._insert(row, rule, author, restrictions)
            if row.tbl == "deployment" and not all(v.applies for v in verdicts.values()):
                activity = row.fields.get("activity_id")
                self._deploys_refused.add(None if activity is None else activity.val)
            if all(v.applies for v in verdicts.values()) and row.tbl in _RESTRICTING:
                self._restricts(row, restrictions)
            if all(v.applies for v in verdicts.values()):
                self._workflows.accepted(row.tbl, {c: r.val for c, r in row.fields.items()})
            return verdicts
        judged: dict[int, Verdict] = {}
        for record in sorted(row.fields.values(), key=lambda r: r.col == "status"):
            judged[record.seq] = self._update(record, rule, author, restrictions, row, judged)
            if judged[record.seq].applies and rule.key == ("id",):
                self._workflows.updated(
                    row.tbl, str(_key_values(row.pk)[0]), record.col, record.val
                )
        return judged

    def _insert(
        self,
        row: _Row,
        rule: rules.TableRule,
        author: _Author,
        restrictions: dict[str, set[str]],
    ) -> dict[int, Verdict]:
        """A row is created whole or not at all: the first broken rule refuses every field."""
        existence = row.existence
        assert existence is not None
        values = {col: record.val for col, record in row.fields.items()}
        failed = self._created_before(row) or _missing(row, rule) or _key_mismatch(row, rule)
        culprit = existence
        if failed is None:
            for col in rule.fields:
                failed = self._value(row.fields[col], rule.fields[col], author)
                if failed is not None:
                    culprit = row.fields[col]
                    break
        if failed is None:
            failed = _row_checks(rule, values) or self._may_create(
                row, rule, values, author, restrictions
            )
        if failed is None:
            failed = self._references(rule, values)
        if failed is None:
            return dict.fromkeys(_seqs(row), APPLY)
        if failed.outcome == "defer":
            return dict.fromkeys(_seqs(row), failed)
        others = quarantine(failed.rule, "creation_refused", refused=read(failed.reason).as_dict())
        return {r.seq: (failed if r is culprit else others) for r in row.records}

    def _created_before(self, row: _Row) -> Verdict | None:
        """A row is created once: a creation of a row already created with the same causal
        length (its own creation is the earliest held, by clock then device) would rewrite
        every field of it, immutable ones too, by whoever sends it. Only a re-creation after a
        deletion (a larger causal length) creates a row again."""
        existence = row.existence
        assert existence is not None
        made = self.context.creations(row.tbl, row.pk, existence.cl, existence)
        if len(made) > 1:
            self.context.rivals.update((origin, seq) for _hlc, origin, seq in made)
        if not made or made[0][:2] == (existence.hlc, existence.origin):
            return None
        return quarantine("immutable", "created_twice", table=row.tbl)

    def _may_create(
        self,
        row: _Row,
        rule: rules.TableRule,
        values: Mapping[str, object],
        author: _Author,
        restrictions: dict[str, set[str]],
    ) -> Verdict | None:
        existence = row.existence
        assert existence is not None
        if existence.cl > 1 and rule.delete is None:
            return quarantine("append-only", "never_recreated", table=rule.name)
        if existence.cl > 1:  # a re-creation stands for a deletion too
            failed = author.may(rule.delete or "", "recreate", rule.name)
            if failed is not None:
                return failed
        if author.bootstrap == row.pk and rule.name == "staff":
            return None  # the device's own operator, made at init (its role checked there)
        failed = author.may(rule.create(values), "create", rule.name)
        if failed is None and rule.name == "name_claim":
            failed = self._claimed_elsewhere(existence, author)
        if failed is None and rule.name == "restriction" and rules.calendar_cancellation(values):
            failed = self._from_a_calendar(values, author)
        if failed is None and rule.name == "restriction" and rules.restricted_into_past(values):
            failed = quarantine(
                "R5", "restricted_into_past", to=cut(rules.restricted_into_past(values))
            )
        if failed is None and rule.name == "restriction":
            failed = self._of_a_done_activity(values, existence)
        if failed is None and rule.name == "restriction":  # ``judge_plans``: as the store
            failed = self._restriction(values, existence)
        if failed is None and rule.name == "restriction" and rules.restricted_after_end(values):
            failed = quarantine(
                "R5", "restricted_after_end", end=cut(rules.restricted_after_end(values))
            )
        if failed is None and rule.name == "handover_withdrawal":
            failed = self._withdrawn_by_signer(values, author)
        if failed is None and rule.name == "handover_event":
            failed = self._accepts_withdrawn(values, existence)
        if failed is None and rule.name in ("signal", "experience"):
            failed = self._activity_of_another(rule.name, values)
        if failed is None and rule.name == "request_answer":
            failed = self._answers_its_request(values)
        if failed is None and rule.name == "care_record":
            failed = self._care_of_its_member(values)
        if failed is None and rule.name in ("household_member", "care_record"):
            failed = self._of_a_person(rule.name, values)
        if failed is None and rule.name == "household_member":
            failed = self._member_code_of_its_person(values)
        if failed is None and rule.name == "household_end":
            failed = self._end_after_member(values)
        if failed is None and rule.name == "log_entry" and values.get("supersedes") is not None:
            failed = self._supersedes_a_flag(values, author)
        if failed is None:
            failed = _workflow(
                rule.name,
                self._workflows.on_create(
                    rule.name,
                    values,
                    _at(existence),
                    (author.name, author.role),
                    author.device.role,
                ),
            )
        if failed is None and rule.name == "activity":
            failed = _status_follows_restriction(values.get("status"), values, restrictions)
            failed = failed or _done_after_end(
                existence, values.get("status"), values.get("end_at")
            )
            if failed is None and values.get("status") == "done":
                failed = self._ended_here(values.get("end_at"))
        if failed is None:  # the store's planning checks (``judge_plans``)
            found = judge_plans.on_create(self.context.plans, rule.name, values, _at(existence))
            failed = _store_refused(rule.name, found)
            self._eased(existence, rule.name)
        return failed

    def _claimed_elsewhere(self, existence: Change, author: _Author) -> Verdict | None:
        """A name claim counts only from the team's admin laptop (the signed roster's): a
        member laptop enrolled with the admin role cannot witness names either."""
        if existence.origin == self.context.admin_device:
            return None
        return quarantine("role", "name_claim_not_admin", device=named(author.device.label))

    def _restricts(self, row: _Row, restrictions: dict[str, set[str]]) -> None:
        """An accepted restriction or correction: what it lets the activity's fields become."""
        values = {col: record.val for col, record in row.fields.items()}
        activity = str(values["activity_id"])
        kind = str(values["kind"]) if row.tbl == "restriction" else rules.CORRECTED
        restrictions[activity].add(kind)
        self._targets[activity].append(values)
        existence = row.existence
        if kind == "cancelled" and existence is not None:
            self._cancelled[activity].append((_at(existence), rules.calendar_cancellation(values)))

    def _restriction(self, values: Mapping[str, object], existence: Change) -> Verdict | None:
        """A restriction's fields for its kind, of an activity not cancelled when it was made,
        not a time and a place at once with another of its change set (each of the two is
        refused, as the store refuses the one write), as the store refuses one
        (``judge_plans.restriction``); a relocation's new place is the one its change set
        writes on the activity."""
        activity = values.get("activity_id")
        place = self._written("activity", json.dumps([activity], ensure_ascii=False), "location")
        others = {str(kind) for pk, kind in self._restrictions_of(activity) if pk != existence.pk}
        found = judge_plans.restriction(self.context.plans, values, place, others, _at(existence))
        self._eased(existence, "restriction")
        return _store_refused("restriction", found)

    def _written(self, table: str, pk: str, col: str) -> object:
        """A field's value as the change set being judged writes it (None: not written, or
        unreadable: its own verdict says so)."""
        for run in self._runs:
            if run.tbl == table and run.pk == pk and col in run.cols:
                try:
                    return run.values()[run.cols.index(col)]
                except ValueError:
                    return None
        return None

    def _restrictions_of(self, activity: object) -> list[tuple[str, object]]:
        """The restrictions of an activity the change set being judged creates: (key, kind)."""
        found = []
        for run in self._runs:
            if run.tbl != "restriction" or not {EXISTENCE, "kind", "activity_id"} <= set(run.cols):
                continue
            try:
                values = dict(zip(run.cols, run.values(), strict=True))
            except ValueError:
                continue
            if values["activity_id"] == activity:
                found.append((run.pk, values["kind"]))
        return found

    def _of_a_done_activity(
        self, values: Mapping[str, object], existence: Change
    ) -> Verdict | None:
        """A restriction of an activity that was done when it was recorded (as the store
        refuses one): a done activity has taken place; a restriction decides what happens next
        (R5). Its status is read as it stood then, so a 'done' and a restriction made at once
        are judged alike everywhere; the session judges again the restrictions made after an
        accepted status (``session._read_together``)."""
        activity = json.dumps([values.get("activity_id")], ensure_ascii=False)
        if self.context.status_as_of(activity, _at(existence)) != "done":
            return None
        return quarantine("R5", "restricted_when_done")

    def _supersedes_a_flag(self, values: Mapping[str, object], author: _Author) -> Verdict | None:
        """Superseding a flagged entry ends its flag as clearing does: only those who may clear
        (the store refuses others too)."""
        replaced = json.dumps([values.get("supersedes")], ensure_ascii=False)
        if not self._known("log_entry", replaced):
            return defer(f"row:log_entry:{replaced}", "superseded_unknown")
        if self.context.created_value("log_entry", replaced, "flagged") != 1:
            return None
        return author.may("log.clear", "supersede_flagged")

    def _withdrawn_by_signer(self, values: Mapping[str, object], author: _Author) -> Verdict | None:
        """A handover is withdrawn by its signer or an admin (as the store refuses others)."""
        handover = json.dumps([values.get("handover_id")], ensure_ascii=False)
        if not self._known("handover", handover):
            return defer(f"row:handover:{handover}", "handover_unknown")
        signer = self.context.created_value("handover", handover, "signed_by")
        if author.name == signer or author.role == "admin":
            return None
        return quarantine(
            "role",
            "withdraw_not_signer",
            name=named(author.name),
            role=author.role,
            signer=named(str(signer)),
        )

    def _accepts_withdrawn(self, values: Mapping[str, object], existence: Change) -> Verdict | None:
        """Accepting a handover withdrawn before (``rules.accepts_withdrawn``): its withdrawals
        are read as they stood when the acceptance was made, and an accepted withdrawal judges
        again the acceptances made after it (``session``), so every order of arrival ends
        alike."""
        if values.get("kind") != "accepted":
            return None
        handover = str(values.get("handover_id"))
        withdrawn = self.context.withdrawn_before(handover, _at(existence))
        if not rules.accepts_withdrawn(values.get("kind"), withdrawn is not None):
            return None
        return quarantine(
            "handover",
            "accepts_withdrawn",
            handover=cut(handover, 13),
            by=named(str(withdrawn)),
        )

    def _activity_of_another(self, table: str, values: Mapping[str, object]) -> Verdict | None:
        """A signal or an experience naming a person and an activity of another person
        (``rules.activity_of_another``, as the store refuses both); an activity's person never
        changes."""
        activity = values.get("activity_id")
        if activity is None or values.get("subject_id") is None:
            return None
        key = json.dumps([activity], ensure_ascii=False)
        if not self._known("activity", key):
            return defer(f"row:activity:{key}", "activity_unknown")
        owner = self.context.created_value("activity", key, "subject_id")
        if not rules.activity_of_another(values.get("subject_id"), owner):
            return None
        if table == "experience":
            return quarantine("experience", "experience_activity_of_another")
        return quarantine("signal", "activity_of_another")

    def _of_a_person(self, table: str, values: Mapping[str, object]) -> Verdict | None:
        """A member or a care record of a person, as the store writes them (``care_not_a_
        person``): never of an object or a service; a subject's kind never changes."""
        key = json.dumps([values.get("subject_id")], ensure_ascii=False)
        if not self._known("subject", key):
            return defer(
                f"row:subject:{key}", "refers_unknown", table=table, column="subject_id",
                to="subject",
            )  # fmt: skip
        kind = self.context.created_value("subject", key, "kind")
        return None if kind == "person" else quarantine("care", "care_not_a_person")

    def _end_after_member(self, values: Mapping[str, object]) -> Verdict | None:
        """A member's end as the store writes one: not before the member was recorded."""
        key = json.dumps([values.get("member_id")], ensure_ascii=False)
        if not self._known("household_member", key):
            return defer(
                f"row:household_member:{key}", "refers_unknown", table="household_end",
                column="member_id", to="household_member",
            )  # fmt: skip
        added = self.context.created_value("household_member", key, "added_at")
        ended = values.get("ended_at")
        if isinstance(added, str) and isinstance(ended, str) and ended < added:
            return quarantine("care", "care_end_before_member", ended=cut(ended), added=added)
        return None

    def _member_code_of_its_person(self, values: Mapping[str, object]) -> Verdict | None:
        """A member's code as the store makes one: its own person's code (as created, or as a
        clash keeps that person) and ``-P<n>`` / ``-C<n>``, n 1..99 (``MEMBER_CODE_PATTERN``);
        never a name, never another person's code (rev20b)."""
        subject = values.get("subject_id")
        key = json.dumps([subject], ensure_ascii=False)
        if not self._known("subject", key):
            return defer(
                f"row:subject:{key}",
                "refers_unknown",
                table="household_member",
                column="subject_id",
                to="subject",
            )
        person = self.context.created_value("subject", key, "code")
        code = values.get("code")
        found = rules.MEMBER_CODE_PATTERN.match(code) if isinstance(code, str) else None
        own = found is not None and (
            found[1] == person or is_derived("code", person, str(subject), found[1])
        )
        if own:
            return None
        return quarantine("care", "care_member_code_of_another", given=cut(code))

    def _care_of_its_member(self, values: Mapping[str, object]) -> Verdict | None:
        """A care record as the store writes one: of a member of its own person, of a module
        for that member (``rules.care_module_for``: the person themself when no member is
        named), on a day not before the member was recorded; a member's person, relation and
        recording never change."""
        module = str(values.get("module"))
        member = values.get("member_id")
        relation = "self"
        if member is not None:
            key = json.dumps([member], ensure_ascii=False)
            if not self._known("household_member", key):
                return defer(
                    f"row:household_member:{key}",
                    "refers_unknown",
                    table="care_record",
                    column="member_id",
                    to="household_member",
                )
            made = self.context.created_value
            if made("household_member", key, "subject_id") != values.get("subject_id"):
                return quarantine("care", "care_member_of_another")
            relation = str(made("household_member", key, "relation"))
            added = made("household_member", key, "added_at")
            on = values.get("on_date")
            if isinstance(added, str) and isinstance(on, str) and on < rules.local_day(added):
                return quarantine(
                    "care", "care_date_before_member", on=on, added=rules.local_day(added)
                )
        if rules.care_module_for(module) != relation:
            return quarantine("care", "care_module_not_for_member", module=cut(module))
        return None

    def _answers_its_request(self, values: Mapping[str, object]) -> Verdict | None:
        """An acceptance as the store records one: it names an option of the request's
        assessment that would work (feasible or partly) and an activity of the request's person
        (planned by the same change, or existing); a request's and an activity's person and a
        request's assessment never change. A refusal's reason and authority are row checks."""
        if values.get("answer") != "accepted":
            return None
        request = json.dumps([values.get("request_id")], ensure_ascii=False)
        activity = json.dumps([values.get("activity_id")], ensure_ascii=False)
        for table, column, key in (
            ("activity_request", "request_id", request),
            ("activity", "activity_id", activity),
        ):
            if not self._known(table, key):
                return defer(
                    f"row:{table}:{key}",
                    "refers_unknown",
                    table="request_answer",
                    column=column,
                    to=table,
                )
        made = self.context.created_value
        verdict, assessment = (
            made("activity_request", request, c) for c in ("verdict", "assessment")
        )
        options, fault = rules.read_assessment(verdict, assessment)
        if fault is not None:
            return quarantine("request", "answer_of_unreadable", fault=fault)
        n = values.get("option")
        if not isinstance(n, int) or not 1 <= n <= len(options):
            return quarantine("request", "answer_no_such_option", n=cut(n), count=len(options))
        if not (options[n - 1]["feasible"] or options[n - 1]["partial"]):
            return quarantine("request", "answer_option_not_feasible", n=n)
        if options[n - 1]["action"] in ("deploy", "combine"):  # its deployments, as judged
            gone = values.get("activity_id") in self._deploys_refused
            failed = _store_refused("request_answer", workflows.option_gone_refusal(gone, n))
            if failed is not None:
                return failed
        person = made("activity_request", request, "subject_id")
        if made("activity", activity, "subject_id") != person:
            return quarantine("request", "answer_activity_of_another")
        return None

    def _from_a_calendar(self, values: Mapping[str, object], author: _Author) -> Verdict | None:
        """The calendar's authority covers only an activity that came from a calendar (its
        ``source_uid`` set when it was created); any other needs someone who may restrict."""
        activity = json.dumps([values.get("activity_id")], ensure_ascii=False)
        if not self._known("activity", activity):
            return defer(f"row:activity:{activity}", "activity_unknown")
        if self.context.created_value("activity", activity, "source_uid") is not None:
            return None
        return author.may("activity.restrict", "calendar_restriction")

    def _update(
        self,
        record: Change,
        rule: rules.TableRule,
        author: _Author,
        restrictions: dict[str, set[str]],
        row: _Row,
        judged: Mapping[int, Verdict],
    ) -> Verdict:
        """A field of an existing row. A transition (an activity's status) is judged after the
        other fields of its change set, against the row as it will be: the fields accepted
        now, else the accepted records before it, never a value that was refused."""
        field_rule = rule.fields[record.col]
        if record.col in rule.key or (field_rule.update is None and not field_rule.restricted):
            return quarantine("immutable", "never_changes", table=rule.name, column=record.col)
        failed = self._value(record, field_rule, author) or _cleared(record, field_rule)
        if failed is not None:
            return failed
        row_id = _key_values(record.pk)[0] if rule.key == ("id",) else None
        restricted = bool(field_rule.restricted & restrictions.get(str(row_id), set()))
        if not restricted and field_rule.update is None:
            return quarantine("R5", "needs_restriction", table=rule.name, column=record.col)
        if not restricted:
            action = field_rule.update or "activity.write"
            if (rule.name, record.col) == ("staff", "role"):
                old = self.context.roles.role_of_row(record.pk, (record.hlc, record.origin))
                action = rules.grant_action(str(record.val), old)
                failed = self._admin_operator(record, str(row_id))
            failed = failed or author.may(action, "field", rule.name, record.col)
        if failed is None and (rule.name, record.col) == ("activity", "status"):
            failed = _status_follows_restriction(record.val, {"id": row_id}, restrictions)
            moved = row.fields.get("end_at")
            end: object = None
            if moved is not None and judged[moved.seq].applies:
                end = moved.val
            elif record.val == "done":
                end = self.context.field_as_of("activity", record.pk, "end_at", _at(record))
            failed = failed or _done_after_end(record, record.val, end)
            failed = failed or self._transition(record, str(row_id), end)
        if failed is None and row_id is not None:
            step = self._workflows.on_update(rule.name, str(row_id), record.col, _at(record))
            failed = _workflow(rule.name, step)
        if failed is None and rule.name == "activity" and record.col in _TIME_AND_PLACE:
            failed = self._as_restricted(record, str(row_id))
        if failed is None and record.col in rule.together:
            failed = self._together(record, rule, row, judged)
        if failed is None and (rule.name, record.col) == ("activity", "end_at"):
            failed = self._done_and_moved(record, str(row_id), row)
        if failed is None and (rule.name, record.col) == ("activity", "concept"):
            failed = self._concept_unflagged(record, str(row_id), row, judged)
        if failed is None and (  # ``judge_plans``
            rule.name in ("standing_post", "shift") or (rule.name, record.col) == _CONCEPT
        ):
            written = {col: r.val for col, r in row.fields.items()}
            refused = judge_plans.on_update(
                self.context.plans, rule.name, str(row_id), written, _at(record)
            )
            failed = _store_refused(rule.name, refused)
            self._eased(record, rule.name)
        if failed is None and not self._known(rule.name, record.pk):
            failed = defer(f"row:{rule.name}:{record.pk}", "row_unknown")
        return failed or APPLY

    def _admin_operator(self, record: Change, staff_id: str) -> Verdict | None:
        """The role of the operator bound to the team's admin laptop changes only there."""
        if not rules.admin_operator_elsewhere(staff_id, record.origin, self.context.admin_operator):
            return None
        return quarantine("admin_operator", "admin_operator_elsewhere")

    def _transition(self, record: Change, activity: str, end: object) -> Verdict | None:
        """An activity's status judged as the store would (R5, R1): never revived once
        cancelled; never done while it needed re-planning when the 'done' was made (its
        concept, review flag and subject's threat level as they stood then, whatever order
        they arrive in: the session judges a 'done' again when one of them made before it is
        accepted or refused); done only once it has ended on this laptop's clock too (a
        change dated ahead waits until then)."""
        if record.val != "cancelled":
            failed = self._revives(record, activity)
            if failed is not None:
                return failed
        if record.val != "done":
            return None
        reason = self.context.replanning(activity, _at(record))
        if reason is not None:
            return quarantine("R1", "done_needs_replanning", why=reason)
        return self._ended_here(end)

    def _revives(self, record: Change, activity: str) -> Verdict | None:
        """A status other than cancelled after a cancellation: only the calendar reinstates an
        activity it alone cancelled, with its correction saying so (as ``store/ics.py`` does);
        a person's cancellation stands for good."""
        before = [
            calendar
            for at, calendar in (
                *self._cancelled.get(activity, ()),
                *self.context.cancelled_at(activity),
            )
            if at < _at(record)
        ]
        if not before:
            return None
        reinstated = any(
            str(t.get("reason", "")).startswith(rules.REINSTATED)
            for t in self._targets.get(activity, ())
            if "old_location" in t  # a correction, not a restriction
        )
        if all(before) and reinstated:
            return None
        return quarantine("transition", "cancelled_never_again", status=cut(record.val))

    def _ended_here(self, end: object) -> Verdict | None:
        """'done' of an activity that has not ended on this laptop's clock (the change's own
        clock ahead): it waits until it has (never quarantined: an honest clock may run fast)."""
        if isinstance(end, str) and end > self.context.soon:
            return defer(f"{CLOCK_WAIT}{end}", "done_before_end", end=cut(end))
        return None

    def _done_and_moved(self, record: Change, activity: str, row: _Row) -> Verdict | None:
        """A new end of an activity that was done when it was made (when its status is not in
        the same write: that case is judged with the status) must have passed: a done
        activity moved to a time not yet over would hide its re-planning flag, as the store's
        edit refuses. The status is read as of the change (as the 'done' is judged against
        the end as of its own), so every laptop judges the pair alike whatever the order the
        bundles arrive in; the session judges again the one made later (``_done_and_moved``
        there)."""
        if "status" in row.fields:
            return None
        status = self.context.status_as_of(record.pk, _at(record))
        if _done_after_end(record, status, record.val) is None:
            return None
        return quarantine("transition", "done_not_moved", moved_to=cut(record.val))

    def _concept_unflagged(
        self, record: Change, activity: str, row: _Row, judged: Mapping[int, Verdict]
    ) -> Verdict | None:
        """R1 for a concept put on an activity that is done or cancelled (as of the change, or
        by its own change set): no re-planning flag would show a concept below the required
        level there, so it is refused as the store refuses it, whatever the status."""
        status = row.fields.get("status")
        if status is not None and (status.seq not in judged or judged[status.seq].applies):
            state: object = status.val
        else:
            state = self.context.status_as_of(record.pk, _at(record))
        if state not in ("done", "cancelled") or record.val is None:
            return None
        reason = self.context.below_required(activity, str(record.val), _at(record))
        if reason is None:  # R3, R4 (``judge_plans``)
            found = judge_plans.activity_concept(
                self.context.plans, activity, record.val, _at(record)
            )
            return _store_refused("activity", found)
        return quarantine(
            "R1", "concept_unflagged", concept=cut(record.val), status=state, why=reason
        )

    def _as_restricted(self, record: Change, activity: str) -> Verdict | None:
        """An activity's new time or place: the one its restriction or correction gives."""
        targets = self._targets.get(activity, [])
        wanted = {t.get(f"new_{record.col}") for t in targets} - {None}
        if wanted and record.val not in wanted:
            return quarantine("R5", "not_as_restricted", column=record.col, value=cut(record.val))
        return None

    def _together(
        self, record: Change, rule: rules.TableRule, row: _Row, judged: Mapping[int, Verdict]
    ) -> Verdict | None:
        """A field the row checks read with others (a start and its end): the row as it will
        be must hold, the others read from this change set where it writes them, else as they
        stood when this change was made (from the accepted records). So of two changes made
        at once, each valid alone, the later one loses on every laptop, whatever order they
        arrive in; the session judges again the later ones when an earlier one is accepted
        (``session._read_together``)."""
        values: dict[str, object] = {record.col: record.val}
        held: list[str] = []  # written by this change set too, but held back themselves
        for other in sorted(rule.together - {record.col}):
            found = row.fields.get(other)
            if found is not None and (found.seq not in judged or judged[found.seq].applies):
                values[other] = found.val
            else:
                held += [other] if found is not None else []
                values[other] = self.context.field_as_of(rule.name, record.pk, other, _at(record))
        failed = _row_checks(rule, values)
        if failed is None:
            return None
        stood = {other: cut(values[other]) for other in sorted(rule.together - {record.col})}
        facts = {"held": held} if held else {}  # so the words can say why it stood so
        return quarantine(
            "together",
            "together_refused",
            table=rule.name,
            column=record.col,
            value=cut(record.val),
            stood=stood,
            refused=read(failed.reason).as_dict(),
            **facts,
        )

    def _delete(self, row: _Row, rule: rules.TableRule, author: _Author) -> dict[int, Verdict]:
        if row.fields:
            verdict = quarantine("malformed", "deletion_with_fields")
        elif rule.delete is None:
            verdict = quarantine("append-only", "never_deleted", table=rule.name)
        else:
            verdict = author.may(rule.delete, "delete", rule.name) or APPLY
        if verdict.applies and row.existence is not None:  # ``judge_plans``: as the store
            found = judge_plans.on_delete(self.context.plans, rule.name, row.pk, _at(row.existence))
            verdict = _store_refused(rule.name, found) or verdict
            self._eased(row.existence, rule.name)
        return dict.fromkeys(_seqs(row), verdict)

    # Values and references -------------------------------------------------------------------

    def _value(
        self, record: Change, field_rule: rules.FieldRule, author: _Author
    ) -> Verdict | None:
        val = record.val
        if type(val) is str and len(val) <= _SHORT:
            memo = self._checked[(record.tbl, record.col)]
            if val in memo:
                failed = memo[val]
            else:
                if self._memos > _MEMO:
                    self._checked.clear()
                    self._memos = 0
                    memo = self._checked[(record.tbl, record.col)]
                failed = memo[val] = _checked(record, field_rule)
                self._memos += 1
        else:
            failed = _checked(record, field_rule)
        if failed is not None:
            return failed
        if not (field_rule.catalogue or field_rule.actor or field_rule.device or field_rule.stamp):
            return None
        name = f"{record.tbl}.{record.col}"
        codes = self.context.catalogue.get(field_rule.catalogue or "")
        if field_rule.catalogue and record.val is not None and record.val not in (codes or ()):
            return quarantine("value", "not_in_catalogue", field=name, value=cut(record.val))
        if field_rule.actor and callsign(record.val) != author.name:
            return quarantine(
                "attribution",
                "names_another",
                field=name,
                value=cut(record.val),
                author=named(author.name),
            )
        if field_rule.device and record.val != record.origin:
            return quarantine("attribution", "names_another_device", field=name)
        if (
            field_rule.stamp
            and isinstance(record.val, str)
            and record.val > self._latest_of(record)
        ):
            return quarantine("value", "stamp_after_clock", field=name)
        if (
            field_rule.stamp
            and isinstance(record.val, str)
            and (record.tbl, record.col) not in rules.NOT_RECORDED
            and record.val < _earliest(record, rules.SEAL_LAG)
        ):
            self._dated(record, name)
        return None

    def _eased(self, record: Change, table: str) -> None:
        """Name a change set that passed the planning checks only by the allowance of a pushed
        or continued stamp (``judge_plans.eased``): taken in, and flagged ``clocks_apart``."""
        found = judge_plans.eased(self.context.plans, _at(record))
        if found is not None:
            detail = fact("clocks_apart", table=table, **found)
            self.context.flags.append((record, "clocks_apart", detail))

    def _dated(self, record: Change, name: str) -> None:
        """Name a recorded time more than ``rules.SEAL_LAG`` before its change's stamp (issue
        13, rev13q f2). A stamp its author's own clock read (``written.OWN``): the row was not
        written when it says, named as dated back (``back_dated``). A stamp pushed ahead by a
        peer's or continuing the author's own (``written.PUSHED``, ``written.CONTINUED``): the
        author's clock may have read less (a fast clock put right, a fast peer) or the push or
        correction may be faked; no record tells which, so more than ``rules.BACKDATE_LIMIT``
        before the stamp it is named as clocks apart (``clocks_apart``): a notice, not an
        accusation, on every laptop alike."""
        if self.context.clock_source((record.hlc, record.origin)) == written.OWN:
            example = fact("back_dated", field=name, value=cut(record.val), written=_wall(record))
            self.context.flags.append((record, "back_dated", example))
        elif str(record.val) < _earliest(record):
            example = fact("clocks_apart", field=name, **_apart(record))
            self.context.flags.append((record, "clocks_apart", example))

    def _latest_of(self, record: Change) -> str:
        latest = self._latest.get(record.hlc)
        if latest is None:
            latest = self._latest[record.hlc] = _latest(record)
        return latest

    def _references(self, rule: rules.TableRule, values: Mapping[str, object]) -> Verdict | None:
        for col, field_rule in rule.fields.items():
            target, value = field_rule.ref, values.get(col)
            if target is None or value is None:
                continue
            pk = key_of(value) if type(value) is str else json.dumps([value], ensure_ascii=False)
            if not self._known(target, pk):
                return defer(
                    f"row:{target}:{pk}", "refers_unknown", table=rule.name, column=col, to=target
                )
            if self._refused(target, pk):  # as the store: no such row
                return quarantine(
                    "value",
                    "refers_quarantined",
                    table=rule.name,
                    column=col,
                    to=target,
                    row=cut(value),
                )
            if self._waiting(target, pk):  # not here yet: waits with it, never applied onto
                return defer(  # a row that is not there (judged again when it is judged)
                    f"row:{target}:{pk}", "refers_unknown", table=rule.name, column=col, to=target
                )
        return None

    def _waiting(self, table: str, pk: str) -> bool:
        if self.context.judged_rows.get((table, pk)) is not None:
            return False
        return (table, pk) in self.context.waiting_rows or self.context.waiting_row(table, pk)

    def _refused(self, table: str, pk: str) -> bool:
        judged = self.context.judged_rows.get((table, pk))
        return self.context.refused_row(table, pk) if judged is None else judged

    def _known(self, table: str, pk: str) -> bool:
        return (table, pk) in self.context.held or self.context.known_row(table, pk)


def _one_store_action(runs: Sequence[Run], verdicts: list[list[Verdict | None]]) -> None:
    """A request's answer and the activity it plans are one store action: the store writes
    both or neither. When the answer's creation is refused, so is the activity its change set
    creates for it, and every row of the change set created on that activity (a deployment
    of the option): nothing of the action is left applied on its own."""
    _correction_with_its_change(runs, verdicts)
    refused: set[tuple[str, str]] = set()
    created = {r.row: i for i, r in enumerate(runs) if EXISTENCE in r.cols and r.cl % 2 == 1}
    for row, index in created.items():
        run = runs[index]
        made = verdicts[index][run.cols.index(EXISTENCE)]
        if row[0] == "request_answer" and made is not None and not made.applies:
            planned = _value_of(run, "activity_id")
            if isinstance(planned, str) and ("activity", key_of(planned)) in created:
                refused.add(("activity", key_of(planned)))
    if not refused:
        return
    why = quarantine("request", "answer_refused_whole", by="request_answer")
    for row, index in created.items():
        run = runs[index]
        rule = rules.TABLES.get(row[0])
        refers = rule is not None and any(
            isinstance(value := _value_of(run, col), str) and (f.ref, key_of(value)) in refused
            for col, f in rule.fields.items()
            if f.ref is not None
        )
        if row in refused or refers:
            verdicts[index][:] = [
                v if v is not None and not v.applies else why for v in verdicts[index]
            ]


def _correction_with_its_change(runs: Sequence[Run], verdicts: list[list[Verdict | None]]) -> None:
    """An activity's correction and the new time or place it records are one store action
    (``agenda.edit_activity``): when the change is refused (a done activity moved, issue 14
    rev14g), the correction of that activity made in the same change set is held back with
    it, never listed as a correction that did not happen."""
    moved: dict[str, Verdict] = {}
    for run, found in zip(runs, verdicts, strict=True):
        if run.tbl != "activity" or EXISTENCE in run.cols:
            continue
        for col, verdict in zip(run.cols, found, strict=True):
            if col in _TIME_AND_PLACE and verdict is not None and not verdict.applies:
                moved.setdefault(run.pk, verdict)
    if not moved:
        return
    for run, found in zip(runs, verdicts, strict=True):
        activity = _value_of(run, "activity_id")
        if run.tbl != "activity_correction" or not isinstance(activity, str):
            continue
        why = moved.get(key_of(activity))
        if why is not None:
            found[:] = [v if v is not None and not v.applies else why for v in found]


def _value_of(run: Run, col: str) -> object:
    return run.values()[run.cols.index(col)] if col in run.cols else None


@dataclass
class _Author:
    """The person recorded as the change set's author, their role then, and its device's."""

    name: str
    role: str | None
    device: Device
    verdict: Verdict | None = None  # set when nothing of the change set can be judged yet
    bootstrap: str | None = None  # the pk of the device operator's own row, made at init
    #: the role the author holds now and when they lost the one they had then, where it
    #: changed since and the change set is held as late for it (``late``)
    late: tuple[str, At] | None = None
    hold: tuple[str, int, int] | None = None  # the change set, to hold when it needs that role
    context: Context | None = None

    @classmethod
    def of(cls, context: Context, runs: Sequence[Run], device: Device) -> _Author:
        first = runs[0]
        name = callsign(first.actor)
        if any(r.actor != first.actor for r in runs):
            return cls(name, None, device, quarantine("malformed", "two_authors"))
        bootstrap = _bootstrap(runs, name, device)
        if bootstrap is not None and bootstrap[1] == "admin" and device.role != "admin":
            refused = quarantine(
                "role",
                "admin_operator_elsewhere_made",
                device=named(device.label),
                role=device.role,
            )
            return cls(name, None, device, refused)
        if bootstrap is not None:  # the device's own start, whoever else holds the callsign
            return cls(name, bootstrap[1], device, bootstrap=bootstrap[0])
        if _makes_bound_row(runs, device):
            refused = quarantine(
                "enrolment",
                "operator_not_as_enrolled",
                device=named(device.label),
                operator=named(str(device.operator.get("callsign", ""))),
            )
            return cls(name, None, device, refused)
        role = context.roles.role_at(name, (first.hlc, first.origin))
        if role is None:
            verdict = context.roles.without_role(name, (first.hlc, first.origin))
            return cls(name, None, device, verdict)
        cannot = _cannot_act_there(context.roles, name, first, device) or bound_elsewhere(
            context.devices, name, device
        )
        if cannot is not None:
            return cls(name, role, device, cannot)
        late = _late(context, runs, name)
        if late is None:
            return cls(name, role, device)
        hold = (first.origin, first.hlc, min(r.seq for r in runs))
        return cls(name, role, device, late=late, hold=hold, context=context)

    def may(self, action: str, what: str, table: str = "", column: str = "") -> Verdict | None:
        """None when both the device's and the author's role allow ``action``.

        Args:
            action: the permission needed (``rules.allowed``).
            what: what is written, for the reason: ``create``, ``recreate``, ``delete`` (a
                row of ``table``), ``field`` (``table.column``), ``supersede_flagged``,
                ``calendar_restriction``.
            table: the table written, where ``what`` names one.
            column: the field written, where ``what`` is ``field``.
        """
        written = {"what": what, "table": table, "column": column, "action": action}
        if not rules.device_allows(self.device.role, action):
            return quarantine(
                "role",
                "device_may_not",
                device=named(self.device.label),
                role=self.device.role,
                **written,
            )
        if self.role is None or not rules.allowed(self.role, action):
            return quarantine(
                "role", "person_may_not", name=named(self.name), role=self.role, **written
            )
        if self.late is not None and not rules.allowed(self.late[0], action):
            assert self.context is not None and self.hold is not None
            self.context.new_holds.add(self.hold)
            return quarantine(
                "late",
                "late_role",
                name=named(self.name),
                role=self.role,
                stamped=clock_text(self.hold[1]),
                became=self.late[0],
                changed=clock_text(self.late[1][0]),
            )
        return None


#: How long a laptop may be offline with changes made before its operator's role changed: a
#: change set that reaches a laptop later than this after the role change is held (``late``).
ALLOWANCE_MS = DAY_MS

#: Holds the admin laptop keeps per origin device (``late``): beyond it a late change set is
#: judged as any other (never held without its hold travelling).
MAX_HOLDS_PER_ORIGIN = 256


def _late(context: Context, runs: Sequence[Run], name: str) -> tuple[str, At] | None:
    """The author's role now and when they lost the one they had, when the change set is late
    for that role: held already (declared by the team's admin laptop), or reaching this laptop,
    the admin laptop, now, more than ``late.ALLOWANCE_MS`` after the role change that it held
    already (and it has room for the hold)."""
    first = runs[0]
    at = (first.hlc, first.origin)
    pk = context.roles.row_at(name, at)
    lost = None if pk is None else context.roles.lost_since(pk, at)
    if lost is None:
        return None
    if (first.origin, first.hlc) in context.late_holds:
        return lost
    since = context.now_ms - hlc_wall_ms(lost[1][0])
    if (first.origin, first.hlc) not in context.fresh or since <= ALLOWANCE_MS:
        return None
    deciding = sum(1 for origin, _h, _s in context.new_holds if origin == first.origin)
    if context.hold_counts.get(first.origin, 0) + deciding >= MAX_HOLDS_PER_ORIGIN:
        return None  # no room for its hold: it would be held here alone
    return lost


#: Who may give a person a secret on a laptop (``staff.set_secret``, ``staff.add_staff``).
STAFF_RIGHTS = "staff.write"


def _cannot_act_there(roles: RoleBook, name: str, first: Run, device: Device) -> Verdict | None:
    """Secrets are local (``proof.py``): on a laptop acting as anyone but its own operator
    needs that person's secret there, and only a person with staff rights on it can give one.
    Where neither the laptop's enrolled role nor any role its bound operator held before the
    change allows that, nobody but the operator can have acted there: a change set authored
    by anyone else was written outside the store (a raw edit of the change log) and is
    refused. Elsewhere the author must only be a known person with a role then (``role_at``).
    Judged by the signed roster's binding and the accepted role history, so alike everywhere
    (the session judges the device's records again when its operator's roles change)."""
    operator = device.operator.get("callsign")
    if not operator or callsign(operator) == name:
        return None  # enrolled before rosters bound an operator: nothing to compare
    at = (first.hlc, first.origin)
    if rules.device_allows(device.role, STAFF_RIGHTS) and any(
        rules.allowed(role, STAFF_RIGHTS) for role in roles.roles_before(callsign(operator), at)
    ):
        return None
    return quarantine(
        "author",
        "cannot_act_there",
        name=named(name),
        device=named(device.label),
        operator=named(callsign(operator)),
    )


def bound_elsewhere(devices: Mapping[str, Device], name: str, device: Device) -> Verdict | None:
    """The judge's side of the store's ``db.bound_elsewhere``: whoever the roster binds to an
    active laptop as its own operator acts only there, so a change set authored by them and
    sent by any other laptop was not made through a store (a raw edit of the laptop's
    operator or of its change log) and is quarantined.

    Judged by the newest roster this laptop holds, as the store refuses by it: a change carries
    no roster version, and its clock is its sender's claim (a back-dated stamp would slip under
    a binding). Every laptop ends with the same newest roster, and the records of a callsign
    whose binding changes are judged again (``session.judge_and_apply``'s ``rebound``), so the
    verdict does not depend on the order things arrive in.

    Args:
        devices: the team's devices as the roster names them.
        name: the change set's author (upper-case callsign).
        device: the laptop that made and signed it.

    Returns:
        A ``quarantine`` verdict (``bound_elsewhere``: the callsign, the laptop it is bound to
        and the sending laptop), or None.
    """
    for other in devices.values():
        bound = other.operator.get("callsign")
        if (
            other.id != device.id
            and other.status == "active"
            and other.operator.get("staff")
            and bound
            and callsign(bound) == name
        ):
            return quarantine(
                "author",
                "bound_elsewhere",
                name=named(name),
                bound=named(other.label),
                device=named(device.label),
            )
    return None


def _bootstrap(runs: Sequence[Run], name: str, device: Device) -> tuple[str, str] | None:
    """The device's first change set creating its own operator (``init``): (row pk, role).

    The row must be exactly the one its enrolment binds (the signed roster's entry: id,
    callsign, unit, the role it asked with) and written by that operator; anything else of it
    about staff is judged by its author's role like any write. The operator keeps the role they
    started with, also when the admin enrolled the laptop with another one (``team enroll
    --role``): everything the laptop sends is bounded by both roles, so nothing of theirs waits
    for ever. Only an admin's device starts with an admin."""
    if min(r.seq for r in runs) != 1:
        return None
    bound = device.operator
    for row in _rows(changes_of(runs)).values():
        if row.tbl != "staff" or row.existence is None:
            continue
        fields = {col: r.val for col, r in row.fields.items()}
        if not bound:  # enrolled before the roster bound an operator: its own callsign
            if callsign(fields.get("callsign")) == name:
                role = fields.get("role")
                return (row.pk, role if isinstance(role, str) else "")
            continue
        if row.pk != key_of(str(bound.get("staff"))):
            continue
        role = fields.get("role")
        if (
            callsign(fields.get("callsign")) != callsign(bound.get("callsign", ""))
            or name != callsign(bound.get("callsign", ""))
            or ("unit" in bound and fields.get("unit") != bound["unit"])
            or ("operator_role" in bound and role != bound["operator_role"])
            or not isinstance(role, str)
        ):
            return None
        return (row.pk, role)
    return None


def _makes_bound_row(runs: Sequence[Run], device: Device) -> bool:
    """Whether the change set creates the staff row the device's enrolment binds."""
    staff = device.operator.get("staff")
    if not staff:
        return False
    pk = key_of(str(staff))
    return any(r.tbl == "staff" and r.pk == pk and EXISTENCE in r.cols for r in runs)


#: The tables whose rows let an activity's status, time and place change (R5).
_RESTRICTING = ("restriction", "activity_correction")
_TIME_AND_PLACE = ("start_at", "end_at", "location")
_CONCEPT = ("activity", "concept")


def _rows(records: Iterable[Change]) -> dict[tuple[str, str], _Row]:
    rows: dict[tuple[str, str], _Row] = {}
    for record in records:
        row = rows.setdefault(record.row, _Row(record.tbl, record.pk))
        if record.col == EXISTENCE:
            row.existence = record
        else:
            row.fields[record.col] = record
    return rows


def _order(row: _Row) -> tuple[int, int, str, str]:
    """Creations first (restrictions and corrections before all, so an activity's status, time
    and place can follow one)."""
    creates = row.existence is not None and row.existence.cl % 2 == 1
    first = row.tbl in ("restriction", "activity_correction")
    return (0 if creates else 1, 0 if first else 1, row.tbl, row.pk)


def _run_order(
    runs: Sequence[Run], verdicts: list[list[Verdict | None]], indexes: list[int]
) -> tuple[int, int, str, str]:
    """``_order`` of the row these runs write (its existence: the last one not refused alone)."""
    existence: Run | None = None
    for index in indexes:
        run = runs[index]
        if run.cols[0] == EXISTENCE and EXISTENCE not in run.cols[1:]:  # the usual run
            if verdicts[index][0] is None:
                existence = run
            continue
        for offset, col in enumerate(run.cols):
            if col == EXISTENCE and verdicts[index][offset] is None:
                existence = run
    creates = existence is not None and existence.cl % 2 == 1
    first = runs[indexes[0]].tbl in ("restriction", "activity_correction")
    return (0 if creates else 1, 0 if first else 1, runs[indexes[0]].tbl, runs[indexes[0]].pk)


def _seqs(row: _Row) -> list[int]:
    return [r.seq for r in row.records]


def _collapse(found: list[Verdict | None]) -> RunVerdict:
    """One verdict for a run whose records all have the same one."""
    first = found[0]
    assert first is not None
    if all(v is first for v in found):
        return first
    return tuple(v for v in found if v is not None)


def _key_values(pk: str) -> list[object]:
    return key_parts(pk) or []


def _malformed_key(pk: str, rule: rules.TableRule) -> Verdict | None:
    """A row key no store could have written: not a JSON array of the table's key, or not in
    the one canonical form (two spellings of one key would be two rows to the merge)."""
    key = _key_values(pk)
    if len(key) != len(rule.key) or not all(isinstance(k, str) and k for k in key):
        return quarantine("malformed", "key_not_of_table", key=cut(pk), table=rule.name)
    if len(key) == 1 and pk == key_of(str(key[0])):
        return None  # canonical: what json.dumps writes, quickly
    if json.dumps(key, ensure_ascii=False, separators=(",", ":")) != pk:
        return quarantine("malformed", "key_not_canonical", key=cut(pk))
    return None


#: Values up to this long are checked once per field and remembered (at most ``_MEMO`` of them).
_SHORT = 32
_MEMO = 50_000


def _checked(record: Change, field_rule: rules.FieldRule) -> Verdict | None:
    """The field's own value check (pure: the same value is judged the same)."""
    try:
        field_rule.check(record.val, record.col)
    except BadInput as exc:
        return quarantine("value", "value_refused", table=record.tbl, **_refusal(exc))
    return None


def _cleared(record: Change, field_rule: rules.FieldRule) -> Verdict | None:
    """A field no store action ever clears (``FieldRule.kept``: an activity's concept) set to
    NULL or '' by a change to an existing row: a transition only a raw tool makes (it would
    take an R1 flag away with the concept), so it is quarantined on every laptop alike."""
    if field_rule.kept and (record.val is None or record.val == ""):
        return quarantine("transition", "never_cleared", table=record.tbl, column=record.col)
    return None


def _no_value(run: Run, index: int) -> bool:
    """Whether the run's record at ``index`` carries no value (NULL), read without decoding
    the run where it is the first (an existence record always is, from a store)."""
    if index == 0 and (run.vals == "[null]" or run.vals.startswith("[null,")):
        return True
    return run.values()[index] is None


def _malformed_prev(tbl: str, pk: str, col: str, val: object, prev: str | None) -> Verdict | None:
    """A critical field without the history its writer saw, or history on a plain field."""
    if prev is None and (tbl, col) not in CRITICAL_FIELDS:
        return None  # a plain field, or an assessment written before they carried history
    critical = field_of(tbl, pk, col, val) is not None
    if not critical:
        return None if prev is None else _PLAIN_HISTORY
    if prev is None and (tbl, col) == ASSESSED:
        return None  # written before assessments carried their history: takes no part in it
    if prev == "[]":
        return None
    try:
        seen = (
            validate.json_document(prev, "history", max_depth=2, max_len=MAX_HISTORY)
            if prev is not None
            else None
        )
    except ValueError:
        seen = None
    if not isinstance(seen, list) or not all(isinstance(s, str) for s in seen):
        return _NO_HISTORY
    return None


def _missing(row: _Row, rule: rules.TableRule) -> Verdict | None:
    absent = [col for col in rule.fields if col not in row.fields]
    if absent:
        return quarantine("malformed", "fields_missing", table=rule.name, fields=absent[:3])
    return None


def _key_mismatch(row: _Row, rule: rules.TableRule) -> Verdict | None:
    key = _key_values(row.pk)
    if [row.fields[col].val for col in rule.key] != key:
        return quarantine("malformed", "key_mismatch", table=rule.name)
    return None


def _row_checks(rule: rules.TableRule, values: Mapping[str, object]) -> Verdict | None:
    for check in rule.row_checks:
        try:
            check(values)
        except BadInput as exc:
            return quarantine("value", "row_refused", table=rule.name, **_refusal(exc))
    return None


def _store_refused(table: str, exc: StoreError | None) -> Verdict | None:
    """The verdict on a change the store refuses with ``exc`` (``judge_plans``), or None."""
    if exc is None:
        return None
    rule = judge_plans.rule_of(exc)
    return quarantine(rule, "row_refused", table=table, **judge_plans.refusal_facts(exc))


def _refusal(exc: BadInput) -> dict[str, Any]:
    """A store refusal inside a reason: its code and params (``words.errors`` words them), its
    times as stored UTC text (read back as times, said in Amsterdam time: rev14m F4)."""
    return judge_plans.refusal_facts(exc)


def _workflow(table: str, found: judge_signals.Refusal | None) -> Verdict | None:
    """A workflow step the store refuses (``judge_signals``): quarantined with its reason."""
    if found is None:
        return None
    rule, exc = found
    return quarantine(rule, "row_refused", table=table, **judge_plans.refusal_facts(exc))


def _status_follows_restriction(
    status: object, row: Mapping[str, object], restrictions: dict[str, set[str]]
) -> Verdict | None:
    """R5: cancelled, moved and shortened only together with that restriction."""
    needed = rules.restriction_needed(status)
    if needed is None or needed in restrictions.get(str(row.get("id")), set()):
        return None
    return quarantine("transition", "status_needs_restriction", status=needed)


def _done_after_end(record: Change, status: object, end: object) -> Verdict | None:
    """An activity is done only once it has ended (else 'done' would hide its re-planning)."""
    if status != "done" or not isinstance(end, str) or end <= _latest(record):
        return None
    return quarantine("transition", "done_before_it_ends", end=cut(end))


def _at(record: Change) -> At:
    return (record.hlc, record.origin)


def _apart(record: Change) -> dict[str, Any]:
    """A recorded time and its change's stamp, and the whole minutes between them."""
    from ..clock import from_db

    wall = clock_moment(record.hlc)
    try:
        minutes = (
            0 if wall is None else int((wall - from_db(str(record.val))).total_seconds() // 60)
        )
    except ValueError:
        minutes = 0
    return {"taken": cut(record.val), "stamp": _wall(record), "minutes": max(0, minutes)}


def _wall(record: Change) -> str:
    """The wall-clock time of the change's own clock, in stored form."""
    return clock_text(record.hlc) or "9999"


def _earliest(record: Change, limit: timedelta = rules.BACKDATE_LIMIT) -> str:
    """The earliest recorded time a record may carry without being flagged as back-dated
    (``limit`` before its stamp)."""
    from ..clock import to_db

    wall = clock_moment(record.hlc)
    try:
        return "" if wall is None else to_db(wall - limit)
    except OverflowError:
        return ""


def _latest(record: Change) -> str:
    """The latest stored time a record may carry: its own clock, plus the allowed skew."""
    from ..clock import to_db

    wall = clock_moment(record.hlc)
    try:
        return "9999" if wall is None else to_db(wall + rules.CLOCK_SKEW)
    except OverflowError:
        return "9999"
