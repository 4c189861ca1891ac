"""A calendar import in words: the note of a restriction by which a calendar cancelled an
activity (its facts, ``store.ics.calendar_ending``), and the import's warnings
(``store.ics.Warning``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from store.clock import LOCAL_TZ, local_text
from store.ics import calendar_ending
from store.sync.notice import Notice

from . import _, ngettext

#: How a calendar ended an activity (``store.ics.CALENDAR_ENDINGS``) → the note in words.
ENDINGS: dict[str, str] = {
    "cancelled": _("Cancelled in the calendar ({name})."),
    "removed_from_series": _("Removed from the series in the calendar ({name})."),
    "removed": _("Removed from the calendar ({name})."),
}


def restriction_note(authority: str, note: str) -> str:
    """A restriction's note as a face shows it: a calendar's cancellation (its ending and file,
    ``store.ics.calendar_ending``) in words; any other note is the person's own text, exactly
    as stored. Nothing is escaped here: the record is built before its format is chosen, and
    JSON keeps every value exact while table, CSV and Markdown output escape control and bidi
    characters themselves (``commands.output``).

    Args:
        authority: the restriction's deciding authority.
        note: its note.
    """
    ending = calendar_ending(authority, note)
    if ending is None:
        return note
    return ENDINGS[ending.ending].format(name=ending.file)


def _quoted(p: Mapping[str, Any]) -> str:
    """The activity a warning is about: ``'Title' (2027-03-08 09:00)``."""
    return "'{title}' ({start})".format(title=p["title"], start=local_text(p["start"]))


def _stamped(stamp: object) -> str:
    return _(", stamped {stamp}").format(stamp=stamp) if stamp else ""


def how_long(start: datetime, end: datetime) -> str:
    """``14 days`` (local midnight to midnight, whatever clock change lies between),
    ``10 days 2 hours`` or ``80 hours``: a long length as a person says it.

    Args:
        start: aware datetime.
        end: aware datetime.
    """
    first, last = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    if first.time() == last.time() == datetime.min.time():
        return _("{days} days").format(days=(last.date() - first.date()).days)
    hours = (end - start).total_seconds() / 3600
    days, rest = divmod(hours, 24)
    if hours < 96:
        return _("{hours:g} hours").format(hours=hours)
    if rest:
        return _("{days:g} days {hours:g} hours").format(days=days, hours=rest)
    return _("{days:g} days").format(days=days)


def _series_length(minutes: int) -> str:
    """``45 minutes``, ``1 hour``, ``1.5 hours``: a series' length as a person says it (rev16p:
    "1 hours")."""
    if minutes < 60:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    hours = minutes / 60
    return ngettext("{hours:g} hour", "{hours:g} hours", 1 if hours == 1 else 2).format(hours=hours)


def _at(value: datetime | date) -> str:
    """A moment in local time, or a day (a series of whole days names days) as written."""
    return local_text(value) if isinstance(value, datetime) else value.isoformat()


def _zone_rule(p: Mapping[str, Any]) -> str:
    since = _(" from {day}").format(day=p["since"]) if p.get("since") else ""
    head = _(
        "VTIMEZONE {zone}: the {rule} rule{since}, property {prop}: {value} cannot be read; "
        "that rule was skipped"
    ).format(**{**p, "since": since})
    if p.get("read_as"):
        return head + _(" (times in this zone are read by its name, as {read_as}).").format(**p)
    return head + "."


def _too_long(p: Mapping[str, Any]) -> str:
    times = (
        _(" ({count} occurrences)").format(count=p["occurrences"]) if p["occurrences"] > 1 else ""
    )
    return _(
        "{event} lasts {length}{times}, longer than the {limit} hours an activity may last; it "
        "was not imported (nor changed, if imported before) — add the days that need "
        "protection as activities."
    ).format(**{**p, "length": how_long(p["start"], p["end"]), "times": times})


def _repeated(p: Mapping[str, Any]) -> str:
    return _(
        "{event} appears {count} times in {file}; the newest version (SEQUENCE "
        "{sequence}{stamped}) was taken."
    ).format(**p, stamped=_stamped(p.get("stamp")))


def _older(p: Mapping[str, Any]) -> str:
    return _(
        "{what}: {file} has an older version of the event (SEQUENCE {sequence}{stamped}) than "
        "the one imported before (SEQUENCE {stored_sequence}{stored_stamped}); it was left as "
        "it is."
    ).format(
        **p,
        what=_quoted(p),
        stamped=_stamped(p.get("stamp")),
        stored_stamped=_stamped(p.get("stored_stamp")),
    )


def _stays_cancelled(p: Mapping[str, Any]) -> str:
    return _(
        "{what} is in {file} but stays cancelled: it was cancelled by a restriction ({reason}, "
        "decided by {authority}), which a calendar does not undo."
    ).format(**p, what=_quoted(p))


def _done_not_moved(p: Mapping[str, Any]) -> str:
    return _(
        "{what} is done here; {file} moves it to {to}, which has not yet ended, so the "
        "calendar's new time was not taken over (add it as a new activity if it happens again)."
    ).format(**{**p, "to": local_text(p["to"])}, what=_quoted(p))


def _double_booked(p: Mapping[str, Any]) -> str:
    """An officer the import now deploys on two activities at once (``roster.double_bookings``
    facts; counted at one of them, listed as a violation)."""
    from .deployments import phrase

    return phrase({"code": "double_booked", "params": p}) + "."


#: Warning code (``store.ics``) → its sentence.
WARNINGS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "calendar_read_as_cp1252": lambda p: _(
        "{file} is not UTF-8; it was read as Windows-1252 (Western European)."
    ).format(**p),
    "calendar_zone_rule_skipped": _zone_rule,
    "calendar_component_skipped": lambda p: _(
        "{event}, property {prop}: {value} cannot be read; the {component} was skipped "
        "(activities are made from events only)."
    ).format(**p),
    "calendar_property_ignored": lambda p: _(
        "{event}, property {prop}: {value} cannot be read; ignored (no part of an activity "
        "comes from it)."
    ).format(**p),
    "calendar_override_rule_ignored": lambda p: _(
        "{event}: a change of an occurrence (RECURRENCE-ID) takes its occurrences from its "
        "series, so its {prop} was ignored — change the series itself if more should change."
    ).format(**p),
    "calendar_line_ignored": lambda p: _(
        "{event}: the line {line} cannot be read as an iCalendar property (NAME;PARAMETER="
        "value:value); ignored (no part of an activity comes from {prop})."
    ).format(**p),
    "calendar_status_unknown": lambda p: _(
        "{event}, property STATUS: {value} is not TENTATIVE, CONFIRMED or CANCELLED; read as "
        "planned (not cancelled) — check the event in its calendar."
    ).format(**p),
    "calendar_sequence_ignored": lambda p: _(
        "{event}, property SEQUENCE: {value} is not a whole number from 0 to 2147483647; "
        "ignored (read as 0: the event is not newer than a version imported before with a "
        "higher SEQUENCE)."
    ).format(**p),
    "calendar_stamp_ignored": lambda p: _(
        "{event}, property {prop}: {value} is not a date-time as iCalendar writes them "
        "(20261202T100000Z); ignored (versions of the event are compared without it)."
    ).format(**p),
    "calendar_stamp_out_of_range": lambda p: _(
        "{event}, property {prop}: {value} lies outside the years 1970 to 2099; ignored "
        "(versions of the event are compared without it)."
    ).format(**p),
    "calendar_part_skipped": lambda p: _(
        "{event}: {part} property {prop}: {value} cannot be read; the {part} was skipped."
    ).format(**p),
    "calendar_unknown_declared_zone": lambda p: _(
        "X-WR-TIMEZONE '{zone}' is not a known time zone; ignored."
    ).format(**p),
    "calendar_event_repeated": _repeated,
    "calendar_event_too_long": _too_long,
    "calendar_event_without_length": lambda p: _(
        "{event} has no length (no DTEND or DURATION, or one equal to its start); imported as "
        "{minutes} minutes from its start (a date: the whole day) — correct its end in the "
        "agenda if it lasts longer."
    ).format(**p),
    "calendar_older_version": _older,
    "calendar_stays_cancelled": _stays_cancelled,
    "calendar_done_not_moved": _done_not_moved,
    "calendar_double_booked": lambda p: _double_booked(p),
    "calendar_rdate_period_without_length": lambda p: ngettext(
        "{event}: its RDATE period starting {starts} has no length (end equal to start, or "
        "a duration of 0); imported with the series' own length, {length} — correct its end "
        "in the agenda if it lasts otherwise.",
        "{event}: its RDATE periods starting {starts} have no length (end equal to start, or "
        "a duration of 0); imported with the series' own length, {length} — correct their end "
        "in the agenda if they last otherwise.",
        len(p["starts"]),
    ).format(
        event=p["event"],
        starts=", ".join(local_text(s) for s in p["starts"]),
        length=_series_length(p["minutes"]),
    ),
    "calendar_override_series_length": lambda p: _(
        "{event} at {start} has no DTEND or DURATION; imported with its series' length, "
        "{length} — correct its end in the agenda if it lasts otherwise."
    ).format(event=p["event"], start=local_text(p["start"]), length=_series_length(p["minutes"])),
    "calendar_override_whole_day": lambda p: _(
        "{event}: its change of the occurrence of {original} is a day ({day}) with no end, "
        "on a series at set times; imported as that whole day — correct it in the agenda if "
        "it lasts otherwise."
    ).format(event=p["event"], original=local_text(p["original"]), day=p["day"]),
    "calendar_recurrence_moved": lambda p: _(
        "{event}: its RECURRENCE-ID {given} is the time an earlier THISANDFUTURE change moved "
        "the occurrence to; read as the change of the occurrence of {meant}."
    ).format(event=p["event"], given=_at(p["given"]), meant=_at(p["meant"])),
    "calendar_recurrence_unmatched": lambda p: _(
        "{event}: its RECURRENCE-ID {given} names no occurrence of its series; check the "
        "imported occurrences around it."
    ).format(event=p["event"], given=_at(p["given"])),
    "calendar_exdate_moved": lambda p: _(
        "{event}: its EXDATE {given} is the time an earlier THISANDFUTURE change moved the "
        "occurrence to; read as the cancellation of the occurrence of {meant}."
    ).format(event=p["event"], given=_at(p["given"]), meant=_at(p["meant"])),
    "calendar_exdate_unmatched": lambda p: _(
        "{event}: its EXDATE {given} names no occurrence of its series, so it cancels "
        "nothing; check the imported occurrences around it."
    ).format(event=p["event"], given=_at(p["given"])),
    "calendar_exdate_day_unmatched": lambda p: _(
        "{event}: its EXDATE {day} names no day on which the series takes place, so it "
        "cancels nothing; check the imported occurrences around it."
    ).format(**p),
    "calendar_done_stays_done": lambda p: _(
        "{what} is done here; {file} cancels it, but it has taken place, so it stays done."
    ).format(**p, what=_quoted(p)),
}


def warning(notice: Notice) -> str:
    """A calendar import's warning in words.

    Args:
        notice: the warning (``store.ics.ImportResult.warnings``).
    """
    return WARNINGS[notice.code](notice.params)


def warning_json(notice: Notice) -> dict[str, Any]:
    """A warning as JSON: ``{code, ...params, text}`` (times as UTC ISO text).

    Args:
        notice: the warning.
    """
    return {**notice.as_dict(), "text": warning(notice)}


def worded(notices: list[Notice]) -> list[str]:
    """A calendar import's warnings in words, in their order.

    Args:
        notices: the warnings.
    """
    return [warning(n) for n in notices]
