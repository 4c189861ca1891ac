"""One binding of a deployed group to an activity's places (issue 16, rev16v, fix16w).

``matching.bind_places``: a maximum bipartite matching of the activity's DEPLOYED officers to
its places, an edge only where the officer holds the place's qualification valid THROUGHOUT
the activity (R8); open places = places minus the matching's size. ``gaps``, ``activity
show`` (``staffing_shortfalls``), ``suggest``, the deploy refusal and ``--violations`` all
bind through it, so an officer on duty but not deployed never changes what an activity leaves
open, and the order of one-at-a-time deploys never changes the answer.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from itertools import product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import agenda, roster, staff, staffing, subjects
from store.clock import FixedClock
from store.db import Store
from store.errors import BadInput, RuleViolation
from store.gaps import find_gaps
from store.matching import bind_places
from store.suggest import suggest
from tests.conftest import NOW, at, copy_database
from tests.lapses import deploy_before_the_lapse
from words.deployments import phrase

CP, PD = "close_protection", "protective_driving"
EVE = date(2026, 12, 1)  # a qualification valid through this day lapses at local midnight
START, END = "2026-12-01 23:00", "2026-12-02 01:00"


def _brute(staffing: dict[str, int], officers: dict[str, frozenset[str]]) -> int:
    """The largest matching, by trying every assignment of officers to places (or none)."""
    places = [q for q, n in staffing.items() for _ in range(n)]
    names = sorted(officers)
    best = 0
    for chosen in product(*([None, *range(len(places))] for _ in names)):
        taken = [i for i in chosen if i is not None]
        if len(taken) != len(set(taken)):
            continue
        fits = sum(
            1
            for c, i in zip(names, chosen, strict=True)
            if i is not None and places[i] in officers[c]
        )
        if fits == len(taken):
            best = max(best, fits)
    return best


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from([CP, PD, "hrb"]), st.integers(0, 2), min_size=1),
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D"]),
        st.frozensets(st.sampled_from([CP, PD, "hrb"])),
        max_size=4,
    ),
)
def test_bind_places_is_a_maximum_matching(
    staffing_: dict[str, int], officers: dict[str, frozenset[str]]
) -> None:
    """Against brute force: as many places filled as any assignment fills, none above its
    count; the officers without a place are exactly as many as the matching leaves over."""
    bound = bind_places(staffing_, officers)
    size = sum(bound.filled.values())
    assert size == _brute(staffing_, officers)
    assert all(bound.filled[q] <= n for q, n in staffing_.items())
    assert len(bound.placeless) == len(officers) - size


def test_bind_places_keeps_those_bound_first() -> None:
    """An officer bound before (deployed before) keeps his place; the newcomer is left over."""
    assert bind_places({PD: 1}, {"X1": frozenset({PD}), "X0": frozenset({PD})}).placeless == ("X1",)
    first = bind_places({PD: 1}, {"X1": frozenset({PD}), "X0": frozenset({PD})}, ["X1"])
    assert first.placeless == ("X0",)


def _night(store: Store, held: dict[str, list[tuple[str, date | None]]]) -> str:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    for callsign, qualifications in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=qualifications)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 20:00"), end=at(store, "2026-12-02 04:00")
        )
    return agenda.add_activity(
        store,
        person="BEVER",
        title="Nachtrit",
        start=at(store, START),
        end=at(store, END),
        concept="CP-LIGHT",
    ).id


def _shown(store: Store, activity_id: str) -> list[str]:
    return [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, activity_id)
    ]


def _gaps(store: Store) -> list[tuple[str, int, datetime, datetime]]:
    window = (at(store, "2026-12-01 20:00"), at(store, "2026-12-02 04:00"))
    return [(g.qualification, g.shortfall, g.start, g.end) for g in find_gaps(store, *window)]


LAPSING = [(CP, EVE), (PD, None)]  # close protection until midnight, driving throughout
BOTH = [(CP, None), (PD, None)]


@pytest.mark.parametrize("bystander", [False, True])
def test_a_bystander_never_changes_the_open_places(store: Store, bystander: bool) -> None:
    """rev16v f1/t5: CP-LIGHT (2 close protection + 1 driver) 23:00–01:00, only RT-X1
    deployed (close protection lapsing at midnight, driving throughout). He drives: both
    close-protection places are open for all of it, with RT-X2 (both, throughout) on duty
    but not deployed or without him; ``gaps`` then lets RT-X2 take one of them."""
    held = {"RT-X1": LAPSING} | ({"RT-X2": BOTH} if bystander else {})
    activity_id = _night(store, held)
    staffing.deploy(store, activity_id, ["RT-X1"])
    assert _shown(store, activity_id) == [
        "close_protection: 2 slots open 2026-12-01 23:00–2026-12-02 01:00"
    ]
    assert _gaps(store) == [(CP, 1 if bystander else 2, at(store, START), at(store, END))]
    if bystander:
        (offer,) = [o for o in suggest(store, activity_id) if o.callsign == "RT-X2"]
        assert offer.fact is not None and offer.fact["params"]["missing"] == [[CP, 1]]


@pytest.mark.parametrize("order", [["RT-X1", "RT-X4"], ["RT-X4", "RT-X1"]])
@pytest.mark.parametrize("bystander", [False, True])
def test_two_drivers_one_place_the_second_is_refused_in_either_order(
    store: Store, order: list[str], bystander: bool
) -> None:
    """rev16v t6/t7: RT-X1 (close protection lapsing, driving) and RT-X4 (driving) both fit
    only the one driving place: whichever is deployed second is refused, with or without
    RT-X2 on duty undeployed; named together, RT-X4 (callsign order) is; nothing is listed."""
    held = {"RT-X1": LAPSING, "RT-X4": [(PD, None)]} | ({"RT-X2": BOTH} if bystander else {})
    activity_id = _night(store, held)
    staffing.deploy(store, activity_id, [order[0]])
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, activity_id, [order[1]])
    assert [p["params"]["callsign"] for p in refused.value.params["problems"]] == [order[1]]
    window = (at(store, "2026-12-01 20:00"), at(store, "2026-12-02 04:00"))
    assert staffing.deployment_violations(store, *window) == []


def test_named_together_the_later_callsign_is_refused(store: Store) -> None:
    activity_id = _night(store, {"RT-X1": LAPSING, "RT-X4": [(PD, None)]})
    with pytest.raises(RuleViolation) as refused:
        staffing.deploy(store, activity_id, ["RT-X4", "RT-X1"])
    assert [p["params"]["callsign"] for p in refused.value.params["problems"]] == ["RT-X4"]


def test_the_unit_can_staff_counts_only_qualifications_valid_throughout(store: Store) -> None:
    """rev16v t2/t3: RT-X1 (close protection lapsing, driving) and RT-X2 (both throughout) on
    duty, nobody deployed: the unit can staff two of CP-LIGHT's three places (RT-X2 protects,
    RT-X1 drives), short one close protection — never "short one of each"."""
    activity_id = _night(store, {"RT-X1": LAPSING, "RT-X2": BOTH})
    options = suggest(store, activity_id)
    for option in options:
        if option.concept == "CP-LIGHT" and option.fact and "short" in option.fact["params"]:
            assert [q for q, _n in option.fact["params"]["short"]] in ([], [CP]), option
    (x1,) = [o for o in options if o.callsign == "RT-X1"]
    assert x1.fact is not None and x1.fact["params"]["short"] == [[CP, 1]]


def test_a_lapsing_qualification_is_not_offered_as_held(store: Store) -> None:
    """rev16v item 4: the deploy form's label names only qualifications valid throughout."""
    activity_id = _night(store, {"RT-X1": LAPSING})
    (found,) = roster.deployable(store, activity_id)
    assert found.fills == (PD,)


def test_a_lapse_recorded_later_lists_the_officer_left_without_a_place(store: Store) -> None:
    """rev16v t10: ESCORT, X1 and X2 both deployed. B: X1's close protection and driving both
    lapse at midnight (recorded later): X2 fills one place, X1 none — listed; after RT-X9
    (close protection) is deployed as suggested nothing is open, and X1 is still listed (he
    holds no place valid throughout)."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    for callsign, held in {"RT-X1": BOTH, "RT-X2": BOTH, "RT-X9": [(CP, None)]}.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=held)
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 20:00"), end=at(store, "2026-12-02 04:00")
        )
    activity_id = agenda.add_activity(
        store,
        person="BEVER",
        title="N",
        start=at(store, START),
        end=at(store, END),
        concept="ESCORT",
    ).id
    deploy_before_the_lapse(store, activity_id, ["RT-X1", "RT-X2"])
    for q in (CP, PD):
        staff.set_qualification(store, "RT-X1", q, EVE)
    window = (at(store, "2026-12-01 20:00"), at(store, "2026-12-02 04:00"))
    listed = [v["callsign"] for v in staffing.deployment_violations(store, *window)]
    assert listed == ["RT-X1"]
    assert [
        (s.qualification, s.missing) for s in staffing.staffing_shortfalls(store, activity_id)
    ] == [(PD, 1)]
    (offer,) = [o for o in suggest(store, activity_id) if o.callsign == "RT-X9"]
    assert offer.feasible
    staffing.deploy(store, activity_id, ["RT-X9"])
    assert staffing.staffing_shortfalls(store, activity_id) == []
    assert [v["callsign"] for v in staffing.deployment_violations(store, *window)] == ["RT-X1"]


QUALS = st.sampled_from([[(CP, None)], [(PD, None)], BOTH, LAPSING, [(CP, EVE)]])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(QUALS, min_size=1, max_size=3),
    st.lists(QUALS, max_size=2),
)
def test_gaps_show_and_suggest_agree_on_small_rosters(
    store_template: Path,
    tmp_path: Path,
    deployed: list[list[tuple[str, date | None]]],
    bystanders: list[list[tuple[str, date | None]]],
) -> None:
    """Random small rosters: what ``activity show`` leaves open is places minus the largest
    matching of the deployed officers by what they hold valid throughout (brute force), the
    same with or without bystanders on duty; suggest's places to deploy are those; with no
    bystander ``gaps`` says the same per qualification over the whole activity."""
    results = []
    for with_bystanders in (False, True):
        path = copy_database(store_template, tmp_path / f"b{int(with_bystanders)}.db")
        store = Store(path, clock=FixedClock(NOW))
        try:
            held = {f"D{k}": q for k, q in enumerate(deployed)}
            if with_bystanders:
                held |= {f"B{k}": q for k, q in enumerate(bystanders)}
            activity_id = _night(store, held)
            placed = []
            for k in range(len(deployed)):
                try:  # deployed as if before any lapse, one at a time
                    deploy_before_the_lapse(store, activity_id, [f"D{k}"])
                    placed.append(k)
                except RuleViolation:
                    pass  # he fits no open place: not deployed
            for k, quals in enumerate(deployed):  # the lapses recorded after
                for code, until in quals:
                    with suppress(BadInput):  # recorded so already
                        staff.set_qualification(store, f"D{k}", code, until)
            places = {CP: 2, PD: 1}
            lasting = {
                f"D{k}": frozenset(c for c, until in deployed[k] if until is None) for k in placed
            }
            open_count = sum(places.values()) - _brute(places, lasting)
            shown = staffing.staffing_shortfalls(store, activity_id)
            assert sum(s.missing for s in shown) == open_count
            assert all((s.start, s.end) == (at(store, START), at(store, END)) for s in shown)
            results.append(sorted((s.qualification, s.missing) for s in shown))
            if not with_bystanders and len(placed) == len(deployed):
                # (an officer refused a place is on duty beside the group: gaps counts him in
                # the unit's pool, as it counts a bystander, so only then may gaps differ)
                gaps = {(q, n) for q, n, a, b in _gaps(store)}
                assert sorted(gaps) == results[-1]
            for option in suggest(store, activity_id):
                if option.action == "deploy" and option.fact and option.callsign:
                    missing = dict(map(tuple, option.fact["params"].get("missing", [])))
                    assert sum(missing.values()) <= open_count
        finally:
            store.close()
    assert results[0] == results[1]
