"""Why a change from another laptop was quarantined or waits, in words (``store.sync.reason``).

The judge keeps each reason as a fact, a code and its params; this module holds their one
table of sentences for ``sync quarantine``, the import receipt, ``sync status``, the Sync
screen and the handover. A value check the store itself would refuse is worded by the store
refusal's own words (``words.errors``). Labels, callsigns and values a bundle carried are shown
with control and bidi characters made visible; times in Europe/Amsterdam. A reason kept before
reasons were facts is English text, shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from store.clock import told_apart
from store.sync.reason import Reason, from_dict, read
from store.validate import visible

from . import _
from .access import action as action_words
from .conflicts import field_label
from .errors import SENTENCES as REFUSALS


def _v(value: object) -> str:
    """A value a bundle carried, quoted, control characters made visible; a time (read back
    as one by ``store.sync.reason``) in Europe/Amsterdam, unquoted, with its offset in the hour
    the clocks go back (``told_apart``, as every refusal says a time: rev14m F7)."""
    if isinstance(value, datetime):
        return _time(value)
    return repr(visible(value if isinstance(value, str) else repr(value)))


def _n(name: object) -> str:
    """A callsign or device label, unquoted, control characters made visible."""
    return visible(str(name or ""))[:40] or _("(nobody)")


def _role(role: object) -> str:
    return str(role or _("no role")).replace("_", " ")


def _a(role: object) -> str:
    """A role with its article: ``an admin``, ``a planner``."""
    words = _role(role)
    return (_("an {role}") if words[:1] in "aeiou" else _("a {role}")).format(role=words)


def _time(moment: datetime) -> str:
    """A time in Amsterdam time, told apart in the repeated autumn hour (``02:30+02:00``, then
    ``02:30+01:00``); one past local time (``datetime.max``) as given."""
    try:
        return told_apart(moment)
    except (OverflowError, ValueError):
        return moment.isoformat()


def _when(stamp: object) -> str:
    """A reason's time (aware, read by the store), or that none could be read."""
    return _time(stamp) if isinstance(stamp, datetime) else _("an unreadable time")


def _inner(p: Mapping[str, Any]) -> str:
    """The reason another record of the change set (or the row checks) was refused."""
    refused = p["refused"]
    return worded(from_dict(refused))


def _refusal(p: Mapping[str, Any]) -> str:
    """A store refusal (``words.errors``; its facts' times read back as times by
    ``store.sync.reason``); where no words fit, the English a reason stored before the store
    gave none (``why``), or its code and facts."""
    words = REFUSALS.get(str(p.get("error") or ""))
    if words is not None:
        try:
            return words(p.get("facts") or {}).rstrip(".")
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            pass
    if p.get("why"):
        return str(p["why"])
    facts = ", ".join(f"{k}={v!r}" for k, v in sorted(dict(p.get("facts") or {}).items()))
    return f"{p.get('error')} ({facts})" if facts else str(p.get("error"))


def _sentence_part(text: str) -> str:
    """A sentence after a colon: its first letter in lower case (but for a code such as
    ``R1`` or a callsign)."""
    first = text.split(" ", 1)[0]
    code = len(first) > 1 and (first.isupper() or any(c.isdigit() for c in first))
    return text if code else _lower(text)


def _field_refused(p: Mapping[str, Any]) -> str:
    """A field's value refused: ``table.field …`` where the store's words begin with the
    field's name, else ``table: …`` (never a table name glued onto a sentence)."""
    words = _refusal(p)
    named = str(dict(p.get("facts") or {}).get("field") or "")
    if named and words.startswith(named):  # the field in words: "activity end must …"
        return f"{_named(p['table'], named)}{words[len(named) :]}"
    return _("{table}: {why}").format(table=p["table"], why=_sentence_part(words))


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


#: What a change set writes, for a role's refusal (``judge._Author.may``).
_WRITTEN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "create": lambda p: str(p["table"]),
    "recreate": lambda p: _("re-create {table}").format(table=p["table"]),
    "delete": lambda p: _("delete {table}").format(table=p["table"]),
    "field": lambda p: _named(p["table"], p["column"]),
    "supersede_flagged": lambda p: _("a log entry superseding a flagged one"),
    "calendar_restriction": lambda p: _(
        "a restriction by the calendar of an activity from no calendar"
    ),
}


def _written(p: Mapping[str, Any]) -> str:
    words = _WRITTEN.get(str(p["what"]))
    return words(p) if words is not None else str(p["what"])


def _late(p: Mapping[str, Any]) -> str:
    return _(
        "{name} was {role} when this was stamped ({stamped}) but became {became} at {changed}; "
        "it arrived more than a day after that: held for an admin to decide"
    ).format(
        name=_n(p["name"]),
        role=_a(p["role"]),
        stamped=_when(p["stamped"]),
        became=_a(p["became"]),
        changed=_when(p["changed"]),
    )


#: The time fields read together in every table that has them (``store.rules.TIMES``), in words.
_TIME_FIELDS = {
    "start_at": _("start"),
    "end_at": _("end"),
    "new_start_at": _("new start"),
    "new_end_at": _("new end"),
}


def _field(table: object, column: object) -> str:
    """A field a reason names, in words where it has them (``start_at``: "start"), else its
    code in words (``person_id``: "person", ``threat_level``: "threat level")."""
    if str(column) in _TIME_FIELDS:
        return _TIME_FIELDS[str(column)]
    label = field_label(str(table), str(column))
    if label == column:  # no label: its code in words ("person_id": "person")
        label = str(column).removesuffix("_id").removesuffix("_at").replace("_", " ")
    return _lower(label)


def _named(table: object, column: object) -> str:
    """A field of a table in words, for a reason that names it (``activity end``, never
    ``activity.end_at``: rev14m F4)."""
    return _("{table} {field}").format(table=table, field=_field(table, column))


def _together(p: Mapping[str, Any]) -> str:
    """A field read with others (a start with its end): the new value, the others as they
    stood, and, where the same change set wrote those too, that they were held back."""
    table = p["table"]
    stood = _(" and ").join(
        _("the {field} {value}").format(field=_field(table, column), value=_v(value))
        for column, value in dict(p["stood"]).items()
    )
    held = list(p.get("held") or [])
    also = (
        _(" (the new {fields} written with it was held back itself)").format(
            fields=_(" and ").join(_field(table, column) for column in held)
        )
        if held
        else ""
    )
    field = _field(table, p["column"])
    return _(
        "{table}: the {field} {value} with {stood} as it stood when this change was "
        "made{also}: {why}"
    ).format(
        table=table,
        field=field
        if str(p["column"]).startswith("new_")
        else _("new {field}").format(field=field),
        value=_v(p["value"]),
        stood=stood,
        also=also,
        why=_sentence_part(_inner(p).removeprefix(f"{table}: ")),
    )


#: Reason code → its sentence.
REASONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "device_unknown": lambda p: _("its device is not in the team roster"),
    "after_revocation": lambda p: _("after revocation"),
    "after_fork": lambda p: _(
        "after its laptop forked its change log (restored from an old copy): re-enrol it"
    ),
    "clock_day_ahead": lambda p: _("clock more than a day ahead"),
    "existence_value": lambda p: _("an existence record carries a value"),
    "history_on_plain_field": lambda p: _("history on a plain field"),
    "no_history": lambda p: _("a critical field without the history its writer saw"),
    "written_twice": lambda p: _("a field written twice in one change set"),
    "author_unknown": lambda p: _("{name} is not known here yet").format(name=_n(p["name"])),
    "author_not_yet": lambda p: _("{name} did not exist yet when this was written").format(
        name=_n(p["name"])
    ),
    "author_quarantined": lambda p: _("the staff record of {name} was quarantined").format(
        name=_n(p["name"])
    ),
    "dated_ahead": lambda p: _(
        "dated {dated}, ahead of this laptop's clock: it waits until then"
    ).format(dated=_v(p["dated"])),
    "causal_length": lambda p: _("causal length {cl} does not fit the record").format(cl=p["cl"]),
    "unknown_table": lambda p: _("unknown table {table}").format(table=_v(p["table"])),
    "unknown_column": lambda p: _("unknown column {table}.{column}").format(
        table=p["table"], column=_v(p["column"])
    ),
    "derived_field": lambda p: _(
        "{field} is derived on every laptop (R2: from the threat assessments); it is "
        "never taken from a bundle"
    ).format(field=_named(p["table"], p["column"])),
    "creation_refused": lambda p: _("the creation of this row was refused: {why}").format(
        why=_inner(p)
    ),
    "created_twice": lambda p: _(
        "this {table} row exists already (created by another write); a second creation would "
        "rewrite it, and rows change only field by field, by those who may"
    ).format(table=p["table"]),
    "never_recreated": lambda p: _("{table} rows are never deleted or re-created").format(
        table=p["table"]
    ),
    "never_deleted": lambda p: _("{table} rows are never deleted").format(table=p["table"]),
    "restricted_into_past": lambda p: _(
        "a restriction moves the activity to {to}, already past when it was recorded; a "
        "restriction decides what happens next (R5)"
    ).format(to=_v(p["to"])),
    "restricted_after_end": lambda p: _(
        "a restriction of an activity that had ended at {end} when it was recorded (R5)"
    ).format(end=_v(p["end"])),
    "restricted_when_done": lambda p: _(
        "the activity was done when this restriction was recorded: it had taken place, and a "
        "restriction decides what happens next (R5)"
    ),
    "superseded_unknown": lambda p: _("the entry it supersedes is not known here yet"),
    "handover_unknown": lambda p: _("its handover is not known here yet"),
    "activity_unknown": lambda p: _("its activity is not known here yet"),
    "row_unknown": lambda p: _("its row is not known here yet"),
    "answer_refused_whole": lambda p: _(
        "written by the same action as a request's answer that was quarantined: the store "
        "writes both or neither"
    ),
    "refers_quarantined": lambda p: _(
        "{field} refers to {to} {row}, whose creation was quarantined: there is no such {to} here"
    ).format(field=_named(p["table"], p["column"]), to=p["to"], row=_v(p["row"])),
    "refers_unknown": lambda p: _("{field} refers to a {to} not known here yet").format(
        field=_named(p["table"], p["column"]), to=p["to"]
    ),
    "withdraw_not_signer": lambda p: _(
        "{name} ({role}) may not withdraw a handover {signer} signed (only its signer or an admin)"
    ).format(name=_n(p["name"]), role=_role(p["role"]), signer=_n(p["signer"])),
    "accepts_withdrawn": lambda p: _(
        "handover {handover} was withdrawn by {by} before this acceptance and is no longer in "
        "force; it cannot be accepted"
    ).format(handover=_v(p["handover"]), by=_n(p["by"])),
    "activity_of_another": lambda p: _(
        "the signal names an activity of another person than the one it names; the store "
        "refuses that (name the person whose activity it is, or leave one of them out)"
    ),
    "experience_activity_of_another": lambda p: _(
        "the experience names an activity of another person than the one it is about; the "
        "store refuses that (name the person whose activity it is, or the week)"
    ),
    "care_member_of_another": lambda p: _(
        "the care record names a household member of another person than the one it is about"
    ),
    "care_member_code_of_another": lambda p: _(
        "the household member's code {given} is not its person's own code and -P or -C with a "
        "number 1 to 99 (never a name, never another person's code)"
    ).format(given=_v(p["given"])),
    "care_not_a_person": lambda p: _(
        "a household member or care record of an object or a service; household and care "
        "belong to a protected person"
    ),
    "care_end_before_member": lambda p: _(
        "the household member's end ({ended}) is before the member was recorded ({added})"
    ).format(ended=_v(p["ended"]), added=_v(p["added"])),
    "care_module_not_for_member": lambda p: _(
        "the care record's module {module} is not for that member (a partner's module for a "
        "partner, a child's for a child, the others for the person themself)"
    ).format(module=_v(p["module"])),
    "care_date_before_member": lambda p: _(
        "the care record's day {on} is before its member was recorded ({added})"
    ).format(on=_v(p["on"]), added=_v(p["added"])),
    "answer_of_unreadable": lambda p: _(
        "the answer accepts an option of a request whose assessment is not one the store "
        "writes ({fault}); such a request can only be refused"
    ).format(fault=_v(p["fault"])),
    "answer_no_such_option": lambda p: _(
        "the answer accepts option {n}, but the request's assessment has options 1 to {count}"
    ).format(n=_v(p["n"]), count=p["count"]),
    "answer_option_not_feasible": lambda p: _(
        "the answer accepts option {n}, which the request's assessment says would not work; "
        "the store refuses that"
    ).format(n=p["n"]),
    "answer_activity_of_another": lambda p: _(
        "the answer plans an activity of another person than the one who made the request; "
        "the store plans the requested activity for its person"
    ),
    "never_cleared": lambda p: _(
        "{field} is never cleared once it has a value: no Schildwacht action does it"
    ).format(field=_named(p["table"], p["column"])),
    "never_changes": lambda p: _("{field} never changes once the row exists").format(
        field=_named(p["table"], p["column"])
    ),
    "needs_restriction": lambda p: _(
        "{field} changes only together with a restriction or a correction of that activity (R5)"
    ).format(field=_named(p["table"], p["column"])),
    "name_claim_not_admin": lambda p: _(
        "{device} is not the team's admin laptop; only that laptop witnesses which row first "
        "held a name"
    ).format(device=_n(p["device"])),
    "admin_operator_elsewhere": lambda p: _(
        "the role of the person who operates the team's admin laptop changes only on that laptop"
    ),
    "done_needs_replanning": lambda p: _(
        "the activity needs re-planning ({why}); marking it done would hide that (R1)"
    ).format(why=str(p["why"]).replace("_", " ")),
    "cancelled_never_again": lambda p: _(
        "the activity was cancelled; a cancelled activity is never {status} again (R5), but by "
        "its calendar when that alone cancelled it"
    ).format(status=_v(p["status"])),
    "done_before_end": lambda p: _(
        "marked done before it ends on this laptop's clock ({end}): it waits until then"
    ).format(end=_v(p["end"])),
    "done_before_it_ends": lambda p: _(
        "an activity is done only once it has ended; it ends {end}"
    ).format(end=_v(p["end"])),
    "done_not_moved": lambda p: _(
        "a done activity is not moved to an end that has not passed ({end})"
    ).format(end=_when(p["moved_to"])),
    "concept_unflagged": lambda p: _(
        "activity concept {concept} on a {status} activity: {why}; no re-planning flag would "
        "show it (R1)"
    ).format(concept=_v(p["concept"]), status=p["status"], why=str(p["why"])),
    "not_as_restricted": lambda p: _(
        "{field} {value} is not what its restriction or correction records"
    ).format(field=_named("activity", p["column"]), value=_v(p["value"])),
    "status_needs_restriction": lambda p: _(
        "an activity is {status} only together with a restriction of that kind, its reason and "
        "the deciding authority (R5)"
    ).format(status=p["status"]),
    "together_refused": _together,
    "deletion_with_fields": lambda p: _("a deletion that also writes fields"),
    "not_in_catalogue": lambda p: _("{field}: {value} is not in this laptop's catalogue").format(
        field=p["field"], value=_v(p["value"])
    ),
    "names_another": lambda p: _(
        "{field} names {value}, but the change was made by {author}"
    ).format(field=p["field"], value=_v(p["value"]), author=_n(p["author"])),
    "names_another_device": lambda p: _(
        "{field} names another device than the one that sent it"
    ).format(field=p["field"]),
    "stamp_after_clock": lambda p: _(
        "{field} lies after the clock of the change that carries it"
    ).format(field=p["field"]),
    "two_authors": lambda p: _("one change set, two authors"),
    "admin_operator_elsewhere_made": lambda p: _(
        "{device} is {role} device; only the admin's laptop starts with an admin as its operator"
    ).format(device=_n(p["device"]), role=_a(p["role"])),
    "operator_not_as_enrolled": lambda p: _(
        "{device} creates its operator otherwise than its enrolment binds ({operator}: id, "
        "callsign, unit, role)"
    ).format(device=_n(p["device"]), operator=_n(p["operator"])),
    "device_may_not": lambda p: _(
        "{device} is {role} device and may not carry {what} (only roles that may {action})"
    ).format(
        device=_n(p["device"]),
        role=_a(p["role"]),
        what=_written(p),
        action=action_words(str(p["action"])),
    ),
    "person_may_not": lambda p: _(
        "{name} ({role}) may not write {what} (only roles that may {action})"
    ).format(
        name=_n(p["name"]),
        role=_role(p["role"]),
        what=_written(p),
        action=action_words(str(p["action"])),
    ),
    "late_role": _late,
    "bound_elsewhere": lambda p: _(
        "author is bound to another laptop: the team roster binds {name} to {bound}, so only "
        "{bound} can write as {name}, yet this came from {device}"
    ).format(name=_n(p["name"]), bound=_n(p["bound"]), device=_n(p["device"])),
    "cannot_act_there": lambda p: _(
        "author cannot act on this laptop: {name} wrote on {device}, where only its operator "
        "{operator} can act (no one there could give anyone else a secret)"
    ).format(name=_n(p["name"]), device=_n(p["device"]), operator=_n(p["operator"])),
    "key_not_of_table": lambda p: _("its row key {key} is not a key of {table}").format(
        key=_v(p["key"]), table=p["table"]
    ),
    "key_not_canonical": lambda p: _("its row key {key} is not written canonically").format(
        key=_v(p["key"])
    ),
    "value_refused": lambda p: _field_refused(p),
    "row_refused": lambda p: _("{table}: {why}").format(
        table=p["table"], why=_sentence_part(_refusal(p))
    ),
    "fields_missing": lambda p: _("a new {table} row without {fields}").format(
        table=p["table"], fields=", ".join(str(f) for f in p["fields"])
    ),
    "key_mismatch": lambda p: _("the {table} row's fields do not match its key").format(
        table=p["table"]
    ),
    "database_refused": lambda p: _("refused by the database: {why}").format(why=p["why"]),
    # what is wrong with a record of this laptop's own change log (``log.malformed_records``)
    "log_fields_count": lambda p: _("its count of records is not its field list's"),
    "log_key_not_list": lambda p: _("its row key is not a JSON list"),
    "log_values_missing": lambda p: _("its values are missing"),
    "log_values_not_list": lambda p: _("its values are not a JSON list"),
    "log_values_count": lambda p: _("it holds another number of values than of fields"),
    "log_history_not_object": lambda p: _("its history is not a JSON object"),
    "log_unknown_reference": lambda p: _("a value is a reference Schildwacht does not write"),
    "log_numbers_missing": lambda p: _("numbers {first}–{last} are missing").format(**p),
    "log_unreadable": lambda p: _("a receiving laptop cannot read it"),
    "log_too_large": lambda p: _("it is larger than a change may be: every laptop refuses it"),
    "log_clock_back": lambda p: _("its clock runs back before the record ahead of it"),
    "segment_not_signed": lambda p: _(
        "segment {number}'s signed header is not the one Schildwacht wrote"
    ).format(**p),
}


def worded(reason: Reason) -> str:
    """A reason in words, control and bidi characters made visible (a reason kept as text
    before reasons were facts, or of a code this version does not know: as it was kept).

    Args:
        reason: the reason read back (``store.sync.reason.read``).
    """
    words = REASONS.get(reason.code)
    if words is None:
        return visible(str(reason.params.get("text", reason.code)))
    return visible(words(reason.params))


def kept_words(kept: object) -> str:
    """A reason as JSON carries it (``Reason.as_dict``), or as text (kept before reasons were
    facts), in words.

    Args:
        kept: ``{"code": ..., "params": {...}}``, or text.
    """
    if isinstance(kept, Mapping) and isinstance(kept.get("params"), Mapping):
        return worded(from_dict(kept))
    return said(kept)


def said(kept: object) -> str:
    """A reason as kept (``Quarantined.reason``, ``Verdict.reason``) in words."""
    return worded(read(kept))


def as_json(change: Any, label: str = "") -> dict[str, Any]:
    """A quarantined change for a script: its facts (``Quarantined.as_dict``, the reason by
    ``reason_code`` and ``reason_params``) and its ``reason`` in words."""
    return {**change.as_dict(label), "reason": worded(change.cause)}
