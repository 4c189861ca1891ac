"""A period is signed once: a second signature is refused unless it supersedes the first with
a reason; the database trigger holds for every connection (issue 16)."""

from __future__ import annotations

import sqlite3

import pytest

from store import handover, staff
from store.clock import local_span, to_db
from store.db import Store
from store.errors import BadInput, RuleViolation
from tests.conftest import as_user, at, refused_as, snapshot
from words.errors import sentence
from words.handover import handover_markdown, signature_of


def test_a_second_signature_for_the_same_period_is_refused(store: Store) -> None:
    first = handover.sign_handover(store, notes="eerste")
    before = snapshot(store.path)
    with refused_as(handover.AlreadySigned, "already signed by OPS-01") as exc:
        handover.sign_handover(store, notes="tweede")
    assert exc.value.handover_id == first.id
    # an overlapping period is the same kind of fault
    with pytest.raises(handover.AlreadySigned):
        handover.sign_handover(store, at(store, "2026-11-28 10:00"), at(store, "2026-11-28 18:00"))
    assert snapshot(store.path) == before


def test_superseding_needs_the_signed_handover_and_a_reason(store: Store) -> None:
    first = handover.sign_handover(store, notes="eerste")
    before = snapshot(store.path)
    with refused_as(BadInput, "needs the reason"):
        handover.sign_handover(store, supersedes=first.id, reason=" ")
    with refused_as(BadInput, "No handover"):
        handover.sign_handover(store, supersedes="01234567-nope", reason="x")
    assert snapshot(store.path) == before
    second = handover.sign_handover(
        store, notes="tweede", supersedes=first.id[:13], reason="REIGER ontbrak in de eerste"
    )
    assert (second.supersedes, second.supersede_reason) == (
        first.id,
        "REIGER ontbrak in de eerste",
    )
    assert handover.get_handover(store, first.id).superseded_by == second.id
    # the superseded one cannot be superseded again; the live one must be named
    with refused_as(BadInput, "not a signed handover of an overlapping period"):
        handover.sign_handover(store, supersedes=first.id, reason="nog eens")
    with pytest.raises(handover.AlreadySigned) as exc:
        handover.sign_handover(store)
    assert exc.value.handover_id == second.id
    # a later shift is a new period
    store.clock.advance(hours=8)  # type: ignore[attr-defined]
    assert handover.sign_handover(store).supersedes is None


def test_the_database_refuses_a_second_signature_from_any_connection(store: Store) -> None:
    record = handover.sign_handover(store)
    conn = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="already signed"):
            conn.execute(
                "INSERT INTO handover (id, period_start, period_end, content, signed_at,"
                " signed_by, device) VALUES ('x', ?, ?, '{}', 'now', 'OPS-01', 'd')",
                (to_db(record.period_start), to_db(record.period_end)),
            )
    finally:
        conn.close()


def test_only_the_signer_supersedes_even_after_acceptance(store: Store) -> None:
    """OPS-01 signs, OPS-02 accepts and may then not replace it under their own name; the
    signer may, with a reason that both records show; the new one is accepted afresh."""
    staff.add_staff(store, "OPS-02", unit="RT", role="shift_leader")
    incoming = as_user(store, "OPS-02")
    first = handover.sign_handover(store, notes="eerste")
    handover.accept_handover(incoming, first.id)
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        handover.sign_handover(incoming, supersedes=first.id, reason="mijn versie")
    assert sentence(refused.value) == (
        f"only OPS-01, who signed handover {first.id[:13]}, may supersede it (a handover is "
        "its signer's account of the shift); OPS-02 accepted it at 2026-11-28 10:00. Record "
        "what is wrong in a flagged log entry (it carries into every handover until cleared), "
        "or ask OPS-01 to sign a new one."
    )
    with pytest.raises(handover.AlreadySigned) as again:
        handover.sign_handover(incoming, notes="zonder supersedes")
    assert not again.value.may_supersede
    # its own code and facts (issue 15): who signed it when, and when this leader accepted it
    assert again.value.code == "already_signed_by_another"
    assert {k: again.value.params[k] for k in ("signed_by", "signed_at", "accepted_at")} == {
        "signed_by": "OPS-01",
        "signed_at": first.signed_at,
        "accepted_at": at(store, "2026-11-28 10:00"),
    }
    assert sentence(again.value) == (
        f"The period {local_span(first.period_start, first.period_end)} was already signed by "
        f"OPS-01 at 2026-11-28 10:00 (handover {first.id[:13]}); only OPS-01, who signed "
        f"handover {first.id[:13]}, may supersede it (a handover is its signer's account of the "
        "shift); OPS-02 accepted it at 2026-11-28 10:00. Record what is wrong in a flagged log "
        "entry (it carries into every handover until cleared), or ask OPS-01 to sign a new one."
    )
    assert snapshot(store.path) == before
    second = handover.sign_handover(
        store, notes="aangevuld", supersedes=first.id, reason="REIGER ontbrak"
    )
    old = handover.get_handover(store, first.id)
    assert (old.accepted_by, old.superseded_by, old.superseded_reason) == (
        "OPS-02",
        second.id,
        "REIGER ontbrak",
    )
    assert second.accepted_by is None  # the replacement is accepted again
    shown_old = handover_markdown(handover.read_content(old.content), signature_of(old))
    shown_new = handover_markdown(handover.read_content(second.content), signature_of(second))
    assert (
        f"Superseded by handover {second.id}, signed by OPS-01 at 2026-11-28 10:00: "
        "REIGER ontbrak" in shown_old
    )
    assert f"Supersedes handover {first.id}: REIGER ontbrak" in shown_new
    handover.accept_handover(incoming, second.id)
    incoming.close()


def test_a_superseded_handover_cannot_be_accepted(store: Store) -> None:
    """Its signer replaced it: the newer handover of the period is in force and is the one to
    accept; accepting the old one is refused with a typed reason, and nothing is written."""
    staff.add_staff(store, "OPS-02", unit="RT", role="shift_leader")
    incoming = as_user(store, "OPS-02")
    first = handover.sign_handover(store, notes="eerste")
    second = handover.sign_handover(store, notes="tweede", supersedes=first.id, reason="REIGER")
    before = snapshot(store.path)
    with pytest.raises(RuleViolation) as refused:
        handover.accept_handover(incoming, first.id)
    assert refused.value.code == "handover_superseded"
    assert refused.value.params["newer"] == second.id[:13]
    assert sentence(refused.value) == (
        f"Handover {first.id[:13]} was superseded by handover {second.id[:13]}, signed by "
        "OPS-01 at 2026-11-28 10:00, and is no longer in force; accept the newer one instead."
    )
    assert snapshot(store.path) == before
    assert handover.accept_handover(incoming, second.id).accepted_by == "OPS-02"
    incoming.close()
