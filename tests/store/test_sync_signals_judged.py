"""Issue 13: a received signal observed after it was raised (``observed_in_future``) and an
interpretation without text (``duiding_needs_text``), refused by the store (``signals``), are
quarantined by the checks that cover them: the rule table's stamp check (``stamp_after_clock``)
and its row check of a signal's step (a duiding is required). Three really enrolled laptops:
information analyst b writes them past its store with raw SQL, then the real signed export; a
imports it with the real command (exit 5, each quarantined, the rest applied) and c with the
store (the same quarantine); b's honest signal and interpretation apply."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from store import signals
from store.clock import FixedClock, to_db
from store.sync import exchange
from store.sync.quarantine import quarantined
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import exchange_all, held, make_team, raw_change_sets, user_tables


def test_a_signal_seen_later_and_an_empty_duiding_are_quarantined_alike_everywhere(
    tmp_path: Path, clock: FixedClock
) -> None:
    a, b, c = make_team(tmp_path / "team", clock, names=("a", "b", "c"), role="info_analyst")
    exchange_all([a, b, c], tmp_path / "share")  # every laptop knows the whole team
    seen = signals.raise_signal(
        b.store, "Grijze bus", category="vehicle", urgency="priority", tlp="amber"
    )
    signals.receive_signal(b.store, seen.id)
    signals.follow_up_signal(b.store, seen.id)
    honest = signals.raise_signal(
        b.store, "Drone", category="vehicle", urgency="priority", tlp="amber"
    )
    signals.receive_signal(b.store, honest.id)
    signals.follow_up_signal(b.store, honest.id)
    signals.interpret_signal(b.store, honest.id, "verkenning")
    device = b.store.device_id
    raw_change_sets(
        b,
        "INSERT INTO signal (id, raised_at, observed_at, reporter, device, category, urgency,"
        " tlp, subject_id, activity_id, location, text, requests_assessment) VALUES"
        f" ('01a2ffff-0000-7000-8000-00000000d501', '{to_db(NOW)}',"
        f" '{to_db(NOW + timedelta(hours=2))}', 'OPS-B', '{device}', 'vehicle', 'priority',"
        " 'amber', NULL, NULL, '', 'Later gezien', 0)",
        "INSERT INTO signal_event (id, signal_id, at, actor, device, kind, note, outcome,"
        f" sighting) VALUES ('01a2ffff-0000-7000-8000-00000000d502', '{seen.id}', '{to_db(NOW)}',"
        f" 'OPS-B', '{device}', 'interpreted', ' ', NULL, NULL)",
    )
    Hostile(b, tmp_path).seal()
    bundle = Hostile(b, tmp_path).export()
    code, receipt = import_with_cli(a, bundle)
    assert code == 5, receipt
    causes = {
        q.row_id[-2:]: q.cause.params["refused"]["code"]
        for q in quarantined(a.store)
        if q.field == "id"  # a refused creation: every field names why
    }
    assert causes == {"01": "stamp_after_clock", "02": "row_refused"}
    assert {q.row_id[-2:] for q in quarantined(a.store)} == {"01", "02"}  # the rest applied
    assert signals.get_signal(a.store, honest.id).status == "interpreted"
    assert signals.get_signal(a.store, seen.id).status == "in_follow_up"
    exchange.import_file(c.store, bundle)
    assert held(c) == held(a)
    assert user_tables(c.store) == user_tables(a.store)
