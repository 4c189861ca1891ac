"""Two shift leaders who sign overlapping periods on laptops that have not synced (A 07–15, C
08–16) hold two truths about the same hours once they sync: both laptops say so — an open item
in every handover draft naming both, in the list of handovers, and in the import's receipt —
until one signer supersedes theirs with a period that no longer overlaps (issue 16)."""

from __future__ import annotations

from pathlib import Path

from store import handover
from store.clock import FixedClock
from store.sync import exchange
from tests.conftest import at
from tests.sync_team import exchange_all, make_team, user_tables
from words.handover import item_text
from words.receipts import said_all


def test_overlapping_signatures_from_two_laptops_stay_open_until_superseded(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, c = make_team(tmp_path / "team", clock, names=("a", "c"))
    share = tmp_path / "share"
    exchange_all([a, c], share)
    early = handover.sign_handover(
        a.store, at(a.store, "2026-11-28 07:00"), at(a.store, "2026-11-28 15:00"), "A"
    )
    late = handover.sign_handover(
        c.store, at(c.store, "2026-11-28 08:00"), at(c.store, "2026-11-28 16:00"), "C"
    )
    bundle = exchange.export(c.store, out=tmp_path / "c.swb")
    (warning,) = said_all(exchange.import_file(a.store, bundle.path).warnings)
    assert warning == (
        f"handovers {early.id[:13]} by OPS-A and {late.id[:13]} by OPS-C are both signed and in"
        " force for overlapping periods; one signer supersedes theirs (see the next handover"
        " draft)"
    )
    exchange_all([a, c], share)
    for laptop in (a, c):
        store = laptop.store
        (pair,) = handover.overlapping_handovers(store)
        assert (pair.ids, pair.signed_by) == ((early.id, late.id), ("OPS-A", "OPS-C"))
        listed = {r.id: r.overlaps for r in handover.list_handovers(store)}
        assert listed == {early.id: (late.id,), late.id: (early.id,)}
        draft = handover.draft_handover(
            store, at(store, "2026-11-28 16:00"), at(store, "2026-11-28 23:00")
        )
        (item,) = [i for i in draft.assessment if i.kind == "overlapping_handovers"]
        assert (item.count, item.ids) == (1, (early.id, late.id))
        # the record carries aware times, its JSON ISO-8601 with the Amsterdam offset (as
        # signed); the face words them
        assert item.params["pairs"][0]["periods"][1] == {
            "start": at(store, "2026-11-28 08:00"),
            "end": at(store, "2026-11-28 16:00"),
        }
        content = handover.handover_content(draft)
        (signed,) = [i for i in content["assessment"] if i["kind"] == "overlapping_handovers"]
        assert signed["params"]["pairs"][0]["periods"] == [
            {"start": "2026-11-28T07:00:00+01:00", "end": "2026-11-28T15:00:00+01:00"},
            {"start": "2026-11-28T08:00:00+01:00", "end": "2026-11-28T16:00:00+01:00"},
        ]
        facts = handover.handover_facts(draft)
        (shown,) = [i for i in facts["assessment"] if i["kind"] == "overlapping_handovers"]
        assert item_text("assessment", shown) == (
            f"1 overlaps between signed handovers in force; {early.id[:13]} by OPS-A"
            f" (2026-11-28 07:00–15:00) and {late.id[:13]} by OPS-C (2026-11-28 08:00–16:00)"
        )
        assert "overlapping_handovers" in {i.kind for i in draft.recommendation}
    # A settles it: C took over at 08:00, so A's account covers 07:00–08:00
    narrowed = handover.sign_handover(
        a.store,
        at(a.store, "2026-11-28 07:00"),
        at(a.store, "2026-11-28 08:00"),
        supersedes=early.id,
        reason="OPS-C nam om 08:00 over",
    )
    exchange_all([a, c], share)
    assert user_tables(a.store) == user_tables(c.store)
    for laptop in (a, c):
        store = laptop.store
        assert handover.overlapping_handovers(store) == []
        assert {r.id: r.overlaps for r in handover.list_handovers(store)} == {
            narrowed.id: (),
            early.id: (),
            late.id: (),
        }
        draft = handover.draft_handover(store)
        (item,) = [i for i in draft.assessment if i.kind == "overlapping_handovers"]
        assert (item.count, item.ids) == (0, ())
