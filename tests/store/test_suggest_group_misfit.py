"""An option that gives the activity another concept is feasible only if the officers already
deployed fit it (issue 16, rev16g): after KIEVIT was assessed down to W1, its CP-LIGHT
activity with three officers was offered "Use ESCORT … feasible yes", and an object's STATIC
activity with two object guards, raised to W4, "Deploy X and plan with OBJ-HRB" (partly) —
both always refused on apply (``concept_misfits_deployed``: ``put_concept`` checks the deployed
group, the suggestion did not). Right: every option not marked infeasible applies; one whose
deployed group misfits the new concept is not feasible and names the misfit officers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.suggest import apply_option, suggest
from tests.conftest import FixedClock, at, copy_database
from words.facts import reason

CP, PD, OG, HRB = "close_protection", "protective_driving", "object_guard", "hrb"


def _officer(store: Store, callsign: str, held: list[str]) -> None:
    staff.add_staff(store, callsign, unit="RT", qualifications=[(q, None) for q in held])
    roster.add_shift(
        store, callsign, start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 15:00")
    )


def _deescalated(store: Store) -> str:
    """A person's CP-LIGHT activity fully staffed (2 × CP, 1 × PD), then assessed W1: ESCORT
    (1 × CP, 1 × PD) is valid, and one of the three deployed would fill no place of it."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=3)
    for callsign, held in (("RT-0001", [CP, PD]), ("RT-0002", [CP]), ("RT-0003", [CP])):
        _officer(store, callsign, held)
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Overleg",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"),
        concept="CP-LIGHT",
    )
    staffing.deploy(store, item.id, ["RT-0001", "RT-0002", "RT-0003"])
    subjects.assess_threat(store, "BEVER", level=1)
    return item.id


def _object_raised(store: Store) -> str:
    """An object's STATIC activity with two object guards, then assessed W4: OBJ-HRB (2 × HRB,
    1 × object guard) would leave one guard without a place; an HRB officer is free."""
    subjects.add_subject(store, "DAS", kind="object", domain="local", unit="RT")
    subjects.assess_threat(store, "DAS", level=2)
    for callsign, held in (("RT-0011", [OG]), ("RT-0012", [OG]), ("RT-0013", [HRB])):
        _officer(store, callsign, held)
    item = agenda.add_activity(
        store,
        person="DAS",
        title="Terrein",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"),
        concept="STATIC",
    )
    staffing.deploy(store, item.id, ["RT-0011", "RT-0012"])
    subjects.assess_threat(store, "DAS", level=4)
    return item.id


@pytest.mark.parametrize(
    ("setup", "concept"), [(_deescalated, "ESCORT"), (_object_raised, "OBJ-HRB")]
)
def test_every_option_not_marked_infeasible_applies(
    store_template: Path,
    tmp_path: Path,
    clock: FixedClock,
    setup: Callable[[Store], str],
    concept: str,
) -> None:
    first = Store(copy_database(store_template, tmp_path / "first.db"), clock=clock)
    activity = setup(first)
    assert agenda.get_activity(first, activity).needs_replanning
    options = suggest(first, activity)
    first.close()
    misfit = [o for o in options if o.concept == concept and o.fact is not None]
    misfit = [o for o in misfit if o.fact and o.fact["code"] == "concept_misfits_deployed"]
    assert misfit, "no option names the deployed officers the new concept misfits"
    for option in misfit:
        assert not option.feasible and not option.partial
        assert option.fact is not None and option.fact["params"]["candidates"]
        assert option.fact["params"]["surplus"] >= 1
        assert " first" in reason("", option.fact)
    for n, option in enumerate(options):
        if not (option.feasible or option.partial):
            continue
        fresh = Store(copy_database(store_template, tmp_path / f"{n}.db"), clock=clock)
        try:
            again = setup(fresh)
            # refused: raises, and the test fails (a move needs its deciding authority)
            apply_option(fresh, again, option, authority="OvJ")
        finally:
            fresh.close()


def test_a_misfit_concept_short_of_officers_still_names_the_release(
    store: Store, clock: FixedClock
) -> None:
    """Issue 16 (plan22 item 3): OBJ-HRB needs two HRB officers and only one is free; the
    assign row said only "still short of …" and hid the release of the guards deployed, which
    ``activity options`` and ``activity assign`` name. The release comes first."""
    activity = _object_raised(store)
    shown = [o for o in suggest(store, activity) if o.action == "assign" and o.concept == "OBJ-HRB"]
    assert shown
    for option in shown:
        assert not (option.feasible or option.partial)
        assert option.fact is not None and option.fact["code"] == "concept_misfits_deployed"
        said = reason("", option.fact)
        assert "release" in said and "RT-0011" in said and said.endswith(" first")
