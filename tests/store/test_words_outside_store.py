"""The store gives facts, the faces give words (issue 15 point 6): a refusal carries codes,
lists, times and numbers, never a phrase the store wrote; a value it names is named by its
field code; and every code has words in words/. AST scans of store/ (as test_code_shape's) and
the words each code gets."""

from __future__ import annotations

import ast
import functools
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import access, rules, validate
from store.access import ActingPerson
from store.clock import require_order
from store.errors import BadInput, PermissionDenied, StoreError
from store.ics import CALENDAR_ENDINGS, calendar_note
from store.sync.notice import notice
from tests.source import parse_file
from words import access as access_words
from words import calendar as calendar_words
from words.errors import SENTENCES, sentence
from words.fields import FIELD_CODES, LABELS, WHAT_CODES

STORE = Path(__file__).parents[2] / "store"
#: The store's refusals.
_ERRORS = {
    "StoreError",
    "BadInput",
    "NotFound",
    "RuleViolation",
    "PermissionDenied",
    "IntegrityFailure",
    "MachineFault",
    "Refused",
    "AlreadySigned",
}
#: The checks given a field code: the argument (position, keyword) that names the value.
_LABELLED = {"require_order": (2, "what"), "read_regular": (2, "what")}
#: A field code: lower case, digits, ``_`` and ``.`` (``start``, ``travel.default_minutes``).
_CODE = re.compile(r"[a-z][a-z0-9_.]*")
#: Params still rendered in the store, each with why (see the report of words10). A new one
#: fails the test; one put right must leave this list.
KNOWN_PROSE = {
    "store/catalogue.py:field": "a catalogue path the parser names (jsonschema's own text)",
    "store/db.py:reason": "an OS error's text (strerror)",
    "store/catalogue_shape.py:field": "a catalogue path, table[n].field: an identifier",
    "store/catalogue_shape.py:first": "a catalogue path, table[n].field: an identifier",
}


#: What truly is data in a label: the calendar import names an event's property by the file,
#: the event (``ics_bounds.describe``: its kind, UID and summary) and the property's iCalendar
#: name (``f"{name}: {describe(event)} DTEND"``): constant parts only separators and names.
_EVENT_PROPERTY = re.compile(r"[: ]*[A-Z][A-Z-]*|[: ]+")


@functools.cache
def _trees() -> list[tuple[str, ast.AST]]:
    return [(str(p.relative_to(STORE.parent)), parse_file(p)) for p in sorted(STORE.rglob("*.py"))]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _label(call: ast.Call) -> ast.expr | None:
    """The argument of a check that names the value: a ``validate.*`` call's second, or the
    ``what`` of ``require_order`` and ``read_regular``."""
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "validate":
        position, keyword = 1, "field"
    elif _name(call) in _LABELLED:
        position, keyword = _LABELLED[_name(call)]
    else:
        return None
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg in (keyword, "what")), None)


def _prose_label(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return not (isinstance(node.value, str) and _CODE.fullmatch(node.value))
    if isinstance(node, ast.JoinedStr):  # f"request_{name}": code parts only
        parts = [str(v.value) for v in node.values if isinstance(v, ast.Constant)]
        if parts and all(_EVENT_PROPERTY.fullmatch(p) for p in parts):
            return False  # data: a file, an event and its property (``_EVENT_PROPERTY``)
        return not all(re.fullmatch(r"[a-z0-9_.]*", p) for p in parts)
    if isinstance(node, ast.Subscript):  # FIELDS["calendar"]: the table's value, checked below
        keys = node.slice
        return (
            not all(isinstance(k, ast.Constant) for k in (keys.body, keys.orelse))
            if (isinstance(keys, ast.IfExp))
            else not isinstance(keys, ast.Constant)
        )
    return False


def _literal_labels() -> dict[str, str]:
    found = {}
    for where, tree in _trees():
        if where == "store/validate.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                label = _label(node)
                if isinstance(label, ast.Constant) and isinstance(label.value, str):
                    found[label.value] = f"{where}:{node.lineno}"
    return found


def _rendered(value: ast.expr) -> bool:
    """A param the store put into words: an f-string with words in it, a joined list, a code
    turned into words, a formatted time, an exception's text."""
    text = ast.unparse(value)
    if isinstance(value, ast.JoinedStr):
        return True
    if ".join(" in text and text.lstrip("(").startswith(("'", '"')):
        return True
    if 'replace("_", " ")' in text or "replace('_', ' ')" in text:
        return True
    if re.search(r"\blocal_(text|iso|span)\(", text):
        return True
    return "str(exc" in text


def _prose_params() -> set[str]:
    found = set()
    for where, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in _ERRORS:
                if not any(k.arg == "code" for k in node.keywords):
                    continue
                for k in node.keywords:
                    if k.arg not in ("code", None) and _rendered(k.value):
                        found.add(f"{where}:{k.arg}")
    return found


def test_no_store_check_is_given_an_english_label() -> None:
    prose = []
    for where, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                label = _label(node)
                if label is not None and _prose_label(label):
                    prose.append(f"{where}:{node.lineno} {ast.unparse(label)}")
    assert len(_literal_labels()) > 40  # the scan finds the checks
    assert prose == [], "give a field code (words/fields.py names it): " + "; ".join(prose)


def test_the_calendar_imports_labels_are_field_codes_with_words() -> None:
    """rev15b: the import named its values in English ("The first day"), passed through as
    they were whatever the catalogue; now each is a code words/fields.py names."""
    from store import ics_bounds
    from words.fields import LABELS

    codes = [*ics_bounds.FIELDS.values(), *ics_bounds.IDENTITY_FIELDS.values()]
    assert all(_CODE.fullmatch(c) and c in LABELS for c in codes), codes
    for where in ("store/ics.py", "store/ics_bounds.py"):  # its tables are the only labels
        assert where in {w for w, _tree in _trees()}


def test_the_scan_finds_an_english_label_and_a_rendered_param() -> None:
    tree = ast.parse('validate.text(x, "The note")', mode="eval")
    assert isinstance(tree.body, ast.Call) and _prose_label(_label(tree.body))  # type: ignore[arg-type]
    for english in ('f"The calendar\'s {prop}"', 'f"{name}: the {what}"', "FIELDS[prop]"):
        assert _prose_label(ast.parse(english, mode="eval").body), english
    for data in ('f"{name}: {describe(event)} DTEND"', 'f"request_{n}"', 'FIELDS["to"]'):
        assert not _prose_label(ast.parse(data, mode="eval").body), data
    for param in ('", ".join(roles)', 'role.replace("_", " ")', "local_text(at)", "str(exc)"):
        assert _rendered(ast.parse(param, mode="eval").body), param
    assert not _rendered(ast.parse("sorted(roles)", mode="eval").body)


def test_no_refusal_param_is_rendered_in_the_store() -> None:
    found = _prose_params()
    assert sorted(found - set(KNOWN_PROSE)) == [], "give the fact; words/ renders it"
    assert sorted(set(KNOWN_PROSE) - found) == [], "put right: take it off KNOWN_PROSE"


def _lacks_code(call: ast.Call) -> bool:
    """An error made without a code (or with ``code=None``, or None on one branch): the faces
    could only show its English message."""
    code = next((k.value for k in call.keywords if k.arg == "code"), None)
    branches = [code.body, code.orelse] if isinstance(code, ast.IfExp) else [code]
    return any(b is None or (isinstance(b, ast.Constant) and b.value is None) for b in branches)


def _without_code() -> list[str]:
    return [
        f"{where}:{node.lineno} {_name(node)}"
        for where, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node) in _ERRORS and _lacks_code(node)
    ]


def test_every_store_error_raised_carries_a_code() -> None:
    """Issue 15: a handover signed by someone else was refused without a code (its English
    built in the store); every error the store makes names its code, and words/ words it."""
    assert _without_code() == []
    codes = set()
    for _where, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in _ERRORS:
                for k in node.keywords:
                    if k.arg == "code" and isinstance(k.value, ast.Constant):
                        codes.add(k.value.value)
                    if k.arg == "code" and isinstance(k.value, ast.IfExp):
                        codes |= {
                            b.value
                            for b in (k.value.body, k.value.orelse)
                            if isinstance(b, ast.Constant)
                        }
    assert len(codes) > 200  # the scan finds them
    assert {"already_signed", "already_signed_by_another", "supersede_not_yours"} <= codes
    assert {"already_signed", "already_signed_by_another"} <= set(SENTENCES)


def test_the_scan_finds_an_error_without_a_code() -> None:
    for bare in (
        'BadInput("x")',
        'BadInput("x", code=None)',
        'NotFound("x", code=c if a else None)',
    ):
        call = ast.parse(bare, mode="eval").body
        assert isinstance(call, ast.Call) and _lacks_code(call), bare
    assert not _lacks_code(ast.parse('BadInput("x", code="c" if a else "d")', mode="eval").body)  # type: ignore[arg-type]


def test_every_field_code_has_words() -> None:
    labels = _literal_labels()
    catalogue_paths = {code for code in labels if "." in code}  # the catalogue's own names
    assert sorted(set(labels) - set(LABELS) - catalogue_paths) == []
    for code in FIELD_CODES | WHAT_CODES:
        assert code in SENTENCES, code


def test_every_permission_and_role_has_words() -> None:
    assert all(isinstance(roles, frozenset) for roles in access.PERMISSIONS.values())
    actions = set(access.PERMISSIONS) | {
        rules.GRANT_ADMIN,
        rules.ACKNOWLEDGE_REPORT,
        rules.CLAIM_NAME,
    }
    assert actions == set(access_words.ACTIONS)
    assert set(access.ROLES) == set(access_words.ROLES)
    assert set(rules.AUDIENCES) == set(access_words.AUDIENCES)


def test_a_permission_refusal_carries_codes_and_reads_in_words() -> None:
    analyst = ActingPerson("IO-01", "info_analyst")
    with pytest.raises(PermissionDenied) as refused:
        access.require(analyst, "staff.write")
    assert refused.value.params == {
        "bound": "person",
        "action": "staff.write",
        "roles": ["admin", "planner", "shift_leader"],
        "callsign": "IO-01",
        "role": "info_analyst",
    }
    assert sentence(refused.value) == (
        "Only admin, planner, shift leader may manage staff, shifts and deployments; IO-01 is "
        "information analyst."
    )
    on_laptop = ActingPerson("OPS-01", "shift_leader", laptop_role="capacity_analyst")
    with pytest.raises(PermissionDenied) as bounded:
        access.require(on_laptop, "handover.sign")
    assert bounded.value.params["laptop"] == "capacity_analyst"
    assert "enrolled in the team as capacity analyst" in sentence(bounded.value)


def test_a_field_is_named_by_its_code_and_in_words() -> None:
    with pytest.raises(BadInput) as refused:
        validate.moment(datetime(2026, 12, 1, 9, 0), "period_start")  # no zone: the fault
    assert refused.value.params["field"] == "period_start"
    assert sentence(refused.value) == "The period's start must be a time with a time zone."
    with pytest.raises(BadInput) as backwards:
        at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        require_order(at, at, "shift", callsign="RT-0012")
    assert backwards.value.params["start"] == at  # a datetime, not text
    assert sentence(backwards.value) == (
        "RT-0012's shift ends 2026-12-01 10:00, not after its start 2026-12-01 10:00; give an "
        "end after the start."
    )
    odd = StoreError(code="not_text", field="--max")  # an option a face gave: as it is
    assert sentence(odd) == "--max must be text (UTF-8)."


def test_a_refusal_list_is_a_list_and_words_join_it() -> None:
    with pytest.raises(BadInput) as refused:
        validate.choice("purple", "tlp", ("clear", "green"))
    assert sentence(refused.value).startswith("tlp must be one of clear, green;")
    said = SENTENCES["unknown_role"]({"given": "'boss'", "choices": ["admin", "planner"]})
    assert said == "Unknown role 'boss'; choose one of: admin, planner."


def test_every_calendar_warning_has_words_and_json() -> None:
    built = set()
    for where, tree in _trees():
        if where != "store/ics.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in ("notice", "_warning"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant):
                    built.add(str(first.value))
    assert len(built) >= 12
    assert built == set(calendar_words.WARNINGS)
    warning = notice(
        "calendar_done_not_moved",
        title="Werkbezoek",
        start=datetime(2027, 3, 8, 8, 0, tzinfo=UTC),
        file="w.ics",
        to=datetime(2027, 3, 9, 8, 0, tzinfo=UTC),
    )
    assert calendar_words.warning_json(warning) == {
        "code": "calendar_done_not_moved",
        "title": "Werkbezoek",
        "start": "2027-03-08T08:00:00Z",
        "file": "w.ics",
        "to": "2027-03-09T08:00:00Z",
        "text": "'Werkbezoek' (2027-03-08 09:00) is done here; w.ics moves it to 2027-03-09 "
        "09:00, which has not yet ended, so the calendar's new time was not taken over (add it "
        "as a new activity if it happens again).",
    }
    assert (
        calendar_words.how_long(
            datetime(2027, 3, 24, 23, 0, tzinfo=UTC), datetime(2027, 4, 7, 22, 0, tzinfo=UTC)
        )
        == "14 days"
    )  # local midnight to midnight across the spring clock change


def test_a_calendar_note_holds_facts_and_no_words() -> None:
    """rev15b: the note packed the ending and the file into "cancelled werk.ics" and the words
    split it at its first space; it keeps them as two facts, and nothing reads words back."""
    for how in CALENDAR_ENDINGS:
        note = calendar_note(how, "mijn werk.ics")
        assert json.loads(note) == {"ending": how, "file": "mijn werk.ics"}
        assert calendar_words.restriction_note("calendar", note).endswith("(mijn werk.ics).")
    for own in ("a person's own note", "cancelled werk.ics", calendar_note("x", "y"), "{\u202e"):
        assert calendar_words.restriction_note("calendar", own) == own  # exact: faces escape
    # a person's note that reads like the calendar's, under another authority: their text
    note = calendar_note("cancelled", "werk.ics")
    assert calendar_words.restriction_note("BZ", note) == note


def test_a_reason_kept_as_synced_text_stays_as_older_laptops_read_it() -> None:
    """Issue 15: the correction reasons the store writes (``activity_correction.reason``, a
    synced free-text field) are data on purpose, documented where written; the judge of every
    laptop, older versions too, recognises a calendar's reinstatement by this prefix."""
    assert rules.REINSTATED == "Reinstated by the calendar"
    for where, marker in (
        ("store/rules.py", "Data on purpose"),
        ("store/sync/status.py", "Data on purpose"),
        ("store/ics.py", "data on purpose: activity_correction.reason"),
    ):
        assert marker in (STORE.parent / where).read_text(encoding="utf-8"), where
