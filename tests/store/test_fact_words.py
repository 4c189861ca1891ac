"""Audit trail alarms, quarantine reasons and trust findings are facts in the store and words in
words/ (issue 15, item 6): read from the source, every code the store builds has words and every
sentence there a code the store builds; no store module builds these sentences; what was kept
as English text before stays readable, shown as it was written."""

from __future__ import annotations

import ast
import functools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from store.findings import Finding
from store.sync.quarantine import Quarantined
from store.sync.reason import fact, read
from store.witness import ALARM_CODES, read_alarm
from tests.source import parse_file
from words.alarms import ALARMS
from words.findings import SENTENCES as FINDINGS
from words.findings import as_json as finding_json
from words.findings import said as said_finding
from words.findings import worded as finding_words
from words.handover import quarantine_reason
from words.quarantine import REASONS, kept_words, said, worded
from words.quarantine import as_json as quarantine_json
from words.receipts import back_dated_example
from words.receipts import said as said_notice

STORE = Path(__file__).resolve().parents[2] / "store"
#: The builders whose arguments are facts: (function, index of the code among its arguments).
BUILDERS = {
    "quarantine": 1,
    "defer": 1,
    "Finding": 1,
    "_flagged": 1,  # findings.py: one finding per laptop of a sync_flag kind (its code)
    "notice": 0,
    "fact": 0,
    "_said": 0,
}


@functools.cache
def _calls() -> list[tuple[str, ast.Call]]:
    """Every call of a builder in the store, with where it is."""
    found = []
    for path in sorted(STORE.rglob("*.py")):
        tree = parse_file(path)
        for node in ast.walk(tree):
            name = (
                node.func.id
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                else ""
            )
            if name in BUILDERS:
                assert isinstance(node, ast.Call)
                found.append((f"store/{path.relative_to(STORE)}:{node.lineno}", node))
    return found


def _codes(*names: str, prefix: str = "") -> dict[str, str]:
    """The constant codes the store gives these builders (code → where)."""
    codes = {}
    for where, call in _calls():
        name = getattr(call.func, "id", "")
        index = BUILDERS[name]
        if name in ("fact", "_said") and not where.startswith("store/sync/"):
            continue  # another module's own ``fact`` (a suggestion's): not a reason
        if name in names and len(call.args) > index:
            code = call.args[index]
            if isinstance(code, ast.Constant) and str(code.value).startswith(prefix):
                codes[str(code.value)] = where
    return codes


def _built_text(leaf: ast.AST) -> bool:
    """Whether an expression adds text up or formats or joins it."""
    if isinstance(leaf, ast.BinOp):
        sides = (leaf.left, leaf.right)
        return any(
            isinstance(getattr(x, "value", 0), str) or isinstance(x, ast.JoinedStr) for x in sides
        )
    return isinstance(leaf, ast.Call) and getattr(leaf.func, "attr", "") in ("format", "join")


def _sentences(call: ast.Call, skip: int) -> Iterator[str]:
    """Text built in a builder's arguments (past the first ``skip``): a literal or an f-string
    of several words, text added up, or ``format``/``join`` (a field's name, ``{table}.{col}``,
    or what a change waits for, ``author:{name}``, is no sentence)."""
    for part in [*call.args[skip:], *(k.value for k in call.keywords)]:
        for leaf in ast.walk(part):
            text = getattr(leaf, "value", None) if isinstance(leaf, ast.Constant) else None
            if isinstance(text, str) and " " in text.strip():
                yield text
            elif _built_text(leaf):
                yield ast.unparse(leaf)


def test_every_alarm_code_has_words_and_every_alarm_sentence_a_code() -> None:
    built = _codes("notice", prefix="alarm_")
    assert len(built) == len(ALARM_CODES) == 9
    assert set(built) == ALARM_CODES  # every one the store raises is read back as it is
    assert set(ALARMS) - ALARM_CODES == {"audit_alarm"}  # the words of an alarm kept as text


def test_every_reason_code_has_words_and_every_sentence_a_code() -> None:
    """The judge's, and what is wrong with a record of the own change log (``log.py``)."""
    built = _codes("quarantine", "defer", "fact", "_said")
    assert built.pop("back_dated").startswith("store/sync/judge.py")  # a flag: words/receipts
    assert built.pop("clocks_apart").startswith("store/sync/judge.py")  # a flag too
    assert len(built) >= 55
    assert sorted(set(built) - set(REASONS)) == []
    assert sorted(set(REASONS) - set(built)) == []


def test_every_finding_code_has_words_and_every_sentence_a_code() -> None:
    built = _codes("Finding", "_flagged")
    assert len(built) >= 8
    assert sorted(set(built) - set(FINDINGS)) == []
    assert set(FINDINGS) - set(built) == set(ALARMS)  # a witness finding's code is its alarm's


def test_no_store_module_builds_an_alarm_a_reason_or_a_finding_in_words() -> None:
    """The codes and params only: a sentence built in their arguments is caught."""
    built = {
        where: list(_sentences(call, 1 if getattr(call.func, "id", "") == "defer" else 0))
        for where, call in _calls()
    }
    assert len(built) >= 80
    assert {where: text for where, text in built.items() if text} == {}


def test_the_scan_would_see_a_sentence() -> None:
    old = ast.parse('quarantine("author", f"{named(name)} is not known here yet")').body[0]
    assert isinstance(old, ast.Expr) and isinstance(old.value, ast.Call)
    assert list(_sentences(old.value, 0))
    plain = ast.parse('quarantine("malformed", "one change set, two authors")').body[0]
    assert isinstance(plain, ast.Expr) and isinstance(plain.value, ast.Call)
    assert list(_sentences(plain.value, 0)) == ["one change set, two authors"]
    waits = ast.parse('defer(f"author:{name}", "author_unknown", name=name)').body[0]
    assert isinstance(waits, ast.Expr) and isinstance(waits.value, ast.Call)
    assert list(_sentences(waits.value, 1)) == []  # what a change waits for is no sentence


def test_an_alarm_kept_as_text_before_reads_as_it_was_written() -> None:
    old = json.dumps({"alarm": "laptop-b's audit trail changed: event 4 \u202e"})
    alarm = read_alarm(old)
    assert alarm.code == "audit_alarm"
    assert said_notice(alarm) == "laptop-b's audit trail changed: event 4 \\u202e"
    kept = json.dumps(
        {"code": "alarm_trail_backwards", "params": {"label": "b", "before": 7, "seq": 6}}
    )
    assert said_notice(read_alarm(kept)) == (
        "b's audit trail went backwards: it reported event 7 before and now ends at 6; its "
        "newest events were removed"
    )
    unknown = json.dumps({"code": "alarm_of_a_later_version", "params": {}})
    assert read_alarm(unknown).code == "audit_alarm"  # no words for it here: its code, as is
    assert said_notice(read_alarm("not json")) == ""


def test_a_reason_is_kept_as_canonical_text_and_old_text_reads_as_it_is() -> None:
    kept = fact("author_unknown", name="RT-\u202e1")
    assert kept == '{"code":"author_unknown","params":{"name":"RT-\u202e1"}}'
    assert fact("x", b=1, a=2) == fact("x", a=2, b=1)  # the same on every laptop
    assert said(kept) == "RT-\\u202e1 is not known here yet"
    assert read("after revocation").code == "" and said("after revocation") == "after revocation"
    nested = fact("creation_refused", refused=read(fact("two_authors")).as_dict())
    assert said(nested) == "the creation of this row was refused: one change set, two authors"
    assert kept_words(read(nested).as_dict()) == said(nested)
    assert quarantine_reason("an old handover's reason") == "an old handover's reason"


def test_a_value_refusal_is_worded_by_the_store_refusal_words() -> None:
    refused = fact(
        "value_refused",
        table="activity",
        error="not_a_day",
        facts={"field": "start_at"},
        why="an English fallback",
    )
    assert said(refused) == "activity start must be a date"  # in words (rev14m F4)
    unknown = fact("value_refused", table="activity", error="later_code", facts={}, why="x y")
    assert said(unknown) == "activity: x y"
    # a sentence that does not begin with the field's name is never glued to the table's
    week = fact(
        "value_refused",
        table="experience",
        error="later_code",
        facts={"field": "week"},
        why="The week names week 53 of 2025, which has none",
    )
    assert said(week) == "experience: the week names week 53 of 2025, which has none"
    refused = fact("row_refused", table="activity_correction", error="later", facts={},
                   why="A correction cannot move it")  # fmt: skip
    assert said(refused) == "activity_correction: a correction cannot move it"
    kept_code = fact("row_refused", table="shift", error="later", facts={}, why="RT-0080 rests")
    assert said(kept_code) == "shift: RT-0080 rests"


def test_a_quarantined_change_as_json_keeps_code_params_and_words() -> None:
    change = Quarantined(
        "dev", 3, "activity", "title", "row", "RT-1", "role",
        fact("person_may_not", name="RT-1", role="operator", what="field", table="activity",
             column="title", action="activity.write"),
        7, datetime(2026, 11, 28, tzinfo=UTC),
    )  # fmt: skip
    found = quarantine_json(change, "laptop-b")
    assert found["reason_code"] == "person_may_not"
    assert found["reason_params"]["role"] == "operator"
    assert found["reason"] == worded(change.cause)
    assert found["reason"].startswith("RT-1 (operator) may not write activity title (only roles")


def test_findings_are_facts_and_old_handover_text_stays() -> None:
    set_at = datetime(2026, 11, 28, 9, tzinfo=UTC)
    secret = Finding("secret", "secret_set_by_other", {"people": [["RT-1", "OPS", set_at]]})
    assert said_finding(secret).startswith(
        "RT-1's secret on this laptop was set by OPS (2026-11-28 10:00)"
    )
    found = finding_json(secret)
    assert (found["kind"], found["code"], found["text"]) == (
        "secret",
        "secret_set_by_other",
        said_finding(secret),
    )
    assert found["people"] == [["RT-1", "OPS", "2026-11-28T09:00:00Z"]]  # JSON: stored UTC text
    assert finding_words("", {"text": "signed before: \u202e"}) == "signed before: \\u202e"
    refused = Finding(
        "own_refused",
        "own_quarantined",
        {"count": 2, "reasons": [read(fact("after_revocation")).as_dict(), read("old").as_dict()]},
    )
    assert "(after revocation; old)" in said_finding(refused)


def test_a_back_dated_record_is_noted_as_a_fact_and_old_notes_read_as_they_are() -> None:
    noted = fact("back_dated", field="log_entry.at", value="2026-11-28T06:00:00Z", written="9")
    assert back_dated_example(noted) == "log_entry.at 2026-11-28T06:00:00Z written at 9"
    assert back_dated_example("log_entry.at x written at y\u202e") == (
        "log_entry.at x written at y\\u202e"
    )


def test_a_reasons_times_are_read_by_the_store_and_kept_as_text() -> None:
    """rev15b: words/quarantine.py read a late change's times back with ``from_db``; the store
    reads them (``reason.read``, ``from_dict``), the words get datetimes, and the kept text and
    every JSON of it stay as they were."""
    from store.sync.reason import from_dict

    kept = fact(
        "late_role", name="RT-1", role="planner", became="operator",
        stamped="2026-11-28T09:00:00Z", changed="2026-11-27T09:00:00Z",
    )  # fmt: skip
    reason = read(kept)
    assert reason.params["stamped"] == datetime(2026, 11, 28, 9, tzinfo=UTC)
    assert from_dict(reason.as_dict()) == reason
    assert reason.as_dict()["params"]["changed"] == "2026-11-27T09:00:00Z"  # as kept
    assert fact(reason.code, **reason.as_dict()["params"]) == kept
    words = worded(reason)
    assert "stamped (2026-11-28 10:00)" in words and "at 2026-11-27 10:00" in words
    unreadable = read(fact("late_role", name="x", role="a", became="b", stamped="?", changed=None))
    assert worded(unreadable).count("an unreadable time") == 2
    change = Quarantined(
        "dev", 3, "threat_assessment", "level", "row", "RT-1", "late", kept, 7,
        datetime(2026, 11, 28, tzinfo=UTC),
    )  # fmt: skip
    assert quarantine_json(change)["reason_params"]["stamped"] == "2026-11-28T09:00:00Z"
