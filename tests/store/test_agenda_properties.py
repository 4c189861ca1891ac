"""Property: over any sequence of agenda actions, R1 is never broken and never hidden.

After every step: every live activity whose concept is below its person's required level is
flagged for re-planning (and no other is flagged for that reason); an assignment below the
required level is never accepted; every refusal leaves the database byte-for-byte unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from store import agenda, subjects
from store.catalogue import list_concepts
from store.clock import FixedClock
from store.errors import StoreError
from store.setup import init_database
from tests.conftest import NOW, snapshot

PEOPLE = ("BEVER", "DAS", "OTTER")
UNITS = {"BEVER": "RT", "DAS": "ZWB", "OTTER": "OB"}
CONCEPTS = ("CAM", "STATIC", "ESCORT", "CP-LIGHT", "REMOTE-CP", "CP-HEAVY", "OBJ-HRB")
BASE = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


class AgendaMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.store = init_database(
            self.folder / "p.db", callsign="OPS-01", role="admin", unit="RT", clock=FixedClock(NOW)
        )
        self.ranks = {c.code: c.rank for c in list_concepts(self.store)}
        self.ids: list[str] = []

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(levels=st.lists(st.integers(1, 5), min_size=3, max_size=3))
    def people(self, levels: list[int]) -> None:
        for code, level in zip(PEOPLE, levels, strict=True):
            subjects.add_subject(self.store, code, kind="person", domain="local", unit=UNITS[code])
            subjects.assess_threat(self.store, code, level=level)

    def _required_rank(self, person: str) -> int:
        level = subjects.get_subject(self.store, person).required_level
        return int(level[1]) if level else 0

    def _attempt(self, action: object) -> object | None:
        before = snapshot(self.store.path)
        try:
            return action()  # type: ignore[operator]
        except StoreError:
            assert snapshot(self.store.path) == before, "a refusal changed the database"
            return None

    @rule(
        person=st.sampled_from(PEOPLE),
        concept=st.none() | st.sampled_from(CONCEPTS),
        hour=st.integers(0, 40),
        length=st.integers(1, 5),
    )
    def add(self, person: str, concept: str | None, hour: int, length: int) -> None:
        start = BASE + timedelta(hours=hour)
        required = self._required_rank(person)
        made = self._attempt(
            lambda: agenda.add_activity(
                self.store,
                person=person,
                title="t",
                start=start,
                end=start + timedelta(hours=length),
                concept=concept,
            )
        )
        if made is not None:
            self.ids.append(made.id)  # type: ignore[attr-defined]
            if concept:
                assert self.ranks[concept] >= required

    @rule(index=st.integers(0, 50), concept=st.sampled_from(CONCEPTS))
    def assign(self, index: int, concept: str) -> None:
        if not self.ids:
            return
        item = agenda.get_activity(self.store, self.ids[index % len(self.ids)])
        required = self._required_rank(item.person)
        done = self._attempt(lambda: agenda.assign_concept(self.store, item.id, concept))
        if done is not None:
            assert self.ranks[concept] >= required, "an assignment below the required level"

    @rule(person=st.sampled_from(PEOPLE), level=st.integers(1, 5))
    def reassess(self, person: str, level: int) -> None:
        subjects.assess_threat(self.store, person, level=level)

    @rule(
        index=st.integers(0, 50),
        kind=st.sampled_from(("cancelled", "moved", "shortened")),
        shift=st.integers(-3, 3),
    )
    def restrict(self, index: int, kind: str, shift: int) -> None:
        if not self.ids:
            return
        item = agenda.get_activity(self.store, self.ids[index % len(self.ids)])
        start = item.start_at + timedelta(hours=shift)
        self._attempt(
            lambda: agenda.restrict_activity(
                self.store,
                item.id,
                kind=kind,
                reason="capacity",
                authority="OvJ",
                new_start=start if kind == "moved" else None,
                new_end=item.end_at - timedelta(minutes=30) if kind == "shortened" else None,
            )
        )

    @rule(index=st.integers(0, 50), hours=st.integers(-5, 5))
    def edit(self, index: int, hours: int) -> None:
        if not self.ids:
            return
        item = agenda.get_activity(self.store, self.ids[index % len(self.ids)])
        start = item.start_at + timedelta(hours=hours)
        self._attempt(
            lambda: agenda.edit_activity(
                self.store,
                item.id,
                start=start,
                end=start + timedelta(hours=1),
                correction="tijd verbeterd",
            )
        )

    @invariant()
    def below_required_is_always_flagged(self) -> None:
        for item in agenda.list_activities(self.store):
            if item.concept is None or item.status in ("cancelled", "done"):
                assert item.replan_reason is None
                continue
            below = self.ranks[item.concept] < self._required_rank(item.person)
            assert (item.replan_reason == "below_required") == below, item


TestAgendaRules = AgendaMachine.TestCase
TestAgendaRules.settings = settings(
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
