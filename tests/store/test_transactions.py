"""Rules inside the transaction, and store actions that compose through a re-entrant write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from store import agenda, staff, subjects
from store.audit import list_audit, verify_audit
from store.db import Store
from store.errors import BadInput, PermissionDenied, RuleViolation
from tests.conftest import TEST_SECRET, as_user, snapshot

START = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
def kievit(store: Store) -> agenda.Activity:
    """KIEVIT at threat 2 (W2, PKG-W2: STATIC, ESCORT, CP-LIGHT), one activity without a
    concept."""
    subjects.add_subject(store, "KIEVIT", kind="person", domain="local", unit="RT")
    subjects.assess_threat(store, "KIEVIT", level=2)
    return agenda.add_activity(
        store, person="KIEVIT", title="Zitting", start=START, end=START + timedelta(hours=2)
    )


class RacingStore(Store):
    """A store on which another connection commits ``race`` just before the next write
    transaction opens: the moment between a check made before ``store.write`` and the write."""

    race: Any = None

    @contextmanager
    def write(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        race, self.race = self.race, None
        if race is not None:
            race()
        with super().write(*args, **kwargs) as conn:
            yield conn


def test_a_threat_assessment_committed_before_the_write_is_judged_inside_it(
    store: Store, kievit: agenda.Activity
) -> None:
    """R3 has no trigger: only the store's check stands between a lowered package and a
    concept outside it. A check made before the transaction (as ``assign_concept`` once did)
    passes; the change committed meanwhile by another connection is seen inside it."""
    racing = RacingStore(store.path, clock=store.clock)
    subject = subjects.get_subject(racing, "KIEVIT")
    assert agenda.check_concept(racing, subject, "CP-LIGHT").code == "CP-LIGHT"  # before

    other = Store(store.path, clock=store.clock)
    racing.race = lambda: subjects.assess_threat(other, "KIEVIT", level=1)  # PKG-W1 now
    with pytest.raises(RuleViolation) as refused:
        agenda.assign_concept(racing, kievit.id, "CP-LIGHT")
    assert refused.value.rule == "R3"
    assert agenda.get_activity(racing, kievit.id).concept is None
    assert subjects.get_subject(racing, "KIEVIT").package == "PKG-W1"
    other.close()
    racing.close()


def test_a_role_taken_away_before_the_write_is_judged_inside_it(store: Store) -> None:
    """The acting person's role is read afresh inside the transaction."""
    staff.add_staff(store, "PL-01", unit="RT", role="planner")
    planner = as_user(store, "PL-01")
    racing = RacingStore(store.path, clock=store.clock, user="PL-01", secret=TEST_SECRET)
    assert racing.actor.role == "planner"  # cached before the write
    racing.race = lambda: staff.set_role(store, "PL-01", "operator")
    with pytest.raises(PermissionDenied):
        subjects.add_subject(racing, "GRUTTO", kind="person", domain="local", unit="RT")
    assert not [s for s in subjects.list_subjects(store) if s.code == "GRUTTO"]
    planner.close()
    racing.close()


def test_nested_actions_commit_together_with_an_audit_event_each(
    store: Store, kievit: agenda.Activity
) -> None:
    before = len(list_audit(store, limit=1000))
    with store.write("test.outer", kievit.id):
        agenda.assign_concept(store, kievit.id, "CP-LIGHT")
        agenda.edit_activity(store, kievit.id, title="Zitting (verplaatst)")
    actions = [e.action for e in list_audit(store, limit=3)]
    assert actions == ["test.outer", "activity.edit", "activity.assign"]
    assert len(list_audit(store, limit=1000)) == before + 3
    assert verify_audit(store) > 0
    current = agenda.get_activity(store, kievit.id)
    assert (current.concept, current.title) == ("CP-LIGHT", "Zitting (verplaatst)")


def test_a_failed_nested_action_rolls_back_alone(store: Store, kievit: agenda.Activity) -> None:
    with store.write("test.outer", kievit.id):
        agenda.assign_concept(store, kievit.id, "CP-LIGHT")
        with pytest.raises(RuleViolation):
            agenda.assign_concept(store, kievit.id, "CAM")  # not in PKG-W2 (R3)
        with pytest.raises(BadInput):
            agenda.edit_activity(store, kievit.id, title="")
    assert agenda.get_activity(store, kievit.id).concept == "CP-LIGHT"
    assert [e.action for e in list_audit(store, limit=2)] == ["test.outer", "activity.assign"]


def test_a_failing_outer_action_takes_the_nested_ones_with_it(
    store: Store, kievit: agenda.Activity
) -> None:
    before = snapshot(store.path)
    with pytest.raises(BadInput), store.write("test.outer", kievit.id):
        agenda.assign_concept(store, kievit.id, "CP-LIGHT")
        agenda.edit_activity(store, kievit.id, title="Zitting (verplaatst)")
        raise BadInput(code="empty_text", field="reason")
    assert snapshot(store.path) == before
