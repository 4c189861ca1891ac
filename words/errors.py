"""The store's refusals in words: each error code (``store.errors``) as a sentence.

``sentence`` words an error for any face from its code and facts; the store gives no
sentence of its own. A code without words here fails a scan test (``tests/store/
test_error_words.py``); at run time it is said by its code and facts (``unworded``). A face
may word a code its own way (the command line names the option to give:
``commands/refusals.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.clock import local_span, local_text
from store.errors import StoreError

from . import _, ngettext
from .access import worded
from .deployments import misfit_words, refused
from .fields import FIELD_CODES, WHAT_CODES, named
from .filled import joined, template
from .person_refusals import SENTENCES as PERSON

#: The RRULE parts (RFC 5545 §3.3.10) that hold whole numbers.
_RRULE_NUMBERS = frozenset(
    {"BYSECOND", "BYMINUTE", "BYHOUR", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS"}
)


def rrule_expects(part: str) -> str:
    """What an RRULE part takes, as a sentence ends it (``calendar_bad_rrule``).

    Args:
        part: the part's name (FREQ, UNTIL, COUNT …), or '' for the rule as a whole.

    Returns:
        What its value must be, in words.
    """
    if part == "FREQ":
        return _("one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY")
    if part == "UNTIL":
        return _("a date or a date-time as iCalendar writes them (20261202 or 20261202T100000Z)")
    if part in ("COUNT", "INTERVAL"):
        return _("a whole number")
    if part in _RRULE_NUMBERS:
        return _("whole numbers separated by commas")
    if part == "BYDAY":
        return _("weekdays separated by commas (MO, TU, WE, TH, FR, SA, SU; 1MO or -1FR)")
    if part == "WKST":
        return _("a weekday (MO, TU, WE, TH, FR, SA or SU)")
    return _("a recurrence rule as iCalendar writes it (FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10)")


def _clocks(change: str) -> str:
    """Why a night's real hours differ from its hours on the clock (``clock_change``)."""
    if change == "back":
        return _(" in real time (the clocks go back that night)")
    if change == "forward":
        return _(" in real time (the clocks go forward that night)")
    return ""


def _invalid_why(p: Mapping[str, Any]) -> str:
    """Why a calendar file could not be read (``calendar_invalid``'s ``reason``)."""
    reason, what = p.get("reason"), p.get("what", "")
    if reason == "line":
        return _(
            "the line {what} is not an iCalendar line (NAME;PARAMETER=value:value); nothing "
            "was imported"
        ).format(what=what)
    if reason == "end_without_begin":
        return _("an END line has no BEGIN line before it; nothing was imported")
    if reason == "outside":
        return _(
            "the property {what} stands outside BEGIN:VCALENDAR … END:VCALENDAR; nothing was "
            "imported"
        ).format(what=what)
    if reason == "unclosed":
        return _(
            "a BEGIN line has no END line (the file may be cut off, or one component is inside "
            "another); nothing was imported — export the calendar again"
        )
    if reason == "nested":
        return _(
            "line {line:,}: BEGIN:{part} stands inside the {outer} of line {since:,}; a "
            "{part} stands directly in the VCALENDAR, so nothing was imported"
        ).format(**p)
    if reason == "zone":
        return _(
            "a VTIMEZONE in it has no readable STANDARD or DAYLIGHT rule, so its times cannot "
            "be read; nothing was imported — export the calendar with standard time zones"
        )
    if reason == "folder":
        return _("a TZID names {what}, which is not a time zone; nothing was imported").format(
            what=what
        )
    return _(
        "its structure cannot be read (check that a calendar program opens it, and export it "
        "again); nothing was imported"
    )


def _choices(valid: list[str]) -> str:
    return ", ".join(valid) if valid else _("none in the catalogue; ask the planner")


def _below(p: Mapping[str, Any]) -> str:
    return _("provides {level} but {subject} requires {required} (rule R1)").format(**p)


def _package(p: Mapping[str, Any]) -> str:
    return _("not in {subject}'s package {package} (rule R3)").format(**p)


def _kind(p: Mapping[str, Any]) -> str:
    return _("serves {serves}, not {subject}, a protected {kind} (rule R3)").format(
        serves=_(" and ").join(p["serves"]), subject=p["subject"], kind=p["kind"]
    )


def _pilot(p: Mapping[str, Any]) -> str:
    scope = ", ".join(p["scope"]) or _("nowhere yet")
    return _("a pilot concept usable only in {scope}; {subject} is in {unit} (rule R4)").format(
        scope=scope, subject=p["subject"], unit=p["unit"]
    )


def signed_facts(p: Mapping[str, Any]) -> dict[str, Any]:
    """A signed handover's facts said (``already_signed``): its period, signer and time.

    Args:
        p: the refusal's params (``period_start``, ``period_end``, ``signed_at`` aware UTC).

    Returns:
        The params ready for a sentence, with ``period`` the local span.
    """
    return {
        **joined(p),
        "period": local_span(p["period_start"], p["period_end"]),
        "signed_at": local_text(p["signed_at"]),
    }


def _not_yours(p: Mapping[str, Any]) -> str:
    """Why the acting leader may not supersede a handover: only its signer may."""
    return _(
        "only {signed_by}, who signed handover {handover}, may supersede it (a handover is its "
        "signer's account of the shift){accepted}. Record what is wrong in a flagged log entry "
        "(it carries into every handover until cleared), or ask {signed_by} to sign a new one."
    ).format(
        signed_by=p["signed_by"],
        handover=p["handover"],
        accepted=_("; {me} accepted it at {at}").format(me=p["me"], at=local_text(p["accepted_at"]))
        if p.get("accepted_at")
        else "",
    )


#: Why a concept may not go on a subject's activities (``store.agenda.ConceptOption.why``).
CONCEPT_WHY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "concept_below_required": _below,
    "concept_not_in_package": _package,
    "concept_wrong_kind": _kind,
    "concept_outside_pilot": _pilot,
    "no_package": lambda p: _(
        "{subject} has no threat assessment yet, so no package (rule R2)"
    ).format(**p),
}


def concept_why(why: str, params: Mapping[str, Any]) -> str:
    """Why a concept may not be chosen, in words: ``provides W2 but BEVER requires W3 (rule
    R1)``; or that the officers deployed on the activity do not fit it
    (``concept_misfits_deployed``: the smallest release)."""
    if why == "concept_misfits_deployed":
        return _("{misfit} first").format(misfit=misfit_words(params))
    return CONCEPT_WHY[why](params)


def _concept(code: str) -> Callable[[Mapping[str, Any]], str]:
    def words(p: Mapping[str, Any]) -> str:
        return _("Concept {concept} {why}; choose one of: {choices}.").format(
            concept=p["concept"], why=concept_why(code, p), choices=_choices(p["valid"])
        )

    return words


def _reason(p: Mapping[str, Any]) -> str:
    from .facts import reason  # facts words concepts with this module's phrases

    return reason(str(p.get("reason") or ""), p.get("fact"))


def _option_changed(p: Mapping[str, Any]) -> str:
    if "now" not in p:
        return _(
            "The option shown ({token}) is no longer offered; list the options again and choose."
        ).format(token=p.get("token", ""))
    from .facts import reason
    from .suggestions import describe  # the option as the list words it

    now = describe(p["now"]).rstrip(".")
    verdict = p.get("verdict")  # the same option may now fill less than when it was shown
    if verdict == "yes":
        now = _("{option}, feasible").format(option=now)
    elif verdict in ("partly", "no"):
        why = reason("", p.get("why"))
        if verdict == "no":
            why = _("not feasible: {why}").format(why=why) if why else _("not feasible")
        now = _("{option}, {why}").format(option=now, why=why) if why else now
    return _(
        "Option {n} is no longer the one shown ({token}): it is now {now}; list the options "
        "again and choose."
    ).format(n=p["n"], token=p["token"], now=now)


def _bad_lines(lines: object, count: object) -> str:
    """A roster's bad lines (each line's refusal as its code and params) in words, joined."""
    if not isinstance(lines, list):
        return str(lines)
    said = []
    for line in lines:
        if not isinstance(line, Mapping):
            said.append(str(line))
            continue
        words = SENTENCES.get(str(line.get("code") or ""))
        what = words(line["params"]) if words is not None else str(line.get("code"))
        said.append(_("line {line}: {what}").format(line=line["line"], what=what.rstrip(".")))
    more = isinstance(count, int) and count > len(lines)
    return "; ".join(said) + ("; …" if more else "")


def rows(count: int) -> str:
    """ "1 row", "2 rows": a count of rows in words."""
    return _("1 row") if count == 1 else _("{count} rows").format(count=count)


def _span(p: Mapping[str, Any]) -> str:
    return local_span(p["start"], p["end"])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _inner(p: Mapping[str, Any]) -> str:
    """The words of the refusal a scenario change or a bundle's file carries (``refusal``, with
    the same params); an older or newer version's refusal without words here: its English
    (``why``, which only a bundle's file refusal carries) or its code."""
    words = SENTENCES.get(p.get("refusal") or "")
    return str(p.get("why") or p.get("refusal")) if words is None else words(p)


#: What is wrong in a scenario's change as typed (``store.capacity``'s ``fault``).
_SCENARIO_FAULTS = {
    "more_parts": _("has more parts than its form: {extra}"),
    "no_count": _("does not say how many"),
    "no_lender": _("names no unit that lends"),
    "no_receiver": _("names no unit that receives"),
    "no_level": _("gives no threat level"),
    "not_number": _("gives {given} where the {what} should be a number"),
    "not_number_digits": _("gives {given} where the {what} should be a number in digits 0-9"),
    "not_whole": _("gives {given} where the {what} should be a whole number"),
    "not_whole_digits": _("gives {given} where the {what} should be a whole number in digits 0-9"),
    "out_of_range": _("gives {given} where the {what} should lie between {low} and {high}"),
    "more_than_one_decimal": _("gives {given} where the {what} should have at most one decimal"),
}
#: The number a scenario's change gives (a fault's ``what``).
_SCENARIO_NUMBERS = {"count": _("number"), "threat_level": _("threat level")}


def _scenario_malformed(p: Mapping[str, Any]) -> str:
    what = _SCENARIO_NUMBERS.get(str(p.get("what")), "")
    fault = _SCENARIO_FAULTS[p["fault"]].format(**{**p, "what": what})
    return _("{shown} {fault} (write {form}).").format(
        shown=p["shown"], fault=fault, form=p["form"]
    )


def _refused(reason: str) -> Callable[[Mapping[str, Any]], str]:
    """A bundle's refusal (``store.sync.bundle.Refused``): its check, then ``reason``."""
    return lambda p: _("Bundle refused ({check}): {reason} Nothing was changed.").format(
        check=p["check"], reason=reason.format(**p)
    )


def too_large(p: Mapping[str, Any]) -> str:
    """What of a received change was larger than any store writes (``part`` of ``table`` and
    ``field``, more than ``limit``), for ``bundle_change_too_large``."""
    where = f"{p['table']}.{p['field']}" if p.get("field") else (p["table"] or _("a table"))
    words = {
        "value": _("a value of {where} longer than {limit:,} characters"),
        "key": _("a row key of {where} longer than {limit:,} characters"),
        "history": _("the history of {where} longer than {limit:,} characters"),
        "records": _("a run of more than {limit:,} changes to one row of {where}"),
    }
    default = _("a head of a run of {where} longer than {limit:,} bytes")
    return words.get(p["part"], default).format(where=where, limit=p["limit"])


def too_many_waiting(p: Mapping[str, Any]) -> str:
    """Too many of one origin's changes would wait here (``label``, ``held`` waiting, ``total``
    with this bundle's, ``newer`` of them of a newer version, the rest referring to rows or
    people no laptop has sent here, ``limit``): the advice by cause, for a refusal and for a
    receipt's warning alike (a notice without ``newer``, from before it was kept: all newer)."""
    where = (
        _("{held:,} of them wait here (the sync status lists them)").format(**p)
        if p["held"]
        else _("none was stored: the sync status shows none waiting")
    )
    newer = int(p.get("newer", p["total"]))
    facts = {**p, "where": where, "newer": newer, "missing": int(p["total"]) - newer}
    if newer >= p["total"]:
        said = _(
            "{label} sent {total:,} changes of a newer version that cannot be applied here "
            "(more than {limit:,}; {where}). Upgrade Schildwacht on this laptop if {label} runs "
            "a newer version; otherwise ask the admin to revoke {label}."
        )
    elif not newer:
        said = _(
            "{label} sent {total:,} changes that refer to rows or people no laptop has sent "
            "here (more than {limit:,}; {where}). Ask the admin to revoke {label} if it sends "
            "them on purpose."
        )
    else:
        said = _(
            "{label} sent {total:,} changes that cannot be applied here yet ({newer:,} of a "
            "newer version, {missing:,} referring to rows or people no laptop has sent here; "
            "more than {limit:,}; {where}). Upgrade Schildwacht on this laptop if {label} runs "
            "a newer version; otherwise ask the admin to revoke {label}."
        )
    return said.format(**facts) + " " + _("Until then its changes are not taken in.")


#: Why a roster line is not CSV (``roster._CSV_FAULTS``), in words; never the csv library's.
_CSV_SAID: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "line_ends": lambda p: _(
        "ends in a carriage return alone (old Mac line ends); save the roster with Windows "
        "(CRLF) or Unix (LF) line ends"
    ),
    "field_too_long": lambda p: _(
        "holds a field longer than 131,072 characters (a roster field is at most 40)"
    ),
    "stray_quote": lambda p: _(
        'has a quote inside a field not quoted whole (write a quote in a quoted field as "")'
    ),
    "nul": lambda p: _("holds a NUL character; remove it"),
    "other": lambda p: _(
        "is not CSV as Schildwacht reads it (fields separated by commas, a quoted field "
        "quoted whole)"
    ),
}


def _log_malformed(text: str) -> Callable[[Mapping[str, Any]], str]:
    """``{what}``: what is wrong with the record, a reason as kept (``words.quarantine``)."""

    def words(p: Mapping[str, Any]) -> str:
        from words.quarantine import said

        return text.format(**{**p, "what": said(p["what"])})

    return words


#: A signal's status or workflow step (``store.signals``) in words.
SIGNAL_WORDS: dict[str, str] = {
    "submitted": _("submitted"),
    "received": _("received"),
    "in_follow_up": _("in follow-up"),
    "follow_up": _("follow-up"),
    "interpreted": _("interpreted"),
    "closed": _("closed"),
}


def signal_word(code: str) -> str:
    """A signal's status or step in words (``in_follow_up`` → "in follow-up")."""
    return SIGNAL_WORDS.get(code, code.replace("_", " "))


def _options_named(text: str, **none: str) -> Callable[[Mapping[str, Any]], str]:
    """A refusal whose sentence has places (``none``'s keys) where the command line names its
    options; a face without options leaves them empty (``commands.refusals`` fills them)."""
    return lambda params: text.format(**{**none, **joined(params)})


def _access(text: str) -> Callable[[Mapping[str, Any]], str]:
    """A permission refusal: its action and role codes in words (``words.access``)."""
    return lambda params: text.format(**worded(params))


#: Error code → its sentence, for any face.
def _integrity_found(params: Mapping[str, Any]) -> str:
    """What SQLite's integrity check found (an index that does not match its table…)."""
    if params.get("more"):
        return _(
            "SQLite's integrity check found {problems} or more problems, the first: {found}"
        ).format(problems=params["problems"], found=params["found"])
    return ngettext(
        "SQLite's integrity check found {problems} problem: {found}",
        "SQLite's integrity check found {problems} problems, the first: {found}",
        int(params["problems"]),
    ).format(problems=params["problems"], found=params["found"])


def malformed(params: Mapping[str, Any]) -> str:
    """How SQLite finds a database damaged: it reads it as malformed, and, when its quick check
    ran first (before a repair or a backup: facts ``problems`` and ``found``), what it found; a
    stored text that is not UTF-8 (facts ``column``, and ``table`` when the text check named it)
    is said as that: SQLite itself reads such a file well."""
    if "stored" in params:
        return _(
            "its header's schema version was overwritten: it says {stored}, but {later} is "
            "already as a later version makes it"
        ).format(stored=params["stored"], later=params["later"])
    if "held_time" in params:
        if not params["held_time"]:
            return _(
                "a stored time in column {column} is no time SQLite can read (raw SQL, or bytes "
                "overwritten)"
            ).format(column=params.get("column", "?"))
        if "column" not in params:
            return _(
                "a stored time holds {time}, a form Schildwacht never writes (raw SQL, or "
                "bytes overwritten)"
            ).format(time=params["held_time"])
        return _(
            "a stored time in column {column} holds {time}, a form Schildwacht never writes "
            "(raw SQL, or bytes overwritten)"
        ).format(column=params["column"], time=params["held_time"])
    if "held" in params:
        held = {
            "blob": _("a blob"),
            "text": _("a text"),
            "integer": _("a whole number"),
        }.get(params["held"], _("a number with a fraction"))
        return _(
            "a stored value in column {column} is {held}, of a type the column never holds"
        ).format(column=params["column"], held=held)
    if "column" in params and "table" in params:
        return _("a stored text in table {table}, column {column}, is not valid UTF-8").format(
            table=params["table"], column=params["column"]
        )
    if "column" in params:
        return _("a stored text in column {column} is not valid UTF-8").format(
            column=params["column"]
        )
    if params.get("header") == "format":
        return _("its header's file format versions, bytes 18 and 19, were overwritten")
    if "size" in params:
        return _("the file is cut short: {size} bytes where it holds {expected}").format(
            size=params["size"], expected=params["expected"]
        )
    if "found" not in params:
        return _("SQLite reads it as malformed")
    if params.get("check") == "integrity":
        return _integrity_found(params)
    if params.get("more"):  # the quick check stopped there: no count
        return _(
            "SQLite reads it as malformed; its quick check found {problems} or more problems, "
            "the first: {found}"
        ).format(problems=params["problems"], found=params["found"])
    return ngettext(
        "SQLite reads it as malformed; its quick check found {problems} problem: {found}",
        "SQLite reads it as malformed; its quick check found {problems} problems, the first: "
        "{found}",
        int(params["problems"]),
    ).format(problems=params["problems"], found=params["found"])


SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "option_value": lambda p: _option_value(p),
    "concept_below_required": _concept("concept_below_required"),
    "concept_not_in_package": _concept("concept_not_in_package"),
    "concept_wrong_kind": _concept("concept_wrong_kind"),
    "concept_outside_pilot": lambda p: _(
        "Concept {concept} is a pilot concept usable only in {scope}; {subject} is in {unit} "
        "(rule R4); choose one of: {choices}."
    ).format(
        concept=p["concept"],
        scope=", ".join(p["scope"]) or _("nowhere yet"),
        subject=p["subject"],
        unit=p["unit"],
        choices=_choices(p["valid"]),
    ),
    "no_threat_assessment": template(
        _(
            "{subject} has no threat assessment yet, so no required level or package; "
            "record one first."
        )
    ),
    "nothing_to_change": template(_("Nothing to change; give at least one of: {fields}.")),
    "nothing_changed": template(_("Nothing changed: '{title}' already has these values.")),
    "move_needs_restriction": lambda p: (
        _ended_move(p)
        if p.get("ended")
        else _both_at_once(p)
        if p.get("both")
        else _(
            "Changing the time or place of '{title}' is a restriction (rule R5): record it as "
            "a restriction (reason and deciding authority), or, when the agenda was simply "
            "wrong, say why as a correction."
        )
        if p.get("may_restrict", True)
        else _(
            "'{title}' is cancelled: it takes no restriction (rule R5); a change of its time "
            "or place is a correction: say why."
        )
        if p.get("status") == "cancelled"
        else _(
            "'{title}' is done: it takes no restriction (rule R5); a change of its time or "
            "place is a correction: say why."
        )
        if p.get("status") == "done"
        else _(
            "Changing the time or place of '{title}' is a restriction (rule R5), which your "
            "role may not record: ask a planner or shift leader to record it as a restriction, "
            "or, when the agenda was simply wrong, say why as a correction."
        )
    ).format(title=p["title"]),
    "move_needs_start": template(_("A move needs the new start.")),
    "relocation_needs_place": template(_("A relocation needs the new place.")),
    "move_changes_nothing": template(
        _("A move gives the activity another time; these are its present times.")
    ),
    "relocation_changes_nothing": template(
        _("A relocation gives the activity another place; this is its present place.")
    ),
    "restriction_needs_authority": template(
        _("A restriction names the deciding authority (rule R5).")
    ),
    "restriction_needs_reason": template(
        _("A restriction names its reason, one of: {reasons} (rule R5).")
    ),
    "restriction_into_past": template(
        _(
            "A restriction decides what happens next: it cannot move '{title}' to {moment}, "
            "which has already passed (rule R5)."
        )
    ),
    "restriction_of_done": template(
        _(
            "'{title}' is done: it has taken place, and a restriction decides what happens "
            "next (rule R5)."
        )
    ),
    "already_cancelled": lambda p: (
        template(_("'{title}' is already cancelled: it takes no other restriction (rule R5)."))
        if "title" in p
        else template(_("Activity {activity} is already cancelled."))
    )(p),
    "post_unchanged": template(
        _("Nothing changed: the standing post already has {concept}; choose another concept.")
    ),
    "not_deployed": lambda p: refused(p["problems"]),
    "concept_misfits_deployed": lambda p: _("{misfit} first, or choose a concept they fit.").format(
        misfit=misfit_words(p)
    ),
    "restriction_after_end": lambda p: _after_end(p),
    "correction_into_past": template(
        _(
            "A correction cannot move '{title}' to {moment}, which has already passed, from a "
            "time that had not (rule R5); only a time already past may be corrected to another "
            "past time."
        )
    ),
    "move_keeps_start": template(
        _(
            "A move gives the activity another start; to end it earlier, shorten it "
            "(a restriction never makes an activity longer)."
        )
    ),
    "empty_token": template(
        _("The option's token is empty: give the token listed with the option, or none.")
    ),
    "activity_over": template(_("'{title}' ended at {moment}; there is nothing to apply to it.")),
    "option_changes_nothing": template(
        _("Nobody of that team can stay on for this activity; the option would change nothing.")
    ),
    "option_would_not_work": lambda p: _("That option would not work: {why}.").format(
        why=_reason(p)
    ),
    "option_changed": lambda p: _option_changed(p),
    "clearance_needs_reason": template(_("Say why the entry is cleared.")),
    "assessment_request_needs_person": template(
        _("A request for a new threat assessment names the person.")
    ),
    "supersede_needs_reason": template(
        _("Superseding a signed handover needs the reason why the new one replaces it.")
    ),
    "handover_withdrawn": template(
        _(
            "Handover {handover} was withdrawn by {by} at {at} and is no longer in force; it "
            "cannot be accepted."
        )
    ),
    "supersede_not_in_force": template(
        _(
            "Handover {handover} is not a signed handover of an overlapping period that is "
            "still in force; see the list of handovers."
        )
    ),
    "already_signed": lambda p: _(
        "The period {period} was already signed by {signed_by} at {signed_at} (handover "
        "{handover}); sign again only to supersede it, with a reason."
    ).format(**signed_facts(p)),
    "already_signed_by_another": lambda p: _(
        "The period {period} was already signed by {signed_by} at {signed_at} (handover "
        "{handover}); {not_yours}"
    ).format(**signed_facts(p), not_yours=_not_yours(p)),
    "supersede_not_yours": _not_yours,
    "handover_not_found": template(_("No handover with id {handover}.")),
    "handover_signature_mismatch": template(
        _("Handover {handover} does not match its signature; the record was altered after signing.")
    ),
    "handover_withdrawn_already": template(
        _("Handover {handover} was withdrawn already by {by} at {at}.")
    ),
    "withdraw_not_yours": template(
        _(
            "Only {signed_by}, who signed handover {handover}, or an admin may withdraw it (a "
            "handover is its signer's account of the shift)."
        )
    ),
    "handover_superseded": template(
        _(
            "Handover {handover} was superseded by handover {newer}, signed by {by} at {at}, "
            "and is no longer in force; accept the newer one instead."
        )
    ),
    "signal_activity_of_another": template(
        _(
            "The activity belongs to {activity_person}, not to {person}; name the person whose "
            "activity it is, or leave one of them out."
        )
    ),
    "lend_needs_unit": template(_("Lending names the unit that receives the officers.")),
    "persons_need_level": template(_("Adding protected persons needs their threat level.")),
    "secret_change_needs_old": template(
        _(
            "Changing {callsign}'s secret needs the old one; someone with staff rights can "
            "reset a forgotten one."
        )
    ),
    "secret_repeat": template(_("The new secret and its repeat differ; nothing was changed.")),
    "demo_needs_empty_database": template(
        _(
            "The demo fills an empty database, and this one already has {subjects} protected "
            "subjects; use a new database."
        )
    ),
    "report_issued": template(
        _("Report {report} is issued and cannot change; draft one that supersedes it.")
    ),
    "report_needs_scenario": template(
        _("A signal report is issued only with at least one realistic scenario; add one first.")
    ),
    "unknown_subject": template(_("No protected subject with code name {name}.")),
    "unknown_staff": template(_("No person with callsign {callsign}.")),
    "unknown_person": template(_("No person with callsign {callsign} in this database.")),
    "callsign_bound_elsewhere": template(
        _(
            "The team roster binds {callsign} to laptop {device}: {callsign} acts there, not "
            "here; act as yourself, or revoke that laptop first."
        )
    ),
    "no_secret_yet": template(
        _(
            "{callsign} has no secret on this laptop yet, so nobody can act as {callsign} "
            "here; someone with staff rights sets a first one in their presence."
        )
    ),
    "status_set_by_restriction": template(
        _(
            "Status {status} is set by a restriction (rule R5): record a restriction, with a "
            "reason and the deciding authority."
        )
    ),
    "no_team": template(
        _(
            "This device is not in a team yet: create one, or join one with an enrolment "
            "request and the admin's welcome bundle."
        )
    ),
    "already_in_team": template(_("This device is already in a team.")),
    "no_single_device": template(_("No single device in the roster matches {device}.")),
    "guards_changed": template(
        _(
            "{path} was changed outside Schildwacht: its guards are not the ones this version "
            "makes ({found}). Rules such as R1 and the append-only audit trail may not hold in "
            "it. Nothing was opened. Repair the database to restore them, or restore the "
            "latest backup."
        )
    ),
    "table_lost": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} is gone, or lacks rows "
            "the change log says it holds; a repair would record them as deleted and send "
            "that to the team, so nothing was changed. Restore the latest backup."
        )
    ),
    "table_redefined": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} was made again with "
            "another definition than this version's, or holds rows that this version's does "
            "not take, which a repair cannot undo; nothing was changed. Restore the latest "
            "backup."
        )
    ),
    "table_reference_rewritten": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} refers to {refers} "
            "instead of {meant}: SQLite rewrote that reference when a tool renamed {meant} "
            "(and made it again), which a repair cannot undo; nothing was changed. Restore the "
            "latest backup."
        )
    ),
    "operator_changed": template(
        _(
            "{path} was changed outside Schildwacht: its own operator, who acts without a "
            "secret, reads {found}, but the team roster binds this laptop to {expected}. "
            "Nothing was opened. Restore the latest backup."
        )
    ),
    "audit_trail_cut": template(
        _(
            "{path} was changed outside Schildwacht: its audit trail was emptied or cut "
            "(events are missing from it), which a repair cannot undo; nothing was changed. "
            "Restore the latest backup."
        )
    ),
    "repair_incomplete": template(
        _(
            "{path} was changed outside Schildwacht in a way a repair cannot put right: its "
            "guards still differ from this version's after it ({found}), so its repair was "
            "not recorded and the database stays shut. Restore the latest backup."
        )
    ),
    "table_replaced": template(
        _(
            "{path} was changed outside Schildwacht: its table {table} was replaced by "
            "something else, which no repair can undo; nothing was changed. Restore the latest "
            "backup."
        )
    ),
    "changed_meanwhile": template(
        _("{field} was changed meanwhile (now '{now}'); check and save again.")
    ),
    "catalogue_changed": template(
        _(
            "{path} was changed outside Schildwacht: its reference catalogue (levels, concepts, "
            "packages, staffing, threat levels) is not the one it was made with, so R1 and R2 "
            "may not hold in it. Nothing was opened. Repair the database to restore it, or "
            "restore the latest backup."
        )
    ),
    "capture_missing": template(
        _(
            "{path} lacks {count} sync capture triggers (e.g. {first}): something rewrote its "
            "tables outside Schildwacht, and changes made now would never reach the other "
            "laptops. Nothing was opened. Repair the database to re-install them and capture "
            "what changed meanwhile, or restore the latest backup."
        )
    ),
    "queue_malformed": lambda p: _(
        "This database was changed outside Schildwacht: its queue of changes to send holds "
        "{rows} no Schildwacht wrote ({first}). Nothing was written. Repairing the database "
        "removes them and captures what really changed."
    ).format(rows=rows(p["count"]), first=p["first"]),
    "log_malformed": _log_malformed(
        _(
            "This database's change log was changed outside Schildwacht: record #{seq} of "
            "device {device} ({what}) is not one Schildwacht wrote, so it cannot be sent. Nothing "
            "was written. Repairing the database sets it aside (the team then quarantines it); a "
            "record already sent needs the latest backup."
        )
    ),
    "segment_unreadable": template(
        _(
            "This database's change log was changed outside Schildwacht: the changes "
            "{first}–{last} of device {device} cannot be read, so they cannot be sent. Nothing "
            "was written; restore the latest backup."
        )
    ),
    "segment_malformed": template(
        _(
            "This database's change log was changed outside Schildwacht: segment {number} of "
            "device {device} is not one Schildwacht signed, so nothing can be sent. Nothing was "
            "written. Repairing the database sets it aside."
        )
    ),
    "bundle_target_twice": template(_("Give either a bundle file or a sync folder, not both.")),
    "bundle_file_is_folder": template(
        _("{path} is a folder; give a file, or the folder as a sync folder.")
    ),
    "resolve_needs_one_value": template(_("Choose one of the values or enter one.")),
    "scenario_change_needs_unit": template(
        _("{change} names no unit; write {form} or give the scenario's unit.")
    ),
    "more_occurrences_than_limit": _options_named(
        _("{head}, more than the limit of {limit:,}{limit_option}{most}; nothing was imported."),
        limit_option="",
    ),
    # Refusals of input checks, the catalogue, the machine, files and the other aggregates.
    "acknowledge_draft": template(_("A draft cannot be acknowledged; it has not been issued.")),
    "activity_too_long": template(
        _(
            "An activity may last at most 72 hours (three whole days for an all-day one); "
            "split it into several."
        )
    ),
    "already_acknowledged": template(_("{callsign} already acknowledged this report.")),
    "audience_mismatch": template(
        _("a report event names an audience exactly when it issues the report.")
    ),
    "audit_event_edited": template(
        _(
            "Audit chain broken at event {seq} ({action}, {at}): its content does not match "
            "its hash; the event was edited."
        )
    ),
    "audit_event_missing": template(
        _(
            "Audit chain broken: event {expected_seq} is missing (the next is {seq}); the "
            "trail was altered."
        )
    ),
    "audit_event_out_of_order": template(
        _(
            "Audit chain broken at event {seq} ({action}, {at}): it does not follow the "
            "event before it; events were removed or reordered."
        )
    ),
    "authority_not_competent": lambda p: _(
        "{subject} is in the {domain} domain, where the competent authority is "
        "{allowed} (e.g. {example}:Havenstad), not {given} (rule R6)."
    ).format(**{**p, "allowed": _(" or ").join(p["allowed"])}),
    "calendar_authority_reserved": template(
        _(
            "The authority '{authority}' is reserved for cancellations by a calendar "
            "import; name the person or body that decided (rule R5)."
        )
    ),
    "calendar_bad_property": template(
        _(
            "{file}: {event}, property {prop}: {value} cannot be read as iCalendar writes it; "
            "nothing was imported."
        )
    ),
    "calendar_bad_duration": template(
        _(
            "{file}: {event}, property DURATION: {value} is not a duration as iCalendar writes "
            "them (such as PT1H30M, P1D or P1W); nothing was imported."
        )
    ),
    "calendar_bad_rrule": lambda p: _(
        "{file}: {event}, RRULE part {part}: {value} is not {expected}; nothing was imported."
    ).format(**{**p, "part": p["part"] or _("(the rule)"), "expected": rrule_expects(p["part"])}),
    "calendar_bad_line": template(
        _(
            "{file}: {event}: the line {line} cannot be read as an iCalendar property "
            "(NAME;PARAMETER=value:value, a quoted parameter with its closing quote); nothing "
            "was imported."
        )
    ),
    "calendar_bad_time": template(
        _(
            "{file}: {event}, property {prop}: {value} is not a date or a date-time as "
            "iCalendar writes them (20261202 or 20261202T100000, with Z for UTC)."
        )
    ),
    "calendar_bad_recurrence": lambda p: (
        _(
            "{file}: the recurrence (RRULE, RDATE or EXDATE) of {event} cannot be expanded; "
            "nothing was imported — check its repetition in a calendar program and export "
            "the calendar again."
        )
        if p.get("event")
        else _(
            "{file}: a recurrence (RRULE, RDATE or EXDATE) of an event cannot be expanded; "
            "nothing was imported — check the event's repetition in a calendar program and "
            "export the calendar again."
        )
    ).format(**joined(p)),
    "calendar_bad_sequence": template(_("{file}: {event} has a SEQUENCE that is not a number.")),
    "calendar_bad_utf16": lambda p: (
        _(
            "{file} starts as {encoding} but is not valid {encoding}: it ends inside a "
            "character at position {position} (line {line}), so it may be cut off; nothing "
            "was imported. Export the calendar again, as UTF-8 if the program can."
        )
        if p.get("cut")
        else _(
            "{file} starts as {encoding} but is not valid {encoding}: the code unit {unit} at "
            "position {position} (line {line}) is no {encoding} character; nothing was "
            "imported. Correct it, or export the calendar again, as UTF-8 if the program can."
        )
    ).format(**{**p, "unit": f"0x{p.get('unit', 0):0{2 * p.get('size', 2)}X}"}),
    "calendar_code_page_ambiguous": template(
        _(
            "{file} is not UTF-8 and reads as text of more than one code page: byte "
            "0x{byte:02X} at position {position} (line {line}) is {readings}; which letters "
            "it means cannot be told, so nothing was imported — export the calendar again as "
            "UTF-8."
        )
    ),
    "calendar_conflicting_versions": lambda p: (
        _(
            "{file}: {what} appears {count} times with the SEQUENCEs {written}, which all count "
            "as {sequence} (a SEQUENCE that is no number from 0 to 2147483647 counts as 0), "
            "and the same stamp but different content; which one is the calendar's cannot be "
            "told. Export the calendar again."
        )
        if p.get("written")
        else _(
            "{file}: {what} appears {count} times with the same SEQUENCE ({sequence}) and "
            "stamp but different content; which one is the calendar's cannot be told. "
            "Export the calendar again."
        )
    ).format(**joined(p)),
    "calendar_date_with_hours": template(
        _(
            "{file}: {event} has a DTSTART that is a date but a DURATION of hours or "
            "minutes; give whole days, or a DTSTART with a time."
        )
    ),
    "calendar_duration_too_long": template(
        _("{name}: {event} has a DURATION of {days:,} days; an event lies between 1970 and 2099.")
    ),
    "calendar_encoding": template(
        _(
            "{file} is not UTF-8 (byte 0x{byte:02X} at position {position}, line {line}) and "
            "does not read as Western European (Windows-1252/Latin-1) text either; which code "
            "page it is in cannot be told, so nothing was imported. Export the calendar again "
            "as UTF-8."
        )
    ),
    "calendar_not_all_utf8": template(
        _(
            "{file} is UTF-8 but for byte 0x{byte:02X} at position {position} (line {line}), "
            "which is no UTF-8 character (text pasted from another program, perhaps); nothing "
            "was imported. Correct it, or export the calendar again as UTF-8."
        )
    ),
    "calendar_utf16_without_bom": template(
        _(
            "{file} holds NUL bytes (the first at position {position}, line {line}): it looks "
            "like UTF-16 or UTF-32 text without a byte-order mark; export the calendar again "
            "as UTF-8."
        )
    ),
    "calendar_floating_clock_change": template(
        _(
            "{file}: {event}: {what} {moment} (floating, read in {zone}) {problem} because "
            "of a clock change; write it in UTC or with a TZID."
        )
    ),
    "calendar_floating_unknown_zone": template(
        _(
            "{file}: {event} has a floating {prop} and the calendar's X-WR-TIMEZONE "
            "'{zone}' is not a time zone Schildwacht knows; export with time zones."
        )
    ),
    "calendar_foreign_digit": template(
        _(
            "{name}: line {line:,}: {property} has the digit {digit} (U+{codepoint:04X}); "
            "dates, times and numbers in a calendar are written in the digits 0-9."
        )
    ),
    "calendar_rule_part_twice": template(
        _(
            "{name}: line {line:,}: {property} gives {part} more than once; a rule gives each "
            "part once (RFC 5545)."
        )
    ),
    "calendar_invalid": lambda p: _("{file} is not a valid iCalendar file: {why}.").format(
        file=p["file"], why=_invalid_why(p)
    ),
    "calendar_property_twice": template(
        _(
            "{file}: {event} gives {prop} {count} times; it may be given once (RFC 5545), so "
            "which one is meant cannot be told. Nothing was imported."
        )
    ),
    "calendar_period_not_allowed": template(
        _(
            "{file}: {event}, property {prop}: {value} is a period (a start and an end); only "
            "an RDATE may be a period — give a date or a date-time."
        )
    ),
    "calendar_tzid_twice": template(
        _(
            "{name}: line {line:,}: {property} gives TZID {count} times ({zones}); which zone "
            "the time is in cannot be told. Nothing was imported."
        )
    ),
    "calendar_tzid_list": template(
        _(
            "{name}: line {line:,}: {property} names more than one zone in its TZID ({zones}); "
            "a time is in one zone. Nothing was imported."
        )
    ),
    "calendar_tzid_with_utc": template(
        _(
            "{name}: line {line:,}: {property} gives the zone {zones} and a time in UTC "
            "({time}, ending in Z); a time is in one of the two (RFC 5545), so which is meant "
            "cannot be told. Nothing was imported."
        )
    ),
    "calendar_recurrence_kind": template(
        _(
            "{file}: {event} has a RECURRENCE-ID that is a {id_kind} but its series' DTSTART "
            "is a {series_kind}; both must be the same kind (RFC 5545), so which occurrence it "
            "changes cannot be told. Nothing was imported."
        )
    ),
    "calendar_period_of_dates": template(
        _(
            "{file}: {event} has an RDATE period {value} of dates, but a period starts at a "
            "date-time (RFC 5545), so when that occurrence takes place cannot be told. Nothing "
            "was imported."
        )
    ),
    "calendar_rdate_kind": template(
        _(
            "{file}: {event} has an RDATE {value} that is a {rdate_kind} but its series' "
            "DTSTART is a {series_kind}; both must be the same kind (RFC 5545), so when that "
            "occurrence takes place cannot be told. Nothing was imported."
        )
    ),
    "calendar_occurrences_collide": template(
        _(
            "{file}: {event} gives two occurrences the recurrence id {recurrence}, so one of "
            "them would be lost; nothing was imported. Export the calendar with each "
            "RECURRENCE-ID in the zone of its series' DTSTART."
        )
    ),
    "calendar_end_and_duration": template(
        _(
            "{file}: {event} gives both DTEND and DURATION; an event gives one of the two "
            "(RFC 5545), so which end is meant cannot be told. Nothing was imported."
        )
    ),
    "calendar_mixed_start_end": template(
        _(
            "{file}: {event} has a DTSTART that is a {start_kind} but a DTEND that is a "
            "{end_kind}; both must be the same kind (RFC 5545)."
        )
    ),
    "calendar_no_start": template(_("{file}: {event} has no DTSTART; it is not a usable agenda.")),
    "calendar_no_uid": template(_("{file}: {event} has no UID; cannot import it safely.")),
    "calendar_no_vcalendar": template(_("{file} does not start with BEGIN:VCALENDAR.")),
    "calendar_out_of_years": template(
        _("{name}: {event} {what} must lie between {earliest} and {latest}; {value} does not.")
    ),
    "calendar_recurrence_never_ends": template(
        _(
            "{name}: a recurrence rule ({rrule}) steps through more than {most:,} periods "
            "without reaching the window's end (it seldom or never matches, e.g. "
            "BYMONTH=2;BYMONTHDAY=30); nothing was imported. Correct the rule."
        )
    ),
    "calendar_recurrence_too_far": template(
        _(
            "{name}: expanding its recurrence rules would take about {steps:,} steps from "
            "their start (most: {largest}), more than {most:,}; nothing was imported. "
            "Export the calendar again from a later start date."
        )
    ),
    "calendar_rrule_part": template(_("{name}: {event}: RRULE {part} {problem}.")),
    "calendar_moved_into_skipped_hour": template(
        _(
            "{file}: {event}: its THISANDFUTURE change (DTSTART {written}) moves the occurrence "
            "of {original} to {moment}, which does not exist in {zone} (the clocks skip that "
            "hour that night); correct the event (a time that exists, or in UTC)."
        )
    ),
    "calendar_skipped_hour": template(
        _(
            "{file}: {event}: {prop} {moment} does not exist in {zone} (the clocks skip "
            "that hour that night); correct the event (a time that exists, or in UTC)."
        )
    ),
    "signer_cannot_accept": template(
        _(
            "{callsign} signed this handover and cannot accept it; the incoming shift leader "
            "accepts it."
        )
    ),
    "handover_already_accepted": template(_("This handover was already accepted by {by}.")),
    "calendar_exrule": template(
        _(
            "{name}: {event} has an EXRULE, which RFC 5545 removed and Schildwacht does not "
            "expand; nothing was imported. Export the calendar with EXDATE instead."
        )
    ),
    "calendar_zone_exrule": template(
        _(
            "{where} has an EXRULE, which RFC 5545 removed; nothing was imported. Export the "
            "calendar with standard time zones."
        )
    ),
    "calendar_zone_rrules": template(
        _("{where} has {count} RRULEs; a zone's rule has one at most.")
    ),
    "calendar_zone_frequency": template(
        _(
            "{where} repeats {freq}; a zone's clock changes repeat yearly (FREQ=YEARLY); nothing "
            "was imported. Export the calendar with standard time zones."
        )
    ),
    "calendar_zone_steps": template(
        _(
            "{name}: VTIMEZONE {zone} has rules with about {steps:,} clock changes up to 2099, "
            "more than {most:,}; nothing was imported. Export the calendar with standard time "
            "zones."
        )
    ),
    "calendar_file_zone_steps": template(
        _(
            "{name}: its time zones have rules with about {steps:,} clock changes up to 2099, "
            "more than {most:,}; nothing was imported. Export the calendar with standard time "
            "zones."
        )
    ),
    "callsign_enrolled": template(
        _(
            "Device {label} asks to join with the callsign {callsign}, which laptop {holder} is "
            "enrolled with; one callsign is one person. Set the new laptop up with its "
            "operator's own callsign."
        )
    ),
    "release_needs_admin": template(
        _("Only the team's admin laptop releases a change held as late.")
    ),
    "no_late_hold": template(_("No held change number {seq} of that laptop.")),
    "late_released_already": template(
        _("Nothing changed: change number {seq} of that laptop was released already.")
    ),
    "calendar_too_large": template(_("{file} is larger than 10 MB; split the calendar export.")),
    "calendar_too_many_dates": template(
        _(
            "{name} lists more than {most:,} RDATE and EXDATE dates; export a shorter "
            "period of the calendar."
        )
    ),
    "calendar_too_many_events": template(
        _("{name} holds more than {most:,} events; export a shorter period of the calendar.")
    ),
    "calendar_too_many_lines": template(
        _("{name} has more than {most:,} lines; export a shorter period of the calendar.")
    ),
    "calendar_uid_too_long": template(
        _(
            "{name}: an event has a UID of {length:,} characters ({uid}); at most {most} "
            "are allowed."
        )
    ),
    "calendar_unknown_zone": template(
        _(
            "{file}: {event} has {prop} in time zone '{zone}', which is neither a known "
            "zone (IANA or Windows name) nor defined in the file; a time of protection is "
            "never guessed: export the calendar with standard time zones."
        )
    ),
    "calendar_unreadable": template(_("Cannot read {path}: {cause}.")),
    "calendar_zone_rule": template(
        _(
            "{file}: {event} has {prop} in time zone '{zone}', whose VTIMEZONE {rule} rule "
            "cannot be read ({rule_prop}: {value}); without it the time cannot be told: "
            "export the calendar with standard time zones."
        )
    ),
    "calendar_zone_twice": template(
        _(
            "{file}: the file defines time zone '{zone}' twice, differently, so which one "
            "{event} means cannot be told; nothing was imported. Export the calendar with "
            "standard time zones."
        )
    ),
    "calendar_zone_unreadable": template(
        _(
            "{file}: the VTIMEZONE '{zone}' cannot be read (its rules do not make a time "
            "zone); nothing was imported — export the calendar with standard time zones."
        )
    ),
    "callsign_taken": template(_("Callsign {callsign} is already taken; choose another.")),
    "capacity_period_too_long": template(
        _("A capacity report covers at most 92 days; split the period.")
    ),
    "catalogue_bad_code": template(
        _(
            "{field} must be a code of letters, digits, '_', '-' or '.' (at most 40); "
            "{given} is not."
        )
    ),
    "catalogue_code_case": template(
        _("{field} must be written in upper case (it is looked up so); {given} is not.")
    ),
    "catalogue_bad_fte": template(
        _(
            "{field} must be full-time equivalents written with digits and at most one "
            'decimal, more than 0 and at most {most} ("27.5"); {given} is not.'
        )
    ),
    "catalogue_travel_repeated": template(
        _("{field} repeats the pair {units} of {first} (a pair holds both ways).")
    ),
    "catalogue_package_level": template(_("Package {package} names unknown level {level}.")),
    "catalogue_pilot_package": template(
        _("Pilot concept {concept} names unknown package {package}.")
    ),
    "catalogue_list_size": template(_("{field} must list exactly {size}.")),
    "catalogue_list_short": template(_("{field} must list at least {least}.")),
    "catalogue_repeated": template(_("{field} repeats {given} of {first}.")),
    "catalogue_unknown_field": template(_("The catalogue has an unknown field {field}.")),
    "catalogue_wrong_type": template(_("{field} must be {expected}.")),
    "catalogue_concept_kind": template(_("Concept {concept} names unknown subject kind {kind}.")),
    "catalogue_concept_level": template(_("Concept {concept} names unknown level {level}.")),
    "catalogue_concept_qualification": template(
        _("Concept {concept} needs unknown qualification {qualification}.")
    ),
    "catalogue_field_missing": template(_("The catalogue lacks the field {field}.")),
    "catalogue_fte_decimals": template(_("FTE '{value}' has more than one decimal.")),
    "catalogue_fte_not_number": template(_("FTE '{value}' is not a number.")),
    "catalogue_no_units": template(_("The catalogue has no units.")),
    "catalogue_not_restorable": template(
        _(
            "{path}: its reference catalogue was changed outside Schildwacht, and it is not "
            "the one shipped with Schildwacht, so it cannot be restored here. Restore the "
            "latest backup."
        )
    ),
    "catalogue_package_below": template(
        _("Package {package} ({level}) lists {concept}, which provides only {provides} (rule R1).")
    ),
    "catalogue_package_concept": template(_("Package {package} lists unknown concept {concept}.")),
    "catalogue_pilot_unit": template(_("Pilot concept {concept} names unknown unit {unit}.")),
    "catalogue_threat_mismatch": template(
        _(
            "Threat level {threat_level} requires {required} but its package {package} is "
            "built for {built_for}."
        )
    ),
    "catalogue_threat_unknown": template(
        _("Threat level {threat_level} maps to an unknown level or package.")
    ),
    "catalogue_travel_minutes": template(
        _("Travel minutes must be whole minutes from 0 to 1440, not {value!r}.")
    ),
    "catalogue_travel_units": template(_("Travel pair {units} must name two known units.")),
    "catalogue_unreadable": template(_("Cannot read the catalogue {path}: {reason}.")),
    "code_name_taken": template(_("Code name {name} is already in use; choose another.")),
    "database_busy": template(
        _(
            "{place} is busy: another program (the console, a script or a sync) kept it "
            "locked for longer than Schildwacht waits; nothing was written, try again."
        )
    ),
    "database_damaged": lambda p: (
        _(
            "{place} is damaged ({malformed}); nothing was written. Restore the latest backup "
            "(README: Backup and restore)."
        ).format(place=p["place"], malformed=malformed(p))
        + (
            _(" When it names an index, a repair of the database rebuilds it from its table.")
            if p.get("check") == "integrity" and " index " in str(p.get("found", ""))
            else ""
        )
    ),
    "unique_held_twice": lambda p: _(
        "{place} is damaged: an index of table {table} no longer matched the table, and "
        "{columns} {value} is now held twice, by rows {rows}; nothing was written. Restore "
        "the latest backup (README: Backup and restore)."
    ).format(**{**p, "columns": ", ".join(p["columns"])}),
    "backup_of_damaged": lambda p: (
        _(
            "Cannot back up the database {where}: it is damaged ({malformed}), and a copy "
            "would carry the damage; no backup was written. Restore the latest backup "
            "(README: Backup and restore): SQLite's .recover cannot read an encrypted database."
        )
        if p.get("encrypted")
        else _(
            "Cannot back up the database {where}: it is damaged ({malformed}), and a copy "
            "would carry the damage; no backup was written. Restore the latest backup, or let "
            "SQLite's own .recover save what it can still read into a new file."
        )
    ).format(where=p["where"], malformed=malformed(p)),
    "database_not_writable": template(
        _(
            "This user may not write {where} or its folder (file permissions, or a "
            "read-only disk); nothing was written. Check the owner and mode of the file and "
            "its folder."
        )
    ),
    "database_refused_change": template(_("The database refused the change: {refusal}.")),
    "date_without_hour": template(
        _("{given} is a date; a time needs the hour too, e.g. '{raw} 09:00'.")
    ),
    "decision_already_superseded": template(
        _("Record {record} is already superseded by {by}; supersede that one.")
    ),
    "decision_needs_rationale": template(_("A work-process record needs its rationale (rule R6).")),
    "decision_needs_reference": template(
        _("A work-process record names its document reference (rule R6).")
    ),
    "demo_outside_range": template(
        _(
            "demo would write dates from {first} to {last}, outside {earliest} to {latest}; "
            "run it with the clock (or SCHILDWACHT_NOW) inside that range. Nothing was "
            "written."
        )
    ),
    "database_file_read_only": template(
        _(
            "This user may only read {where} (its file mode); nothing was written. Ask for "
            "write permission on it."
        )
    ),
    "disk_full": template(
        _("The disk holding {where} is full; nothing was written. Free some space and try again.")
    ),
    "disk_read_only": template(
        _(
            "The disk holding {where} is read-only (mounted read-only); nothing was written. "
            "It can still be read and copied to another disk."
        )
    ),
    "disk_io_error": template(
        _(
            "Reading or writing {where} failed (disk I/O error: the disk may be full, "
            "removed or failing); nothing was written. Check the disk and try again."
        )
    ),
    "done_hides_replanning": template(
        _(
            "'{title}' needs re-planning ({reason}); marking it done would hide that. Put a "
            "valid concept on it or log what happened."
        )
    ),
    "done_moved_ahead": template(
        _(
            "'{title}' is done; it cannot be moved to a time that has not ended yet (it "
            "would end {end})."
        )
    ),
    "draft_report_hidden": template(
        _(
            "A draft signal report is visible only to the information organisation until it "
            "is issued."
        )
    ),
    "duiding_needs_text": template(_("An interpretation (duiding) needs text.")),
    "empty_file_name": template(_("Give a file name for {what}; an empty name is not a file.")),
    "empty_text": template(_("{field} may not be empty.")),
    "too_many_digits": template(
        _(
            "{field} has more digits than it can hold ({given}); give at most {most} digits "
            "before the point and {most} after it."
        )
    ),
    "too_many_shifts": template(
        _("{file} holds {shifts} shifts, more than the limit of {limit}; nothing was imported.")
    ),
    "passphrase_for_plain": template(
        _(
            "{path} is not encrypted (a plain SQLite file): no passphrase opens it; open it "
            "without SCHILDWACHT_PASSPHRASE."
        )
    ),
    "database_replaced": template(
        _(
            "The database file {path} was replaced while open (a backup put in its place, or "
            "its -wal removed); nothing was written: close and open again."
        )
    ),
    "encrypted_or_foreign": template(
        _(
            "{path} is not a plain SQLite file: it is encrypted (give its passphrase in "
            "SCHILDWACHT_PASSPHRASE) or it is not a Schildwacht database."
        )
    ),
    "bare_end_too_far": lambda p: (
        _(
            "The end {given} is not after the start {start}, and on the next day it would be "
            "{later} hours later{clocks}, over {hours}; correct the time, or type the end with "
            "its date (e.g. {dated})."
        )
        if p.get("clock_change")
        else _(
            "The end {given} is not after the start {start}, and on the next day it would be "
            "over {hours} hours later; correct the time, or type the end with its date "
            "(e.g. {dated})."
        )
    ).format(**{**p, "clocks": _clocks(p.get("clock_change", ""))}),
    "bare_start_too_far": lambda p: _(
        "The start {given} on {day} would make it end {later} hours later{clocks} (at {end}), "
        "over {hours}; type the start with its date (e.g. {dated})."
    ).format(**{**p, "clocks": _clocks(p.get("clock_change", ""))}),
    "end_not_after_start": template(_("The end must be after the start.")),
    "end_not_after_start_period": lambda p: _(
        "{what} ends {end}, not after its start {start}; give an end after the start."
    ).format(**joined(p)),
    "file_grew": template(_("{what} {name} grew past {limit:,} bytes while being read.")),
    "file_not_permitted": template(
        _(
            "This user may not {doing}{where} ({reason}); nothing was written. Check the "
            "owner and mode of the file and its folder."
        )
    ),
    "calendar_name_too_long": template(
        _(
            "{field} has {length} characters, more than the {max_len} a calendar's name may "
            "have; nothing was imported. Give the calendar a shorter name of your own when "
            "importing it."
        )
    ),
    "file_disk_read_only": template(
        _(
            "Cannot {doing}{where}: its disk is read-only (mounted read-only); nothing was "
            "written. Choose a folder on a writable disk."
        )
    ),
    "file_is_database": template(
        _(
            "{name} is a database file (SQLite: a Schildwacht database or a backup), not a "
            "{what} file; nothing was read."
        )
    ),
    "database_own_file": lambda p: (
        _("That is the database's own file: {name} is the database in use, not a {what} file.")
        if not p["part"]
        else _(
            "That is the database's own file: {name} is the {part} file of the database in "
            "use, not a {what} file."
        )
    ).format(**joined(p)),
    "file_not_regular": template(
        _("{what} {name} is not a regular file (a folder, a pipe or a device).")
    ),
    "file_operation_failed": template(
        _("The machine could not {doing}{where} ({reason}); nothing was written. Try again.")
    ),
    "file_operation_refused": template(_("Cannot {doing}{where}: {reason}.")),
    "file_not_placed": template(
        _(
            "The database recorded {what}, but it could not be put at {where} ({reason}). "
            "It is kept at {kept}: move it to {where} by hand."
        )
    ),
    "file_not_placed_taken": template(
        _(
            "The database recorded {what}, but {where} became something other than an "
            "ordinary file meanwhile, so it was not put there. It is kept at {kept}: move it "
            "where it belongs by hand."
        )
    ),
    "file_too_large": template(_("{what} {name} is larger than {limit:,} bytes.")),
    "file_unreadable": template(_("{what} {name} cannot be read: {reason}.")),
    "folder_not_writable": template(
        _(
            "The folder of {where} is read-only for this user, and the database writes its "
            "log beside it; nothing was written. Ask for write permission on the folder; "
            "until then it can still be read and copied elsewhere."
        )
    ),
    "handover_content_not_json": template(_("the handover's content is not a JSON document.")),
    "handover_hash_mismatch": template(_("the handover's content does not match its signed hash.")),
    "handover_supersede_without_reason": template(
        _("a handover that supersedes another says why.")
    ),
    "id_ambiguous": template(_("{given} matches more than one {what}; give more of the id.")),
    "invisible_character": template(
        _(
            "{field} contains a control or invisible formatting character (a line break, an "
            "escape or a direction mark); use letters, digits, spaces and punctuation only."
        )
    ),
    "laptop_may_not": _access(
        _(
            "Only {names} may {words}; this laptop is enrolled in the team as {laptop}, "
            "which bounds everyone who works on it ({callsign} included)."
        )
    ),
    "lasts_too_long": template(_("it lasts longer than {hours:g} hours.")),
    "lend_more_than_on_duty": template(
        _("{change}: {unit} has only {on_duty} officers on duty in the period.")
    ),
    "lend_none_on_duty": template(_("{change}: {home} has no officers on duty in the period.")),
    "log_entry_already_cleared": template(_("Log entry {entry} was already cleared by {by}.")),
    "log_entry_needs_text": template(_("A log entry needs text.")),
    "log_entry_not_flagged": template(
        _("Log entry {entry} is not flagged; there is nothing to clear.")
    ),
    "maatwerk_needs_reason": template(_("A tailored exception (maatwerk) states its reason.")),
    "mixed_scripts": template(
        _(
            "{field} mixes the letters of two scripts in the word {word} (letters that look "
            "alike but are not the same); write each word in one script."
        )
    ),
    "move_without_time": template(_("This move has no new time.")),
    "new_end_not_after_start": template(_("The new end must be after the new start.")),
    "no_acting_person": template(
        _("No acting person: name one, or create the database with its operator.")
    ),
    "no_officer_named": lambda p: (
        _("Name at least one officer to release.")
        if p.get("doing") == "release"
        else _("Name at least one officer to deploy.")
    ),
    "not_deployed_here": template(_("{callsign} is not deployed on this activity.")),
    "no_option_named": template(_("Name the option to carry out: its number or its token.")),
    "output_closed": template(
        _(
            "Writing to standard output failed ({reason}): the program reading it stopped "
            "before the end; the database is as the command left it. Let that program read "
            "all of the output, or send it to a file."
        )
    ),
    "output_failed": template(
        _(
            "Writing to standard output failed ({reason}): the output was lost, the database "
            "is as the command left it. Free some room or send the output elsewhere."
        )
    ),
    "log_unreadable": template(
        _(
            "The latest changes to {where} are in its write-ahead log, which cannot be read "
            "without writing beside it, and nothing can be written there; nothing was read. "
            "Make room or make the disk writable, or copy the database with its -wal file to "
            "another disk and read it there."
        )
    ),
    "no_room": template(
        _(
            "No room to {doing}{where} (the disk is full, or the file size limit was "
            "reached); nothing was written. Free some space and try again."
        )
    ),
    "no_such_option": template(_("There is no option {n}; choose 1 to {count}.")),
    "not_a_callsign": template(
        _("{given} is not a callsign; use 2–24 letters, digits and hyphens, e.g. RT-0412.")
    ),
    "not_a_choice": template(_("{field} must be one of {choices}; {given} is not.")),
    "not_a_code_name": template(
        _(
            "{given} is not a code name; use 2–32 letters, digits and hyphens starting with "
            "a letter, e.g. BEVER or REIGER-07."
        )
    ),
    "not_a_database": template(_("{path} is not a Schildwacht database ({reason}).")),
    "not_a_date": template(
        _("{given} is not a date; use YYYY-MM-DD, 'today', 'tomorrow' or 'yesterday'{hint}.")
    ),
    "not_a_day": template(_("{field} must be a date.")),
    "not_a_digest": template(_("{field} is not a SHA-256 digest.")),
    "not_a_record_id": template(_("{field} is not a record id a store writes.")),
    "not_a_folder": template(
        _(
            "{quoted} is not a folder (a symbolic link or a file); remove it and try again. "
            "Nothing was written."
        )
    ),
    "not_a_number": template(_("{field} must be a number.")),
    "not_a_real_date": template(
        _(
            "{given} is not a real date; write the date YYYY-MM-DD, 'today', 'tomorrow' or "
            "'yesterday'."
        )
    ),
    "not_a_real_date_field": template(_("{field} is not a real date: {value}.")),
    "not_a_real_time": template(_("{field} is not a real time: {value}.")),
    "not_a_time": template(_("{given} is not a time{hint}; use {forms}.")),
    "not_a_time_of_day": template(_("{shown} is not a valid time of day.")),
    "not_encrypted": template(
        _(
            "This database is not encrypted; create an encrypted one and move the data with "
            "a backup."
        )
    ),
    "not_finite": template(_("{field} must be a finite number, not {given}.")),
    "not_number_digits": template(
        _("{field} must be a number written in digits 0-9; {given} is not.")
    ),
    "not_text": template(_("{field} must be text (UTF-8).")),
    "not_whole": template(_("{field} must be a whole number.")),
    "not_whole_digits": template(
        _("{field} must be a whole number written in digits 0-9; {given} is not.")
    ),
    "more_than_one_decimal": template(_("{field} has at most one decimal; {given} has more.")),
    "nothing_to_apply": template(_("There is nothing to apply for this activity.")),
    "number_underflow": template(
        _("{field} {given} is too small to tell from 0; write 0 or a larger number.")
    ),
    "observed_in_future": template(
        _("The observation time lies in the future; give when it was seen.")
    ),
    "offset_out_of_range": template(
        _(
            "{given} has the offset {sign}{hours}:{minutes}; an offset lies between -18:00 "
            "and +18:00."
        )
    ),
    "operator_not_created": template(_("The operator could not be created.")),
    "out_of_memory": template(_("The machine ran out of memory; nothing was written. Try again.")),
    "out_of_range": template(_("{field} must lie between {low} and {high}; {given} does not.")),
    "out_of_years": template(
        _("{field} must lie between {earliest} and {latest}; {value} does not.")
    ),
    "outcome_without_closing": template(
        _("a signal event has an outcome exactly when it closes the signal.")
    ),
    "output_is_database": template(
        _(
            "{quoted} is a file of the database in use ({part}); write {what} to another "
            "file. Nothing was written."
        )
    ),
    "output_is_link": template(
        _(
            "{quoted} is a symbolic link; Schildwacht does not write {what} over a link or "
            "through it. Give the path of a regular file or a new name. Nothing was "
            "written."
        )
    ),
    "output_not_regular": template(
        _(
            "{quoted} is {kind}, not a regular file; Schildwacht writes {what} only to a "
            "regular file or a new name. Nothing was written."
        )
    ),
    "package_without_person_concept": template(
        _("Package {package} has no concept a new person could get.")
    ),
    "passphrase_too_short": template(_("Choose a passphrase of at least 8 characters.")),
    "qualification_day_malformed": lambda p: _(
        "{given}: a qualification's last valid day must be a date YYYY-MM-DD, e.g. "
        "close_protection:2027-03-31 ({reason})."
    ).format(given=p["given"], reason=_lower_first(_inner(p)).rstrip(".")),
    "bundle_not_one": _refused(_("this is not a Schildwacht bundle.")),
    "bundle_cut_short": _refused(_("the bundle is cut short.")),
    "bundle_too_many_parts": _refused(_("the bundle claims {count} parts, more than allowed.")),
    "bundle_part_past_end": _refused(_("a part runs past the end of the bundle.")),
    "bundle_trailing_bytes": _refused(_("there are trailing bytes after the last part.")),
    "bundle_not_addressed": _refused(_("it is not addressed to this device.")),
    "bundle_damaged": _refused(_("it was cut short or altered on the way.")),
    "bundle_symbolic_link": _refused(_("it is a symbolic link; only regular files are read.")),
    "bundle_not_regular": _refused(_("it is not a regular file (a FIFO, a device or a folder).")),
    "bundle_too_large": _refused(_("it is larger than {limit} bytes.")),
    "bundle_grew": _refused(_("it grew past {limit} bytes while being read.")),
    "bundle_refused_unchanged": _refused(
        _("it was refused before ({refused}) and has not changed since; it was not read again.")
    ),
    "bundle_from_newer_roster": _refused(
        _(
            "it was written with the team's roster version {version}, newer than this "
            "laptop's ({mine}), and not for this laptop: most likely this laptop was revoked "
            "from the team. Ask the team's admin; a revoked laptop takes part again only "
            "enrolled anew."
        )
    ),
    "bundle_left_out": _refused(
        _(
            "it was written for the team, yet not for this laptop, as is every member's bundle "
            "of its roster version here: the team keeps a roster that does not list this "
            "laptop. Have the team's admin enrol it again (a new enrolment request from this "
            "laptop; its data is kept)."
        )
    ),
    "bundle_not_age": _refused(_("it does not begin as an encrypted bundle does.")),
    "bundle_is_database": _refused(
        _("it is a database file (SQLite: a Schildwacht database or a backup), not a bundle.")
    ),
    "bundle_damaged_since_joined": _refused(
        _(
            "it was written for this team after this laptop joined, yet this laptop cannot "
            "read it: it was altered or cut short on the way."
        )
    ),
    "bundle_file": lambda p: _("Bundle refused ({check}): {reason} Nothing was changed.").format(
        check=p["check"], reason=_inner(p)
    ),
    "bundle_link": _refused(_("it is a symbolic link.")),
    "bundle_not_regular_in_folder": _refused(
        _("it is {kind}, not a regular file; it was not read.")
    ),
    "bundle_import_fault": _refused(
        _(
            "importing it failed unexpectedly ({error}); nothing of it was applied. Report it "
            "with the file (importing that file alone, with debugging on, shows the details)."
        )
    ),
    "bundle_clash_unsettled": _refused(
        _(
            "a clash of names in {table} could not be settled ({error}); nothing of it was "
            "applied. Report it with the file."
        )
    ),
    "clash_unsettled": lambda p: _(
        "A clash of names in {table} could not be settled ({error})."
    ).format(**p),
    "bundle_malformed": _refused(_("its contents are malformed.")),
    "bundle_parts_incomplete": _refused(_("the bundle's parts are incomplete.")),
    "bundle_manifest_unreadable": _refused(_("the manifest is unreadable.")),
    "bundle_newer_format": _refused(
        _("it was written in bundle format {format}; upgrade Schildwacht to read it.")
    ),
    "bundle_sender_outside": _refused(_("it was sent by a device outside this team.")),
    "bundle_manifest_unsigned": _refused(_("the manifest is not signed by its sender.")),
    "bundle_sender_revoked": _refused(_("its sender {label} has been revoked.")),
    "bundle_vector_malformed": _refused(_("the manifest's version vector is malformed.")),
    "bundle_not_recipient": _refused(_("this device is not among its recipients.")),
    "bundle_no_team_yet": _refused(
        _(
            "this device is in no team yet; only the welcome bundle for its own enrolment "
            "request can be imported."
        )
    ),
    "bundle_roster_refused": lambda p: _(
        "Bundle refused ({check}): {reason} Nothing was changed."
    ).format(check=p["check"], reason=_inner(p)),
    "bundle_segments_unlisted": _refused(_("the manifest does not list the segments it carries.")),
    "bundle_segment_unlisted": _refused(_("segment {segment} is not the one the manifest lists.")),
    "bundle_segment_hash": _refused(_("segment {segment}'s changes do not match its hash.")),
    "bundle_segment_unsigned": _refused(
        _("segment {segment} is not signed by {label}, the device it names.")
    ),
    "bundle_own_segment_differs": _refused(
        _("segment {number} of {label} differs from the one held here.")
    ),
    "bundle_segment_unchained": _refused(_("segment {number} of {label} does not chain.")),
    "bundle_segment_gaps": _refused(_("segment {number} of {label} has gaps in it.")),
    "bundle_segment_too_large": _refused(
        _("segment {segment} holds more changes than a bundle may.")
    ),
    "bundle_changes_too_large": _refused(_("its changes are larger than a bundle may hold.")),
    "bundle_segment_header": _refused(_("segment {segment} has an unreadable header.")),
    "bundle_segment_encoding": _refused(
        _(
            "segment {segment} is written in a body encoding this version does not know; "
            "upgrade Schildwacht to read it."
        )
    ),
    "bundle_changes_differ": _refused(
        _(
            "{label}'s changes from number {first} differ from the ones held here. If this "
            "database was restored from a backup, changes made since the restore reuse numbers "
            "the team already has: restore again and import from the team before working."
        )
    ),
    "bundle_clock_backwards": _refused(_("the clock of {label}'s changes runs backwards.")),
    "bundle_segment_unreadable": _refused(_("a segment of {label} is unreadable.")),
    "bundle_change_too_large": lambda p: _(
        "Bundle refused ({check}): segment {number} of {label} carries a change larger than "
        "any Schildwacht writes ({what}); nothing of it was taken in, and {label}'s later "
        "changes wait behind it: no laptop takes them. Ask the team's admin. Nothing was "
        "changed."
    ).format(what=too_large(p), **p),
    "bundle_deferred_limit": lambda p: _(
        "Bundle refused ({check}): {reason} Nothing was changed."
    ).format(check=p["check"], reason=too_many_waiting(p)),
    "refused_by_database": template(_("Refused by the database: {refusal} (rule R1).")),
    "refused_by_database_rule": template(_("Refused by the database: {refusal}.")),
    "repeated_local_time": template(
        _(
            "{shown} occurs twice in Europe/Amsterdam (the clocks go back that night); give "
            "an explicit offset: {stamp}+02:00 for the first, {stamp}+01:00 for the second."
        )
    ),
    "report_for_others": _access(
        _("This report is for {audience}: only {names} acknowledge it; {callsign} is {role}.")
    ),
    "report_needs_duiding": template(
        _("A signal report is issued only with its duiding (interpretation); add one first.")
    ),
    "report_needs_title": template(_("A signal report needs a title.")),
    "restriction_too_long": template(_("it gives an activity longer than {hours:g} hours.")),
    "restriction_unused_field": lambda p: _(
        "A restriction of kind {kind} does not take a new {unused}; it changes {changes}."
    ).format(
        kind=p["kind"],
        unused=_(" or ").join(p["fields"]),
        changes=", ".join(p["changes"]) or _("only the status"),
    ),
    "role_may_not": _access(_("Only {names} may {words}; {callsign} is {role}.")),
    "role_unchanged": _access(_("{callsign} is {role} already.")),
    "roster_bad_lines": lambda p: ngettext(
        "{file}: nothing imported, {count} bad line: {listing}.",
        "{file}: nothing imported, {count} bad lines: {listing}.",
        1 if str(p["count"]) == "1" else 2,
    ).format(file=p["file"], count=p["count"], listing=_bad_lines(p["lines"], p["count"])),
    "roster_line_not_csv": template(_("not readable as CSV ({reason})")),
    "roster_line_fields": template(_("more fields than the columns callsign,start,end")),
    "roster_line_short": template(_("fewer fields than the columns callsign,start,end")),
    "roster_changed": template(
        _(
            "The team's roster changed while this change was being made; nothing was "
            "written. Try again."
        )
    ),
    "roster_columns": template(
        _("{file}: the first line must name the columns callsign,start,end.")
    ),
    "roster_extra_columns": template(
        _(
            "{file}: the first line must name the columns callsign,start,end and no others "
            "(it names {columns})."
        )
    ),
    "roster_not_utf8": template(_("{file} is not UTF-8 text; save the roster as UTF-8 CSV.")),
    "roster_too_large": template(_("{file} is larger than {megabytes} MB; split the roster.")),
    "scenario_change_malformed": _scenario_malformed,
    "scenario_needs_description": template(_("A scenario needs a description.")),
    "scenario_without_change": template(_("Describe at least one change.")),
    "schema_too_new": template(
        _(
            "The database at {path} has schema version {current}, newer than this "
            "Schildwacht understands ({known}); upgrade Schildwacht to open it."
        )
    ),
    "secret_changed_meanwhile": template(_("{found}'s secret was changed meanwhile; try again.")),
    "secret_needed": template(
        _(
            "Acting as {found} needs {found}'s secret (SCHILDWACHT_SECRET, or typed when "
            "asked on a terminal); nothing was done."
        )
    ),
    "secret_too_long": template(_("Choose a secret of at most {most} characters.")),
    "secret_too_short": template(
        _(
            "Choose a secret of at least {least} characters"
            " (spaces and invisible characters do not count)."
        )
    ),
    "secret_with_nul": template(_("A secret may not contain a NUL character.")),
    "shift_too_long": template(_("{callsign}: a shift lasts at most 14 hours.")),
    "shortening_not_shorter": template(
        _("Shortening keeps the activity inside its old time and makes it shorter.")
    ),
    "sighting_mismatch": template(_("a signal event has a sighting exactly when it is one.")),
    "sighting_of_own_signal": template(
        _(
            "A sighting comes from another officer; add to your own signal with a log entry "
            "or raise a new signal."
        )
    ),
    "signal_closed": template(_("Signal {signal} is closed; raise a new signal instead.")),
    "signal_needs_description": template(_("A signal needs a description of what was seen.")),
    "signal_tlp_red": template(
        _(
            "Signal {signal} is TLP:RED: only its reporter and the information organisation "
            "may see it."
        )
    ),
    "signal_wrong_status": lambda p: _(
        "Signal {signal} is {status}; it can be {step} only when {allowed} (workflow: {workflow})."
    ).format(
        signal=p["signal"],
        status=signal_word(p["status"]),
        step=signal_word(p["step"]),
        allowed=_(" or ").join(signal_word(s) for s in p["allowed"]),
        workflow=" → ".join(signal_word(s) for s in p["workflow"]),
    ),
    "skipped_local_time": template(
        _(
            "{shown} does not exist in Europe/Amsterdam (the clocks skip that hour for "
            "summer time); give an explicit offset, e.g. {stamp}{offset}."
        )
    ),
    "stays_cancelled": template(_("'{title}' was cancelled by a restriction; it stays cancelled.")),
    "stored_date_malformed": template(_("{field} must be a date written YYYY-MM-DD.")),
    "stored_time_malformed": template(
        _("{field} must be a UTC time written YYYY-MM-DDTHH:MM:SSZ.")
    ),
    "supersede_draft": template(
        _("Only an issued report can be superseded; edit the draft instead.")
    ),
    "supersede_other_subject": template(
        _("A record supersedes a record of the same protected subject.")
    ),
    "text_empty": template(_("{field} may not be empty.")),
    "text_too_long": template(
        _("{field} may hold at most {max_len} characters; {length} were given.")
    ),
    "text_with_nul": template(_("{field} contains a NUL character; remove it.")),
    "time_and_place_at_once": template(
        _("Change the time and the place one at a time: each is its own restriction (R5).")
    ),
    "time_without_zone": template(_("{field} must be a time with a time zone.")),
    "unknown_activity": template(_("No activity with id {activity}.")),
    "unknown_activity_kind": template(_("Unknown kind {kind}; choose work or private.")),
    "unknown_actor": template(_("No person with callsign {callsign} in this database.")),
    "unknown_audience": template(_("Unknown audience {given}; choose one of: {choices}.")),
    "unknown_concept": template(_("Unknown concept {given}; choose one of: {known}.")),
    "unknown_domain": template(_("Unknown domain {given}; choose local or national.")),
    "unknown_grouping": template(_("Unknown grouping {given}; choose one of: {choices}.")),
    "unknown_id": template(_("No {what} with id {given}.")),
    "unknown_log_kind": template(_("Unknown kind {given}; choose one of: {choices}.")),
    "unknown_package": template(_("Unknown package {given}.")),
    "unknown_qualification": template(
        _("Unknown qualification {given}; choose one of: {choices}.")
    ),
    "unknown_qualification_named": template(
        _("Unknown qualification '{qualification}'; choose one of: {choices}.")
    ),
    "unknown_role": template(_("Unknown role {given}; choose one of: {choices}.")),
    "unknown_role_named": template(_("Unknown role '{role}'; choose one of: {choices}.")),
    "unknown_scenario_change": template(_("Unknown change {given}; use one of: {forms}.")),
    "unknown_scenario_change_kind": template(_("Unknown scenario change '{kind}'.")),
    "unknown_signal_value": template(_("Unknown {what} {given}; choose one of: {choices}.")),
    "unknown_step": template(_("Unknown step {given}; choose one of: {choices}.")),
    "unknown_subject_id": template(_("No protected subject with id {subject_id}.")),
    "unknown_subject_kind": template(_("Unknown kind {given}; choose one of: {choices}.")),
    "unknown_threat_level": template(
        _("Threat level {threat_level} does not exist; choose one of: {levels}.")
    ),
    "unknown_unit": template(_("Unknown unit {given}; choose one of: {known}.")),
    "window_days_out_of_range": template(_("The number of days must be between 1 and {most}.")),
    "window_end_before_start": template(_("The last day must not lie before the first.")),
    "window_end_twice": template(_("Give the last day or the number of days, not both.")),
    "window_too_long": template(_("An import window covers at most {days} days.")),
    "withdraw_needs_reason": template(_("Withdrawing a signed handover needs the reason.")),
    "wrong_passphrase": template(
        _(
            "Wrong passphrase for {path}, or the file's first page is damaged (SQLCipher cannot "
            "tell them apart); nothing was opened. Try the passphrase again; if it is right, "
            "restore the latest backup (README: Backup and restore)."
        )
    ),
    "wrong_secret": template(_("Wrong secret for {found}; nothing was done.")),
    "wrong_secret_unchanged": template(_("Wrong secret for {found}; nothing was changed.")),
    "another_import": template(
        _("Another import is running; try again when it ends. Nothing was written.")
    ),
    "database_is_folder": template(_("{path} is a directory; give the path of a database file.")),
    "database_not_a_file": template(
        _(
            "{path} is not a regular file (a device, a pipe or a socket); give the path of a "
            "database file."
        )
    ),
    "database_exists": template(
        _("A database already exists at {path}; use it, or choose another path.")
    ),
    "no_database": template(_("There is no Schildwacht database at {path}; create one first.")),
    "done_before_end": lambda p: (
        _(
            "'{title}' ends {end}; it can be marked done only once it has ended (to cancel it, "
            "restrict it)."
        ).format(**joined(p))
        if "title" in p
        else _("An activity can be marked done only once it has ended.")
    ),
    "calendar_ends_before_start": lambda p: (
        _("{file}: {event} ends before it starts ({given} < {prop} {start}); correct the event.")
        if "given" in p
        else _(
            "{file}: {event} ends before it starts (DTEND {end} < DTSTART {start}); correct the "
            "event."
        )
    ).format(**{"prop": "DTSTART", **p}),
    "grant_admin_only_by_admin": _access(
        _(
            "Only an admin may make someone an admin or change an admin's role; {callsign} is "
            "not an admin."
        )
    ),
    "admin_operator_role_elsewhere": template(
        _("{callsign} operates the team's admin laptop: their role changes only there.")
    ),
    "not_a_pattern": template(_("{field} is not a {what}.")),
    "nothing_changed_qualification": lambda p: (
        _("Nothing changed: {callsign} holds {qualification} already, valid until {until}.")
        if p.get("until")
        else _("Nothing changed: {callsign} holds {qualification} already, valid without end.")
    ).format(**p),
    "officer_named_twice": lambda p: _(
        "{callsigns} named more than once; name each officer once."
    ).format(callsigns=", ".join(p["callsigns"])),
    "roster_not_csv": lambda p: _("{file}: line {line} {said}; nothing was imported.").format(
        file=p["file"], line=p["line"], said=_CSV_SAID.get(str(p["reason"]), _CSV_SAID["other"])(p)
    ),
    "roster_open_quote": template(
        _(
            "{file}: the quote opened on line {line} is never closed (the file ends at line "
            "{end}); nothing was imported."
        )
    ),
    "scenario_change_refused": lambda p: _("{change}: {refusal}").format(
        change=p["change"], refusal=_lower_first(_inner(p))
    ),
    "shift_overlaps": lambda p: _(
        "{callsign} already has a shift {span} that overlaps this one."
    ).format(callsign=p["callsign"], span=_span(p)),
    "shift_rest": lambda p: _(
        "{callsign} would have less than the required 11 hours' rest next to the shift {span} "
        "(rule: rest between shifts)."
    ).format(callsign=p["callsign"], span=_span(p)),
    "status_not_plain": lambda p: _("Status must be one of {statuses}; restrict to cancel.").format(
        statuses=", ".join(p["statuses"])
    ),
    "too_many_occurrences": _options_named(
        _(
            "{head}, more than the limit of {limit:,}{limit_option}; nothing was imported. "
            "Import a shorter window{window_options} or raise the limit."
        ),
        limit_option="",
        window_options="",
    ),
    "unknown_restriction_kind": lambda p: _(
        "Unknown restriction {kind}; choose one of: {kinds}."
    ).format(kind=p["kind"], kinds=", ".join(p["kinds"])),
    "unknown_restriction_reason": lambda p: _(
        "Unknown reason {reason}; choose one of: {reasons} (rule R5)."
    ).format(reason=p["reason"], reasons=", ".join(p["reasons"])),
    "unknown_scale": lambda p: _("Unknown scale {scale}; choose one of: {scales}.").format(
        scale=p["scale"], scales=", ".join(p["scales"])
    ),
    "occurrences_over_limit": lambda p: _(
        "{file} gives more occurrences than the limit of {limit:,}; nothing was imported."
    ).format(**p),
    "date_outside_years": template(
        _(
            "{given} lies outside the years Schildwacht accepts; give a date between "
            "{earliest} and {latest}."
        )
    ),
    "time_outside_years": template(
        _(
            "{given} lies outside the years Schildwacht accepts; give a time between "
            "{earliest} and {latest}."
        )
    ),
    "period_end_before_default_start": template(
        _(
            "{end_cap} {last} lies before the start of the period ({first}, the default); "
            "give {end_name} after it, or {start_name} too."
        )
    ),
    "period_end_at_default_start": template(
        _(
            "{end_cap} {last} lies at the start of the period ({first}, the default); "
            "give {end_name} after it, or {start_name} too."
        )
    ),
    "period_start_after_default_end": template(
        _(
            "{start_cap} {first} lies after the end of the period ({last}, the default); "
            "give {start_name} before it, or {end_name} too."
        )
    ),
    "period_start_at_default_end": template(
        _(
            "{start_cap} {first} lies at the end of the period ({last}, the default); "
            "give {start_name} before it, or {end_name} too."
        )
    ),
    "period_empty": template(
        _(
            "{end_cap} {last} is the same moment as {start_name}: the period is empty; "
            "give {end_name} after {start_name}."
        )
    ),
    "period_backwards": template(
        _(
            "{end_cap} {last} lies before {start_name} {first}: the period would run "
            "backwards; give {end_name} after {start_name} (or swap them)."
        )
    ),
    "lend_to_itself": template(
        _("Lending moves officers from one unit to another, not from {unit} to {unit} itself.")
    ),
    "scenario_without_count": template(_("A scenario changes at least one person or officer.")),
}


#: The sync and witness refusals (store/sync/*, store/witness.py).
SENTENCES.update(
    {
        "bundle_unreadable": template(_("Cannot read {path}: {cause}.")),
        "no_bundle": template(_("There is no bundle at {path}.")),
        "sync_folder_unreadable": template(_("Cannot read the folder {path}: {cause}.")),
        "not_an_active_member": template(
            _("This device is not an active member of the team; it cannot send.")
        ),
        "only_unsigned_to_send": template(
            _(
                "The changes of {devices} are held here in a form they did not sign (this "
                "database was changed outside Schildwacht); they were left out, and there is "
                "nothing else to send. Restore the latest backup of this laptop."
            )
        ),
        "sync_target_not_a_folder": template(_("{path} is not a folder; give a folder.")),
        "log_shape_foreign": template(
            _(
                "This database's change log was changed outside Schildwacht: field list "
                "{shape} (sync_shape) is not one Schildwacht wrote, so its changes cannot be "
                "read or sent. Nothing was written; restore the latest backup."
            )
        ),
        "roster_malformed": template(_("The team roster in the bundle is malformed.")),
        "roster_not_signed": template(_("The team roster is not signed by this team's admin key.")),
        "team_needs_name": template(_("Give the team a name.")),
        "request_in_team": template(
            _("This device is already in a team; it needs no enrolment request.")
        ),
        "request_unreadable": template(_("Cannot read {path}: {cause}.")),
        "not_a_request": template(_("{path} is not an enrolment request.")),
        "request_not_signed": template(_("{path} is not signed by the key it carries; refused.")),
        "request_unknown_role": template(_("{path} asks for an unknown role.")),
        "request_field_missing": template(
            _("The request has no {field}; it is not an enrolment request.")
        ),
        "request_bad_id": template(_("The {field} id in the request is not an id: {given}.")),
        "request_unknown_operator_role": template(
            _("The request names an unknown role for its operator.")
        ),
        "request_bad_clock": template(_("The request's clock is {given}, not fixed or system.")),
        "request_bad_sign_key": template(
            _("The signing key in the request is not an Ed25519 public key.")
        ),
        "request_bad_age_key": template(
            _(
                "The encryption key (age recipient) in the request is not one; ask for a new "
                "request."
            )
        ),
        "device_enrolled_already": template(_("Device {label} is already in the roster.")),
        "request_fixed_clock": template(
            _(
                "Device {label} was created with a fixed clock (tests and demos), so it can "
                "date its records at will; it cannot join a real team. Create its database "
                "anew with the system clock."
            )
        ),
        "request_unknown_unit": template(
            _(
                "Device {label} asks to join unit {unit}, which is not in this team's "
                "catalogue; set the new laptop up with one of its units."
            )
        ),
        "revoke_self": template(_("The admin device cannot revoke itself.")),
        "handover_needs_other": template(
            _("Hand the team's administration to another active device of the team.")
        ),
        "revoked_already": template(_("{label} is already revoked.")),
        "roster_needs_admin": template(_("Only the team's admin device can change the roster.")),
        "no_conflict": template(_("No conflict {given}.")),
        "conflict_resolved_already": template(
            _("Conflict {conflict} was already resolved by {by} on device {device}.")
        ),
        "conflict_on_existence": template(
            _("A conflict about a row's existence is resolved by editing the row.")
        ),
        "conflict_not_here": template(_("A conflict on {table}.{field} cannot be resolved here.")),
        "conflict_choice_out_of_range": template(_("Choose a value between 1 and {count}.")),
        "conflict_not_a_time": template(_("'{given}' is not a time.")),
        "conflict_needs_concept": template(
            _("Choose a concept for the activity; a concept is never simply removed.")
        ),
        "audit_cut_short": template(
            _(
                "Audit trail cut short: {who} witnessed event {seq} of this laptop, but the "
                "trail ends at event {end}; its newest events were removed."
            )
        ),
        "audit_rewritten": template(
            _(
                "Audit trail rewritten: event {seq} differs from the one {who} witnessed; the "
                "history of this laptop was changed after it was seen."
            )
        ),
        "handover_not_witnessed": template(
            _(
                "Handover {handover} is not in the audit trail (no event recorded its "
                "signature when it was signed or arrived); it was put in the database outside "
                "Schildwacht."
            )
        ),
        "handover_rewritten": template(
            _(
                "Handover {handover} does not match the hash the audit trail recorded when it "
                "was signed or arrived; its content was rewritten after signing."
            )
        ),
    }
)


SENTENCES.update(PERSON)  # the protected person's records (issue 20)


for _code in FIELD_CODES | WHAT_CODES:  # the value a refusal names, in words (words/fields.py)
    if _code in SENTENCES:
        SENTENCES[_code] = named(_code, SENTENCES[_code])


def _ended_move(p: Mapping[str, Any]) -> str:
    """A change of an activity that has ended, asked without a correction: of what has ended
    a restriction only moves it to a time still ahead (R5), so this change is a correction
    (rev17q: ``e`` offered a restriction the store refused once saved)."""
    if p.get("may_correct", True):
        return _(
            "'{title}' ended at {ended}: a restriction only moves it to a time still ahead "
            "(rule R5), so this change is a correction: say what was wrong in the agenda."
        ).format(**joined(p))
    return _(
        "'{title}' ended at {ended}: a restriction only moves it to a time still ahead "
        "(rule R5), and your role may not correct the agenda."
    ).format(**joined(p))


def _both_at_once(p: Mapping[str, Any]) -> str:
    """A change of an activity's time and place at once, asked without a correction: no one
    restriction records both (R5), so it is made one at a time, or is a correction (rev17r:
    ``e`` blamed the activity's end, or offered a restriction the store then refused)."""
    if p.get("may_correct", True):
        return _(
            "'{title}' gets another time and another place at once, which is no one "
            "restriction (rule R5): change the time and the place one at a time, each its own "
            "restriction, or, when the agenda was simply wrong, say why as a correction."
        ).format(**joined(p))
    return _(
        "'{title}' gets another time and another place at once, which is no one restriction "
        "(rule R5): change the time and the place one at a time, each its own restriction."
    ).format(**joined(p))


def _after_end(p: Mapping[str, Any]) -> str:
    """A restriction of an activity that has ended (R5): what is wrong, and what may be done
    instead — move it to a time still ahead, or correct the agenda when this person may
    (rev17q: a move to another past time read as if nothing were possible)."""
    fill = joined(p)
    correct = (
        _(" When the agenda was simply wrong, say why as a correction instead (e: Edit).")
        if p.get("may_correct")
        else ""
    )
    if p.get("kind") == "moved" and "to" in p:
        return (
            _(
                "'{title}' ended at {moment}: a restriction may move it only to a time still "
                "ahead, and {to} has already passed (rule R5); give a later start."
            ).format(**fill)
            + correct
        )
    return (
        _(
            "'{title}' ended at {moment}: what has taken place is not restricted any more "
            "(rule R5); a restriction may only move it to a time still ahead."
        ).format(**fill)
        + correct
    )


def _option_value(p: Mapping[str, Any]) -> str:
    """A value the command line's option carried, refused by the store: the option, then the
    store's own refusal in words (from its code and facts)."""
    inner = SENTENCES.get(str(p.get("error")))
    if inner is None:
        return _("{option}: the value was refused.").format(option=p["option"])
    said = inner(p["facts"])
    return "{option}: {said}".format(option=p["option"], said=said[:1].lower() + said[1:])


def sentence(error: StoreError) -> str:
    """The error in words, in the reader's language where a catalogue has it.

    A refusal is always said: should a catalogue's words not fit the facts the store gave (a
    translation that names a fact the error lacks, or formats it as another type), or a code
    have no words (a scan test keeps every code the store raises worded), its code and facts
    are said instead of failing the face that shows it."""
    words = SENTENCES.get(error.code or "")
    if words is not None:
        try:
            return words(error.params)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            pass
    return unworded(error)


def unworded(error: StoreError) -> str:
    """A refusal no words fit, said by its code and facts (never the store's text: it has none).

    Args:
        error: the refusal.

    Returns:
        One sentence naming the code and its facts.
    """
    return _("Refused: {code}. Nothing was changed.").format(code=str(error))
