"""What an activity still needs is what ``gaps`` says of it (plan13, issue 16): one attribution
rule (``gaps.bind``) for ``activity show``, the "still open" lines, the suggestions and the
gap rows, stated as the fewest whole places.

The property test builds single-activity scenarios on real databases — officers whose
qualifications lapse at midnight (before or after their deployment), shifts that end inside
the activity once it is moved, nights across both clock changes and New Year — where the
deployed officers are the only ones on duty, and checks that the open places equal the gap
rows of the activity, moment by moment and per qualification."""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import FixedClock
from store.db import Store, short_id
from store.errors import BadInput, RuleViolation
from store.gaps import Need, bind, find_gaps, load_bonds, load_duties, load_needs
from store.suggest import suggest
from tests.conftest import NOW, at, copy_database
from tests.lapses import deploy_before_the_lapse
from words.deployments import phrase

CP, PD, HRB = "close_protection", "protective_driving", "hrb"
#: (concept, threat level of the person) — each valid for the person
CONCEPTS = {"ESCORT": 2, "CP-LIGHT": 2, "CP-HEAVY": 4}
STAFFING = {"ESCORT": (CP, PD), "CP-LIGHT": (CP, PD), "CP-HEAVY": (CP, HRB, PD)}
#: nights across a local midnight: an ordinary one, the spring and autumn clock changes, New Year
NIGHTS = (
    ("2026-12-01 22:00", "2026-12-02 02:00", date(2026, 12, 1)),
    ("2027-03-27 23:00", "2027-03-28 04:00", date(2027, 3, 27)),
    ("2027-10-30 23:00", "2027-10-31 04:00", date(2027, 10, 30)),
    ("2026-12-31 22:00", "2027-01-01 02:00", date(2026, 12, 31)),
)


LAPSES = date(2027, 2, 12)  # valid through 12 February: lapses at midnight


def _merel_night(store: Store, held: dict[str, list[tuple[str, date | None]]], first: str) -> str:
    """MEREL (W1) with ESCORT 23:00–01:00 on 12 February; the officers ``held`` on duty
    22:00–02:00 with those qualifications; ``first`` deployed."""
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEREL", level=1)
    for callsign, quals in held.items():
        staff.add_staff(store, callsign, unit="RT", qualifications=quals)
        roster.add_shift(
            store, callsign, start=at(store, "2027-02-12 22:00"), end=at(store, "2027-02-13 02:00")
        )
    item = agenda.add_activity(
        store,
        person="MEREL",
        title="n",
        start=at(store, "2027-02-12 23:00"),
        end=at(store, "2027-02-13 01:00"),
        concept="ESCORT",
    )
    deploy_before_the_lapse(store, item.id, [first])  # a lapse within refuses the officer (R8)
    return item.id


def _lapse_night(store: Store) -> str:
    """The review's case (issue 16): RT-0128 holds close protection valid through the 12th and
    driving, RT-0068 only close protection; RT-0128 is deployed."""
    held = {"RT-0128": [(CP, LAPSES), (PD, None)], "RT-0068": [(CP, None)]}
    return _merel_night(store, held, "RT-0128")


def test_a_lapse_at_midnight_leaves_one_whole_place_open(store: Store) -> None:
    """The named case: RT-0128 drives for all of it, so one close-protection place is open
    23:00–01:00 — not a driving place until midnight and a close-protection one after. The
    lapse costs no place (with it valid, one officer still fills one of two), so no R8 in the
    open place, and RT-0128 is not listed (rev16u F4: he holds no place by the lapsing
    qualification); the gap rows say the same, suggest offers RT-0068 for it, and no suggestion
    says driving is short."""
    night = _lapse_night(store)
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, night)
    ]
    assert shown == ["close_protection: 1 slot open 2027-02-12 23:00–2027-02-13 01:00"]
    window = (at(store, "2027-02-12 22:00"), at(store, "2027-02-13 02:00"))
    assert staffing.deployment_violations(store, *window) == []
    options = suggest(store, night)
    assert [(o.callsign, o.feasible) for o in options if o.action == "deploy"] == [
        ("RT-0068", True)
    ]
    assert not any(PD in str(o.fact) for o in options)
    staff.set_qualification(store, "RT-0068", CP, date(2027, 2, 12))
    # now the unit has nobody for close protection after midnight: that is the gap, and the
    # places the activity states agree with it hour by hour
    rows = [g for g in find_gaps(store, *window, unit="RT") if night in g.activities]
    assert [(g.qualification, g.shortfall, g.start, g.end) for g in rows] == [
        (CP, 1, at(store, "2027-02-13 00:00"), at(store, "2027-02-13 01:00"))
    ]


def test_a_deployed_driver_lapsing_is_named_only_where_it_costs_a_place(store: Store) -> None:
    """Deploy RT-0068 too: RT-0128 drives and RT-0068 protects — nothing open. Then RT-0068's
    close protection lapses at midnight (recorded after the deployment): neither holds close
    protection throughout (the one binding, fix16w), so one close-protection place is open for
    all of the activity, R8; the officer whose lapse opened it is listed
    (one per place opened, rev16u F4), not RT-0128, who drives throughout."""
    night = _lapse_night(store)
    staffing.deploy(store, night, ["RT-0068"])
    assert staffing.staffing_shortfalls(store, night) == []
    staff.set_qualification(store, "RT-0068", CP, date(2027, 2, 12))
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, night)
    ]
    assert shown == [
        "close_protection: 1 slot open 2027-02-12 23:00–2027-02-13 01:00"
        " (RT-0068, RT-0128 lapsed; rule R8)"
    ]
    window = (at(store, "2027-02-12 22:00"), at(store, "2027-02-13 02:00"))
    found = staffing.deployment_violations(store, *window)
    assert [(r["callsign"], r["problem"].code, r["problem"].rule) for r in found] == [
        ("RT-0068", "lapses", "R8"),
    ]


def test_a_lapse_stays_listed_once_the_lapsed_officer_is_double_booked(store: Store) -> None:
    """Issue 16 (rev16c f2): XX (close protection lapsing at midnight, driving) and YY
    (driving) are deployed: XX's lapse leaves close protection open 00:00–01:00 (R8). A
    restriction then moves another activity of XX and ZZ (on duty) onto 00:00–01:00: XX is
    double-booked too — both are listed, the lapse is not replaced by the double booking."""
    held = {"XX": [(CP, LAPSES), (PD, None)], "YY": [(PD, None)], "ZZ": [(CP, None)]}
    night = _merel_night(store, held, "XX")
    deploy_before_the_lapse(store, night, ["YY"])
    window = (at(store, "2027-02-12 22:00"), at(store, "2027-02-13 02:00"))

    def listed() -> list[tuple[str, str, str, str]]:
        found = staffing.deployment_violations(store, *window)
        return [(r["activity"], r["callsign"], r["problem"].code, r["problem"].rule) for r in found]

    assert listed() == [(night, "XX", "lapses", "R8")]
    away = (at(store, "2027-02-09 22:00"), at(store, "2027-02-09 23:00"))
    other = agenda.add_activity(
        store, person="MEREL", title="m", start=away[0], end=away[1], concept="ESCORT"
    )
    for callsign in ("XX", "ZZ"):
        roster.add_shift(store, callsign, start=away[0], end=away[1])
    staffing.deploy(store, other.id, ["XX", "ZZ"])
    moved = (at(store, "2027-02-13 00:00"), at(store, "2027-02-13 01:00"))
    agenda.restrict_activity(
        store,
        other.id,
        kind="moved",
        reason="capacity",
        authority="OvJ",
        new_start=moved[0],
        new_end=moved[1],
    )
    assert listed() == [
        (night, "XX", "lapses", "R8"),
        (other.id, "XX", "double_booked", "one place at a time"),
    ]


def test_an_undeployed_officer_on_duty_never_changes_the_open_places(store: Store) -> None:
    """Replaces the old rule that let the unit's pool decide which place a deployed officer
    takes (rev16v F1, fix16w): XX (close protection lapsing at midnight, driving) is deployed
    and YY, who only drives, is on duty undeployed; nobody else protects. One binding, by what
    is valid throughout: XX drives all night, close protection is open 23:00–01:00 whether YY
    is on duty or not, ``gaps`` says the same two hours, and YY (a second driver) fits no open
    place: refused, and never offered as feasible."""
    night = _merel_night(store, {"XX": [(CP, LAPSES), (PD, None)], "YY": [(PD, None)]}, "XX")
    window = (at(store, "2027-02-12 22:00"), at(store, "2027-02-13 02:00"))

    def gaps() -> list[tuple[str, int, datetime, datetime]]:
        return [
            (g.qualification, g.shortfall, g.start, g.end)
            for g in find_gaps(store, *window, unit="RT")
            if night in g.activities
        ]

    assert gaps() == [(CP, 1, at(store, "2027-02-12 23:00"), at(store, "2027-02-13 01:00"))]
    shown = [
        phrase(staffing.shortfall_problem(s)) for s in staffing.staffing_shortfalls(store, night)
    ]
    assert shown == ["close_protection: 1 slot open 2027-02-12 23:00–2027-02-13 01:00"]
    assert not [o for o in suggest(store, night) if o.callsign == "YY" and o.feasible]
    with pytest.raises(RuleViolation):
        staffing.deploy(store, night, ["YY"])


def _double_book(store: Store, rng: random.Random, main: str, deployed: list[str]) -> None:
    """Some of the officers deployed on ``main`` are deployed on DAS's activity as well, which
    a restriction then moves onto ``main`` (before, at or after its start): double-booked,
    as a restriction, a correction or a calendar may leave them (issue 16)."""
    subjects.add_subject(store, "DAS", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "DAS", level=2)
    item = agenda.get_activity(store, main)
    span = item.end_at - item.start_at
    away = item.start_at - timedelta(days=3)
    other = agenda.add_activity(
        store, person="DAS", title="Elders", start=away, end=away + span, concept="ESCORT"
    )
    for callsign in rng.sample(deployed, rng.randint(1, len(deployed))):
        roster.add_shift(store, callsign, start=away, end=away + span)
        with suppress(RuleViolation):  # holds nothing the escort needs, or fills no place
            staffing.deploy(store, other.id, [callsign])
    shift = timedelta(minutes=rng.choice((-60, -30, 0, 30, 60)))
    agenda.restrict_activity(
        store,
        other.id,
        kind="moved",
        reason="capacity",
        authority="OvJ",
        new_start=item.start_at + shift,
        new_end=item.start_at + shift + span,
    )


def _scenario(
    store: Store, rng: random.Random, pool: bool, double: bool = False
) -> tuple[str, tuple[datetime, datetime]]:
    """One activity of BEVER with officers deployed on it — the only ones on duty that count,
    unless ``pool``: then others of the unit are on duty too, undeployed; with ``double``,
    some of them double-booked on another activity (``_double_book``)."""
    concept = rng.choice(sorted(CONCEPTS))
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=CONCEPTS[concept])
    start_text, end_text, eve = rng.choice(NIGHTS)
    start, end = at(store, start_text), at(store, end_text)
    item = agenda.add_activity(
        store, person="BEVER", title="Nacht", start=start, end=end, concept=concept
    )
    officers = []
    for k in range(rng.randint(1, 4)):
        callsign = f"P{k}"
        quals = rng.sample(STAFFING[concept], rng.randint(1, len(STAFFING[concept])))
        held = [(q, eve if rng.random() < 0.3 else None) for q in quals]
        staff.add_staff(store, callsign, unit="RT", qualifications=held)
        early = timedelta(minutes=30 * rng.randint(0, 4))
        late = timedelta(minutes=30 * rng.randint(0, 2))
        roster.add_shift(store, callsign, start=start - early, end=end + late)
        officers.append((callsign, quals))
    deployed = []
    for callsign, quals in officers:
        try:
            staffing.deploy(store, item.id, [callsign])
            deployed.append((callsign, quals))
        except RuleViolation:  # fills no open place: out of the pool, only the deployed count
            for q in quals:
                staff.set_qualification(store, callsign, q, date(2020, 1, 1))
    for callsign, quals in deployed:  # a lapse recorded after the deployment
        if rng.random() < 0.25:
            with suppress(BadInput):  # lapsing on the eve already
                staff.set_qualification(store, callsign, rng.choice(quals), eve)
    if rng.random() < 0.4:  # moved: some deployed officers off duty for part of it
        shift = timedelta(minutes=rng.choice((-60, -30, 30, 60)))
        agenda.restrict_activity(
            store,
            item.id,
            kind="moved",
            reason="capacity",
            authority="OvJ",
            new_start=start + shift,
            new_end=end + shift,
        )
    if double and deployed:
        _double_book(store, rng, item.id, [c for c, _q in deployed])
    for k in range(rng.randint(1, 3) if pool else 0):  # on duty, not deployed
        callsign = f"Q{k}"
        quals = rng.sample(STAFFING[concept], rng.randint(1, len(STAFFING[concept])))
        held = [(q, eve if rng.random() < 0.3 else None) for q in quals]
        staff.add_staff(store, callsign, unit="RT", qualifications=held)
        early = timedelta(minutes=30 * rng.randint(-2, 4))
        roster.add_shift(store, callsign, start=start - early, end=end + timedelta(hours=1))
    return item.id, (start - timedelta(hours=3), end + timedelta(hours=3))


def _step(rows: list[tuple[str, int, datetime, datetime]]) -> dict[tuple[str, datetime], int]:
    """Per qualification and elementary moment, the count the rows add up to there."""
    cuts = sorted({t for _q, _n, a, b in rows for t in (a, b)})
    found: dict[tuple[str, datetime], int] = {}
    for lo, _hi in pairwise(cuts):
        for q, n, a, b in rows:
            if a <= lo < b:
                found[(q, lo)] = found.get((q, lo), 0) + n
    return found


def _same(a: dict[tuple[str, datetime], int], b: dict[tuple[str, datetime], int]) -> bool:
    """Equal as step functions (cut at different moments, zeros left out)."""
    moments = sorted({t for _q, t in a} | {t for _q, t in b})

    def at_(f: dict[tuple[str, datetime], int], q: str, t: datetime) -> int:
        starts = [m for (p, m) in f if p == q and m <= t]
        return f[(q, max(starts))] if starts else 0

    quals = {q for q, _t in a} | {q for q, _t in b}
    return all(at_(a, q, t) == at_(b, q, t) for q in quals for t in moments)


def test_open_places_equal_the_activitys_gap_rows(store_template: Path, tmp_path: Path) -> None:
    """Generated scenarios: ``staffing_shortfalls`` (``activity show``, "still open") and the
    places suggest counts (``open_parts``) are what ``gaps.bind`` leaves of the activity, as
    ``find_gaps`` loads it (with the unit's other officers on duty deciding which places a
    deployed officer takes); with only its deployed officers on duty they equal, moment by
    moment and per qualification, the gap rows of the activity."""
    checked = 0
    for seed in range(40):
        rng = random.Random(seed)
        path = copy_database(store_template, tmp_path / f"s{seed}.db")
        store = Store(path, clock=FixedClock(NOW))
        try:
            pool = seed % 3 == 2
            activity_id, window = _scenario(store, rng, pool)
            checked += _agrees(store, activity_id, window, pool)
        finally:
            store.close()
    assert checked >= 20  # most scenarios leave something open


def test_open_places_of_double_booked_officers_equal_the_binding(
    store_template: Path, tmp_path: Path
) -> None:
    """Generated scenarios with officers deployed on two activities at once (a restriction
    moved the other onto this one, issue 16): one binding — ``gaps.bind`` over every
    deployment, an officer at the activity that starts first — decides what this one still
    needs, for ``activity show`` and suggest alike; a double-booked officer counts for nothing
    here while bound elsewhere."""
    checked = elsewhere = 0
    for seed in range(24):
        rng = random.Random(1000 + seed)
        path = copy_database(store_template, tmp_path / f"d{seed}.db")
        store = Store(path, clock=FixedClock(NOW))
        try:
            activity_id, window = _scenario(store, rng, seed % 3 == 2, double=True)
            checked += _agrees(store, activity_id, window, pool=True)
            shown = staffing.staffing_shortfalls(store, activity_id)
            elsewhere += any(s.elsewhere for s in shown)
        finally:
            store.close()
    assert checked >= 10 and elsewhere >= 3  # the double booking mattered in some


def _agrees(store: Store, activity_id: str, window: tuple[datetime, datetime], pool: bool) -> bool:
    """Check one scenario (see the property tests); whether something is open. What the
    activity shows open is ``gaps.bind`` of its deployed officers alone (fix16w: an officer on
    duty but not deployed never changes it); with the unit's pool, ``gaps`` may pick another
    of the group's maximum matchings, never another number of open places."""
    shown = staffing.staffing_shortfalls(store, activity_id)
    opened = [(s.qualification, s.missing, s.start, s.end) for s in shown]
    bonds = load_bonds(store, *window)
    duties = load_duties(store, *window, unit="RT")
    deployed = {b.officer for b in bonds}
    alone, _rest = bind(
        load_needs(store, *window, unit="RT"), [d for d in duties if d.officer in deployed], bonds
    )
    left, _rest = bind(load_needs(store, *window, unit="RT"), duties, bonds)

    def places(needs: list[Need]) -> list[tuple[str, int, datetime, datetime]]:
        return [
            (q, n, datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC))
            for q, n, a, b in staffing.whole_places([x for x in needs if x.source == activity_id])
        ]

    assert opened == places(alone), (opened, places(alone))

    def totals(rows: list[tuple[str, int, datetime, datetime]]) -> dict[tuple[str, datetime], int]:
        return _step([("all", n, lo, hi) for _q, n, lo, hi in rows])

    assert _same(totals(opened), totals(places(left))), (opened, places(left))
    left = alone
    gaps = [
        (g.qualification, g.shortfall, g.start, g.end)
        for g in find_gaps(store, *window, unit="RT")
        if activity_id in g.activities
    ]
    item = agenda.get_activity(store, activity_id)
    assert item.concept is not None
    group = roster.deployed_officers(store, activity_id)
    most = staffing.most_open(staffing.open_parts(store, activity_id, item.concept, group))
    assert most == staffing.most_open([x for x in left if x.source == activity_id])
    if not pool:
        assert _same(_step(opened), _step(gaps)), (opened, gaps)
        peak = {q: max(n for (p, _t), n in _step(gaps).items() if p == q) for q, *_ in gaps}
        assert most == peak, (most, peak)
    return bool(opened)


def test_a_double_booked_group_leaves_its_places_open_and_takes_a_replacement(
    store: Store,
) -> None:
    """Issue 16 (s3, s18, s21): XX and YY are deployed on REIGER's morning and KIEVIT's
    afternoon; a restriction moves the afternoon onto the morning. They are at the morning
    (it starts first by id): the afternoon's places are open, as ``gaps`` says, worded as
    deployed elsewhere, suggest offers ZZ, and deploying ZZ there is accepted."""
    for person in ("REIGER", "KIEVIT"):
        subjects.add_subject(store, person, kind="person", domain="local", unit="RT")
        subjects.assess_threat(store, person, level=2)
    for callsign in ("XX", "YY", "ZZ"):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(CP, None), (PD, None)])
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 08:00"), end=at(store, "2026-12-01 20:00")
        )
    made = [
        agenda.add_activity(
            store,
            person=person,
            title=person,
            start=at(store, f"2026-12-01 {hour}:00"),
            end=at(store, f"2026-12-01 {hour + 2}:00"),
            concept="ESCORT",
        ).id
        for person, hour in (("REIGER", 10), ("KIEVIT", 14))
    ]
    for item in made:
        staffing.deploy(store, item, ["XX", "YY"])
    morning, afternoon = made
    agenda.restrict_activity(
        store,
        afternoon,
        kind="moved",
        reason="tbp_choice",
        authority="OvJ",
        new_start=at(store, "2026-12-01 10:00"),
        new_end=at(store, "2026-12-01 12:00"),
    )
    said = [phrase(p) for p in roster.double_bookings(store, [afternoon])]
    named, bound = (short_id(store, "activity", i) for i in (afternoon, morning))
    assert said == [
        f"{c} is deployed on activity {named} and on {bound} at once, "
        f"2026-12-01 10:00–12:00; counted at {bound} only (rule: one place at a time)"
        for c in ("XX", "YY")
    ]
    assert staffing.staffing_shortfalls(store, morning) == []
    shown = [
        phrase(staffing.shortfall_problem(s))
        for s in staffing.staffing_shortfalls(store, afternoon)
    ]
    assert shown == [
        f"{q}: 1 slot open 2026-12-01 10:00–12:00 (XX, YY deployed elsewhere then)"
        for q in (CP, PD)
    ]
    window = (at(store, "2026-12-01 06:00"), at(store, "2026-12-01 22:00"))
    rows = find_gaps(store, *window, unit="RT")  # ZZ, on duty, covers one of the two
    assert [(g.shortfall, g.activities) for g in rows] == [(1, (afternoon,))]
    offers = [o for o in suggest(store, afternoon) if o.action == "deploy"]
    assert [o.callsign for o in offers if o.callsign] == ["ZZ"]
    staffing.deploy(store, afternoon, ["ZZ"])
    (left,) = staffing.staffing_shortfalls(store, afternoon)
    assert left.missing == 1
    rows = find_gaps(store, *window, unit="RT")
    assert [(g.qualification, g.shortfall, g.activities) for g in rows] == [
        (left.qualification, 1, (afternoon,))
    ]
