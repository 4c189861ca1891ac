"""Suggestions for activities that need re-planning get the same alternatives as uncovered
ones, never a concept below the required level or outside the package; applying an option goes
through the store, in one transaction; lending counts the travel between units (issue 16)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import agenda, roster, staff, staffing, subjects
from store.agenda import concept_options
from store.clock import local_iso
from store.db import Store
from store.errors import BadInput, RuleViolation
from store.gaps import Gap, find_gaps
from store.subjects import get_subject
from store.suggest import apply_option, suggest
from tests.conftest import at, refused_as, snapshot
from words.facts import reason
from words.suggestions import cost, describe

CP = [("close_protection", None), ("protective_driving", None)]


def _officer(store: Store, callsign: str, unit: str, quals: list, start: str, end: str) -> None:  # type: ignore[type-arg]
    staff.add_staff(store, callsign, unit=unit, qualifications=quals)
    roster.add_shift(store, callsign, start=at(store, start), end=at(store, end))


@pytest.fixture
def kievit(store: Store) -> agenda.Activity:
    """KIEVIT (RT) had threat 2 and an ESCORT for the council meeting; threat 4 now."""
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "KIEVIT", level=2)
    item = agenda.add_activity(
        store,
        person="KIEVIT",
        title="Raadsvergadering",
        start=at(store, "2026-12-01 19:00"),
        end=at(store, "2026-12-01 21:00"),
        concept="ESCORT",
    )
    _officer(store, "RT-0001", "RT", CP, "2026-12-01 15:00", "2026-12-01 23:00")
    _officer(store, "RT-0002", "RT", CP, "2026-12-01 15:00", "2026-12-01 23:00")
    subjects.assess_threat(store, "KIEVIT", level=4)
    return agenda.get_activity(store, item.id)


def test_below_required_is_never_nothing_to_do(store: Store, kievit: agenda.Activity) -> None:
    assert kievit.replan_reason == "below_required"
    options = suggest(store, kievit.id)
    assert all(o.action != "none" for o in options)
    valid = {"CP-HEAVY"}  # OBJ-HRB provides W4 but guards objects (R3)
    for option in options:
        # every option that can be applied (yes or partly), and every deploy, move or team
        if option.feasible or option.partial or option.action in ("deploy", "move", "combine"):
            assert option.concept in valid, option
    # uncovered-style alternatives: the valid concepts, and a move planned with CP-HEAVY
    assert any(o.action == "assign" and o.concept == "CP-HEAVY" for o in options)
    assert any(o.action == "move" and o.concept == "CP-HEAVY" for o in options)
    refused = [o for o in options if o.action == "assign" and "rule R1" in reason("", o.fact)]
    assert {describe(o.what).split()[1] for o in refused} == {
        "CAM",
        "STATIC",
        "ESCORT",
        "CP-LIGHT",
        "REMOTE-CP",
    }
    assert not any(o.feasible for o in refused)


def _dh_0035(store: Store) -> None:
    """A Den Haag officer with close protection and HRB, on duty 14:00–22:00."""
    _officer(store, "DH-0035", "DH", [CP[0], ("hrb", None)], "2026-12-01 14:00", "2026-12-01 22:00")


def test_lending_for_a_flagged_activity_staffs_a_valid_concept(
    store: Store, kievit: agenda.Activity
) -> None:
    """The issue's case: a DH officer was offered to staff the insufficient concept. Now the
    officer is offered for CP-HEAVY (2 close protection, 2 HRB, 1 driver: RT has two close
    protection drivers and two HRB officers, one short), and applying assigns CP-HEAVY and
    deploys in one go, leaving no gap. Nobody else is deployed yet, so the places the unit's
    own officers are to fill stay open: "partly", never "yes" (plan10)."""
    for callsign in ("RT-0003", "RT-0004"):
        _officer(store, callsign, "RT", [("hrb", None)], "2026-12-01 15:00", "2026-12-01 23:00")
    _dh_0035(store)
    (lend,) = [o for o in suggest(store, kievit.id) if o.callsign == "DH-0035"]
    assert (lend.action, lend.concept, lend.feasible, lend.partial, cost(lend.price)) == (
        "deploy",
        "CP-HEAVY",
        False,
        True,
        "travel 30 min",
    )
    assert lend.fact is not None and lend.fact["code"] == "partly_covers"
    # it also replaces the concept: its words and its fields say so (the review's L4)
    assert describe(lend.what) == (
        "Deploy DH-0035 (Close protection, High-risk protection; lent from DH, 30 min travel)"
        " and plan with CP-HEAVY instead of ESCORT"
    )
    assert lend.changes_concept
    applied = apply_option(store, kievit.id, lend)
    assert (applied.concept, applied.replan_reason) == ("CP-HEAVY", None)
    assert [d.callsign for d in roster.list_deployments(store, kievit.id)] == ["DH-0035"]
    assert covering(store, kievit.id) == []


def test_an_officer_who_only_partly_covers_is_never_feasible(
    store: Store, kievit: agenda.Activity
) -> None:
    """Without RT's HRB officers, DH-0035 helps CP-HEAVY but leaves it short: hand-counted,
    five places (close_protection 2, hrb 2, protective_driving 1) and three officers. Only
    DH-0035 would be deployed: the group of one leaves the rest of its places open (plan10)."""
    _dh_0035(store)
    (lend,) = [o for o in suggest(store, kievit.id) if o.callsign == "DH-0035"]
    assert (lend.feasible, lend.partial, reason("", lend.fact)) == (
        False,
        True,
        # the activity's own open places with DH-0035 alone: the canonical maximum matching
        # (``matching.bind_places``, attribution order; fix16w: no undeployed officer changes
        # them), ``gaps`` alike (the rows below)
        "4 places to deploy (1 × Close protection, 2 × High-risk protection, 1 × Protective"
        " driving); the unit can staff them",
    )
    apply_option(store, kievit.id, lend)  # a real step: deployed, and the gap stays visible
    assert [d.callsign for d in roster.list_deployments(store, kievit.id)] == ["DH-0035"]
    # two places short either way; DH-0035 holds the close-protection place (canonical)
    assert {(g.qualification, g.shortfall) for g in covering(store, kievit.id)} == {("hrb", 2)}


def covering(store: Store, activity_id: str) -> list[Gap]:
    """The gap rows that name the activity, as `gaps` lists them."""
    item = agenda.get_activity(store, activity_id)
    rows = find_gaps(store, item.start_at, item.end_at)
    return [g for g in rows if activity_id in g.activities]


def test_an_officer_who_cannot_travel_in_time_is_infeasible(store: Store) -> None:
    """Amsterdam → Rotterdam is 60 minutes in the catalogue: on duty from 07:00 is too late for
    a 07:00 meeting; from 06:00 it works, and the travel is the cost."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Ontbijtoverleg",
        start=at(store, "2026-12-01 07:00"),
        end=at(store, "2026-12-01 08:00"),
        concept="CP-LIGHT",
    )
    for callsign in ("RT-0001", "RT-0002"):  # CP-LIGHT's close protection; its driver lacks
        _officer(store, callsign, "RT", [CP[0]], "2026-12-01 06:00", "2026-12-01 14:00")
    _officer(store, "AM-0001", "AM", CP, "2026-12-01 07:00", "2026-12-01 15:00")
    _officer(store, "AM-0002", "AM", CP, "2026-12-01 06:00", "2026-12-01 14:00")
    found = {o.callsign: o for o in suggest(store, item.id) if o.callsign}
    late, early = found["AM-0001"], found["AM-0002"]
    assert (late.feasible, reason("", late.fact), cost(late.price)) == (
        False,  # a late start, told apart from a late trip back (rev16o)
        "AM-0001 needs 60 min travel from AM and is not on duty by 06:00 (rule: travel)",
        "travel 60 min",
    )
    # it works; nobody else is deployed yet, so CP-LIGHT's other place stays open: partly
    assert (early.feasible or early.partial, cost(early.price), early.travel_minutes) == (
        True,
        "travel 60 min",
        60,
    )
    before = snapshot(store.path)
    with refused_as(RuleViolation, r"AM-0001 needs 60 min travel from AM .* by 06:00"):
        staffing.deploy(store, item.id, ["AM-0001"])
    assert snapshot(store.path) == before


def test_a_lend_whose_trip_back_leaves_the_home_unit_short_longer_is_not_feasible(
    store: Store,
) -> None:
    """AM-0002 (06:00–09:00) could drive BEVER's 07:00 meeting in Rotterdam, but travels back
    until 09:00 and AM's own ESCORT from 08:00 loses its officer 08:00–09:00: AM's gap grows
    from 09:00 to 08:00 with the same number of officers short — counted in officer-hours
    (as `gaps` shows it), the home unit is left shorter: ``home_short``, never "yes".
    AM-0003 (06:00–08:30) would be back only after the shift ends: the trip home is working
    time and must fit within the shift (plan10, as `capacity scenario` lends): refused."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Ontbijtoverleg",
        start=at(store, "2026-12-01 07:00"),
        end=at(store, "2026-12-01 08:00"),
        concept="CP-LIGHT",
    )
    for callsign in ("RT-0001", "RT-0002"):  # CP-LIGHT's close protection; its driver lacks
        _officer(store, callsign, "RT", [CP[0]], "2026-12-01 06:00", "2026-12-01 14:00")
    subjects.add_subject(store, "MEEUW", kind="person", domain="local", unit="AM")
    subjects.assess_threat(store, "MEEUW", level=2)
    agenda.add_activity(
        store,
        person="MEEUW",
        title="Bezoek",
        start=at(store, "2026-12-01 08:00"),
        end=at(store, "2026-12-01 10:00"),
        concept="ESCORT",
    )
    _officer(store, "AM-0002", "AM", CP, "2026-12-01 06:00", "2026-12-01 09:00")
    _officer(store, "AM-0003", "AM", CP, "2026-12-01 06:00", "2026-12-01 08:30")
    found = {o.callsign: o for o in suggest(store, item.id) if o.callsign}
    assert (found["AM-0002"].feasible, reason("", found["AM-0002"].fact)) == (
        False,
        "would leave AM short (with travel both ways)",
    )
    assert (found["AM-0003"].feasible, reason("", found["AM-0003"].fact)) == (
        False,  # a late trip back, told apart from a late start (rev16o)
        "AM-0003 needs 60 min travel back to AM and is not on duty until 09:00 (rule: travel)",
    )
    before = snapshot(store.path)
    with refused_as(RuleViolation, r"AM-0003 needs 60 min travel back to AM .* until 09:00"):
        staffing.deploy(store, item.id, ["AM-0003"])
    assert snapshot(store.path) == before


def test_a_changed_activity_can_keep_its_concept_confirmed(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    _officer(store, "RT-0001", "RT", CP, "2026-12-01 08:00", "2026-12-01 16:00")
    _officer(store, "RT-0002", "RT", [CP[0]], "2026-12-01 08:00", "2026-12-01 16:00")
    _officer(store, "RT-0003", "RT", [CP[0]], "2026-12-01 08:00", "2026-12-01 16:00")
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 10:00"),
        concept="CP-LIGHT",
    )
    staffing.deploy(store, item.id, ["RT-0001", "RT-0002", "RT-0003"])  # every place filled
    assert [o.action for o in suggest(store, item.id)] == ["none"]
    store.conn.execute("UPDATE activity SET review_reason = 'changed_externally'")
    options = suggest(store, item.id)
    keep = options[0]
    assert (keep.action, keep.concept, keep.feasible) == ("assign", "CP-LIGHT", True)
    assert describe(keep.what) == "Keep CP-LIGHT (W3) for the changed time or place"
    assert apply_option(store, item.id, keep).replan_reason is None


def test_a_move_is_a_restriction_with_its_authority(store: Store) -> None:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    for n in range(3):
        _officer(store, f"RT-000{n}", "RT", CP, "2026-12-01 10:00", "2026-12-01 18:00")
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Overleg",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 10:00"),
        concept="CP-LIGHT",
    )
    (move,) = [o for o in suggest(store, item.id) if o.action == "move"]
    before = snapshot(store.path)
    with refused_as(RuleViolation, "names the deciding authority"):
        apply_option(store, item.id, move)
    infeasible = next(o for o in suggest(store, item.id) if not (o.feasible or o.partial))
    with refused_as(BadInput, "would not work"):
        apply_option(store, item.id, infeasible)
    assert snapshot(store.path) == before
    moved = apply_option(store, item.id, move, authority="OvJ Havenstad")
    assert (local_iso(moved.start_at), moved.status) == ("2026-12-01T10:00:00+01:00", "moved")
    (restriction,) = agenda.list_restrictions(store, item.id)
    assert (restriction.reason, restriction.authority) == ("capacity", "OvJ Havenstad")


CONCEPTS = ["CAM", "STATIC", "ESCORT", "CP-LIGHT", "REMOTE-CP", "OBJ-HRB", "CP-HEAVY", None]


@pytest.fixture
def roster_rt(store: Store) -> Store:
    for n, quals in enumerate((CP, [CP[0]], [("hrb", None), CP[0]], [("object_guard", None)])):
        _officer(store, f"RT-00{n}", "RT", quals, "2026-12-01 07:00", "2026-12-01 15:00")
    _officer(store, "AM-0009", "AM", CP, "2026-12-01 06:00", "2026-12-01 14:00")
    return store


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    before=st.integers(1, 5),
    after=st.integers(1, 5),
    concept=st.sampled_from(CONCEPTS),
    unit=st.sampled_from(["RT", "OB"]),
    hour=st.integers(7, 12),
)
def test_suggest_never_offers_an_invalid_concept(
    roster_rt: Store, before: int, after: int, concept: str | None, unit: str, hour: int
) -> None:
    store = roster_rt
    code = f"P{len(subjects.list_subjects(store))}"
    subjects.add_subject(store, code, kind="person", domain="local", unit=unit)
    subjects.assess_threat(store, code, level=before)
    valid_then = {o.code for o in concept_options(store, get_subject(store, code)) if o.valid}
    item = agenda.add_activity(
        store,
        person=code,
        title="Afspraak",
        start=at(store, f"2026-12-01 {hour:02d}:00"),
        end=at(store, f"2026-12-01 {hour + 1:02d}:00"),
        concept=concept if concept in valid_then else None,
    )
    subjects.assess_threat(store, code, level=after)
    valid = {o.code for o in concept_options(store, get_subject(store, code)) if o.valid}
    options = suggest(store, item.id)
    assert options, (concept, before, after)  # never vacuous: the checks below need options
    for option in options:
        # every option that can be applied (yes or partly), and every deploy, move or team
        if option.feasible or option.partial or option.action in ("deploy", "move", "combine"):
            assert option.concept in valid, (option, valid)
    usable = [o for o in options if o.feasible and o.action != "none"]
    if usable:  # applying a feasible option leaves a valid concept and no gap on the activity
        option = usable[0]
        applied = apply_option(store, item.id, option, authority="OvJ")
        assert applied.concept in valid and applied.replan_reason in (None, "changed_externally")
        assert covering(store, item.id) == [], option


def test_outside_the_package_gets_the_package_concept_never_its_own(store: Store) -> None:
    """A lowered threat leaves CP-LIGHT outside the person's package (R3): flagged, never
    "nothing to do", and every option plans with ESCORT — the package's concept for a person —
    never staffing CP-LIGHT; the officers on duty can staff ESCORT, so keeping it is not
    offered and assigning ESCORT is."""
    subjects.add_subject(store, "REIGER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "REIGER", level=3)
    item = agenda.add_activity(
        store,
        person="REIGER",
        title="Hoorzitting",
        start=at(store, "2026-12-01 10:00"),
        end=at(store, "2026-12-01 12:00"),
        concept="CP-LIGHT",
    )
    _officer(store, "RT-0001", "RT", CP, "2026-12-01 08:00", "2026-12-01 16:00")
    _officer(store, "RT-0002", "RT", CP, "2026-12-01 08:00", "2026-12-01 16:00")
    subjects.assess_threat(store, "REIGER", level=1)
    assert agenda.get_activity(store, item.id).replan_reason == "outside_package"
    options = suggest(store, item.id)
    assert all(o.action != "none" for o in options)
    for option in options:
        if option.feasible or option.partial or option.action in ("deploy", "move", "combine"):
            assert option.concept == "ESCORT", option
    (escort,) = [o for o in options if o.action == "assign" and o.concept == "ESCORT"]
    assert escort.partial and not escort.feasible  # nobody deployed: its places stay open
    assert reason("", escort.fact) == (
        "2 places to deploy (1 × Close protection, 1 × Protective driving); the unit can staff them"
    )
