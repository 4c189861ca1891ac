"""With nobody deployed every place of an activity is open (issue 16, last review): `suggest`
called "Use CP-LIGHT" a "yes" and, applied, "covered; nothing to do" while none of its places
was filled; one officer deployed made the same option "partly". A "yes" means the places are
filled, monotone in who is deployed, and an option's token covers its verdict, so an apply
after the verdict changed is refused, nothing written."""

from __future__ import annotations

import pytest

from store import agenda, roster, staff, staffing, subjects
from store.clock import local
from store.db import Store
from store.errors import BadInput
from store.suggest import apply_option, apply_suggestion, suggest
from tests.conftest import at, snapshot
from words.errors import sentence

CP, PD = "close_protection", "protective_driving"


@pytest.fixture
def zitting(store: Store) -> str:
    """BEVER (RT, threat 3) with an ESCORT (W2, below required: CP-LIGHT is the valid one);
    three RT officers on duty, nobody deployed."""
    subjects.add_subject(store, "BEVER", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "BEVER", level=2)
    item = agenda.add_activity(
        store,
        person="BEVER",
        title="Zitting",
        start=at(store, "2026-12-01 09:00"),
        end=at(store, "2026-12-01 11:00"),
        concept="ESCORT",
    )
    subjects.assess_threat(store, "BEVER", level=3)
    for callsign, held in (("RT-0001", [CP, PD]), ("RT-0002", [CP]), ("RT-0003", [CP])):
        staff.add_staff(store, callsign, unit="RT", qualifications=[(q, None) for q in held])
        roster.add_shift(
            store, callsign, start=at(store, "2026-12-01 07:00"), end=at(store, "2026-12-01 15:00")
        )
    return item.id


def _open(store: Store, activity: str) -> list[tuple[str, int, str, str]]:
    return [
        (s.qualification, s.missing, local(s.start).strftime("%H:%M"),
         local(s.end).strftime("%H:%M"))
        for s in staffing.staffing_shortfalls(store, activity)
    ]  # fmt: skip


def test_nobody_deployed_is_never_yes_nor_covered(store: Store, zitting: str) -> None:
    options = suggest(store, zitting)
    assert not [o for o in options if o.feasible]
    (use,) = [o for o in options if o.action == "assign" and o.concept == "CP-LIGHT"]
    assert use.partial and use.fact is not None
    assert use.fact["params"]["missing"] == [[CP, 2], [PD, 1]]  # every place, named
    apply_option(store, zitting, use)
    # the unit could staff it, but no place is filled: open, listed whole, and never "nothing"
    assert _open(store, zitting) == [(CP, 2, "09:00", "11:00"), (PD, 1, "09:00", "11:00")]
    options = suggest(store, zitting)
    assert all(o.action != "none" and not o.feasible for o in options)
    fill = [o.callsign for o in options if o.what["code"] == "fill_open"]
    assert fill == ["RT-0001", "RT-0002", "RT-0003"]  # the unit's own officers, partly
    # monotone: each officer deployed fills a place; "yes" only for the last one
    staffing.deploy(store, zitting, ["RT-0002"])
    assert not [o for o in suggest(store, zitting) if o.feasible]
    staffing.deploy(store, zitting, ["RT-0003"])
    (last,) = [o for o in suggest(store, zitting) if o.feasible]
    assert (last.action, last.callsign) == ("deploy", "RT-0001")
    apply_option(store, zitting, last)
    assert _open(store, zitting) == []
    assert [o.action for o in suggest(store, zitting)] == ["none"]


def test_a_token_covers_the_verdict(store: Store, zitting: str) -> None:
    """The option "Use CP-LIGHT" shown with nobody deployed (partly: every place open) is
    the same option once RT-0002 is deployed, with another verdict (one close protection
    place less open): the token shown with it no longer applies it, by number or alone; the
    token now listed does."""
    shown = suggest(store, zitting)
    use = next(o for o in shown if o.concept == "CP-LIGHT" and o.action == "assign")
    staffing.deploy(store, zitting, ["RT-0002"])
    now = suggest(store, zitting)
    # where it stands now (the own officers offered before it are fewer once one is deployed)
    n, same = next(
        (n, o) for n, o in enumerate(now, 1) if o.concept == "CP-LIGHT" and o.action == "assign"
    )
    assert same.what == use.what and same.partial and same.fact != use.fact
    assert same.token != use.token
    before = snapshot(store.path)
    for number in (None, n):
        with pytest.raises(BadInput) as refused:
            apply_suggestion(store, zitting, n=number, token=use.token)
        assert refused.value.code == "option_changed"
    # the words say what changed: the same option, now filling less
    assert sentence(refused.value) == (
        f"Option {n} is no longer the one shown ({use.token}): it is now Use CP-LIGHT (W3) "
        "instead of ESCORT, 2 places to deploy (1 × Close protection, 1 × Protective driving);"
        " the unit can staff them; list the options again and choose."
    )
    assert snapshot(store.path) == before
    done, item = apply_suggestion(store, zitting, token=same.token)
    assert (done.concept, item.concept) == ("CP-LIGHT", "CP-LIGHT")
