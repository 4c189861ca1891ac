"""The best assignment of officers to a concept's slots: pure functions, no SQL.

The gap sweep (``gaps``) uses it for every elementary interval of a unit, the deployment check
(``roster``: deploy, assign, staffing shown open, violations, suggestions) for the group deployed
on one activity (``judge_group``), so all judge staffing the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def attribution_order(qualifications: Iterable[str]) -> tuple[str, ...]:
    """The fixed order in which shortfall is attributed: alphabetical by code.

    Args:
        qualifications: qualification codes.

    Returns:
        The codes sorted alphabetically.
    """
    return tuple(sorted(qualifications))


def assign(
    demand: tuple[int, ...],
    groups: tuple[tuple[int, int], ...],
    reach: dict[int, int] | None = None,
) -> tuple[int, ...]:
    """Covered count per qualification (index as in ``demand``) in the best assignment.

    ``groups`` are (qualification bit mask, officer count). Qualifications are filled in index
    order, each taking as much as it can without taking from those before it: the coverage of
    qualification k is M(k+1) - M(k), where M(k) is the largest number of officers that can be
    assigned to the first k qualifications at once.

    M comes from max-flow/min-cut (Hall's theorem with deficiency): for qualifications P,
    M(P) = min over S ⊆ P of [demand of P outside S + officers in groups holding any of S];
    S may be limited to qualifications with demand (adding one without demand never lowers the
    cut). With the handful of qualifications a unit needs at once that is a few dozen sums.
    ``reach`` memoises "officers in groups holding any of S" for calls with the same groups.

    Args:
        demand: officers needed per qualification, in fill order.
        groups: (qualification bit mask, officer count) per group of officers alike.
        reach: a memo for calls with the same groups, or None.

    Returns:
        Officers covered per qualification, in the order of ``demand``; each at most its demand.
    """
    if reach is None:
        reach = {}
    covered = [0] * len(demand)
    subsets = [(0, 0)]  # (qualification mask S, demand of S) over the prefix so far
    best = 0  # min over those S of [officers holding any of S - demand of S]
    assigned = prefix_demand = 0
    for q, wanted in enumerate(demand):
        if not wanted:
            continue
        bit = 1 << q
        grown = [(mask | bit, held + wanted) for mask, held in subsets]
        for mask, held in grown:
            officers = reach.get(mask)
            if officers is None:
                officers = reach[mask] = sum(count for group, count in groups if group & mask)
            if officers - held < best:
                best = officers - held
        subsets += grown
        prefix_demand += wanted
        most = prefix_demand + best
        covered[q] = most - assigned
        assigned = most
    return tuple(covered)


def cover(
    staffing: Iterable[tuple[str, int]],
    group: Iterable[frozenset[str]],
    order: Sequence[str] | None = None,
) -> dict[str, int]:
    """The slots of a concept's staffing that a group of officers fills at once.

    The same best assignment as the gap sweep (``assign``), for one group: each officer fills
    at most one slot, of a qualification they hold valid (R8, the caller passes what is valid
    at the moment judged); shortfall is attributed in ``attribution_order``.

    Args:
        staffing: (qualification, count) per slot kind of the concept.
        group: each officer's valid qualifications.
        order: the order in which the qualifications are filled, when not
            ``attribution_order`` (the gap sweep's binding fills the scarcest first).

    Returns:
        Filled slots per qualification of ``staffing`` (0 for none).
    """
    needs = dict(staffing)
    order = tuple(order) if order is not None else attribution_order(needs)
    index = {q: i for i, q in enumerate(order)}
    groups: dict[int, int] = defaultdict(int)
    for held in group:
        mask = sum(1 << index[q] for q in held if q in index)
        if mask:
            groups[mask] += 1
    filled = assign(tuple(needs[q] for q in order), tuple(groups.items()))
    return dict(zip(order, filled, strict=True))


def needed(staffing: Mapping[str, int], part: Mapping[str, frozenset[str]]) -> set[str]:
    """The officers of one part whose removal lowers the best assignment there: each of them
    fills a slot in every best assignment of the part. The others are interchangeable with
    someone (or fill nothing) there.

    Args:
        staffing: slots per qualification of the concept.
        part: each officer on duty in the part (by callsign) with the qualifications valid then.

    Returns:
        The callsigns of the officers no one in the part can stand in for; empty when every slot has
        a substitute.
    """
    whole = sum(cover(staffing.items(), part.values()).values())
    return {
        officer
        for officer in part
        if sum(cover(staffing.items(), [h for o, h in part.items() if o != officer]).values())
        < whole
    }


@dataclass(frozen=True)
class GroupVerdict:
    """A group of officers judged against a concept's staffing over the parts of an activity.

    Attributes:
        filled: per part, the slots filled per qualification (the best assignment, ``cover``).
        idle: callsigns, sorted, who fill a slot in no part: removing any one of them lowers the
            best assignment nowhere, so the group without them staffs the activity as well.
    """

    filled: tuple[dict[str, int], ...]
    idle: tuple[str, ...]


def judge_group(
    staffing: Mapping[str, int],
    group: Iterable[str],
    parts: Sequence[Mapping[str, frozenset[str]]],
) -> GroupVerdict:
    """The whole group at once, part by part (a part: a stretch of the activity in which every
    officer's duty and valid qualifications stay the same, R8). The verdict depends on the
    group only, never on the order in which it was named or deployed. The sets of officers a
    part's slots can take at once form a (transversal) matroid, so an officer needed in a part
    of a group is needed there in every smaller group that holds him: a group with no idle
    officer has no idle officer in any of its subgroups, and deploying it whole or one officer
    at a time, in any order, gives the same verdict.

    Args:
        staffing: slots per qualification of the concept.
        group: every officer of the group (callsigns).
        parts: per part, each officer on duty then with the qualifications valid then.

    Returns:
        The filled slots per part and the officers who fill none anywhere.
    """
    filled = tuple(cover(staffing.items(), part.values()) for part in parts)
    busy: set[str] = set()
    for part in parts:
        busy |= needed(staffing, part)
    return GroupVerdict(filled, tuple(sorted(set(group) - busy)))


@dataclass(frozen=True)
class Binding:
    """A deployed group bound to an activity's places (``bind_places``).

    Attributes:
        filled: places filled per qualification of the staffing (0 for none): a maximum
            matching, the qualifications filled in ``attribution_order`` first.
        placeless: callsigns, sorted, left without a place when the officers are bound one by
            one in callsign order (each bound when an augmenting path gives him a place).
    """

    filled: dict[str, int]
    placeless: tuple[str, ...]

    def open(self, staffing: Mapping[str, int]) -> dict[str, int]:
        """The places left open per qualification (only those with one open).

        Args:
            staffing: places per qualification (the same as bound).

        Returns:
            Open places per qualification code, none with zero.
        """
        return {
            q: n - self.filled.get(q, 0) for q, n in staffing.items() if n > self.filled.get(q, 0)
        }


def bind_places(
    staffing: Mapping[str, int],
    officers: Mapping[str, frozenset[str]],
    first: Iterable[str] = (),
) -> Binding:
    """THE binding of a deployed group to an activity's places: a maximum bipartite matching
    of officers to places, an edge where the officer holds the qualification a place needs —
    the caller passes, per officer, only the qualifications valid THROUGHOUT the activity (R8)
    and only officers deployed on it (never a bystander on duty). Open places = places minus
    the matching's size. ``gaps.bind`` (and through it ``gaps``, ``activity show``,
    ``suggest``), the deploy refusal and ``gaps --violations`` all bind through it.

    Simple augmenting paths (Kuhn's algorithm), written out here: an activity has a handful
    of places, and no graph library is installed (no networkx or scipy in the environment).
    Which places stay open is canonical: places are offered to the matching in attribution
    order, so the matchable places found are the lexicographically first ones (a transversal
    matroid: the greedy order gives the same counts as ``cover``). Who is left without a place
    is found the same way from the officers' side, ``first`` then the others, each in callsign
    order (an augmenting path never unseats an officer already placed, so an officer deployed
    before keeps his place and a newcomer is the one left over); by the Mendelsohn-Dulmage
    theorem one maximum matching realises both at once.

    Args:
        staffing: places per qualification.
        officers: per callsign of each deployed officer, the qualifications valid throughout.
        first: callsigns bound before the others (those deployed before; none: callsign order).

    Returns:
        The ``Binding``: places filled per qualification and the officers without a place.
    """
    places = [q for q in attribution_order(staffing) for _ in range(staffing[q])]
    ahead = set(first)
    callsigns = sorted(officers, key=lambda c: (c not in ahead, c))
    edges = {c: [i for i, q in enumerate(places) if q in officers[c]] for c in callsigns}
    # place side: each place, in order, tries to reach an officer
    by_officer: dict[str, int] = {}

    def place_path(i: int, seen: set[str]) -> bool:
        for c in callsigns:
            if i in edges[c] and c not in seen:
                seen.add(c)
                if c not in by_officer or place_path(by_officer[c], seen):
                    by_officer[c] = i
                    return True
        return False

    filled = dict.fromkeys(staffing, 0)
    for i, q in enumerate(places):
        if place_path(i, set()):
            filled[q] += 1
    # officer side: each officer, in callsign order, tries to reach a place
    by_place: dict[int, str] = {}

    def officer_path(c: str, seen: set[int]) -> bool:
        for i in edges[c]:
            if i not in seen:
                seen.add(i)
                if i not in by_place or officer_path(by_place[i], seen):
                    by_place[i] = c
                    return True
        return False

    placeless = tuple(c for c in callsigns if not officer_path(c, set()))
    return Binding(filled, placeless)
