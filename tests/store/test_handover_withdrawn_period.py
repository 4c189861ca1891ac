"""A withdrawn handover frees its period (issue 16, fourth review): the database trigger that
keeps a period signed once ignored withdrawals, so after a withdrawal nobody could sign that
period again — not its signer, not a part of it, not another shift leader."""

from __future__ import annotations

import sqlite3

import pytest

from store import handover, staff
from store.db import Store
from tests.conftest import as_user, at

PERIOD = ("2026-11-28 07:00", "2026-11-28 15:00")


@pytest.mark.parametrize(
    ("who", "period"),
    [
        ("OPS-01", PERIOD),
        ("OPS-01", ("2026-11-28 09:00", "2026-11-28 12:00")),  # a part of it
        ("OPS-02", PERIOD),  # another shift leader
        ("OPS-02", ("2026-11-28 13:00", "2026-11-28 19:00")),  # overlapping its end
    ],
)
def test_a_withdrawn_period_can_be_signed_again(
    store: Store, who: str, period: tuple[str, str]
) -> None:
    staff.add_staff(store, "OPS-02", unit="RT", role="shift_leader")
    first = handover.sign_handover(store, *(at(store, t) for t in PERIOD), "eerste")
    handover.withdraw_handover(store, first.id, "verkeerde dienst")
    signer = store if who == "OPS-01" else as_user(store, who)
    again = handover.sign_handover(signer, *(at(store, t) for t in period), "opnieuw")
    assert (again.signed_by, again.supersedes) == (who, None)
    in_force = [r.id for r in handover.list_handovers(store) if r.withdrawn_at is None]
    assert in_force == [again.id]
    # and the period is signed once again: a further signature is refused
    with pytest.raises(handover.AlreadySigned):
        handover.sign_handover(signer, *(at(store, t) for t in period), "derde")


def test_the_trigger_itself_ignores_a_withdrawn_handover(store: Store) -> None:
    """Past the store's check (any connection): the database allows the period once more."""
    first = handover.sign_handover(store, *(at(store, t) for t in PERIOD), "eerste")
    row = dict(store.one("SELECT * FROM handover WHERE id = ?", (first.id,)))
    conn = sqlite3.connect(store.path)
    try:
        insert = f"INSERT INTO handover ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        with pytest.raises(sqlite3.IntegrityError, match="this period is already signed"):
            conn.execute(
                insert, [*({**row, "id": "01a2ffff-0000-7000-8000-000000000001"}.values())]
            )
        conn.rollback()
    finally:
        conn.close()
    handover.withdraw_handover(store, first.id, "verkeerde dienst")
    conn = sqlite3.connect(store.path)
    try:
        conn.execute(insert, [*({**row, "id": "01a2ffff-0000-7000-8000-000000000002"}.values())])
        conn.commit()
    finally:
        conn.close()
