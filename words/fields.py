"""The values a refusal names, in words: a field code (``start``, ``hours_per_fte``) as a
sentence starts with it ("The start"). The store names a value by its code (the ``field`` of
``store.validate``'s refusals, the ``what`` of ``clock.require_order`` and
``machine.read_regular``); this module is where it becomes words, so a translation of the
names needs no change to the store.

A value the store does not name by a code (a catalogue path such as ``travel.default_minutes``,
a command-line option, a calendar event's property) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import _

#: Field code → its name, as a sentence starts with it. ``{callsign}`` and the like are the
#: refusal's own params.
LABELS: dict[str, str] = {
    # times and periods
    "start": _("The start"),
    "end": _("The end"),
    "new_start": _("The new start"),
    "new_end": _("The new end"),
    "date": _("A date"),
    "time": _("A time"),
    "period": _("The period"),
    "period_start": _("The period's start"),
    "period_end": _("The period's end"),
    "days": _("The number of days"),
    "handover_period": _("The handover's period"),
    "activity": _("The activity"),
    "shift": _("{callsign}'s shift"),
    "observed_at": _("The observation time"),
    "system_clock": _("This computer's clock"),
    "valid_until": _("The last valid day"),
    # text a person writes
    "title": _("The title"),
    "note": _("The note"),
    "notes": _("The notes"),
    "location": _("The location"),
    "kind": _("The kind"),
    "new_location": _("The new location"),
    "reason": _("The reason"),
    "correction_reason": _("The reason of the correction"),
    "questions": _("The questions"),
    "interpretation": _("The interpretation"),
    "duiding": _("The note (the duiding)"),
    "summary": _("The summary"),
    "signal_text": _("The signal's text"),
    "log_entry": _("A log entry"),
    "rationale": _("The rationale"),
    "exception_reason": _("The tailored exception's reason"),
    "scenario": _("The scenario"),
    "likelihood": _("The likelihood"),
    "indicators": _("The indicators"),
    "actions": _("The actions"),
    # names and references
    "name": _("The name"),
    "authority": _("The authority"),
    "deciding_authority": _("The deciding authority"),
    # the protected person at the centre (issue 20)
    "assessment": _("The request's assessment"),
    "concept": _("The concept"),
    "experience_text": _("What the person said"),
    "care_note": _("Care note"),
    "care_status": _("Care status"),
    "relation": _("Relation"),
    "on": _("The day"),
    "on_date": _("The day"),
    "request_state": _("The request's state"),
    "week": _("The week"),
    "weight": _("The weight"),
    "document_reference": _("The document reference"),
    "device_label": _("The device label"),
    "team_name": _("The team name"),
    "qualification": _("A qualification"),
    "option_token": _("The option's token"),
    "callsign": _("The callsign"),
    "code_name": _("The code name"),
    "unit": _("The unit"),
    "id": _("The id"),
    "user": _("The acting person's callsign (--user)"),
    "request_label": _("The device label in the request"),
    "request_callsign": _("The callsign in the request"),
    "request_unit": _("The unit in the request"),
    "request_created_at": _("The request's creation time"),
    # numbers
    "limit": _("The limit"),
    "max_shifts": _("The most shifts"),
    "hours_per_fte": _("Hours per FTE"),
    "persons": _("The number of persons or officers"),
    "fte": _("The number of FTE"),
    "threat_level": _("The threat level"),
    "seed": _("The seed"),
    # files
    "roster": _("The roster"),
    "calendar": _("The calendar"),
    # a calendar import's values (``store.ics_bounds``)
    "calendar_name": _("The calendar's name"),
    "calendar_relcalid": _("The calendar's X-WR-RELCALID"),
    "calendar_calname": _("The calendar's X-WR-CALNAME"),
    "import_first_day": _("The first day"),
    "import_last_day": _("The last day"),
    "import_days_end": _("The last day the number of days reaches"),
    "max_occurrences": _("The most occurrences"),
    "request": _("The request"),
    "catalogue": _("The catalogue"),
    # documents read back (``validate.json_document``)
    "audit_event": _("An audit event"),
    "history": _("A history"),
    "handover_content": _("The handover's content"),
}

#: Refusal codes whose ``field`` is a field code (``store.validate`` and the checks like it).
FIELD_CODES = frozenset(
    {
        "calendar_name_too_long",
        "changed_meanwhile",
        "empty_text",
        "invisible_character",
        "mixed_scripts",
        "more_than_one_decimal",
        "not_a_choice",
        "not_a_day",
        "not_a_number",
        "not_a_pattern",
        "not_a_real_date_field",
        "not_a_real_time",
        "not_a_record_id",
        "not_a_week",
        "no_such_week",
        "not_finite",
        "not_number_digits",
        "not_text",
        "not_whole",
        "not_whole_digits",
        "number_underflow",
        "out_of_range",
        "out_of_years",
        "stored_date_malformed",
        "stored_time_malformed",
        "text_empty",
        "text_too_long",
        "text_with_nul",
        "time_without_zone",
    }
)
#: Refusal codes whose ``what`` is a field code (``clock.require_order``,
#: ``machine.read_regular``).
WHAT_CODES = frozenset(
    {
        "end_not_after_start_period",
        "file_grew",
        "file_not_regular",
        "file_too_large",
        "file_unreadable",
    }
)


def label(field: object, params: Mapping[str, Any] | None = None) -> str:
    """A field in words, as a sentence starts with it: ``start`` → "The start"; a value that
    is not a field code (a catalogue path, an option) as it is.

    Args:
        field: the field code.
        params: the refusal's params (a label may name one, as ``{callsign}``).
    """
    words = LABELS.get(str(field))
    if words is None:
        return str(field)
    try:
        return words.format(**(params or {}))
    except (KeyError, IndexError):
        return words


def named(
    code: str, words: Callable[[Mapping[str, Any]], str]
) -> Callable[[Mapping[str, Any]], str]:
    """``words`` for the refusal ``code``, given its ``field`` or ``what`` in words."""
    key = "field" if code in FIELD_CODES else "what" if code in WHAT_CODES else None
    if key is None:
        return words

    def with_label(params: Mapping[str, Any]) -> str:
        if key not in params:
            return words(params)
        return words({**params, key: label(params[key], params)})

    return with_label
