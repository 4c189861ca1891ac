"""An activity flagged for re-planning, or with no concept yet, is offered the unit's own free
officers (issue 16, fresh review F1): `suggest` offered only officers lent from other units
with 30–90 min travel, while the same activity carrying a valid concept got "Deploy RT-0001
(…; on duty in RT)". Right: the same alternatives as an uncovered activity — the officers
who can staff the valid concept, the option setting that concept and deploying them in one
transaction — and never an officer for the insufficient concept it carries."""

from __future__ import annotations

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.db import Store
from store.errors import RuleViolation
from store.suggest import Option, apply_option, suggest
from tests.conftest import at, refused_as, snapshot
from words.suggestions import describe as option_words

CP, PD = "close_protection", "protective_driving"


def _officers(store: Store) -> None:
    """Three RT officers on duty 07:00–15:00 (CP-LIGHT needs 2 × CP and 1 × PD)."""
    for callsign, held in (("RT-0001", [CP, PD]), ("RT-0002", [CP]), ("RT-0003", [CP])):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(q, None) for q in held])
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 15:00")
        )


def _activity(store: Store, level_then: int, level_now: int, concept: str | None) -> str:
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=level_then)
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"),
        concept=concept,
    )
    if level_now != level_then:
        subjects.assess_threat(store, "BEVER", level=level_now)
    _officers(store)
    return item.id


def _own(options: list[Option]) -> list[Option]:
    return [o for o in options if o.what["code"] == "fill_open"]


@pytest.mark.parametrize(
    ("then", "now", "concept", "flag", "valid"),
    [
        (2, 3, "ESCORT", "below_required", "CP-LIGHT"),  # the KIEVIT case
        (3, 1, "CP-LIGHT", "outside_package", "ESCORT"),
        (3, 3, None, None, "CP-LIGHT"),  # no concept yet
    ],
)
def test_flagged_or_unplanned_gets_the_units_own_officers(
    store: Store, then: int, now: int, concept: str | None, flag: str | None, valid: str
) -> None:
    activity = _activity(store, then, now, concept)
    assert agenda.get_activity(store, activity).needs_replanning == bool(flag)
    own = _own(suggest(store, activity))
    assert own, "no officer of the activity's own unit offered"
    for option in own:
        assert option.concept == valid  # never staffs the insufficient concept it carries
        assert option.changes_concept
        assert option.callsign and option.callsign.startswith("RT-")
        assert option.feasible or option.partial
    first = own[0]
    words = option_words(first.what)
    assert words.startswith(f"Deploy {first.callsign} (") and "on duty in RT" in words
    assert f"plan with {valid}" in words
    # applying it sets the valid concept and deploys the officer, in one transaction
    apply_option(store, activity, first)
    after = agenda.get_activity(store, activity)
    assert after.concept == valid and not after.needs_replanning
    assert [d.callsign for d in roster.list_deployments(store, activity)] == [first.callsign]


def test_an_own_officer_option_applies_whole_or_not_at_all(store: Store) -> None:
    """The officer was deployed elsewhere since the option was shown: refused (one place at a
    time), and the concept it would have set is not set either."""
    activity = _activity(store, 2, 3, "ESCORT")
    (option,) = [o for o in _own(suggest(store, activity)) if o.callsign == "RT-0002"]
    subjects.add_subject(store, "MEREL", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "MEREL", level=2)
    elsewhere = agenda.add_activity(
        store,
        person="MEREL",
        title="Elders",
        start=at(store, "2026-12-01 10:00"),
        end=at(store, "2026-12-01 12:00"),
        concept="ESCORT",
    )
    staffing.deploy(store, elsewhere.id, ["RT-0002"])
    before = snapshot(store.path)
    with refused_as(RuleViolation, r"RT-0002"):
        apply_option(store, activity, option)
    assert snapshot(store.path) == before
    assert agenda.get_activity(store, activity).concept == "ESCORT"
