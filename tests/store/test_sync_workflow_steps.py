"""Hostile members of one team take workflow steps the store refuses (issue 13, R7): real
laptops enrolled as information analyst, shift leader, operator and authority write raw SQL on
their own databases and send it with the real, signed export; the admin's laptop imports it.
Each step is quarantined with the store's own refusal (``store.workflows``, judged by
``store.sync.judge_signals``), nothing of it is applied, and the import exits 5."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from store import handover, intel, logbook, signals
from store.clock import FixedClock, to_db
from store.db import Store
from store.setup import init_database
from store.sync import exchange
from store.sync import roster as rosters
from store.sync.judge_signals import JUDGED_CODES
from tests.conftest import NOW
from tests.hostile import Hostile, import_with_cli
from tests.sync_team import Laptop, exchange_all, user_tables, without_segments_of

#: The team: the admin's laptop and one laptop per role that takes workflow steps.
ROLES = {
    "a": "admin",
    "b": "operator",
    "c": "info_analyst",
    "d": "info_analyst",
    "s": "shift_leader",
    "t": "authority",
}
DEVICE = "(SELECT value FROM meta WHERE key = 'device_id')"


def _enrolled(root: Path, clock: FixedClock) -> dict[str, Store]:
    """Each laptop initialised with its role and enrolled through request → enroll → welcome."""
    stores = {}
    for name, role in ROLES.items():
        folder = root / f"laptop-{name}"
        folder.mkdir(parents=True)
        stores[name] = init_database(
            folder / "schildwacht.db",
            callsign=f"OPS-{name.upper()}",
            role=role,
            unit="RT",
            clock=clock,
            device_label=f"laptop-{name}",
        )
    admin = stores["a"]
    rosters.create_team(admin, "DKDB Rotterdam")
    for name, store in stores.items():
        if name == "a":
            continue
        request_file = root / f"request-{name}.json"
        rosters.write_request(store, request_file)
        request = rosters.read_request(request_file)
        rosters.enroll(admin, request)
        welcome = exchange.export(admin, out=root / f"welcome-{name}.swb", welcome=request.hash)
        exchange.import_file(store, welcome.path)
    return stores


def _build(root: Path) -> dict[str, str]:
    """The team with something at every step: signals received, closed and TLP:RED; reports
    issued to each audience and a draft; a signed handover; flagged and plain log entries."""
    clock = FixedClock(NOW)
    stores = _enrolled(root / "team", clock)
    b, c, s = stores["b"], stores["c"], stores["s"]
    laptops = [Laptop(n, st) for n, st in stores.items()]
    received = signals.raise_signal(b, "Bus", category="vehicle", urgency="priority", tlp="amber")
    closed = signals.raise_signal(s, "Auto", category="vehicle", urgency="routine", tlp="amber")
    red = signals.raise_signal(s, "Drone", category="vehicle", urgency="routine", tlp="red")
    mine = signals.raise_signal(b, "Fiets", category="vehicle", urgency="routine", tlp="amber")
    entry = logbook.add_entry(s, "Rustig")
    flagged = logbook.add_entry(s, "Voertuig", flagged=True)
    signed = handover.sign_handover(s, notes="Rustige dienst")
    exchange_all(laptops, root / "share")
    signals.receive_signal(c, received.id)
    signals.receive_signal(c, closed.id)
    signals.interpret_signal(c, closed.id, "Past bij eerdere meldingen")
    signals.close_signal(c, closed.id, "confirmed")
    reports = {}
    for audience in ("authority", "line_managers", None):
        report = intel.draft_report(c, title=f"Dreiging {audience}", interpretation="Reëel")
        if audience is not None:
            intel.add_scenario(c, report.id, description="Aanslag")
            intel.issue_report(c, report.id, audience=audience)
        reports[str(audience)] = report.id
    exchange_all(laptops, root / "share")
    for store in stores.values():
        store.close()
    return {
        "received": received.id,
        "closed": closed.id,
        "red": red.id,
        "mine": mine.id,
        "entry": entry.id,
        "flagged": flagged.id,
        "handover": signed.id,
        "for_authority": reports["authority"],
        "for_line_managers": reports["line_managers"],
        "draft": reports["None"],
    }


@pytest.fixture(scope="module")
def template() -> Iterator[tuple[Path, dict[str, str]]]:
    root = Path(tempfile.mkdtemp(prefix="workflow-template-"))
    known = _build(root)
    yield root / "team", known
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def team(
    template: tuple[Path, dict[str, str]], work: Path, author: str, importer: str = "a"
) -> Iterator[Any]:
    """A fresh copy of the team: the importing laptop (the admin's), the hostile author's, the
    ids."""
    shutil.copytree(template[0], work)
    clock = FixedClock(NOW)
    a = Store(work / f"laptop-{importer}" / "schildwacht.db", clock=clock)
    other = Store(work / f"laptop-{author}" / "schildwacht.db", clock=clock)
    try:
        yield Laptop(importer, a), Hostile(Laptop(author, other), work), dict(template[1])
    finally:
        a.close()
        other.close()


def _id(n: int) -> str:
    return f"01a2ffff-0000-7000-8000-{n:012d}"


def _signal_event(n: int, signal: str, actor: str, kind: str, **more: object) -> tuple[str, tuple]:
    fields = {"kind": kind, "note": "x", "outcome": None, "sighting": None, **more}
    return (
        "INSERT INTO signal_event (id, signal_id, at, actor, device, kind, note, outcome,"
        f" sighting) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, {DEVICE}, ?, ?, ?, ?)",
        (
            _id(n),
            signal,
            actor,
            fields["kind"],
            fields["note"],
            fields["outcome"],
            fields["sighting"],
        ),
    )


def _signal(n: int, reporter: str, requests_assessment: int = 0) -> tuple[str, tuple]:
    return (
        "INSERT INTO signal (id, raised_at, observed_at, reporter, device, category, urgency, tlp,"
        " subject_id, activity_id, location, text, requests_assessment) VALUES (?,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?,"
        f" {DEVICE}, 'vehicle', 'priority', 'amber', NULL, NULL, '', 'Bus', ?)",
        (_id(n), reporter, requests_assessment),
    )


def _report_event(n: int, report: str, actor: str, kind: str, audience: str | None) -> tuple:
    return (
        "INSERT INTO report_event (id, report_id, kind, at, actor, device, audience) VALUES"
        f" (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, {DEVICE}, ?)",
        (_id(n), report, kind, actor, audience),
    )


NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


def raw(hostile: Hostile, *statements: str | tuple[str, tuple]) -> None:
    """Raw SQL on the hostile laptop, its times the laptop's clock (the test's fixed one)."""
    now = f"'{to_db(hostile.store.now())}'"
    hostile.sql(
        *(
            (s[0].replace(NOW_SQL, now), s[1]) if isinstance(s, tuple) else s.replace(NOW_SQL, now)
            for s in statements
        )
    )


def refused_steps(receipt: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(table, rule, the store's refusal code) of each quarantined step's refused record."""
    found = set()
    for q in receipt["quarantined"]:
        if q["reason_code"] == "row_refused":
            found.add((q["table"], q["rule"], q["reason_params"]["error"]))
    return found


def attack(
    template: tuple[Path, dict[str, str]],
    work: Path,
    author: str,
    statements: list[tuple[str, tuple]] | Any,
) -> tuple[int, dict[str, Any], bool, Hostile]:
    """Raw SQL on the author's laptop, its real export, the admin's import through the CLI:
    the exit code, the receipt, and whether the admin's synced tables are as before."""
    with team(template, work, author) as (a, hostile, known):
        filled = statements(known) if callable(statements) else statements
        raw(hostile, *filled)
        before = user_tables(a.store)
        code, receipt = import_with_cli(a, hostile.export())
        return code, receipt, user_tables(a.store) == before, hostile


def assert_refused(
    outcome: tuple[int, dict[str, Any], bool, Hostile], *expected: tuple[str, str, str]
) -> None:
    code, receipt, unchanged, _hostile = outcome
    assert code == 5, receipt
    assert unchanged
    assert refused_steps(receipt) == set(expected), receipt["quarantined"]
    assert all(q["seq"] > 0 and q["device"] for q in receipt["quarantined"])


# f9: the signal workflow's order (R7) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("signal", "kind", "outcome"),
    [
        ("received", "closed", "false_positive"),  # closed with no duiding
        ("closed", "closed", "false_positive"),  # the outcome the reporter sees rewritten
        ("closed", "received", None),  # back to the start after closing
    ],
)
def test_a_signal_step_out_of_workflow_order_is_quarantined(
    template: tuple[Path, dict[str, str]],
    tmp_path: Path,
    signal: str,
    kind: str,
    outcome: str | None,
) -> None:
    outcome_tuple = attack(
        template,
        tmp_path / "team",
        "c",
        lambda k: [_signal_event(1, k[signal], "OPS-C", kind, outcome=outcome)],
    )
    assert_refused(outcome_tuple, ("signal_event", "R7", "signal_wrong_status"))
    reasons = {q["reason"] for q in outcome_tuple[1]["quarantined"] if q["field"] == "(exists)"}
    only_when = "interpreted" if kind == "closed" else "submitted"
    assert reasons == {
        f"signal_event: signal {template[1][signal][:13]} is"
        f" {'received' if signal == 'received' else 'closed'}; it can be"
        f" {kind} only when {only_when}"
        " (workflow: submitted → received → in follow-up → interpreted → closed)"
    }


def test_the_next_step_in_order_is_applied(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The same judging lets an honest analyst's steps through, each in its own change set."""
    with team(template, tmp_path / "team", "c") as (a, hostile, known):
        signals.interpret_signal(hostile.store, known["received"], "Niets aan de hand")
        signals.close_signal(hostile.store, known["received"], "not_confirmed")
        code, receipt = import_with_cli(a, hostile.export())
        assert code == 0 and not receipt["quarantined"]
        shown = signals.get_signal(a.store, known["received"])
        assert (shown.status, shown.outcome) == ("closed", "not_confirmed")


# f6: sightings and signals the store refuses ----------------------------------------------------


@pytest.mark.parametrize(
    ("signal", "code"),
    [
        ("closed", "signal_closed"),
        ("red", "signal_tlp_red"),
        ("mine", "sighting_of_own_signal"),
    ],
)
def test_a_sighting_the_store_refuses_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path, signal: str, code: str
) -> None:
    outcome = attack(
        template,
        tmp_path / "team",
        "b",
        lambda k: [_signal_event(2, k[signal], "OPS-B", "sighting", sighting="seen_again")],
    )
    assert_refused(outcome, ("signal_event", "R7", code))


def test_a_sighting_of_a_signal_raised_in_the_same_write_by_its_reporter_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    code, receipt, _unchanged, _hostile = attack(
        template,
        tmp_path / "team",
        "b",
        [_signal(3, "OPS-B"), _signal_event(4, _id(3), "OPS-B", "sighting", sighting="seen_again")],
    )
    assert code == 5
    assert refused_steps(receipt) == {("signal_event", "R7", "sighting_of_own_signal")}


def test_a_signal_asking_an_assessment_without_a_person_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    outcome = attack(template, tmp_path / "team", "b", [_signal(5, "OPS-B", 1)])
    assert_refused(outcome, ("signal", "R7", "assessment_request_needs_person"))


# f10, f11: issuing a report (R7) and an issued report ---------------------------------------------


def test_a_report_issued_without_duiding_or_scenario_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    with team(template, tmp_path / "team", "c") as (a, hostile, _known):
        raw(
            hostile,
            (
                "INSERT INTO signal_report (id, title, interpretation, created_at, created_by)"
                " VALUES (?, 'Dreiging', '', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'OPS-C')",
                (_id(6),),
            ),
            _report_event(7, _id(6), "OPS-C", "issued", "authority"),
        )
        code, receipt = import_with_cli(a, hostile.export())
        assert code == 5
        assert refused_steps(receipt) == {("report_event", "R7", "report_needs_duiding")}
        assert a.store.one("SELECT count(*) FROM report_event WHERE id = ?", (_id(7),))[0] == 0
        # the draft itself was legal: it arrives as a draft
        assert a.store.one("SELECT count(*) FROM signal_report WHERE id = ?", (_id(6),))[0] == 1


def test_a_report_issued_with_a_duiding_but_no_scenario_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    outcome = attack(
        template,
        tmp_path / "team",
        "c",
        lambda k: [_report_event(8, k["draft"], "OPS-C", "issued", "authority")],
    )
    assert_refused(outcome, ("report_event", "R7", "report_needs_scenario"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE signal_report SET interpretation = 'Geen dreiging meer' WHERE id = '{report}'",
        "INSERT INTO report_scenario (id, report_id, description, likelihood, indicators, actions)"
        " VALUES ('{new}', '{report}', 'Niets', '', '', '')",
        "INSERT INTO report_event (id, report_id, kind, at, actor, device, audience) VALUES"
        " ('{new}', '{report}', 'issued', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'OPS-C',"
        f" {DEVICE}, 'line_managers')",
    ],
    ids=["duiding", "scenario", "issued again"],
)
def test_an_issued_report_that_changes_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path, statement: str
) -> None:
    outcome = attack(
        template,
        tmp_path / "team",
        "c",
        lambda k: [statement.format(report=k["for_authority"], new=_id(9))],
    )
    table = statement.split()[2 if statement.startswith("INSERT") else 1]
    assert_refused(outcome, (table, "R7", "report_issued"))


# f13: acknowledging a report --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "code"),
    [
        ("draft", "acknowledge_draft"),
        ("for_line_managers", "report_for_others"),
        ("for_authority", "already_acknowledged"),
    ],
)
def test_an_acknowledgement_the_store_refuses_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path, report: str, code: str
) -> None:
    with team(template, tmp_path / "team", "t") as (a, hostile, known):
        if report == "for_authority":  # acknowledged through the store, then once more raw
            intel.acknowledge_report(hostile.store, known[report])
            exchange_all([a, hostile.laptop], tmp_path / "share")
        before = user_tables(a.store)
        raw(hostile, _report_event(11, known[report], "OPS-T", "acknowledged", None))
        code_seen, receipt = import_with_cli(a, hostile.export())
        assert code_seen == 5 and user_tables(a.store) == before
        assert refused_steps(receipt) == {("report_event", "R7", code)}


# f17: a handover's acceptance and a log entry's clearance --------------------------------------


def test_a_handover_accepted_by_its_signer_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    outcome = attack(
        template,
        tmp_path / "team",
        "s",
        lambda k: [
            (
                "INSERT INTO handover_event (id, handover_id, kind, at, actor, device, note)"
                f" VALUES (?, ?, 'accepted', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'OPS-S',"
                f" {DEVICE}, '')",
                (_id(12), k["handover"]),
            )
        ],
    )
    assert_refused(outcome, ("handover_event", "handover", "signer_cannot_accept"))


@pytest.mark.parametrize(
    ("entry", "code"),
    [("entry", "log_entry_not_flagged"), ("flagged", "log_entry_already_cleared")],
)
def test_a_clearance_the_store_refuses_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path, entry: str, code: str
) -> None:
    with team(template, tmp_path / "team", "s") as (a, hostile, known):
        if entry == "flagged":  # cleared through the store, then once more raw
            logbook.clear_entry(hostile.store, known[entry], reason="Afgehandeld")
            exchange_all([a, hostile.laptop], tmp_path / "share")
        before = user_tables(a.store)
        raw(
            hostile,
            (
                "INSERT INTO log_clearance (id, entry_id, cleared_at, cleared_by, reason)"
                " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'OPS-S', 'x')",
                (_id(13), known[entry]),
            ),
        )
        code_seen, receipt = import_with_cli(a, hostile.export())
        assert code_seen == 5 and user_tables(a.store) == before
        assert refused_steps(receipt) == {("log_clearance", "log", code)}


def test_every_refusal_code_judged_here_is_one_the_store_raises() -> None:
    """``JUDGED_CODES`` names refusals of the store's own workflow checks, not new ones."""
    source = (Path(__file__).parents[2] / "store" / "workflows.py").read_text()
    assert {code for code in JUDGED_CODES if f'code="{code}"' not in source} == set()


def test_the_store_still_refuses_each_step_itself(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The checks the judge runs are the store's: on the authors' own laptops each step is
    refused by the same code."""
    with team(template, tmp_path / "team", "c") as (_a, hostile, known):
        with pytest.raises(Exception) as caught:
            signals.close_signal(hostile.store, known["received"], "false_positive")
        assert getattr(caught.value, "code", None) == "signal_wrong_status"
        with pytest.raises(Exception) as caught:
            intel.set_interpretation(hostile.store, known["for_authority"], "Anders")
        assert getattr(caught.value, "code", None) == "report_issued"


def test_a_close_that_arrives_before_the_duiding_it_follows_is_applied_once_it_arrives(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """Steps are judged as the signal stood when they were made, whatever order they arrive
    in: analyst D closes a signal after analyst C's duiding reached D; the admin's laptop gets
    D's close first (quarantined: the signal is only received there), then C's duiding, and
    the close is judged again and applied, as on a laptop that got them in order."""
    shutil.copytree(template[0], tmp_path / "team")
    known = template[1]
    clock = FixedClock(NOW)
    a, c, d = (
        Store(tmp_path / "team" / f"laptop-{n}" / "schildwacht.db", clock=clock) for n in "acd"
    )
    try:
        signals.interpret_signal(c, known["received"], "Past bij eerdere meldingen")
        first = exchange.export(c, out=tmp_path / "from-c.swb").path
        exchange.import_file(d, first)
        signals.close_signal(d, known["received"], "confirmed")
        with without_segments_of(c.device_id):
            second = exchange.export(d, out=tmp_path / "from-d.swb").path
        admin = Laptop("a", a)
        code, receipt = import_with_cli(admin, second)
        assert code == 5
        assert refused_steps(receipt) == {("signal_event", "R7", "signal_wrong_status")}
        assert signals.get_signal(a, known["received"]).status == "received"
        code, receipt = import_with_cli(admin, first)
        assert code == 0, receipt
        shown = signals.get_signal(a, known["received"])
        assert (shown.status, shown.outcome) == ("closed", "confirmed")
        assert a.one("SELECT count(*) FROM sync_quarantine")[0] == 0
    finally:
        for store in (a, c, d):
            store.close()


def test_a_report_superseding_a_draft_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    outcome = attack(
        template,
        tmp_path / "team",
        "c",
        lambda k: [
            (
                "INSERT INTO signal_report (id, title, interpretation, created_at, created_by,"
                f" supersedes) VALUES (?, 'Nieuw', '', {NOW_SQL}, 'OPS-C', ?)",
                (_id(14), k["draft"]),
            )
        ],
    )
    assert_refused(outcome, ("signal_report", "R7", "supersede_draft"))


def _accepted(n: int, handover_id: str, actor: str) -> tuple[str, tuple]:
    return (
        "INSERT INTO handover_event (id, handover_id, kind, at, actor, device, note)"
        f" VALUES (?, ?, 'accepted', {NOW_SQL}, ?, {DEVICE}, '')",
        (_id(n), handover_id, actor),
    )


@pytest.mark.parametrize("code", ["handover_already_accepted", "handover_superseded"])
def test_a_handover_accepted_once_more_or_after_it_was_superseded_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path, code: str
) -> None:
    """The admin's laptop is the hostile one here (its operator is a second shift leader);
    the signer's laptop imports."""
    with team(template, tmp_path / "team", "a", importer="s") as (s, hostile, known):
        if code == "handover_already_accepted":
            handover.accept_handover(hostile.store, known["handover"])
        else:
            record = handover.get_handover(s.store, known["handover"])
            handover.sign_handover(
                s.store,
                record.period_start,
                record.period_end,
                supersedes=record.id,
                reason="Incident vergeten",
            )
        exchange_all([s, hostile.laptop], tmp_path / "share")
        before = user_tables(s.store)
        raw(hostile, _accepted(15, known["handover"], "OPS-A"))
        code_seen, receipt = import_with_cli(s, hostile.export())
        assert code_seen == 5 and user_tables(s.store) == before
        assert refused_steps(receipt) == {("handover_event", "handover", code)}


def test_a_handover_withdrawn_twice_is_quarantined(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    with team(template, tmp_path / "team", "s") as (a, hostile, known):
        handover.withdraw_handover(hostile.store, known["handover"], "Verkeerde dienst")
        exchange_all([a, hostile.laptop], tmp_path / "share")
        before = user_tables(a.store)
        raw(
            hostile,
            (
                "INSERT INTO handover_withdrawal (id, handover_id, reason, withdrawn_at,"
                f" withdrawn_by, device) VALUES (?, ?, 'Nogmaals', {NOW_SQL}, 'OPS-S', {DEVICE})",
                (_id(16), known["handover"]),
            ),
        )
        code, receipt = import_with_cli(a, hostile.export())
        assert code == 5 and user_tables(a.store) == before
        assert refused_steps(receipt) == {
            ("handover_withdrawal", "handover", "handover_withdrawn_already")
        }
