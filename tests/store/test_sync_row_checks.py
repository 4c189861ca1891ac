"""Issue 15: every row check of the rule table (``rules.TableRule.row_checks``) is what a
receiver judges a hostile bundle by. A really enrolled laptop B creates rows past its store
(change records no store writes: an activity of 80 hours, a shift of 15, a handover whose
content is not its hash …), signs and exports them; laptop A quarantines each by that check's
own code and applies nothing. Removing any row check from the table (``_ends_after_start(None)``
for the activity) fails its case here, and a row check added without a case fails the last
test."""

from __future__ import annotations

import ast
import inspect
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store import rules
from store.sync import exchange
from store.sync.quarantine import quarantined
from store.sync.receipt import Receipt
from store.sync.tables import CRITICAL_FIELDS
from tests.hostile import Hostile, build_template, copied_team, ids, key
from tests.sync_team import Laptop, user_tables


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="row-checks-template-"))
    yield build_template(root)
    shutil.rmtree(root, ignore_errors=True)


ROW = "01a2eeee-0000-7000-8000-000000000001"
OTHER = "01a2eeee-0000-7000-8000-000000000002"
START, END = "2026-11-29T09:00:00Z", "2026-11-29T11:00:00Z"
LATER = {"h15": "2026-11-30T00:00:00Z", "h80": "2026-12-02T17:00:00Z"}
EMPTY_HASH = rules.content_hash({})

#: Values every field of a table may take (the judge checks them before the row checks).
BASE: dict[str, dict[str, object]] = {
    "activity": {
        "subject_id": "{subject}",
        "title": "Zitting",
        "kind": "work",
        "start_at": START,
        "end_at": END,
        "location": "",
        "status": "planned",
        "created_at": "{now}",
        "created_by": "OPS-B",
        "updated_at": "{now}",
    },
    "restriction": {
        "activity_id": "{activity}",
        "kind": "moved",
        "reason": "capacity",
        "authority": "OvJ",
        "note": "",
        "old_start_at": START,
        "old_end_at": END,
        "new_start_at": START,
        "new_end_at": END,
        "recorded_at": "{now}",
        "recorded_by": "OPS-B",
        "device": "{device}",
    },
    "activity_correction": {
        "activity_id": "{activity}",
        "reason": "fout",
        "old_start_at": START,
        "old_end_at": END,
        "old_location": "",
        "new_start_at": START,
        "new_end_at": END,
        "new_location": "",
        "recorded_at": "{now}",
        "recorded_by": "OPS-B",
        "device": "{device}",
    },
    "standing_post": {
        "subject_id": "{subject}",
        "concept": "CAM",
        "start_at": START,
        "end_at": END,
        "created_at": "{now}",
    },
    "shift": {"staff_id": "{officer}", "start_at": START, "end_at": END, "created_at": "{now}"},
    "signal_event": {
        "signal_id": "{signal}",
        "at": "{now}",
        "actor": "OPS-B",
        "device": "{device}",
        "kind": "received",
        "note": "",
        "outcome": None,
        "sighting": None,
    },
    "report_event": {
        "report_id": OTHER,
        "kind": "acknowledged",
        "at": "{now}",
        "actor": "OPS-B",
        "device": "{device}",
        "audience": None,
    },
    "handover": {
        "period_start": START,
        "period_end": END,
        "content": "{{}}",
        "notes": "",
        "signed_at": "{now}",
        "signed_by": "OPS-B",
        "device": "{device}",
        "content_hash": EMPTY_HASH,
        "supersedes": None,
        "supersede_reason": "",
    },
    "activity_request": {
        "subject_id": "{subject}",
        "title": "Diner",
        "kind": "work",
        "start_at": START,
        "end_at": END,
        "location": "",
        "concept": None,
        "verdict": "as_asked",
        "assessment": "[]",
        "requested_at": "{now}",
        "requested_by": "OPS-B",
        "device": "{device}",
    },
    "experience": {
        "subject_id": "{subject}",
        "activity_id": None,
        "week": "2026-W48",
        "weight": "some",
        "text": "Rustig",
        "recorded_at": "{now}",
        "recorded_by": "OPS-B",
        "device": "{device}",
    },
}

#: (table, the row check's code, the fields that break it): one case per code per table.
#: Cases a bundle test elsewhere asserts (a laptop of another role than this template's B).
ELSEWHERE = {
    ("request_answer", "answer_fields_mismatch"): "test_sync_requests_judged.py",
    # care is recorded by shift leaders, planners and admins, not by this template's operator
    ("care_record", "care_backdated"): "test_sync_care_judged.py",
    ("care_record", "care_date_ahead"): "test_sync_care_judged.py",
    ("household_member", "care_member_code"): "test_sync_care_judged.py",
}

CASES: list[tuple[str, str, dict[str, object]]] = [
    ("activity", "lasts_too_long", {"end_at": LATER["h80"]}),
    ("activity", "end_not_after_start", {"end_at": START}),
    ("restriction", "restriction_too_long", {"new_end_at": LATER["h80"]}),
    ("restriction", "new_end_not_after_start", {"new_end_at": START}),
    ("activity_correction", "restriction_too_long", {"new_end_at": LATER["h80"]}),
    ("activity_correction", "new_end_not_after_start", {"new_end_at": START}),
    ("standing_post", "end_not_after_start", {"end_at": START}),
    ("shift", "lasts_too_long", {"end_at": LATER["h15"]}),
    ("shift", "end_not_after_start", {"end_at": START}),
    ("signal_event", "outcome_without_closing", {"outcome": "confirmed"}),
    ("signal_event", "sighting_mismatch", {"sighting": "seen_again"}),
    ("report_event", "audience_mismatch", {"audience": "authority"}),
    ("handover", "handover_content_not_json", {"content": "not json"}),
    ("handover", "handover_hash_mismatch", {"content": '{{"items": []}}'}),
    ("handover", "handover_supersede_without_reason", {"supersedes": OTHER}),
    ("activity_request", "lasts_too_long", {"end_at": LATER["h80"]}),
    ("activity_request", "end_not_after_start", {"end_at": START}),
    ("activity_request", "request_assessment_malformed", {"assessment": "not json"}),
    ("experience", "experience_activity_and_week", {"week": None}),
]


def _forge_row(b: Hostile, table: str, values: dict[str, object]) -> None:
    """A new row of ``table`` as change records straight into B's change log: every field the
    rule table names, ``{name}`` filled from the template's ids."""
    known = {**ids(b.store), "device": b.laptop.id}
    row = {"id": ROW, **values}
    records: list[tuple[Any, ...]] = [(table, key(ROW), "", None, 1, None, "OPS-B")]
    for col in rules.TABLES[table].fields:
        value = row.get(col)
        filled = value.format(**known) if isinstance(value, str) else value
        prev = "[]" if (table, col) in CRITICAL_FIELDS else None
        records.append((table, key(ROW), col, filled, 1, prev, "OPS-B"))
    b.forge_raw(records)


def _codes(reason: object) -> set[str]:
    """The store refusal codes a quarantine reason carries (its own, or the refusal inside)."""
    found: set[str] = set()
    if isinstance(reason, dict):
        if isinstance(reason.get("error"), str):
            found.add(reason["error"])
        for value in reason.values():
            found |= _codes(value)
    return found


@pytest.mark.parametrize(("table", "code", "broken"), CASES, ids=[f"{t}-{c}" for t, c, _ in CASES])
def test_a_row_breaking_a_row_check_is_quarantined_by_its_code(
    template: Path, tmp_path: Path, table: str, code: str, broken: dict[str, object]
) -> None:
    with copied_team(template, tmp_path / "team") as (a, b):
        before = user_tables(a.store)
        _forge_row(b, table, {**BASE[table], **broken})
        receipt = a_import(a, b)
        assert receipt.quarantined
        held = [q for q in quarantined(a.store) if q.row_id == ROW and q.table == table]
        existence = [q for q in held if q.field == ""]
        assert existence and existence[0].cause.code == "row_refused"
        assert existence[0].cause.params["error"] == code
        assert all(code in _codes(q.cause.params) for q in held)
        assert user_tables(a.store) == before  # nothing applied


def test_a_lengthened_activity_is_quarantined_with_its_correction(
    template: Path, tmp_path: Path
) -> None:
    """The template's activity (3 hours) given an end 80 hours after its start by raw SQL on
    B's own database, with the correction that would allow a new time: the correction is
    refused by the 72-hour rule (``restriction_too_long``), so the new end has no correction
    (``needs_restriction``); the activity on A as it was."""
    with copied_team(template, tmp_path / "team") as (a, b):
        before = user_tables(a.store)
        known = ids(b.store)
        old = b.store.one(
            "SELECT start_at, end_at FROM activity WHERE id = ?", (known["activity"],)
        )
        assert old is not None
        b.sql(
            (
                "INSERT INTO activity_correction (id, activity_id, reason, old_start_at,"
                " old_end_at, old_location, new_start_at, new_end_at, new_location,"
                " recorded_at, recorded_by, device) VALUES (?, ?, 'langer', ?, ?, 'Rechtbank',"
                " ?, '2026-12-03T16:00:00Z', 'Rechtbank', ?, 'OPS-B', ?)",
                (ROW, known["activity"], old[0], old[1], old[0], known["now"], b.laptop.id),
            ),
            (
                "UPDATE activity SET end_at = '2026-12-03T16:00:00Z' WHERE id = ?",
                (known["activity"],),
            ),
        )
        b.seal()
        assert a_import(a, b).quarantined
        causes = {
            (q.table, q.field): (q.cause.code, _codes(q.cause.params)) for q in quarantined(a.store)
        }
        assert causes[("activity_correction", "")] == ("row_refused", {"restriction_too_long"})
        assert causes[("activity", "end_at")][0] == "needs_restriction"
        assert user_tables(a.store) == before


def a_import(a: Laptop, b: Hostile) -> Receipt:
    """A imports what B exports (B's own checks of what it sends skipped: it is hostile)."""
    return exchange.import_file(a.store, b.export())


def _check_codes(check: rules.RowCheck) -> set[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(check)))
    return {
        str(kw.value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "code" and isinstance(kw.value, ast.Constant)
    }


def test_every_row_check_code_of_the_rule_table_has_a_bundle_case() -> None:
    wanted = {
        (rule.name, code)
        for rule in rules.TABLES.values()
        for check in rule.row_checks
        for code in _check_codes(check)
    }
    wanted -= {("standing_post", "lasts_too_long")}  # no limit: the code is never raised there
    assert wanted == {(table, code) for table, code, _ in CASES} | set(ELSEWHERE)
