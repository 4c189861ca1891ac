"""Importing an iCalendar agenda (exports of Outlook/Exchange, Google, Apple, booking sites) for
one subject.

What is read (icalendar parses, recurring-ical-events expands, x-wr-timezone applies a calendar's
declared zone):

- single events, recurring series (RRULE, RDATE, EXDATE) with overrides, including
  ``RECURRENCE-ID;RANGE=THISANDFUTURE``, and overrides whose series is not in the file (an
  invitation to one occurrence of someone else's series): each is one activity;
- times in UTC, with a ``TZID`` and all-day dates (the local days in Europe/Amsterdam). A
  ``TZID`` that names a known zone (IANA, or a Windows name such as ``W. Europe Standard Time``)
  is read in that zone, whatever a VTIMEZONE of the file says; another TZID is read by the
  file's own VTIMEZONE of that name (never one remembered from another file); a TZID that is
  neither refuses the file naming the event and the TZID (a time of protection is never guessed).
  A start or end that a clock change skips (02:00–03:00 on the spring-forward night, for an
  event or any occurrence of a series in the window) refuses the file naming the event: which
  time was meant cannot be told. A time the autumn change repeats is read as its TZID says: a
  local wall time with a TZID is the first of the two (summer time, RFC 5545), a UTC time or
  offset is exact; a recurring occurrence keeps the series' exact length. **Floating times**
  (no zone) are read in the zone the calendar declares
  with ``X-WR-TIMEZONE`` (IANA or Windows name) and otherwise in Europe/Amsterdam — the same for
  single and recurring events; one that does not exist or occurs twice in that zone (clock
  changes) refuses the file; a RECURRENCE-ID, EXDATE or RDATE is read (floating) and written
  (zoned) in the zone of its series' DTSTART (``_localise``); an RRULE ``UNTIL`` given as a
  date on a timed series includes that whole local day (``_until_whole_day``), and an EXDATE
  given as a date excludes the occurrences starting on that local day (``_exdate_whole_day``),
  a date-time EXDATE on a series of days the Amsterdam day of its instant
  (``_exdate_on_days``); a value written ``VALUE=DATE`` is a date whatever TZID it carries
  (``_dates_as_dates``); an EXDATE naming no occurrence is warned of, or read as the one an
  earlier THISANDFUTURE change moved to it (``_named_exdates``, ``_named_days``);
- ``STATUS:CANCELLED`` (on an event or an override, with or without a new SEQUENCE) and EXDATE
  cancel; ``CLASS:PRIVATE``, ``CLASS:CONFIDENTIAL`` and any class not known here (RFC 5545:
  an unrecognised class is PRIVATE) make a private activity, ``PUBLIC`` or no CLASS work; an
  override that does not repeat CLASS keeps its series' class;
- **length**: an event without DTEND or DURATION, or whose end equals its start, lasts zero
  (RFC 5545) and an activity must last: it is imported as 30 minutes from its start, with a
  warning naming it. A date DTSTART with a date-time DTEND (or the reverse) refuses the file.
  An event or occurrence longer than an activity may last (``rules.MAX_ACTIVITY``, 72 hours: a
  holiday of two weeks) is skipped with a warning naming it: every laptop refuses such an
  activity, so it is never stored; one imported before is left as it is.

**Versions.** An event's version is its SEQUENCE, then the later of its LAST-MODIFIED and
DTSTAMP. An older version never overwrites a newer one: an event whose SEQUENCE is lower than
the one imported before, or equal with an earlier stamp, is left alone (with a warning when it
differs). Otherwise its content — time, place, title and class, kept as a digest of what the
calendar said when it was last taken over (``source_hash``) — is compared, whatever the
SEQUENCE, and what the *calendar* changed updates the activity in place, part by part: a
person's restriction or correction of a part the calendar left alone stays. A time or place
change is recorded as a correction and flags an activity that has a concept
``changed_externally``. Two events in one file with the same UID (and recurrence id): the
newer version is taken; equal versions that differ refuse the file naming the UID.

**Cancellations and reinstatements.** A cancellation is a restriction (cancelled, the person's
own choice, authority ``calendar``, R5), which every role that may import calendars may cause. An
activity cancelled *only by the calendar* that the calendar has again (a new version confirming
it, or an event back in a later export) is reinstated: its status is planned again, a correction
"reinstated by the calendar" records it, and it is flagged ``changed_externally`` when it has a
concept. An activity cancelled by a person's restriction is never revived by a calendar (the
receipt warns).

**Several calendars per person.** Each import has a calendar: ``calendar`` (``--calendar``),
else the file's ``X-WR-RELCALID``, else its ``X-WR-CALNAME``. An activity imported earlier from
*the same calendar* that overlaps the window and whose event is gone from the file is cancelled
as *removed from the calendar*, and the receipt lists it; the events of other calendars are never
removed by it. A file that names no calendar keeps the events it does not hold (the receipt
says so), but a series in the file is authoritative for its own UID, in any file: when its
master is not older than the occurrences imported from it (a higher SEQUENCE, or the same with
a stamp not earlier — Outlook saves a shortened COUNT or a new weekday without a SEQUENCE
bump), its occurrences in the window it no longer gives are cancelled as *removed from the
series*.

**The window.** Only events and occurrences overlapping the window are added: by default from
the start of today for 90 days (``days``), or between ``start`` and ``end``; the same window for
single and recurring events. An activity imported earlier whose event the file still has is
updated even when the event moved out of the window, however far. An import cancels only what
the file provably no longer holds: each activity imported before that the window's expansion
does not meet is looked up on its own (``_locate``: its series around its original time,
unshifted and as each THISANDFUTURE change moves it), never judged gone for lying outside a
reach; whether the window covers an occurrence is judged at its original time (its
RECURRENCE-ID) too, not only where a planner moved it (``_in_window``). An EXDATE of a master
not older than the activity cancels its occurrence even when the file still holds its
override, as the expansion (a fresh import) has it. An event made recurring (same UID) keeps
its activity as the occurrence at its start, and a series made one event again the one that
remains (``_same_meeting``); when its start changed too, the activity becomes the series'
occurrence at the series' (new) start, or the single event the series' first occurrence
imported, moved there with a correction (flagged ``changed_externally`` when it has a concept,
its deployments kept). Past activities outside the window are never touched.

**What is refused, whole** (nothing imported, the sentence names the file, event and property): a
file that is not iCalendar, is over 10 MB, is neither UTF-8 (with or without BOM, or UTF-16 or -32
with BOM) nor plausible Windows-1252/Latin-1 text, or reads as plausibly in another Latin code page
(Windows-1250, -1254, -1257) with other letters; an event without UID or DTSTART, a fault in a
property an activity is made from, DTEND before DTSTART or a negative DURATION, a time outside
1970-01-01..2099-12-31, an unknown TZID, an EXRULE (RFC 5545 removed it; ignoring it would import
what the calendar excludes), a file's own VTIMEZONE whose rules repeat more often than yearly or
have too many onsets (``ics_bounds.check_zone``, before the zone is read); a window yielding more
than ``max_occurrences`` occurrences. What a file may cost is bounded before the work
(``store/ics_bounds.py``): its size, events and lines before parsing, every RRULE part before
expanding, and an upper bound on the file's occurrences from its rules; a file above the limit by
that bound is expanded only until its real count passes the limit (``_expand``), so a minutely rule
costs no more than the limit.

**What is skipped with a warning** naming the component and property: parts the activities do
not need — an alarm, a time-zone rule (e.g. a historical one, or one with an impossible offset,
of a zone known by name), a to-do, an unreadable property that no activity field comes from, an
unknown ``X-WR-TIMEZONE`` when nothing in the file is floating.

**Unreadable values** are said in our words, never the parser's, with the value as the file
wrote it (``_raw``: icalendar keeps it as a ``vBroken``) quoted safely (``validate.shown``):
a date or time (``calendar_bad_time``), a DURATION (``calendar_bad_duration``), an RRULE part
(``calendar_bad_rrule``, naming the part) or another property an activity is made from
(``calendar_bad_property``, ``calendar_bad_line``) refuses the file; a SEQUENCE (then 0),
LAST-MODIFIED, DTSTAMP or CREATED, or any other property, is removed from the event with a
warning (``calendar_sequence_ignored``, ``calendar_stamp_ignored``,
``calendar_property_ignored``, ``calendar_line_ignored``). A file the parser cannot read at all
is refused with the reason as a fact (``calendar_invalid``: ``_invalid_facts``).
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import ics_bounds, machine, rules, validate
from .agenda import CALENDAR_AUTHORITY, check_text, insert_correction
from .clock import LOCAL_TZ, day_bounds, from_db, to_db
from .db import Store
from .errors import BadInput
from .ids import uuid7
from .rules import MAX_ACTIVITY, too_long
from .subjects import get_subject
from .sync.notice import Notice, notice

MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_DAYS = ics_bounds.DEFAULT_DAYS
MAX_DAYS = ics_bounds.MAX_DAYS
DEFAULT_MAX_OCCURRENCES = ics_bounds.DEFAULT_MAX_OCCURRENCES
MAX_MAX_OCCURRENCES = ics_bounds.MAX_MAX_OCCURRENCES
FIELDS = ics_bounds.FIELDS
MAX_MAX = MAX_MAX_OCCURRENCES
#: Properties an activity is made from: a fault in one of them refuses the file (an unreadable
#: SEQUENCE, LAST-MODIFIED or DTSTAMP is ignored with a warning: ``_event_fault``).
NEEDED = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "STATUS",
        "SUMMARY",
        "LOCATION",
        "CLASS",
    }
)
_MARGIN = timedelta(days=2)
#: The length of an activity made from an event without one (an activity must last).
ASSUMED_LENGTH = timedelta(minutes=30)
#: Non-ASCII punctuation that real Western European text in Windows-1252 carries.
_WESTERN_MARKS = frozenset("€‚„…†‡‰‹›‘’“”•–—˜™¡¢£¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷\xa0")


@dataclass(frozen=True)
class ImportItem:
    """One activity the import touched: ``action`` is added, updated, cancelled (in the
    calendar), removed (gone from the calendar), reinstated or unchanged; ``title`` and
    ``start`` are the activity's as stored after the import."""

    activity_id: str
    uid: str
    recurrence: str
    action: str
    title: str
    start: datetime


@dataclass
class ImportResult:
    """What importing one calendar file did, or would do (a dry run).

    Attributes:
        window: the period the import covered, start and end aware UTC.
        items: one per event considered, with what was done with it.
        replan: activities whose change needs re-planning (ids).
        warnings: events skipped or doubtful, as facts (``Notice``: a code and its params)
            that words/calendar.py words.
        calendar: the calendar the file was imported as (None: the file names none; nothing
            removed).
    """

    window: tuple[datetime, datetime]
    items: list[ImportItem] = field(default_factory=list)
    replan: list[str] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    #: The calendar the file was imported as (None: the file names none; nothing removed).
    calendar: str | None = None

    def count(self, action: str) -> int:
        """How many of the import's items had this action (``added``, ``updated``…).

        Args:
            action: ``added``, ``updated``…

        Returns:
            The number of ``items`` whose ``action`` is ``action`` (0 when none).
        """
        return sum(1 for item in self.items if item.action == action)

    @property
    def added(self) -> int:
        """How many events were added."""
        return self.count("added")

    @property
    def updated(self) -> int:
        """How many events were updated."""
        return self.count("updated")

    @property
    def cancelled(self) -> int:
        """How many events were cancelled."""
        return self.count("cancelled")

    @property
    def removed(self) -> int:
        """How many events were removed."""
        return self.count("removed")

    @property
    def reinstated(self) -> int:
        """How many events were reinstated."""
        return self.count("reinstated")

    @property
    def unchanged(self) -> int:
        """How many events were left unchanged."""
        return self.count("unchanged")


#: An event's version: its SEQUENCE, then the later of LAST-MODIFIED and DTSTAMP (stored UTC
#: text, None when it has neither).
Version = tuple[int, str | None]


def older(version: Version, than: Version) -> bool:
    """Whether ``version`` is older than ``than``: a lower SEQUENCE, or the same SEQUENCE and
    an earlier stamp (when both have one).

    Args:
        version: an event's version.
        than: another's.

    Returns:
        True when ``version`` is older; False when it is newer, the same, or the stamps cannot tell
        (one is missing).
    """
    if version[0] != than[0]:
        return version[0] < than[0]
    return version[1] is not None and than[1] is not None and version[1] < than[1]


def superseded(version: Version, than: Version, master: bool) -> bool:
    """Whether a version of the calendar's is older than the one an activity took over
    (``older``) — but a series master's with a later stamp is newer information whatever its
    SEQUENCE: Google and Outlook leave the master's SEQUENCE below the override it replaces
    (an EXDATE of a changed occurrence, a change undone), rev16q F7/F36.

    Args:
        version: the calendar's version now.
        than: the version the activity took over.
        master: ``version`` is a series master's (an occurrence it gives, or an EXDATE).

    Returns:
        True when the calendar's version must not overwrite the activity.
    """
    if not older(version, than):
        return False
    later = version[1] is not None and than[1] is not None and version[1] > than[1]
    return not (master and later)


@dataclass(frozen=True)
class Occurrence:
    """One event or occurrence as the file has it (times aware UTC)."""

    uid: str
    recurrence: str  # the occurrence's own recurrence id as stored UTC text, '' for a single
    title: str
    start: datetime
    end: datetime
    location: str
    sequence: int
    cancelled: bool
    private: bool
    modified: str | None = None
    #: The event has no length (RFC 5545: zero); ``ASSUMED_LENGTH`` was taken.
    assumed_length: bool = False
    #: It comes from its series' master (no override of its own): its version is the
    #: master's, whose SEQUENCE may be lower than an override's it replaces (``superseded``).
    from_master: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """The occurrence's identity: (UID, RECURRENCE-ID or '')."""
        return (self.uid, self.recurrence)

    @property
    def version(self) -> Version:
        """Which of two versions is newer: (SEQUENCE, LAST-MODIFIED)."""
        return (self.sequence, self.modified)

    @property
    def kind(self) -> str:
        """``private`` or ``work``: what the activity is recorded as."""
        return "private" if self.private else "work"

    @property
    def digest(self) -> str:
        """What the calendar says of the event: a digest of its time, of its place and of its
        title and class, each 16 hex digits (to tell a change in the calendar from a change a
        person made to the activity, part by part)."""
        return "".join(
            _digest(part)
            for part in (
                [to_db(self.start), to_db(self.end)],
                [self.location],
                [self.title, self.kind],
            )
        )


def _digest(values: list[str]) -> str:
    body = json.dumps(values, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(body).hexdigest()[:16]


#: The parts of an event a calendar change is told apart by (the order of ``digest``).
PARTS = ("time", "place", "text")


@dataclass
class ParsedCalendar:
    """What a file yields for a window: the occurrences overlapping it, and the events and
    overrides it names explicitly (wherever they now lie)."""

    occurrences: dict[tuple[str, str], Occurrence]
    explicit: dict[tuple[str, str], Occurrence]
    warnings: list[Notice]
    #: Occurrences a series excludes by EXDATE (cancelled in the calendar), with the version
    #: of the series that excludes them.
    excluded: dict[tuple[str, str], Version] = field(default_factory=dict)
    #: The calendar the file is (``--calendar``, X-WR-RELCALID, X-WR-CALNAME), or None.
    calendar: str | None = None
    #: Events and occurrences longer than an activity may last (``MAX_ACTIVITY``): not
    #: imported, and an activity imported from one before is left as it is.
    too_long: set[tuple[str, str]] = field(default_factory=set)
    #: The version of every series master in the file, by UID: a master defines its series
    #: whole, so an occurrence a newer master no longer gives is gone from the calendar.
    series: dict[str, Version] = field(default_factory=dict)
    #: Occurrences of a series outside the window that the expansion met (its margin) or
    #: that an activity imported before names (``_locate``), by their original key: still
    #: in the file, so an activity imported before in the window is moved there, not removed.
    elsewhere: dict[tuple[str, str], Occurrence] = field(default_factory=dict)
    #: Each series' start (its DTSTART, the first occurrence's recurrence id), by UID.
    starts: dict[str, str] = field(default_factory=dict)


# Reading the file ----------------------------------------------------------------------------


_describe = ics_bounds.describe


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInput(code="calendar_too_large", file=path.name)
    except OSError as exc:
        raise BadInput(
            code="calendar_unreadable", file=str(path), cause=exc.strerror, path=path
        ) from None
    return machine.read_regular(path, MAX_FILE_BYTES, "calendar")


#: A folded line's break: CRLF (or a bare LF) followed by one space or tab (RFC 5545 §3.1).
_UNFOLD = re.compile(rb"\r?\n[ \t]")


def decode_text(raw: bytes, name: str) -> tuple[str, list[Notice]]:
    """The file's text: UTF-8 (BOM or not), UTF-16 or UTF-32 with a BOM, or else
    Windows-1252 (which reads Latin-1 text the same) when the text is plausibly Western
    European (see ``_plausible_western``) and not as plausibly another Latin code page (see
    ``_refuse_ambiguous``). Anything else is refused naming the encoding problem: a guess at
    another code page would store garbled titles and places.

    Args:
        raw: the file's bytes.
        name: the file as a message names it.

    Returns:
        The text, and the warnings of its reading.

    Raises:
        BadInput: a UTF-16 or -32 BOM on bytes that are not so (``calendar_bad_utf16``, with
            the code unit, its position and line); UTF-16
            without a BOM (``calendar_utf16_without_bom``); text that is neither UTF-8 nor
            plausibly Windows-1252 (``calendar_not_all_utf8`` when it is UTF-8 but for a stray
            byte, else ``calendar_encoding``, each with the byte, its position and line); text
            that reads as well in another Latin code page (``calendar_code_page_ambiguous``).
    """
    for boms, encoding in _WIDE:  # UTF-32's little-endian BOM starts as UTF-16's: it first
        if raw.startswith(boms):
            try:
                return raw.decode(encoding), []
            except UnicodeDecodeError as exc:
                _refuse_bad_wide(raw, name, encoding, exc)
    _refuse_utf16_without_bom(raw, name)
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[bom:].decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    # a line folded inside a UTF-8 character: unfold first (RFC 5545 §3.1), then decode; a
    # byte that is no UTF-8 is then named where it is in the file (the BOM and folds counted)
    unfolded = _UNFOLD.sub(b"", raw[bom:])
    try:
        return unfolded.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        position = bom + _folded_position(raw[bom:], exc.start)
    if _partly_utf8(unfolded):  # read as a code page, its UTF-8 letters would be garbled ("Ã©")
        _refuse_not_utf8(raw, name, position, partly=True)
    try:  # a UTF-8 BOM before code-page text (Notepad's "UTF-8" of ANSI text) is no text of it
        text = raw[bom:].decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible_western(text):
        _refuse_ambiguous(raw, text, name, bom)
        return text, [notice("calendar_read_as_cp1252", file=name)]
    _refuse_not_utf8(raw, name, position)


def _refuse_bad_wide(raw: bytes, name: str, encoding: str, exc: UnicodeDecodeError) -> NoReturn:
    """Refuse a file whose BOM says UTF-16 or UTF-32 but whose bytes are not so, naming where,
    as every encoding refusal does (rev16m): the code unit that is no character (``unit``, of
    ``size`` bytes in the BOM's byte order), its position in the file (the BOM counted) and its
    line (counted in the text before it), or that the file ends inside a character (``cut``)."""
    position, size = exc.start, 4 if encoding == "UTF-32" else 2
    little = raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF16_LE))
    order: Literal["little", "big"] = "little" if little else "big"
    piece = raw[position : position + size]
    raise BadInput(
        code="calendar_bad_utf16",
        file=name,
        encoding=encoding,
        unit=int.from_bytes(piece, order),
        size=size,
        position=position,
        line=raw[:position].decode(encoding).count("\n") + 1,
        cut=len(piece) < size,
    ) from None


def _refuse_utf16_without_bom(raw: bytes, name: str) -> None:
    """A file of which a quarter or more of the bytes are NUL is UTF-16 (or -32) written
    without a byte-order mark (an iCalendar text has no NUL): which byte order cannot be told
    safely, so it is refused saying so, never read as UTF-8 or a code page."""
    nul = raw.find(b"\x00")
    if nul < 0 or raw.count(b"\x00") * 4 < len(raw):
        return
    raise BadInput(
        code="calendar_utf16_without_bom", file=name, position=nul, line=_line_of(raw, nul)
    )


#: The encodings read by their byte-order mark (UTF-32 before UTF-16, whose BOM starts its own).
_WIDE = (
    ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16"),
)


def _folded_position(raw: bytes, position: int) -> int:
    """Where the byte at ``position`` of ``raw`` unfolded (``_UNFOLD``) is in ``raw``."""
    for fold in _UNFOLD.finditer(raw):
        if fold.start() > position:
            break
        position += fold.end() - fold.start()
    return position


def _refuse_not_utf8(raw: bytes, name: str, position: int, partly: bool = False) -> NoReturn:
    """Refuse text that is neither UTF-8 nor plausibly Western European, naming its first
    byte that is not UTF-8 and where it is. Which code page it is in is not guessed: a file
    that is UTF-8 but for a stray byte (text pasted from another program; ``partly``) is said
    to be so (``calendar_not_all_utf8``), any other is ``calendar_encoding``."""
    facts = {
        "file": name,
        "byte": raw[position],
        "position": position,
        "line": _line_of(raw, position),
    }
    if partly:
        raise BadInput(code="calendar_not_all_utf8", **facts)
    raise BadInput(code="calendar_encoding", **facts)


def _partly_utf8(raw: bytes) -> bool:
    """Whether bytes that are not all UTF-8 hold UTF-8 characters of Western text too (a
    Latin letter or mark, U+00A0–U+024F, or punctuation such as ’ – €, U+2000–U+20CF): a UTF-8
    file with a stray byte in it, never read as a code page."""
    read = raw.decode("utf-8", errors="surrogateescape")
    return any(0xA0 <= ord(c) <= 0x24F or 0x2000 <= ord(c) <= 0x20CF for c in read)


def _line_of(raw: bytes, position: int) -> int:
    """The line (from 1) the byte at ``position`` is on."""
    return raw.count(b"\n", 0, position) + 1


def _refuse_ambiguous(raw: bytes, western: str, name: str, bom: int = 0) -> None:
    """Refuse a file that reads as Western European (``western``, Windows-1252, of the bytes
    after a UTF-8 BOM of ``bom`` bytes) and also as text of another single-byte Latin code
    page that gives other letters: every letter outside ASCII of that reading belongs to the
    alphabet of one of its languages (Czech "Dvořák" in Windows-1250 reads "Dvoøák" in
    Windows-1252). Which one the file is cannot be told, and a wrong guess would garble names
    and places. The byte named is where it is in the file (the BOM counted, rev16m)."""
    readings = [("Western European (Windows-1252)", western)]
    for codec, label, alphabet in _OTHER_LATIN:
        try:
            other = raw[bom:].decode(codec)
        except UnicodeDecodeError:
            continue
        differ = [at for at, (a, b) in enumerate(zip(western, other, strict=True)) if a != b]
        if (
            any(other[at].isalpha() for at in differ)  # other letters, not only other signs
            and any(_needed_at(western, at) for at in differ)  # in what an activity is made from
            and all(c.isascii() or not c.isalpha() or c in alphabet for c in other)
        ):
            readings.append((label, other))
    if len(readings) == 1:
        return
    # one character per byte in every reading: the first that differs is at its byte
    at = next(
        i
        for i, (a, b) in enumerate(zip(western, readings[1][1], strict=True))
        if a != b and _needed_at(western, i)
    )
    read = ", ".join(f"'{text[at]}' in {label}" for label, text in readings)
    raise BadInput(
        code="calendar_code_page_ambiguous",
        file=name,
        byte=raw[bom + at],
        position=bom + at,
        line=_line_of(raw, bom + at),
        readings=read,
    )


def _needed_at(text: str, at: int) -> bool:
    """Whether character ``at`` of the calendar ``text`` lies in a property an activity is
    made from (``NEEDED``: a title, a place…) or in a line it cannot tell (rev16p: an "à" only
    in a DESCRIPTION refused the whole file as of an unknown code page). A folded line is
    read back to where it begins."""
    start = at
    while True:
        start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start))
        if start < 0 or start + 1 >= len(text) or text[start + 1] not in " \t":
            break  # the logical line begins after ``start``
    line = text[start + 1 : at]
    named = re.match(r"[A-Za-z0-9-]+", line)
    return (
        named is None
        or named.group(0).upper() in _NAMING
        or line[named.end() : named.end() + 1] not in (";", ":")
    )


#: What an activity or the import is made from: a property's text read in the wrong code page
#: would garble it (a title, a place, the calendar's name, a zone's).
_NAMING = NEEDED | {"X-WR-CALNAME", "X-WR-RELCALID", "X-WR-TIMEZONE", "TZID"}


def _letters(lower: str) -> frozenset[str]:
    return frozenset(lower + lower.upper())


#: Single-byte code pages of other Latin alphabets, with the letters outside ASCII of the
#: languages written in them: a reading that uses only those letters is plausible.
_OTHER_LATIN = (
    (
        "cp1250",
        "Central European (Windows-1250)",
        # Czech, Slovak, Polish, Hungarian, Slovene, Croatian, Romanian, Albanian
        _letters("áäâăąćčçďđéęëěíîĺľłńňóôőöŕřśşšßţťúůűüýźżž"),
    ),
    ("cp1254", "Turkish (Windows-1254)", _letters("âçğıîöşûü") | {"İ"}),
    (
        "cp1257",
        "Baltic (Windows-1257)",
        # Lithuanian, Latvian, Estonian
        _letters("āäąčēėęģīįķļņõöšßūųüž"),
    ),
)


def _plausible_western(text: str) -> bool:
    """Whether Windows-1252 text reads as Western European: every non-ASCII character is a
    Latin letter or a common punctuation mark; no control characters beyond tab and line ends;
    and every word of two or more letters has an ASCII letter and no run of three non-ASCII
    letters (Western words are mostly ASCII letters with a few accented ones, while Cyrillic or
    Greek text read as Windows-1252 gives words of accented letters only: "Ïðèâåò Ìèð"); no
    upper-case accented letter right after a lower-case letter (mis-read Mac Roman)."""
    previous = " "
    word_ascii = False
    word_length = run = 0
    for char in text + " ":
        if ord(char) < 32 and char not in "\t\r\n":
            return False
        if ord(char) > 127 and char not in _WESTERN_MARKS:
            if not unicodedata.category(char).startswith("L"):
                return False
            if char.isupper() and previous.islower():
                return False
        if char.isalpha():
            word_length += 1
            if char.isascii():
                word_ascii, run = True, 0
            else:
                run += 1
                if run >= 3:
                    return False
        else:
            if word_length >= 2 and not word_ascii:
                return False
            word_ascii, word_length, run = False, 0, 0
        previous = char
    return True


@functools.cache
def _calendar_class() -> Any:
    """An icalendar Calendar whose parts the activities do not need (alarms, time-zone rules,
    to-dos …) collect their faults instead of refusing the file; a VTIMEZONE builds its zone
    without its unreadable rules."""
    import icalendar
    from icalendar.cal.component_factory import ComponentFactory

    class Timezone(icalendar.Timezone):
        """Builds its zone without its unreadable rules; ``skipped`` keeps them for the
        warning (icalendar may build the zone while it parses, before ``_prune`` looks)."""

        ignore_exceptions = True

        def to_tz(self, *args: Any, **kwargs: Any) -> Any:
            skipped = [rule for rule in self.subcomponents if rule.errors]
            if skipped:
                self.skipped = [*getattr(self, "skipped", []), *skipped]
                self.subcomponents = [r for r in self.subcomponents if not r.errors]
            return super().to_tz(*args, **kwargs)

    factory = ComponentFactory()
    factory.add_component_class(Timezone)
    for base in (
        icalendar.Alarm,
        icalendar.TimezoneStandard,
        icalendar.TimezoneDaylight,
        icalendar.Todo,
        icalendar.Journal,
        icalendar.FreeBusy,
    ):
        factory.add_component_class(type(base.__name__, (base,), {"ignore_exceptions": True}))

    class Calendar(icalendar.Calendar):
        ignore_exceptions = True
        _components_factory = factory
        types_factory = _types_factory()

    factory.add_component_class(Calendar)
    return Calendar


#: The start of the parse fault of an RDATE period of dates (``_types_factory``).
_PERIOD_OF_DATES = "a period of dates: "


def _types_factory() -> Any:
    """icalendar's value types, but an RDATE period written with a date
    (``RDATE;VALUE=PERIOD:20270320/20270321``; RFC 5545: a period starts at a date-time) is
    a fault of the event, refused (``calendar_period_of_dates``): icalendar made it 00:00 to
    00:00, an invented 24-hour activity (rev16n)."""
    from icalendar.prop import TypesFactory, vDDDLists

    class Dates(vDDDLists):
        @staticmethod
        def from_ical(ical: str, timezone: Any = None) -> Any:
            for part in ical.split(","):
                sides = part.split("/")
                if len(sides) == 2 and any(_is_date(side) for side in sides):
                    raise ValueError(_PERIOD_OF_DATES + part)
            return vDDDLists.from_ical(ical, timezone=timezone)

    class Types(TypesFactory):
        def for_property(self, name: str, value_param: str | None = None) -> type:
            if name.upper() == "RDATE":
                return Dates
            found: type = super().for_property(name, value_param)
            return found

    return Types()


def _is_date(text: str) -> bool:
    """Whether ``text`` is written as a date (``20270320``: eight digits)."""
    text = text.strip()
    return len(text) == 8 and text.isascii() and text.isdigit()


def _excerpt(message: object, limit: int = 160) -> str:
    """What a parser said, as a short excerpt: a 120 KB property echoed back is no sentence.
    The file's line breaks it quotes show as ``⏎`` (one readable line); any other control or
    bidi character is escaped (``validate.visible``)."""
    text = re.sub(r"\r\n|\r|\n", " ⏎ ", str(message))
    text = validate.visible(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: What stopped the parser, by its message, as a fact ``reason`` that words/errors.py words
#: (``calendar_invalid``); the parser's own words are never shown.
_INVALID = (
    (re.compile(r"parsed into parts: '(.*)': ", re.S), "line"),
    (re.compile(r"END encountered without"), "end_without_begin"),
    (re.compile(r'Property "(.*)" does not have a parent', re.S), "outside"),
    (re.compile(r"Found no components where exactly one"), "unclosed"),
)


def _invalid_facts(exc: Exception) -> dict[str, str]:
    """Why the file could not be parsed, as facts: ``reason`` (one of ``_INVALID``'s, ``zone``
    for a VTIMEZONE the zone could not be built from, ``folder`` for a TZID naming a folder of
    the zone database, else ``other``) and ``what`` (the line, property or TZID, quoted
    safely, or '')."""
    import traceback

    if isinstance(exc, OSError):  # a TZID that names a folder of the zone database
        return {"reason": "folder", "what": validate.shown(Path(str(exc.filename or "")).name)}
    for pattern, reason in _INVALID:
        found = pattern.search(str(exc))
        if found:
            what = found.group(1) if found.groups() else ""
            return {"reason": reason, "what": validate.shown(what, limit=_QUOTED) if what else ""}
    frames = [frame.filename for frame in traceback.extract_tb(exc.__traceback__)]
    if any("timezone" in f or "dateutil/tz" in f.replace("\\", "/") for f in frames):
        return {"reason": "zone", "what": ""}
    return {"reason": "other", "what": ""}


def _parse(text: str, name: str) -> Any:
    try:
        calendar = _calendar_class().from_ical(text)
    except Exception as exc:
        if _our_fault(exc):  # a bug in our parts of the parser is no unreadable file
            raise
        facts = _invalid_facts(exc)
        raise BadInput(code="calendar_invalid", file=name, **facts) from None
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise BadInput(code="calendar_no_vcalendar", file=name)
    return calendar


def _prune(calendar: Any, name: str) -> list[Notice]:
    """Refuse faults in what activities are made of; skip, with a warning, the parts they do
    not need."""
    warnings: list[Notice] = []
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            warnings += _prune_event(component, name)
        elif component.name == "VTIMEZONE":
            kept = []
            skipped = [*getattr(component, "skipped", [])]
            for rule in component.subcomponents:
                if not rule.errors:
                    kept.append(rule)
                else:
                    skipped.append(rule)
            component.skipped = skipped
            for rule in skipped:
                prop, message = rule.errors[0]
                start = rule.get("DTSTART")
                since = start.to_ical().decode()[:8] if start is not None else None
                tzid = str(component.get("TZID"))
                known = known_zone(tzid)
                warnings.append(
                    notice(
                        "calendar_zone_rule_skipped",
                        zone=validate.visible(tzid),
                        rule=rule.name,
                        since=since,
                        **_fault_facts(rule, prop, message),
                        read_as=None if known is None else str(known),
                    )
                )
            component.subcomponents = kept
        elif component.errors:
            prop, message = component.errors[0]
            warnings.append(
                notice(
                    "calendar_component_skipped",
                    event=_describe(component),
                    component=component.name,
                    **_fault_facts(component, prop, message),
                )
            )
    return warnings


#: The properties that hold a date or a date-time: a value the parser cannot read is refused
#: in our words, naming the property, not in the parser's.
_TIME_PROPERTIES = frozenset({"DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID"})
#: Properties only the order of versions is read from: an unreadable one is ignored with a
#: warning (the event is compared as if it did not have it), never refused.
_STAMPS = frozenset({"LAST-MODIFIED", "DTSTAMP", "CREATED"})
#: How long a quoted value may be in a sentence (``validate.shown`` cuts it with ``…``).
_QUOTED = 60


def _raw(component: Any, prop: str) -> str | None:
    """The value as the file wrote it of the first ``prop`` of ``component`` that the parser
    could not read (icalendar keeps it as a ``vBroken``), or None."""
    from icalendar.prop import vBroken

    value = component.get(prop)
    for one in value if isinstance(value, list) else [value]:
        if isinstance(one, vBroken):
            return str(one)
    return None


def _quoted(component: Any, prop: str, message: object) -> str:
    """The unreadable value of ``prop``, quoted safely (``validate.shown``: in quotes, control
    and bidi characters escaped, cut with ``…``); the parser's own words are never shown: when
    the value cannot be found, ``its value``."""
    raw = _raw(component, prop)
    if raw is None:
        found = re.search(r"Got: '(.*)'$|got: (.*)$", str(message), re.S | re.I)
        raw = next((g for g in found.groups() if g is not None), None) if found else None
    return validate.shown(raw, limit=_QUOTED) if raw is not None else "its value"


def _line_fault(message: object) -> tuple[str | None, str]:
    """A line the parser could not split into name, parameters and value: the property it
    names (None when it names none) and the line quoted safely."""
    found = re.search(r"parsed into parts: '(.*)': ", str(message), re.S)
    line = found.group(1) if found else ""
    name = re.match(r"[A-Za-z0-9-]+", line)
    return (name.group(0).upper() if name else None), validate.shown(line, limit=_QUOTED)


def _bad_time(name: str, event: Any, prop: str, message: object) -> BadInput:
    """The refusal of a date or time the parser could not read, naming the property and
    quoting the value as the file wrote it."""
    value = _quoted(event, prop, message)
    return BadInput(
        code="calendar_bad_time", file=name, event=_describe(event), prop=prop, value=value
    )


def _rrule_fault(raw: str) -> tuple[str, str]:
    """The first part of an RRULE (``NAME=value``) the parser cannot read: its name and its
    value as written; ('', the rule) when no single part is at fault."""
    from icalendar.prop import vRecur

    for piece in raw.split(";"):
        part, _, value = piece.partition("=")
        try:
            vRecur.from_ical(piece)
        except (ValueError, TypeError):
            return validate.visible(part.strip().upper())[:20], value
    return "", raw


def _refuse_property(name: str, event: Any, prop: str, message: object) -> BadInput:
    """The refusal of an unreadable property an activity is made from, in our words: the
    file, the event, the property and its value as written (quoted safely); an RRULE names
    its part. Nothing is imported (``calendar_bad_duration``, ``calendar_bad_rrule``,
    ``calendar_bad_property``)."""
    event_name = _describe(event)
    if prop == "RRULE":
        raw = _raw(event, prop)
        part, value = _rrule_fault(raw) if raw is not None else ("", "")
        shown = validate.shown(value, limit=_QUOTED)
        return BadInput(
            code="calendar_bad_rrule", file=name, event=event_name, part=part, value=shown
        )
    value = _quoted(event, prop, message)
    code = "calendar_bad_duration" if prop == "DURATION" else "calendar_bad_property"
    return BadInput(code=code, file=name, event=event_name, prop=prop, value=value)


def _event_fault(event: Any, name: str, prop: Any, message: object) -> Notice:
    """One fault of an event: refused (a ``BadInput`` raised) when an activity is made from
    the property, else the warning that it was ignored; an ignored property is removed from
    the event, so nothing after reads it (an unreadable SEQUENCE counts as 0)."""
    if prop is None:
        named, line = _line_fault(message)
        if named is None or named in NEEDED:
            raise BadInput(code="calendar_bad_line", file=name, event=_describe(event), line=line)
        return notice("calendar_line_ignored", event=_describe(event), prop=named, line=line)
    prop = validate.visible(str(prop).upper())[:40]
    if prop == "RDATE" and str(message).startswith(_PERIOD_OF_DATES):
        period = str(message).removeprefix(_PERIOD_OF_DATES)
        raise BadInput(
            code="calendar_period_of_dates",
            file=name,
            event=_describe(event),
            value=validate.shown(period, limit=_QUOTED),
        )
    if prop in _TIME_PROPERTIES:
        raise _bad_time(name, event, prop, message)
    value = _quoted(event, prop, message)
    if prop not in NEEDED:
        event.pop(prop, None)
    if prop == "SEQUENCE":
        event.sequence_written = value  # what the file says, for calendar_conflicting_versions
        return notice("calendar_sequence_ignored", event=_describe(event), value=value)
    if prop in _STAMPS:
        return notice("calendar_stamp_ignored", event=_describe(event), prop=prop, value=value)
    if prop in NEEDED:
        raise _refuse_property(name, event, prop, message)
    return notice("calendar_property_ignored", event=_describe(event), prop=prop, value=value)


def _override_rules(event: Any) -> list[Notice]:
    """An override (a RECURRENCE-ID) that carries an RRULE, RDATE or EXDATE: the occurrences
    are its series' (recurring-ical-events reads none of them there), so each is taken out
    with a warning like any other property ignored (rev16p: ignored without a word)."""
    if event.get("RECURRENCE-ID") is None:
        return []
    warnings = []
    for prop in ("RRULE", "RDATE", "EXDATE"):
        if event.get(prop) is not None:
            event.pop(prop)
            warnings.append(
                notice("calendar_override_rule_ignored", event=_describe(event), prop=prop)
            )
    return warnings


def _prune_event(event: Any, name: str) -> list[Notice]:
    warnings = [_event_fault(event, name, prop, message) for prop, message in event.errors]
    _refuse_repeated(event, name)
    _refuse_shapes(event, name)
    if event.get("DTEND") is not None and event.get("DURATION") is not None:
        raise BadInput(  # RFC 5545 3.6.1: either DTEND or DURATION, never both
            code="calendar_end_and_duration", file=name, event=_describe(event)
        )
    warnings += _override_rules(event)
    status = event.get("STATUS")
    if status is not None and str(status).strip().upper() not in _STATUSES:
        shown = validate.shown(str(status), limit=_QUOTED)  # read as planned, said so
        warnings.append(notice("calendar_status_unknown", event=_describe(event), value=shown))
    sequence = event.get("SEQUENCE")
    if isinstance(sequence, int) and sequence < 0:  # RFC 5545: a non-negative integer
        event.pop("SEQUENCE")
        shown = validate.shown(str(sequence))
        event.sequence_written = shown
        warnings.append(notice("calendar_sequence_ignored", event=_describe(event), value=shown))
    for prop in ("LAST-MODIFIED", "DTSTAMP"):  # readable, but outside 1970-2099: said, not dropped
        if _stamp_out_of_range(event, prop):
            shown = validate.shown(str(event.get(prop).to_ical().decode()), limit=_QUOTED)
            event.pop(prop)
            warnings.append(
                notice(
                    "calendar_stamp_out_of_range", event=_describe(event), prop=prop, value=shown
                )
            )
    kept = []
    for part in event.subcomponents:
        if part.errors:
            prop, message = part.errors[0]
            warnings.append(
                notice(
                    "calendar_part_skipped",
                    event=_describe(event),
                    part=part.name,
                    **_fault_facts(part, prop, message),
                )
            )
        else:
            kept.append(part)
    event.subcomponents = kept
    return warnings


#: Properties an event gives at most once (RFC 5545 3.6.1) that the import reads: given twice,
#: which one the calendar means cannot be told (the parser keeps a list, not one value).
_ONCE = (
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RECURRENCE-ID",
    "SEQUENCE",
    "STATUS",
    "SUMMARY",
    "LOCATION",
    "CLASS",
    "LAST-MODIFIED",
    "CREATED",
)
#: The values of an event's STATUS (RFC 5545 3.8.1.11); only CANCELLED changes the activity.
_STATUSES = frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"})
#: Properties a calendar gives at most once that the import reads.
_CALENDAR_ONCE = ("X-WR-CALNAME", "X-WR-RELCALID")
#: (X-WR-TIMEZONE is read by the zone check: the same zone twice is one zone, two different
#: zones are refused naming both, ``test_review14b_small``.)
#: Time properties whose value is one date or date-time, never a period (RFC 5545: only an
#: RDATE may be a PERIOD).
_NO_PERIOD = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE")


def _refuse_repeated(component: Any, name: str, props: tuple[str, ...] = _ONCE) -> None:
    """Refuse a component that gives a property more than once that may occur once.

    Args:
        component: a VEVENT (or the VCALENDAR, with ``_CALENDAR_ONCE``).
        name: the file's name, for the refusal.
        props: the properties that may occur once.

    Raises:
        BadInput: ``calendar_property_twice`` naming the property and how often it occurs.
    """
    for prop in props:
        value = component.get(prop)
        if isinstance(value, list) and len(value) > 1:
            what = _describe(component) if component.name != "VCALENDAR" else "the calendar"
            raise BadInput(
                code="calendar_property_twice", file=name, event=what, prop=prop, count=len(value)
            )


def _refuse_shapes(event: Any, name: str) -> None:
    """Refuse a time property of the wrong kind: a DTSTART, DTEND, RECURRENCE-ID or EXDATE
    given as a period (``calendar_period_not_allowed``) or as anything but a date or a
    date-time (``calendar_bad_time``), and an RDATE period whose end lies outside 1970–2099
    (``calendar_out_of_years``, naming the RDATE period)."""
    for prop in _NO_PERIOD:
        for value in _as_list(event.get(prop)):
            items = getattr(value, "dts", None) or [value]
            for item in items:
                moment = getattr(item, "dt", None)
                if isinstance(moment, tuple):
                    shown = validate.shown(_period_text(*moment), limit=_QUOTED)
                    raise BadInput(
                        code="calendar_period_not_allowed",
                        file=name,
                        event=_describe(event),
                        prop=prop,
                        value=shown,
                    )
                if not isinstance(moment, date):
                    raw = value.to_ical() if hasattr(value, "to_ical") else str(value)
                    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
                    raise _bad_time(name, event, prop, f"Got: '{text}'")
    for value in _as_list(event.get("RDATE")):
        for item in getattr(value, "dts", []):
            if isinstance(item.dt, tuple):
                _period_in_years(event, name, *item.dt)


def _period_in_years(event: Any, name: str, start: Any, until: Any) -> None:
    """An RDATE period's end (its own, or its start plus its duration) in 1970–2099 (the end
    may be the instant that closes the range, as any end: ``validate.within_years``)."""
    if not isinstance(until, timedelta):
        end = until
    else:
        try:
            end = start + until
        except OverflowError:
            end = None
    if isinstance(end, datetime):
        aware = end if end.tzinfo is not None else end.replace(tzinfo=LOCAL_TZ)
        fine = validate.within_years(aware)
    else:
        fine = isinstance(end, date) and validate.EARLIEST_DAY <= end <= validate.LATEST_DAY
    if fine:
        return
    shown = validate.shown(_period_text(start, until), limit=_QUOTED)
    raise BadInput(
        code="calendar_out_of_years",
        name=name,
        event=_describe(event),
        what="RDATE period end",
        earliest=validate.EARLIEST_DAY.isoformat(),
        latest=validate.LATEST_DAY.isoformat(),
        value=shown,
    )


def _period_text(start: Any, until: Any) -> str:
    """A period as iCalendar writes it (``20261203T100000Z/PT1H``), whatever its length."""
    rest = _duration_text(until) if isinstance(until, timedelta) else _as_written_moment(until)
    return f"{_as_written_moment(start)}/{rest}"


def _as_written_moment(value: Any) -> str:
    from icalendar.prop import vDDDTypes

    try:
        return str(vDDDTypes(value).to_ical().decode())
    except Exception:
        return str(value)


def _duration_text(length: timedelta) -> str:
    from icalendar.prop import vDuration

    return str(vDuration(length).to_ical().decode())


def _fault_facts(component: Any, prop: Any, message: object) -> dict[str, str]:
    """The property of a component the parser could not read and its value quoted safely
    (``prop``, ``value``): a line that names none is quoted whole as the value."""
    if prop is None:
        named, line = _line_fault(message)
        return {"prop": named or "(a line)", "value": line}
    prop = validate.visible(str(prop).upper())[:40]
    return {"prop": prop, "value": _quoted(component, prop, message)}


# Zones ---------------------------------------------------------------------------------------


_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def _iana_names() -> frozenset[str]:
    """The IANA zone names this machine's zone database has, without the names that are not a
    zone of a calendar: ``localtime`` (the machine's own zone, a guess), ``posixrules``,
    ``Factory`` and the ``right/`` (leap-second clocks) and ``posix/`` copies."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("right/", "posix/"))
    )


@functools.cache
def known_zone(tzid: str) -> tzinfo | None:
    """The zone a TZID names when it is an IANA zone name or a Windows name (CLDR's mapping,
    as icalendar has it), else None. Never a zone remembered from another file, nor one that
    depends on the machine (``localtime``, ``posixrules``) or keeps leap seconds (``right/``).

    Args:
        tzid: the TZID as the file gives it.

    Returns:
        The ``ZoneInfo`` of that IANA name (or of the IANA zone a Windows name maps to), or None
        when neither is a zone this machine ships.
    """
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    cleaned = tzid.strip().strip("/")
    for candidate in (cleaned, WINDOWS_TO_OLSON.get(cleaned)):
        if not candidate or candidate not in _iana_names():
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return None


class _Zones:
    """The zone of every TZID the file uses: a known zone by its name, else the file's own
    VTIMEZONE of that name (built afresh, and only when all its rules could be read)."""

    def __init__(self, calendar: Any, name: str) -> None:
        self.name = name
        self.defined: dict[str, Any] = {}
        self.differ: set[str] = set()  # TZIDs defined twice, differently
        for c in calendar.subcomponents:
            if c.name == "VTIMEZONE":
                tzid = str(c.get("TZID"))
                first = self.defined.setdefault(tzid, c)
                if first is not c and first.to_ical() != c.to_ical():
                    self.differ.add(tzid)
        self.built: dict[str, tzinfo] = {}
        self.steps = 0  # of all the zones built, bounded by ics_bounds.MAX_FILE_ZONE_STEPS

    def zone(self, tzid: str, event: Any, prop: str) -> tzinfo:
        found = known_zone(tzid) or self.built.get(tzid)
        if found is not None:
            return found
        component = self.defined.get(tzid)
        shown = validate.visible(tzid)[:80]
        if component is None:
            raise BadInput(
                code="calendar_unknown_zone",
                file=self.name,
                zone=shown,
                event=_describe(event),
                prop=prop,
            )
        if tzid in self.differ:
            raise BadInput(
                code="calendar_zone_twice", file=self.name, zone=shown, event=_describe(event)
            )
        skipped = getattr(component, "skipped", None)
        if skipped:
            rule_prop, message = skipped[0].errors[0]
            raise BadInput(
                code="calendar_zone_rule",
                file=self.name,
                zone=shown,
                event=_describe(event),
                prop=prop,
                rule=skipped[0].name,
                rule_prop=_fault_facts(skipped[0], rule_prop, message)["prop"],
                value=_fault_facts(skipped[0], rule_prop, message)["value"],
            )
        self.steps += ics_bounds.check_zone(component, shown, self.name)
        if self.steps > ics_bounds.MAX_FILE_ZONE_STEPS:
            raise BadInput(
                code="calendar_file_zone_steps",
                name=self.name,
                steps=self.steps,
                most=ics_bounds.MAX_FILE_ZONE_STEPS,
            )
        from icalendar.timezone import tzp

        try:
            built = component.to_tz(tzp, lookup_tzid=False)
        except Exception as exc:
            if _our_fault(exc):  # a bug in our Timezone is no unreadable zone
                raise
            message = _excerpt(exc, 200)
            raise BadInput(
                code="calendar_zone_unreadable", file=self.name, zone=shown, reason=message
            ) from None
        self.built[tzid] = built
        return built


def _declared_zone(calendar: Any) -> tuple[tzinfo | None, str]:
    """The zone X-WR-TIMEZONE declares (IANA or Windows name): (zone, '') or (None, name)."""
    declared = calendar.get("X-WR-TIMEZONE")
    given = declared if isinstance(declared, list) else [] if declared is None else [declared]
    names = sorted({str(value).strip() for value in given} - {""})
    if not names:
        return LOCAL_TZ, ""
    if len(names) > 1:  # declared more than once, differently: no zone is known
        return None, f"{', '.join(names)} (different zones, declared {len(given)} times)"
    return known_zone(names[0]), names[0]


def _attach(naive: datetime, zone: tzinfo, what: str, event: Any, name: str) -> datetime:
    """A floating time in ``zone``; one that does not exist or occurs twice is refused."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        problem = "does not exist" if back != naive else "occurs twice"
        raise BadInput(
            code="calendar_floating_clock_change",
            file=name,
            event=_describe(event),
            what=what,
            moment=naive.isoformat(" "),
            zone=zone,
            problem=problem,
        )
    return first


def _dates_as_dates(calendar: Any) -> None:
    """A value written ``VALUE=DATE`` is a date, whatever TZID it also carries: icalendar reads
    ``DTSTART;TZID=Europe/Amsterdam;VALUE=DATE:20270310`` as 00:00 in that zone, which then
    passed every date/date-time check as a time (rev16n: an all-day EXDATE was lost, an RDATE
    invented a 00:00–01:00 activity, a RECURRENCE-ID added an activity). Each such value is
    made the date it says and its TZID dropped, so it reads exactly as without the TZID."""
    for event in calendar.walk("VEVENT"):
        for prop in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"):
            for value in _as_list(event.get(prop)):
                params = getattr(value, "params", {})
                if str(params.get("VALUE", "")).upper() != "DATE" or "TZID" not in params:
                    continue
                for item in getattr(value, "dts", [value]):
                    moment = getattr(item, "dt", None)
                    if isinstance(moment, datetime) and moment.time() == datetime.min.time():
                        item.dt = moment.date()
                        getattr(item, "params", {}).pop("TZID", None)
                params.pop("TZID", None)


def _localise(calendar: Any, name: str) -> list[Notice]:
    """Give every time its zone: a TZID's (``_Zones``), and the calendar's declared zone to
    floating times (see the module's reading). A zoned wall time the autumn change repeats is
    the first of the two (fold 0, as RFC 5545 reads it); one the spring change skips is
    refused where the event's span is read (``_refuse_skipped``).

    A RECURRENCE-ID, EXDATE or RDATE names an occurrence of its series, so it takes the zone
    of the series' DTSTART (RFC 5545 3.8.4.4): a floating one is read in that zone, and a zoned
    one is written in it (the same moment). One reading for Schildwacht's keys and for
    recurring-ical-events (rev16j: a floating id read in another zone overwrote an untouched
    occurrence), which then matches each by its instant alone (``_exact_recurrence_ids``)."""
    zone, unknown = _declared_zone(calendar)
    zones = _Zones(calendar, name)
    events = calendar.walk("VEVENT")
    for event in events:  # the starts and ends first: each series' zone is its DTSTART's
        _zone_times(event, ("DTSTART", "DTEND"), (zone, unknown), zones, name)
    series = {
        str(event.get("UID")): _start_zone(event)
        for event in events
        if event.get("RECURRENCE-ID") is None
    }
    for event in events:  # an override of a series not in the file: its own DTSTART's zone
        own = series.get(str(event.get("UID"))) or _start_zone(event)
        floating = (own or zone, unknown)
        _zone_times(event, _SERIES_PROPS, floating, zones, name, own)
    if zone is None:
        return [notice("calendar_unknown_declared_zone", zone=validate.visible(unknown))]
    return []


#: The times that name occurrences of a series: read and written in the zone of its DTSTART.
_SERIES_PROPS = ("RECURRENCE-ID", "EXDATE", "RDATE")


def _start_zone(event: Any) -> tzinfo | None:
    """The zone of an event's DTSTART once localised (None: a date, or none)."""
    start = getattr(event.get("DTSTART"), "dt", None)
    return start.tzinfo if isinstance(start, datetime) else None


def _zone_times(
    event: Any,
    props: tuple[str, ...],
    floating: tuple[tzinfo | None, str],
    zones: _Zones,
    name: str,
    series: tzinfo | None = None,
) -> None:
    """Give the event's ``props`` their zone: a TZID's, else (floating) ``floating``'s zone
    (None: the declared X-WR-TIMEZONE is unknown, refused); each then written in ``series``'s
    zone when given."""
    zone, unknown = floating
    for prop in props:
        values = event.get(prop)
        for value in values if isinstance(values, list) else [values]:
            if value is None:
                continue
            tzid = getattr(value, "params", {}).get("TZID")
            for item in getattr(value, "dts", [value]):
                moment = getattr(item, "dt", None)
                if not isinstance(moment, datetime):
                    continue
                if tzid is not None:
                    wall = moment.replace(tzinfo=None)
                    moment = wall.replace(tzinfo=zones.zone(str(tzid), event, prop), fold=0)
                elif moment.tzinfo is None:
                    if zone is None:
                        raise BadInput(
                            code="calendar_floating_unknown_zone",
                            file=name,
                            event=_describe(event),
                            prop=prop,
                            zone=validate.visible(unknown),
                        )
                    moment = _attach(moment, zone, prop, event, name)
                item.dt = moment if series is None else moment.astimezone(series)


def _day_zone(event: Any) -> tzinfo | None:
    """The zone whose local days a date in a timed series names (UNTIL, EXDATE): the series'
    own, Europe/Amsterdam for a start in UTC; None for a series of dates (or no DTSTART).
    Runs after ``_localise`` (every DTSTART has its zone)."""
    start = getattr(event.get("DTSTART"), "dt", None)
    if not isinstance(start, datetime) or start.tzinfo is None:
        return None
    in_utc = start.utcoffset() == timedelta(0) and str(start.tzinfo) in ("UTC", "Etc/UTC")
    return LOCAL_TZ if in_utc else start.tzinfo


def _until_whole_day(calendar: Any) -> None:
    """A timed series whose RRULE's UNTIL is a date (RFC 5545 wants the type of DTSTART, but
    common programs write a date) runs to the end of that local day, the last occurrence on it
    included — the day in the series' own zone (a start in UTC: Europe/Amsterdam), as an
    all-day EXDATE excludes a whole local day (``_exdate_whole_day``). recurring-ical-events
    would read it as 00:00 UTC and silently drop the occurrence on that day. Runs after
    ``_localise`` (every DTSTART has its zone)."""
    for event in calendar.walk("VEVENT"):
        zone = _day_zone(event)
        if zone is None:
            continue
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules]:
            if rule is None:
                continue
            untils = rule.get("UNTIL") or []
            if not any(not isinstance(u, datetime) for u in untils):
                continue
            rule["UNTIL"] = [
                u
                if isinstance(u, datetime)
                else (
                    datetime.combine(u + timedelta(days=1), datetime.min.time(), tzinfo=zone)
                    - timedelta(seconds=1)
                ).astimezone(UTC)
                for u in untils
            ]


def _exdate_whole_day(calendar: Any, window: tuple[datetime, datetime]) -> list[Notice]:
    """An all-day EXDATE (``VALUE=DATE``) on a timed series (RFC 5545 wants DTSTART's type,
    but some programs write a date) excludes every occurrence that starts on that local day, in
    the series' own zone (``_day_zone``), as a date UNTIL includes one. recurring-ical-events
    compared the start's UTC date (the wrong day's occurrence went), and Schildwacht's keys
    took the date as UTC midnight (the occurrence was reported removed from the calendar, not
    cancelled; rev16m). Each date becomes the exact times of the series' own occurrences on
    that day, so the expansion and the cancellations read it alike; a date outside the window
    (and its margin) names nothing the import reads and is dropped. A day on which the series
    has no occurrence is warned of (``calendar_exdate_day_unmatched``: it cancels nothing).
    Runs after ``_until_whole_day``."""
    from icalendar import vDDDTypes

    span = (window[0] - _MARGIN - timedelta(days=1), window[1] + _MARGIN + timedelta(days=1))
    warnings: list[Notice] = []
    for event in calendar.walk("VEVENT"):
        values = _as_list(event.get("EXDATE"))
        zone = _day_zone(event)
        dates = {i.dt for v in values for i in v.dts if not isinstance(i.dt, datetime)}
        if zone is None or not dates:
            continue
        days = {day for day in dates if span[0] <= day_bounds(day)[0] < span[1]}
        shown = _shown_on(calendar, event, days, span)  # after THISANDFUTURE moves
        times = [time for day in sorted(shown) for time, _moved in shown[day]]
        found = set(shown)
        warnings += [
            notice("calendar_exdate_moved", event=_describe(event), given=day, meant=time)
            for day in sorted(shown)
            for time, moved in shown[day]
            if moved
        ]
        warnings += [
            notice("calendar_exdate_day_unmatched", event=_describe(event), day=day.isoformat())
            for day in sorted(days - found)
        ]
        for value in values:
            value.dts = [item for item in value.dts if isinstance(item.dt, datetime)]
            value.params.pop("VALUE", None)
        values[0].dts += [vDDDTypes(t) for t in times]
        values = [value for value in values if value.dts]
        del event["EXDATE"]
        if values:
            event["EXDATE"] = values if len(values) > 1 else values[0]
    return warnings


def _shown_on(
    calendar: Any, master: Any, days: set[date], span: tuple[datetime, datetime]
) -> dict[date, list[tuple[datetime, bool]]]:
    """The original occurrences of the timed series ``master`` that start on each of ``days``
    in the series' zone after its ``RANGE=THISANDFUTURE`` changes moved them, by day, each
    with whether a change moved it there from another day: what an all-day EXDATE on that
    day cancels (README; rev16p: on a day a change moved an occurrence to it cancelled nothing
    and said the day was none of the series', and on a day it moved one away from it
    cancelled the one no longer there)."""
    uid, zone = str(master.get("UID")), _day_zone(master)
    shifts = sorted(
        (_as_utc(e["RECURRENCE-ID"].dt), _moved_by(e))
        for e in calendar.walk("VEVENT")
        if str(e.get("UID")) == uid and e.get("RECURRENCE-ID") is not None and _this_and_future(e)
    )
    if zone is None:
        return {}
    reach = max((abs(by) for _since, by in shifts), default=timedelta(0)) + timedelta(days=1)
    shown: dict[date, list[tuple[datetime, bool]]] = {}
    for time in _own_times(master, (span[0] - reach, span[1] + reach)):
        by = next((by for since, by in reversed(shifts) if since <= _as_utc(time)), None)
        own = time.astimezone(zone)
        day = (own.replace(tzinfo=None) + by).date() if by is not None else own.date()
        if day in days:
            shown.setdefault(day, []).append((time, day != own.date()))
    return shown


def _named_days(calendar: Any, window: tuple[datetime, datetime]) -> list[Notice]:
    """An EXDATE of a series of whole days without rules (RDATEs only; within the window and
    its margin) on a day that is no day of the series is warned of
    (``calendar_exdate_day_unmatched``): it cancels nothing, which was said to nobody (rev16n).
    A series with an RRULE is checked by ``_named_exdates``, which knows its THISANDFUTURE
    shifts (rev16o). Runs after ``_exdate_on_days`` (every EXDATE of such a series is then a
    date)."""
    lo = (window[0] - _MARGIN).astimezone(LOCAL_TZ).date() - timedelta(days=1)
    hi = (window[1] + _MARGIN).astimezone(LOCAL_TZ).date() + timedelta(days=1)
    warnings: list[Notice] = []
    for event in calendar.walk("VEVENT"):
        start = getattr(event.get("DTSTART"), "dt", None)
        if not isinstance(start, date) or isinstance(start, datetime):
            continue
        exdates = {
            item.dt
            for value in _as_list(event.get("EXDATE"))
            for item in value.dts
            if not isinstance(item.dt, datetime) and lo <= item.dt <= hi
        }
        if not exdates or event.get("RECURRENCE-ID") is not None or event.get("RRULE"):
            continue
        days = {start} | {
            item.dt
            for value in _as_list(event.get("RDATE"))
            for item in getattr(value, "dts", [])
            if isinstance(item.dt, date) and not isinstance(item.dt, datetime)
        }
        warnings += [
            notice("calendar_exdate_day_unmatched", event=_describe(event), day=day.isoformat())
            for day in sorted(exdates - days)
        ]
    return warnings


def _exdate_on_days(calendar: Any) -> None:
    """A date-time EXDATE on a series of whole days (the mirror of ``_exdate_whole_day``; RFC
    5545 wants DTSTART's kind) cancels the day on which that instant falls in the series'
    zone — a series of dates has Europe/Amsterdam's days, as every activity of a whole day —
    so ``20270310T230000Z`` (midnight in Amsterdam) is 11 March. It was cancelled through the
    "removed from the calendar" path at 00:00 UTC and ignored without a word at any other
    time of the day (rev16n). Runs after ``_localise`` (every EXDATE has its zone)."""
    for event in calendar.walk("VEVENT"):
        start = getattr(event.get("DTSTART"), "dt", None)
        if start is None or isinstance(start, datetime):
            continue
        for value in _as_list(event.get("EXDATE")):
            for item in value.dts:
                if isinstance(item.dt, datetime):
                    moment = item.dt if item.dt.tzinfo is not None else item.dt.replace(tzinfo=UTC)
                    item.dt = moment.astimezone(LOCAL_TZ).date()
                    item.params.pop("TZID", None)
            if all(not isinstance(item.dt, datetime) for item in value.dts):
                value.params.pop("TZID", None)
                value.params["VALUE"] = "DATE"


def _own_times(master: Any, span: tuple[datetime, datetime]) -> list[datetime]:
    """The starts of ``master``'s own occurrences (DTSTART, RRULE, RDATE; before any override
    moves one) within ``span`` (aware)."""
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    start = master.decoded("DTSTART")
    found = [start] if span[0] <= start < span[1] else []
    for rule in _as_list(master.get("RRULE")):
        expanded = rrulestr(rule.to_ical().decode(), dtstart=start)
        lo, hi = span[0].astimezone(start.tzinfo), span[1].astimezone(start.tzinfo)
        found += expanded.between(lo, hi, inc=True)
    for value in _as_list(master.get("RDATE")):
        for item in getattr(value, "dts", []):
            if isinstance(item.dt, datetime) and span[0] <= item.dt < span[1]:
                found.append(item.dt)
    return sorted(set(found), key=_as_utc)


def _as_utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return day_bounds(value)[0]


def _skipped(moment: datetime) -> bool:
    """Whether a zoned wall time lies in a gap that a clock change skips: the one check for
    every kind of zone (IANA, Windows name, or the file's own VTIMEZONE, whose built zones do
    not all know ``fold``): a wall time that exists comes back unchanged through UTC."""
    if moment.tzinfo is None:
        return False
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None, fold=0) != moment.replace(tzinfo=None, fold=0)


def _zone_name(event: Any, prop: str, moment: datetime) -> str:
    """The zone of ``moment`` as the file names it (its TZID), else the zone's own name."""
    tzid = getattr(event.get(prop), "params", {}).get("TZID")
    return validate.visible(str(tzid if tzid is not None else moment.tzinfo))[:80]


def _refuse_skipped(event: Any, name: str, prop: str, moment: datetime) -> None:
    """A wall time that the clock change skips (02:00–03:00 on the spring-forward night in
    Europe/Amsterdam) is no time at all: which one the program that wrote it meant cannot be
    told, so the file is refused naming the event, as a floating one is (never guessed)."""
    if not _skipped(moment):
        return
    raise BadInput(
        code="calendar_skipped_hour",
        file=name,
        event=_describe(event),
        prop=prop,
        moment=moment.replace(tzinfo=None).isoformat(" "),
        zone=_zone_name(event, prop, moment),
    )


def _refuse_skipped_rdate(source: Any, name: str, start: datetime | date) -> None:
    """An occurrence an RDATE gives at a wall time the clock change skips is refused naming
    the RDATE (the occurrence's DTSTART is only a copy of it)."""
    if not isinstance(start, datetime) or not _skipped(start):
        return
    wall = start.replace(tzinfo=None)
    for value in _as_list(source.get("RDATE")):
        for item in getattr(value, "dts", []):
            given = item.dt[0] if isinstance(item.dt, tuple) else item.dt  # a period: its start
            if isinstance(given, datetime) and given.replace(tzinfo=None) == wall:
                _refuse_skipped(source, name, "RDATE", start)


def _span(event: Any, name: str) -> tuple[datetime, datetime, bool]:
    """The event's start and end in UTC, and whether its length was assumed (it has none).

    DTEND before DTSTART (or a negative DURATION), a date DTSTART with a date-time DTEND or
    DURATION of hours (or the reverse), and times outside 1970–2099 are refused naming the
    event, and so is a start or end in an hour a clock change skips. No length: 30 minutes (a
    whole day for a date), reported by the caller."""
    if event.get("DTSTART") is None:
        raise BadInput(code="calendar_no_start", file=name, event=_describe(event))
    start = event.decoded("DTSTART")
    timed = isinstance(start, datetime)
    end = _end_as_given(event, name, start, timed)
    if timed:
        assert isinstance(start, datetime) and isinstance(end, datetime)
        for prop, moment in (("DTSTART", start), ("DTEND", end)):
            _refuse_skipped(event, name, prop, moment)
        start_utc = start.astimezone(UTC)
        end_utc = end.astimezone(UTC)
    else:
        start_utc = day_bounds(start)[0]
        last = end.date() if isinstance(end, datetime) else end
        if last < start:
            given = (
                f"DTEND {last.isoformat()}"
                if event.get("DTEND") is not None
                else f"DURATION {event['DURATION'].to_ical().decode()} gives {last.isoformat()}"
            )
            raise _ends_before(name, event, given, start)
        end_utc = day_bounds(last - timedelta(days=1))[1] if last > start else start_utc
    if end_utc < start_utc:  # quoted as the file writes them, not in UTC
        given = (
            f"DTEND {end.isoformat()}"
            if event.get("DTEND") is not None
            else f"DURATION {event['DURATION'].to_ical().decode()} gives {end.isoformat()}"
        )
        raise _ends_before(name, event, given, start)
    assumed = end_utc == start_utc
    if assumed:
        end_utc = start_utc + (ASSUMED_LENGTH if timed else day_bounds(start)[1] - start_utc)
    for moment, what in ((start_utc, "DTSTART"), (end_utc, "DTEND")):
        try:
            validate.moment(moment, f"{name}: {_describe(event)} {what}")
        except BadInput as exc:
            raise BadInput(code=exc.code, **exc.params) from None
    return start_utc, end_utc, assumed


def _end_as_given(event: Any, name: str, start: datetime | date, timed: bool) -> datetime | date:
    """The end an event gives (DTEND, or DTSTART plus DURATION; without either its start, or
    the next day for a date), refused when its kind does not match DTSTART's."""
    if event.get("DTEND") is not None:
        end: datetime | date = event.decoded("DTEND")
        if isinstance(end, datetime) != timed:
            raise BadInput(
                code="calendar_mixed_start_end",
                file=name,
                event=_describe(event),
                start_kind="date-time" if timed else "date",
                end_kind="date" if timed else "date-time",
            )
    elif event.get("DURATION") is not None:
        length = event.decoded("DURATION")
        if not timed and length % timedelta(days=1):
            raise BadInput(code="calendar_date_with_hours", file=name, event=_describe(event))
        end = start + length
    else:
        end = start if timed else start + timedelta(days=1)
    return end


def _length(event: Any, name: str) -> timedelta | None:
    """The exact length every occurrence of a timed series keeps (RFC 5545: a DTEND gives an
    exact duration; a DURATION of hours and minutes is exact too); None for dates and for a
    DURATION of days or weeks (nominal: the library's wall-clock reading is right)."""
    if not isinstance(event.decoded("DTSTART"), datetime):
        return None
    nominal = event.get("DURATION") is not None and abs(event.decoded("DURATION")) >= timedelta(
        days=1
    )
    if event.get("DTEND") is None and nominal:
        return None
    start, end, _assumed = _span(event, name)
    return end - start


def _period_lengths(event: Any, name: str) -> dict[str, timedelta]:
    """The exact length of each occurrence an ``RDATE;VALUE=PERIOD`` gives (RFC 5545
    3.8.5.2: a period is its own start and end, or start and duration), by its start as stored
    UTC text: an end is exact, so is a duration of hours and minutes; a duration of days or
    weeks is nominal (the same wall time that many days later, in the start's zone). A period
    of no length keeps the series' length (as an event whose end is its start).

    Raises:
        BadInput: ``calendar_ends_before_start`` for a period that ends before it starts.
    """
    found: dict[str, timedelta] = {}
    for value in _as_list(event.get("RDATE")):
        for item in value.dts:
            if not isinstance(item.dt, tuple):
                continue
            start, until = item.dt
            if not isinstance(start, datetime):
                continue
            if isinstance(until, timedelta):
                nominal = abs(until) >= timedelta(days=1) and start.tzinfo is not None
                end = (
                    (start.replace(tzinfo=None) + until).replace(tzinfo=start.tzinfo)
                    if nominal
                    else _as_utc(start) + until
                )
            else:
                end = until
            length = _as_utc(end) - _as_utc(start)
            if length < timedelta(0):  # named as the RDATE, in its own offset (rev16p)
                shown = end.astimezone(start.tzinfo) if start.tzinfo is not None else end
                given = f"RDATE period ending {shown.isoformat()}"
                raise _ends_before(name, event, given, start, prop="RDATE")
            found[to_db(_as_utc(start))] = length  # zero: the series' length (_expand)
    return found


def _zero_periods(
    masters: dict[str, Any], occurrences: dict[tuple[str, str], Occurrence], name: str
) -> list[Notice]:
    """One warning per series of a known length whose RDATE periods of no length were imported
    (``calendar_rdate_period_without_length``), naming each and the length they were given —
    the series' (rev16o: it said "no DTEND or DURATION, imported as 30 minutes", once for
    all). A series without a length of its own is ``_lengthless``'s."""
    warnings: list[Notice] = []
    for uid, master in sorted(masters.items()):
        start, end, assumed = _span(master, name)
        if assumed or not isinstance(start, datetime):
            continue
        zero = {key for key, length in _period_lengths(master, name).items() if not length}
        starts = sorted(o.start for o in occurrences.values() if o.uid == uid and o.key[1] in zero)
        if starts:
            warnings.append(
                notice(
                    "calendar_rdate_period_without_length",
                    event=_describe(master),
                    starts=starts,
                    minutes=int((end - start).total_seconds() // 60),
                )
            )
    return warnings


def _stamp(event: Any, prop: str) -> str | None:
    """A LAST-MODIFIED or DTSTAMP as stored UTC text (None when absent, unreadable or outside
    1970–2099: it then takes no part in ordering versions)."""
    try:
        value = event.decoded(prop) if event.get(prop) is not None else None
    except Exception:
        return None
    if not isinstance(value, datetime):
        return None
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        validate.moment(moment.astimezone(UTC), prop)
    except (BadInput, OverflowError, ValueError):
        return None
    return to_db(moment)


def _stamp_out_of_range(event: Any, prop: str) -> bool:
    """Whether ``prop`` is a date-time the parser read that lies outside 1970-2099 (then
    ignored with a warning, not silently)."""
    try:
        value = event.decoded(prop) if event.get(prop) is not None else None
    except Exception:
        return False
    return isinstance(value, datetime) and _stamp(event, prop) is None


def _version(event: Any, name: str) -> Version:
    """SEQUENCE, then the later of LAST-MODIFIED and DTSTAMP (an unreadable one was removed,
    with a warning, by ``_prune_event``: a SEQUENCE then counts as 0)."""
    try:
        sequence = int(event.get("SEQUENCE") or 0)
    except (TypeError, ValueError):
        raise BadInput(code="calendar_bad_sequence", file=name, event=_describe(event)) from None
    stamps = [s for s in (_stamp(event, "LAST-MODIFIED"), _stamp(event, "DTSTAMP")) if s]
    return (max(min(sequence, 2**31 - 1), 0), max(stamps) if stamps else None)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# Occurrences ---------------------------------------------------------------------------------


def _private(event: Any, series: Any = None) -> bool:
    """Whether an event is private by its CLASS (RFC 5545 3.8.1.3). An override that does not
    repeat CLASS keeps its series' class; no CLASS at all is PUBLIC; PRIVATE, CONFIDENTIAL and
    any class this program does not know (an x-name such as ``X-OWNER-ONLY``) are private: RFC
    5545 says an unrecognised class is treated as PRIVATE."""
    value = event.get("CLASS")
    if value is None and series is not None:
        value = series.get("CLASS")
    if value is None:
        return False
    return str(value).strip().upper() != "PUBLIC"


def _occurrence(
    event: Any,
    uid: str,
    recurrence: str,
    name: str,
    length: timedelta | None = None,
    series: Any = None,
) -> Occurrence:
    start, end, assumed = _span(event, name)
    if length is not None:
        end = start + length
        validate.moment(end, f"{name}: {_describe(event)} DTEND")
    summary = str(event.get("SUMMARY") or "")
    field = f"{name}: {_describe(event)} SUMMARY"
    title = check_text(summary, field) if summary.strip() else "(no title)"
    sequence, modified = _version(event, name)
    return Occurrence(
        uid=uid,
        recurrence=recurrence,
        title=title,
        start=start,
        end=end,
        location=validate.text(
            str(event.get("LOCATION") or "").strip(), f"{name}: {_describe(event)} LOCATION"
        ),
        sequence=sequence,
        cancelled=str(event.get("STATUS") or "").upper() == "CANCELLED",
        private=_private(event, series),
        modified=modified,
        assumed_length=assumed,
    )


def _this_and_future(event: Any) -> bool:
    prop = event.get("RECURRENCE-ID")
    return str(getattr(prop, "params", {}).get("RANGE", "")).upper() == "THISANDFUTURE"


def _original_times(master: Any) -> Callable[[datetime], bool] | None:
    """Whether a moment (aware UTC) is an occurrence of ``master``'s own rules (RRULE,
    RDATE), before any override moves it; None when its rules cannot be read here. Of a series
    of dates, a moment is a day's start in Europe/Amsterdam (``_as_utc``), as its ids are read
    (rev16o: such a series was not checked, so ids and EXDATEs on moved days went unread)."""
    from dateutil.rrule import rrulestr

    start = master.decoded("DTSTART")
    timed = isinstance(start, datetime)
    first = start if timed else datetime.combine(start, datetime.min.time())
    values = master.get("RRULE")
    try:
        rules = [
            rrulestr(rule.to_ical().decode(), dtstart=first)
            for rule in (values if isinstance(values, list) else [values])
            if rule is not None
        ]
    except (ValueError, TypeError):
        return None
    dates = master.get("RDATE")
    extra = {
        _as_utc(item.dt)
        for value in (dates if isinstance(dates, list) else [dates] if dates else [])
        for item in getattr(value, "dts", [])
        if not isinstance(item.dt, tuple)
    }

    def local(moment: datetime) -> datetime:  # a series of dates: Amsterdam's naive days
        if timed:
            return moment.astimezone(start.tzinfo)
        return datetime.combine(moment.astimezone(LOCAL_TZ).date(), datetime.min.time())

    def original(moment: datetime) -> bool:
        if moment in extra or moment == _as_utc(start):
            return True
        if not timed and moment != _as_utc(local(moment).date()):
            return False  # not the start of a day
        before = local(moment) - timedelta(seconds=1)
        return any(
            (found := rule.after(before)) is not None and found == local(moment) for rule in rules
        )

    return original


def _refuse_recurrence_kind(calendar: Any, name: str) -> None:
    """An override's RECURRENCE-ID is of its series' DTSTART kind (RFC 5545 3.8.4.4: a date
    for a series of dates, a date-time for a timed one): a date id on a timed series names no
    occurrence, and imported it would stand beside the occurrence it was meant to change (two
    activities for one). Refused: ``calendar_recurrence_kind``."""
    events = calendar.walk("VEVENT")
    masters = {
        str(e["UID"]): e
        for e in events
        if e.get("RECURRENCE-ID") is None and e.get("UID") and e.get("DTSTART") is not None
    }
    for master in masters.values():
        _refuse_rdate_kind(master, name)
    for event in events:
        rid, master = event.get("RECURRENCE-ID"), masters.get(str(event.get("UID")))
        if rid is None or master is None:
            continue
        timed = isinstance(master.decoded("DTSTART"), datetime)
        if isinstance(rid.dt, datetime) != timed:
            kinds = ("date-time", "date") if timed else ("date", "date-time")
            raise BadInput(
                code="calendar_recurrence_kind",
                file=name,
                event=_describe(event),
                series_kind=kinds[0],
                id_kind=kinds[1],
            )


def _refuse_rdate_kind(master: Any, name: str) -> None:
    """An RDATE is of its series' DTSTART kind (RFC 5545 3.8.5.2): a date on a timed series
    gives no time (recurring-ical-events made it 00:00–01:00, an invented time of protection,
    rev16m), a date-time on a series of dates no whole day. Refused naming the event and the
    value: ``calendar_rdate_kind``."""
    timed = isinstance(master.decoded("DTSTART"), datetime)
    for value in _as_list(master.get("RDATE")):
        for item in getattr(value, "dts", []):
            moment = item.dt[0] if isinstance(item.dt, tuple) else item.dt
            if isinstance(moment, datetime) == timed:
                continue
            kinds = ("date-time", "date") if timed else ("date", "date-time")
            raise BadInput(
                code="calendar_rdate_kind",
                file=name,
                event=_describe(master),
                value=_as_written_moment(moment),
                series_kind=kinds[0],
                rdate_kind=kinds[1],
            )


def _moved_recurrence_ids(calendar: Any, window: tuple[datetime, datetime]) -> list[Notice]:
    """An override whose RECURRENCE-ID is the time an earlier ``RANGE=THISANDFUTURE`` override
    moved its occurrence to (some programs write that, RFC 5545 wants the original time) is
    read as the override of the original occurrence, with a warning: otherwise
    recurring-ical-events gives both it and the moved occurrence (11 of a COUNT=10). An
    override whose id names no occurrence of its series at all is warned of. An EXDATE is
    read alike (``_named_exdates``)."""
    from icalendar import vDDDTypes

    events = calendar.walk("VEVENT")
    masters = {
        str(e["UID"]): e
        for e in events
        if e.get("RECURRENCE-ID") is None and e.get("RRULE") is not None and e.get("UID")
    }
    by_uid: dict[str, list[Any]] = {}
    for event in events:
        if event.get("RECURRENCE-ID") is not None and str(event.get("UID")) in masters:
            by_uid.setdefault(str(event["UID"]), []).append(event)
    warnings: list[Notice] = []
    for uid, master in masters.items():
        original = _original_times(master)
        if original is None:
            continue
        zone = getattr(master.decoded("DTSTART"), "tzinfo", None)  # where shifts are
        shifts: list[tuple[datetime, timedelta]] = []  # THISANDFUTURE: (original id, shift)
        overrides = by_uid.get(uid, [])
        for override in sorted(overrides, key=lambda o: _as_utc(o["RECURRENCE-ID"].dt)):
            given = override["RECURRENCE-ID"].dt
            rid = _as_utc(given)
            if not original(rid):
                meant = _meant(given, shifts, zone, original)
                event = _describe(override)
                if meant is None:  # README: an id naming no occurrence is warned of
                    said = _said(given, rid)
                    warnings.append(
                        notice("calendar_recurrence_unmatched", event=event, given=said)
                    )
                    continue
                prop = vDDDTypes(_as_kind(meant, given))
                if _this_and_future(override):
                    prop.params["RANGE"] = "THISANDFUTURE"
                override["RECURRENCE-ID"] = prop
                said, was = _said(given, rid), _as_kind(meant, given)
                warnings.append(
                    notice("calendar_recurrence_moved", event=event, given=said, meant=was)
                )
                rid = meant
            if _this_and_future(override):
                shifts.append((rid, _moved_by(override)))
        warnings += _named_exdates(master, (original, shifts), window)
    return warnings


def _override_lengths(calendar: Any, name: str) -> list[Notice]:
    """A timed override without DTEND or DURATION (a changed occurrence Outlook writes with
    its start only) lasts as long as its series' occurrences, as calendar programs show it;
    with a warning naming the override and its start (``calendar_override_series_length``).
    rev16p: it became 30 minutes, and the warning named the series."""
    events = calendar.walk("VEVENT")
    masters = {str(e["UID"]): e for e in events if e.get("RECURRENCE-ID") is None and e.get("UID")}
    warnings: list[Notice] = []
    for event in events:
        master = masters.get(str(event.get("UID")))
        if (
            master is None
            or event.get("RECURRENCE-ID") is None
            or event.get("DTEND") is not None
            or event.get("DURATION") is not None
            or event.get("DTSTART") is None
            or not isinstance(master.decoded("DTSTART"), datetime)
        ):
            continue
        if not isinstance(event.decoded("DTSTART"), datetime):  # a day for a timed occurrence
            warnings.append(_whole_day_override(event))
            continue
        first, last, assumed = _span(master, name)
        if assumed:
            continue  # the series has no length either: 30 minutes, warned as such
        start = event.decoded("DTSTART")
        event.add("DTEND", (start.astimezone(UTC) + (last - first)).astimezone(start.tzinfo))
        minutes = int((last - first).total_seconds() // 60)
        warnings.append(
            notice(
                "calendar_override_series_length",
                event=_describe(event),
                start=start.astimezone(UTC),
                minutes=minutes,
            )
        )
    return warnings


def _whole_day_override(event: Any) -> Notice:
    """The warning for a change of a timed occurrence to a day with no end
    (``DTSTART;VALUE=DATE`` alone): RFC 5545 makes it that whole day, so it is imported as
    such — never silently (rev16q F14)."""
    return notice(
        "calendar_override_whole_day",
        event=_describe(event),
        original=_as_utc(event["RECURRENCE-ID"].dt),
        day=event.decoded("DTSTART").isoformat(),
    )


def _as_kind(moment: datetime, like: datetime | date) -> datetime | date:
    """``moment`` (aware UTC) as ``like``'s kind: a date (the day in Europe/Amsterdam, as
    ``_as_utc`` reads one) when ``like`` is a date."""
    return moment if isinstance(like, datetime) else moment.astimezone(LOCAL_TZ).date()


def _said(given: datetime | date, moment: datetime) -> datetime | date:
    """What a warning names: the date as given for a series of dates, else the moment."""
    return moment if isinstance(given, datetime) else given


def _meant(
    given: datetime,
    shifts: list[tuple[datetime, timedelta]],
    zone: tzinfo | None,
    original: Callable[[datetime], bool],
) -> datetime | None:
    """The original occurrence (aware UTC) an earlier THISANDFUTURE shift moved to ``given``
    (the latest shift that explains it), or None."""
    for since, shift in reversed(shifts):
        back = _unmoved(given, shift, zone)
        if since <= back and original(back):
            return back
    return None


def _named_exdates(
    master: Any,
    rules: tuple[Callable[[datetime], bool], list[tuple[datetime, timedelta]]],
    window: tuple[datetime, datetime],
) -> list[Notice]:
    """Each EXDATE of a timed series (within the window and its margin: one outside names
    nothing the import reads) that names no occurrence of it: when it is the time an earlier
    THISANDFUTURE change moved an occurrence to, read as that occurrence, with a warning (as
    a RECURRENCE-ID is); otherwise a warning naming the EXDATE, which cancels nothing. Both
    were ignored without a word (rev16n). ``rules``: the series' own times and its shifts."""
    original, shifts = rules
    span = (window[0] - _MARGIN - timedelta(days=1), window[1] + _MARGIN + timedelta(days=1))
    start = master.decoded("DTSTART")
    timed = isinstance(start, datetime)
    values = [v for v in _as_list(master.get("EXDATE")) if hasattr(v, "dts")]
    items = [
        item
        for value in values
        for item in value.dts
        if isinstance(item.dt, datetime) == timed and span[0] <= _as_utc(item.dt) < span[1]
    ]
    if not items:
        return []
    own = {_as_utc(t) for t in _own_times(master, span)} if timed else set()
    zone = start.tzinfo if timed else None
    warnings: list[Notice] = []
    for item in items:
        given = _as_utc(item.dt)
        if given in own or original(given):
            continue
        meant = _meant(item.dt, shifts, zone, original)
        event = _describe(master)
        if meant is None and not timed:
            day = item.dt.isoformat()
            warnings.append(notice("calendar_exdate_day_unmatched", event=event, day=day))
        elif meant is None:
            warnings.append(notice("calendar_exdate_unmatched", event=event, given=given))
        else:
            said, was = _said(item.dt, given), _as_kind(meant, item.dt)
            item.dt = meant.astimezone(zone) if timed else was
            warnings.append(notice("calendar_exdate_moved", event=event, given=said, meant=was))
    return warnings


def _moved_by(override: Any) -> timedelta:
    """How far a ``RANGE=THISANDFUTURE`` override moves the occurrences from its own on:
    recurring-ical-events' own arithmetic (``move_recurrences_by``: its start minus its id,
    both in the series' zone after ``_localise``, so a difference of wall times), which the
    library adds to each later occurrence's wall time in the series' zone. The one shift for
    Schildwacht's keys too (``_unmoved``): undone in UTC it was an hour off for every
    occurrence when the shift spans a clock change (rev16m)."""
    from recurring_ical_events.adapters.event import EventAdapter

    by: timedelta = EventAdapter(override).move_recurrences_by
    return by


def _unmoved(moved: datetime | date, by: timedelta, zone: tzinfo | None) -> datetime:
    """The original occurrence (aware UTC) that ``_moved_by``'s ``by`` moved to ``moved``: its
    wall time in the series' ``zone`` less ``by``, as the library added it. A series of dates
    (``moved`` a date, no zone) moves by whole days: the day less ``by``'s days (rev16n: the
    date had no tzinfo and the whole file was refused)."""
    if not isinstance(moved, datetime):
        return _as_utc(moved - timedelta(days=by.days))
    local = moved.astimezone(zone) if zone is not None else moved
    return _as_utc(local - by)


def _recurrence_key(event: Any, overrides: dict[tuple[str, str], Any]) -> str:
    """The occurrence's own recurrence id. recurring-ical-events gives every occurrence after a
    RANGE=THISANDFUTURE override that override's id; undo its shift to find the original
    (``_unmoved``: the library's own arithmetic, wall time in the series' zone)."""
    prop = event.get("RECURRENCE-ID")
    if prop is None:
        return to_db(_as_utc(event.decoded("DTSTART")))
    rid = _as_utc(prop.dt)
    if str(prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
        override = overrides.get((str(event["UID"]), to_db(rid)))
        if override is not None:
            start = event.decoded("DTSTART")  # the library's: wall time in the series' zone
            zone = start.tzinfo if isinstance(start, datetime) else None
            return to_db(_unmoved(start, _moved_by(override), zone))
    return to_db(rid)


def _content(event: Any) -> bytes:
    """What an event says, without when it was stamped (to compare two copies of it)."""
    lines = event.to_ical().splitlines()
    return b"\n".join(
        line for line in lines if not line.upper().startswith((b"DTSTAMP", b"LAST-MODIFIED"))
    )


def _deduplicate(calendar: Any, name: str, overrides: bool) -> list[Notice]:
    """Keep one VEVENT per UID and recurrence id: the newest version (``older``). Copies with
    the same version and the same content are one; with different content the file is
    refused naming the UID (which one is right cannot be told). Done in two passes: the
    series and single events (``overrides`` False) before ``_localise``, so that the zone of
    the series kept is the one its floating ids are read in, whatever the order of the
    VEVENTs (rev16m); the overrides (True) after it, their ids then each one instant."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for event in calendar.walk("VEVENT"):
        if event.get("UID") is None:
            raise BadInput(code="calendar_no_uid", file=name, event=_describe(event))
        rid = event.get("RECURRENCE-ID")
        if (rid is not None) != overrides:
            continue
        key = (str(event["UID"]), to_db(_as_utc(rid.dt)) if rid is not None else "")
        groups.setdefault(key, []).append(event)
    dropped: set[int] = set()
    warnings: list[Notice] = []
    for (uid, rid), events in groups.items():
        if len(events) < 2:
            continue
        versions = [_version(e, name) for e in events]
        best = 0
        for index in range(1, len(events)):
            if older(versions[best], versions[index]):
                best = index
        same = [
            i for i in range(len(events)) if not older(versions[i], versions[best])
        ]  # as new as the best
        if any(_content(events[i]) != _content(events[best]) for i in same):
            what = f"UID {validate.visible(uid)[:200]}" + (f" (occurrence {rid})" if rid else "")
            written = [getattr(events[i], "sequence_written", None) for i in same]
            raise BadInput(  # an ignored SEQUENCE is said as the file wrote it (rev16n)
                code="calendar_conflicting_versions",
                file=name,
                what=what,
                count=len(events),
                sequence=versions[best][0],
                written=[w or str(versions[i][0]) for w, i in zip(written, same, strict=True)]
                if any(written)
                else None,
            )
        if any(i not in same for i in range(len(events))):
            warnings.append(
                notice(
                    "calendar_event_repeated",
                    event=_describe(events[best]),
                    count=len(events),
                    file=name,
                    sequence=versions[best][0],
                    stamp=versions[best][1] or None,
                )
            )
        dropped.update(id(e) for i, e in enumerate(events) if i != best)
    if dropped:
        calendar.subcomponents = [c for c in calendar.subcomponents if id(c) not in dropped]
    return warnings


def _identity(calendar: Any, given: str | None) -> str | None:
    """The calendar a file is: ``given`` (its name), else X-WR-RELCALID, else
    X-WR-CALNAME; None when the file names none."""
    if given is not None:
        return validate.line(given, FIELDS["calendar"])
    for prop, code in ics_bounds.IDENTITY_FIELDS.items():
        value = calendar.get(prop)
        text = validate.visible(str(value)).strip() if value else ""
        if len(text) > validate.MAX_LINE:  # cut, two names alike up to there were one (rev14g)
            raise BadInput(
                code="calendar_name_too_long",
                field=code,
                max_len=validate.MAX_LINE,
                length=len(text),
            )
        if text:  # escaped as shown, and held to the rule a typed name is: nameable when typed
            return validate.line(text, code)
    return None


def parse_calendar(
    path: Path,
    window: tuple[datetime, datetime],
    max_occurrences: int,
    calendar_name: str | None = None,
    wanted: frozenset[tuple[str, str]] = frozenset(),
) -> ParsedCalendar:
    """Read a calendar file and expand its events over the window; nothing is written.

    Args:
        path: the iCalendar file.
        window: start and end, aware UTC.
        max_occurrences: the most occurrences the window may hold.
        calendar_name: the calendar to import the file as, or None for the one it names.
        wanted: the keys (UID, recurrence id) of activities imported before in the window:
            each that the expansion does not meet is looked up on its own (``_locate``), so an
            occurrence the file still holds is found wherever it now lies.

    Returns:
        The occurrences by (uid, recurrence id), the explicit ones, warnings, exclusions, the
        calendar's identity, events dropped as too long and each series' version.

    Raises:
        BadInput: an unreadable or malformed file, an ambiguous code page, an event out of
            bounds, more occurrences than ``max_occurrences`` (``too_many_occurrences``).
    """
    name = Path(path).name
    try:
        with ics_bounds.expansion_budget():  # one bound on all the rules of the import
            limits = (max_occurrences, wanted)
            return _parse_calendar(Path(path), name, window, limits, calendar_name)
    except ics_bounds.ExpansionTooLong as exc:
        raise ics_bounds.stopped(name, exc) from None


def _parse_calendar(
    path: Path,
    name: str,
    window: tuple[datetime, datetime],
    bounds: tuple[int, frozenset[tuple[str, str]]],
    calendar_name: str | None,
) -> ParsedCalendar:
    import x_wr_timezone

    max_occurrences, wanted = bounds
    text, warnings = decode_text(_read_bytes(Path(path)), name)
    # classic Mac OS line ends (CR only), also mixed with CRLF or LF, read as any others: a
    # bare CR is no text of a property (it is escaped there), so it ends a line (rev16q F22:
    # a mixed file was refused as "an END line has no BEGIN line")
    text = re.sub(r"\r(?!\n)", "\r\n", text)
    ics_bounds.prescan(text, name)
    calendar = _parse(text, name)
    _refuse_repeated(calendar, name, _CALENDAR_ONCE)
    identity = _identity(calendar, calendar_name)
    warnings += _prune(calendar, name)
    for event in calendar.walk("VEVENT"):
        ics_bounds.check_event(event, name)
    _dates_as_dates(calendar)
    warnings += _deduplicate(calendar, name, overrides=False)  # the series kept gives its zone
    warnings += _localise(calendar, name)
    warnings += _deduplicate(calendar, name, overrides=True)
    _until_whole_day(calendar)
    warnings += _exdate_whole_day(calendar, window)
    _exdate_on_days(calendar)
    warnings += _named_days(calendar, window)
    zone, _unknown = _declared_zone(calendar)
    if zone is not None and calendar.get("X-WR-TIMEZONE") is not None:
        calendar = x_wr_timezone.to_standard(calendar, timezone=zone)
    _refuse_recurrence_kind(calendar, name)
    warnings += _moved_recurrence_ids(calendar, window)
    warnings += _override_lengths(calendar, name)
    events = calendar.walk("VEVENT")
    masters, overrides, explicit, excluded, spans = _sort_events(events, name)
    over = ics_bounds.check_total(spans, window, _MARGIN, max_occurrences, name)
    occurrences = {
        key: occ
        for key, occ in explicit.items()
        if key[0] not in masters and occ.start < window[1] and occ.end > window[0]
    }
    if over is not None and len(occurrences) > max_occurrences:  # single events: exact
        raise over
    limits = (max_occurrences, len(occurrences))
    found, elsewhere = _expand(calendar, window, (masters, overrides), name, limits, over)
    occurrences.update(found)
    known = occurrences.keys() | elsewhere.keys() | explicit.keys() | excluded.keys()
    missing = sorted(key for key in wanted if key[1] and key[0] in masters and key not in known)
    elsewhere.update(_locate(calendar, (masters, overrides), missing, name))
    warnings += _lengthless(events, occurrences)
    warnings += _zero_periods(masters, occurrences, name)
    too_long = _drop_too_long(occurrences, explicit, events, warnings)
    elsewhere = {k: o for k, o in elsewhere.items() if not rules.too_long(o.start, o.end)}
    series = {uid: _version(master, name) for uid, master in masters.items()}
    starts = {uid: to_db(_as_utc(m.decoded("DTSTART"))) for uid, m in masters.items()}
    return ParsedCalendar(
        occurrences, explicit, warnings, excluded, identity, too_long, series, elsewhere, starts
    )


def _drop_too_long(
    occurrences: dict[tuple[str, str], Occurrence],
    explicit: dict[tuple[str, str], Occurrence],
    events: list[Any],
    warnings: list[Notice],
) -> set[tuple[str, str]]:
    """Take out every event and occurrence longer than an activity may last (a 14-day
    holiday, a 10-day trip): every laptop refuses such an activity, so it is never stored.
    The rest of the file is imported; a warning per event names it, its length and the
    limit. Returns the keys taken out."""
    keys = {
        key
        for found in (occurrences, explicit)
        for key, occ in found.items()
        if too_long(occ.start, occ.end)
    }
    limit = int(MAX_ACTIVITY.total_seconds() // 3600)
    for uid in sorted({uid for uid, _recurrence in keys}):
        mine = [k for k in keys if k[0] == uid]
        longest = max(
            (occurrences.get(k) or explicit[k] for k in mine), key=lambda o: o.end - o.start
        )
        event = next(e for e in events if str(e["UID"]) == uid)
        warnings.append(
            notice(
                "calendar_event_too_long",
                event=_describe(event),
                start=longest.start.astimezone(UTC),
                end=longest.end.astimezone(UTC),
                occurrences=len(mine),
                limit=limit,
            )
        )
    for key in keys:
        occurrences.pop(key, None)
        explicit.pop(key, None)
    return keys


def _sort_events(
    events: list[Any], name: str
) -> tuple[
    dict[str, Any],
    dict[tuple[str, str], Any],
    dict[tuple[str, str], Occurrence],
    dict[tuple[str, str], Version],
    list[tuple[Any, datetime, datetime, bool]],
]:
    """The file's events by their part: series masters (by UID), overridden occurrences (by
    key), single events and overrides as occurrences (by key), the occurrences a master
    excludes (EXDATE, by key, with the master's version), and every event with its start and
    end (UTC) and whether it recurs (for ``ics_bounds.check_total``)."""
    masters: dict[str, Any] = {}
    overrides: dict[tuple[str, str], Any] = {}
    explicit: dict[tuple[str, str], Occurrence] = {}
    excluded: dict[tuple[str, str], Version] = {}
    spans: list[tuple[Any, datetime, datetime, bool]] = []
    singles: dict[str, Any] = {}
    for event in events:
        start, end, _assumed = _span(event, name)
        uid = str(event["UID"])
        if event.get("RECURRENCE-ID") is not None:
            key = (uid, to_db(_as_utc(event["RECURRENCE-ID"].dt)))
            overrides[key] = event
            explicit[key] = _occurrence(event, *key, name)
            spans.append((event, start, end, False))
        elif event.get("RRULE") is not None or event.get("RDATE") is not None:
            masters[uid] = event
            for value in _as_list(event.get("EXDATE")):
                for item in value.dts:
                    excluded[(uid, to_db(_as_utc(item.dt)))] = _version(event, name)
            spans.append((event, start, end, True))
        else:
            explicit[(uid, "")] = _occurrence(event, uid, "", name)
            singles[uid] = event
            spans.append((event, start, end, False))
    _override_singles(singles, overrides, explicit, name)
    return masters, overrides, explicit, excluded, spans


def _override_singles(
    singles: dict[str, Any],
    overrides: dict[tuple[str, str], Any],
    explicit: dict[tuple[str, str], Occurrence],
    name: str,
) -> None:
    """An override of a single event (its UID, a RECURRENCE-ID of its start) replaces it, as
    an override replaces a series' occurrence: one occurrence, under the single event's key
    (so an activity imported before the override is moved, not doubled)."""
    for (uid, rid), override in overrides.items():
        single = singles.get(uid)
        if single is None or to_db(_as_utc(single.decoded("DTSTART"))) != rid:
            continue
        del explicit[(uid, rid)]
        explicit[(uid, "")] = _occurrence(override, uid, "", name)


def _expand(
    calendar: Any,
    window: tuple[datetime, datetime],
    parts: tuple[dict[str, Any], dict[tuple[str, str], Any]],
    name: str,
    limits: tuple[int, int],
    over: BadInput | None,
) -> tuple[dict[tuple[str, str], Occurrence], dict[tuple[str, str], Occurrence]]:
    """The series' occurrences overlapping the window, and those outside it in its margin
    (``parts``: the masters by UID and the overrides by key), expanded lazily within
    ``ics_bounds.expansion_budget``. An occurrence moved further out of the window, however
    far, is found by ``_locate`` when an activity imported before names it (rev16q: the
    window widened by THISANDFUTURE shifts up to 62 days, ``_reach``, is gone).
    ``limits``: the file's limit and its single events in the window. Once the limit is passed
    the expansion goes on only to learn whether the count is complete: then the refusal gives
    the exact total and the event with the most; when one more occurrence in the window
    follows, the refusal is ``over`` (the bound from the rules) and nothing more is expanded."""
    import recurring_ical_events

    _exact_recurrence_ids()
    masters, overrides = parts
    limit, singles = limits
    found: dict[tuple[str, str], Occurrence] = {}
    elsewhere: dict[tuple[str, str], Occurrence] = {}
    build = _Builder(masters, overrides, name)
    per_uid: dict[str, int] = {}
    cap = ics_bounds.OccurrenceCap(window, limit - singles)
    passed = False
    current: Any = None  # the series being expanded: named when the library fails on it
    try:
        with ics_bounds.expansion_budget():
            query = recurring_ical_events.CalendarQuery(calendar, components=("VEVENT",))
            for series in query.series:  # lazily, so a file over the limit stops early
                current = masters.get(str(series.uid))
                if current is None:
                    continue  # a single event, or an override of a series not in the file
                lo, hi = window[0] - _MARGIN, window[1] + _MARGIN
                for one in series.between(lo, hi):
                    if passed:  # past the limit: only whether the count is complete
                        if cap.more(_as_utc(one.start), _as_utc(one.end)):
                            raise over or _over_limit(name, limit)
                        continue
                    event = one.as_component(query.keep_recurrence_attributes)
                    start, end = build.when(event, one)
                    if not _overlaps(start, end, window):  # outside: counted only
                        passed = cap.passed(_as_utc(start), _as_utc(end))
                        moved = build.outside(event, one)
                        if moved is not None and moved.key not in found:
                            elsewhere.setdefault(moved.key, moved)
                        continue
                    occ = build.inside(event, one)
                    passed = cap.passed(occ.start, occ.end)
                    if occ.start < window[1] and occ.end > window[0]:
                        _refuse_collision(found.get(occ.key), occ, event, name)
                        found[occ.key] = occ
                        elsewhere.pop(occ.key, None)
                        per_uid[occ.uid] = per_uid.get(occ.uid, 0) + 1
                    elif occ.key not in found:
                        elsewhere.setdefault(occ.key, occ)
    except BadInput:
        raise
    except ics_bounds.ExpansionTooLong as exc:
        raise ics_bounds.stopped(name, exc) from None
    except Exception as exc:
        if _our_fault(exc):  # a bug of Schildwacht's own code is a bug, not a bad calendar
            raise
        event = _describe(current) if current is not None else None
        message = _excerpt(exc, 300)
        raise BadInput(
            code="calendar_bad_recurrence", file=name, event=event, reason=message
        ) from None
    if passed:
        total = singles + cap.inside
        raise _too_many(name, total, limit, window, _most(per_uid, list(masters.values())))
    return found, elsewhere


def _locate(
    calendar: Any,
    parts: tuple[dict[str, Any], dict[tuple[str, str], Any]],
    keys: list[tuple[str, str]],
    name: str,
) -> dict[tuple[str, str], Occurrence]:
    """Where the file now has each occurrence ``keys`` names (UID, original time), for those
    the window's expansion did not meet: each is evaluated on its own, expanding its series
    only around its original time moved by no shift and by each ``RANGE=THISANDFUTURE``
    change of its series from before it (the library applies the change; its overrides and
    EXDATEs too), within the import's expansion budget. A key found is still in the file,
    with its new time; one not found the file provably no longer holds (the rule does not
    give it, or it is excluded) — never "not found within a reach" (rev16q).

    Args:
        calendar: the calendar, localised.
        parts: the masters by UID and the overrides by key.
        keys: the keys to look up, each of a series in the file.
        name: the file's name.

    Returns:
        The occurrences found, by their keys.
    """
    import recurring_ical_events

    masters, overrides = parts
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for uid, rid in keys:
        original = from_db(rid)
        shifts = {timedelta(0)} | {
            _moved_by(event)
            for (other, at), event in overrides.items()
            if other == uid and _this_and_future(event) and from_db(at) <= original
        }
        spans.setdefault(uid, []).extend(
            (original + by - _MARGIN, original + by + _MARGIN) for by in shifts
        )
    found: dict[tuple[str, str], Occurrence] = {}
    if not spans:
        return found
    wanted, build = set(keys), _Builder(masters, overrides, name)
    try:
        query = recurring_ical_events.CalendarQuery(calendar, components=("VEVENT",))
        for series in query.series:
            uid = str(series.uid)
            if uid not in spans or uid not in masters:
                continue
            for lo, hi in _merged(spans[uid]):
                for one in series.between(lo, hi):
                    event = one.as_component(query.keep_recurrence_attributes)
                    build.when(event, one)
                    occ = build.outside(event, one)
                    if occ is not None and occ.key in wanted:
                        found.setdefault(occ.key, occ)
    except (BadInput, ics_bounds.ExpansionTooLong):
        raise
    except Exception as exc:
        if _our_fault(exc):
            raise
        raise BadInput(
            code="calendar_bad_recurrence", file=name, event=None, reason=_excerpt(exc, 300)
        ) from None
    return found


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The spans, overlapping ones joined, in order (each is expanded once)."""
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _refuse_moved_into_gap(event: Any, override: Any, recurrence: str, name: str) -> None:
    """A later occurrence that a ``RANGE=THISANDFUTURE`` change moves into the hour the spring
    clock change skips is refused naming the change's DTSTART as the file writes it and the
    occurrence it moved (rev16p: it named a DTSTART that is nowhere in the file)."""
    start = event.decoded("DTSTART")
    if not isinstance(start, datetime) or not _skipped(start):
        return
    written = override.decoded("DTSTART")
    if to_db(_as_utc(override["RECURRENCE-ID"].dt)) == recurrence:
        return  # the change's own occurrence: its DTSTART is refused as written (_span)
    raise BadInput(
        code="calendar_moved_into_skipped_hour",
        file=name,
        event=_describe(override),
        written=written.replace(tzinfo=None).isoformat(" "),
        original=_original_text(override, recurrence, start),
        moment=start.replace(tzinfo=None).isoformat(" "),
        zone=_zone_name(override, "DTSTART", start),
    )


def _original_text(override: Any, recurrence: str, start: datetime) -> str:
    """The occurrence a change moved, as a person reads it: its day for a series of days
    (rev16q F31: not "2027-03-28 00:00:00"), else its wall time in the series' zone."""
    original = from_db(recurrence)
    if not isinstance(override["RECURRENCE-ID"].dt, datetime):
        return original.astimezone(LOCAL_TZ).date().isoformat()
    return original.astimezone(start.tzinfo).replace(tzinfo=None).isoformat(" ")


def _timed_like(event: Any, override: Any) -> None:
    """A later occurrence of a series of dates that a timed ``RANGE=THISANDFUTURE`` override
    changed (10:00–12:00 from the 24th on) takes the override's wall time and length on its own
    day, as Google Calendar and Outlook show it; recurring-ical-events gives it as a date of no
    length (rev16p: 00:00–02:00 and a false "has no length" warning)."""
    start = event.decoded("DTSTART")
    given = override.decoded("DTSTART")
    if isinstance(start, datetime) or not isinstance(given, datetime):
        return
    moved = datetime.combine(start, given.time(), tzinfo=given.tzinfo)
    length = _span(override, "")[1] - _span(override, "")[0]
    for prop in ("DTSTART", "DTEND", "DURATION"):
        event.pop(prop, None)
    event.add("DTSTART", moved)
    event.add("DTEND", moved + length)


class _Builder:
    """Makes the occurrences of an expansion (``_expand``): each with its own key and the
    length of the part it comes from (its override, or the series; an RDATE period its own)."""

    def __init__(
        self, masters: dict[str, Any], overrides: dict[tuple[str, str], Any], name: str
    ) -> None:
        self.masters, self.overrides, self.name = masters, overrides, name
        self.lengths: dict[int, timedelta | None] = {}
        self.periods = {uid: _period_lengths(m, name) for uid, m in masters.items()}

    def when(self, event: Any, one: Any) -> tuple[datetime | date, datetime | date]:
        """The start and end of the occurrence ``one`` (its component ``event``) as the
        calendar shows it: a day of a series of dates that a timed THISANDFUTURE change moved
        is that change's time on the day (``_timed_like``), not a day of no length."""
        uid = str(event["UID"])
        source = _source(event, uid, self.masters, self.overrides)
        if source is self.masters.get(uid) or not _this_and_future(source):
            return one.start, one.end
        _timed_like(event, source)
        start = event.decoded("DTSTART")
        if not isinstance(start, datetime):
            return one.start, one.end
        return start, event.decoded("DTEND")

    def inside(self, event: Any, one: Any) -> Occurrence:
        """The occurrence ``one`` (its component ``event``) in or near the window."""
        uid, name = str(event["UID"]), self.name
        source = _source(event, uid, self.masters, self.overrides)
        if id(source) not in self.lengths:
            self.lengths[id(source)] = _length(source, name)
        _refuse_skipped_rdate(source, name, one.start)
        recurrence = _recurrence_key(event, self.overrides)
        length = self.lengths[id(source)]
        master = self.masters.get(uid)
        if source is not master and _this_and_future(source):
            _timed_like(event, source)
            _refuse_moved_into_gap(event, source, recurrence, name)
        own = self.periods[uid].get(to_db(_as_utc(one.start)))
        if source is master and own:  # an RDATE period keeps its length
            length = own
        occ = _occurrence(event, uid, recurrence, name, length, master)
        if source is master:
            occ = replace(occ, from_master=True)
        if source is master and own is not None and not own:
            # a period of no length keeps the series' (``_zero_periods`` says so)
            occ = replace(occ, assumed_length=_span(source, name)[2])
        return occ

    def outside(self, event: Any, one: Any) -> Occurrence | None:
        """The occurrence ``one`` outside the window, or None when it cannot be read there (an
        occurrence outside the window is never the import's to refuse)."""
        try:
            return self.inside(event, one)
        except BadInput:
            return None


def _our_fault(exc: BaseException) -> bool:
    """Whether ``exc`` was raised in Schildwacht's own code (the innermost frame of its
    traceback lies in Schildwacht's source), not in a library reading the calendar. Only a library's
    failure on the file is a bad calendar; ours (an AttributeError of a date taken for a
    date-time, rev16n) must surface as the bug it is, never as a refusal of the file."""
    frame = exc.__traceback__
    if frame is None:
        return False
    while frame.tb_next is not None:
        frame = frame.tb_next
    path = Path(frame.tb_frame.f_code.co_filename).resolve()
    return path.is_relative_to(_OURS) and "site-packages" not in path.parts


_OURS = Path(__file__).resolve().parent.parent  # store/, words/, commands/ (and their tests)


@functools.cache
def _exact_recurrence_ids() -> None:
    """Make recurring-ical-events match a RECURRENCE-ID, an EXDATE or an RDATE's period to an
    occurrence by its exact instant. It keys every zoned time by its UTC clock time *and* its
    wall time, so an id of 09:00 (+02:00) also named the occurrence at 11:00 (09:00 UTC) of a
    twice-daily or hourly series: that one was dropped silently, and a later import cancelled
    it as removed (rev16k). ``_localise`` gives every time its zone, so the instant alone is
    the occurrence; a date (or a floating time, which ``_localise`` leaves none of) keeps the
    library's key."""
    from recurring_ical_events import util
    from recurring_ical_events.adapters import component
    from recurring_ical_events.series import rrule

    library = util.to_recurrence_ids

    def exact(time: Any) -> tuple[datetime, ...]:
        if isinstance(time, datetime) and time.tzinfo is not None:
            return (time.astimezone(UTC).replace(tzinfo=None),)
        return tuple(library(time))

    for module in (rrule, component):
        module.to_recurrence_ids = exact


def _refuse_collision(before: Occurrence | None, occ: Occurrence, event: Any, name: str) -> None:
    """Two occurrences of a series under one recurrence id (an override the expansion put in
    the place of two occurrences): one would be lost silently, so the file is refused."""
    if before is None or (before.start, before.end) == (occ.start, occ.end):
        return
    raise BadInput(
        code="calendar_occurrences_collide",
        file=name,
        event=_describe(event),
        recurrence=from_db(occ.recurrence),
    )


def _overlaps(
    start: datetime | date, end: datetime | date, window: tuple[datetime, datetime]
) -> bool:
    """Whether an occurrence as expanded (its own zone) may overlap the window: a skipped wall
    time is read here with either offset, so that the refusal of it (``_refuse_skipped``) is
    never missed, nor made for an occurrence outside the window."""
    lo = min(
        _as_utc(start),
        _as_utc(start.replace(fold=1)) if isinstance(start, datetime) else _as_utc(start),
    )
    hi = max(
        _as_utc(end), _as_utc(end.replace(fold=1)) if isinstance(end, datetime) else _as_utc(end)
    )
    return lo < window[1] and hi > window[0]


def _too_many(
    name: str, total: int, limit: int, window: tuple[datetime, datetime], most: str
) -> BadInput:
    """The refusal of a file that gives exactly ``total`` occurrences in the window, more than
    ``limit``; ``most`` names the event that gives most of them."""
    first = window[0].astimezone(LOCAL_TZ).date()
    last = (window[1] - timedelta(seconds=1)).astimezone(LOCAL_TZ).date()
    head = f"{name} gives {total:,} occurrences from {first} to {last}"
    return BadInput(code="more_occurrences_than_limit", head=head, limit=limit, most=most)


def _over_limit(name: str, limit: int) -> BadInput:
    """The refusal of a file past its limit when the rules' bound did not see it coming (a
    safeguard: that bound is never below the real count)."""
    return BadInput(code="occurrences_over_limit", file=name, limit=limit)


def _ends_before(
    name: str, event: Any, given: str, start: datetime | date, prop: str = "DTSTART"
) -> BadInput:
    """The refusal of an event (or one of its RDATE periods) that ends before it starts;
    ``prop``: the property the start is written in."""
    return BadInput(
        code="calendar_ends_before_start",
        file=name,
        event=_describe(event),
        given=given,
        start=start.isoformat(),
        prop=prop,
    )


def _lengthless(events: list[Any], occurrences: dict[tuple[str, str], Occurrence]) -> list[Notice]:
    """A warning per event imported with the assumed length (it gave none)."""
    minutes = int(ASSUMED_LENGTH.total_seconds() // 60)
    return [
        notice(
            "calendar_event_without_length",
            event=_describe(next(e for e in events if str(e["UID"]) == uid)),
            minutes=minutes,
        )
        for uid in sorted({o.uid for o in occurrences.values() if o.assumed_length})
    ]


def _source(
    event: Any, uid: str, masters: dict[str, Any], overrides: dict[tuple[str, str], Any]
) -> Any:
    """The component an expanded occurrence comes from: its override (or the
    RANGE=THISANDFUTURE override it follows), else the series."""
    prop = event.get("RECURRENCE-ID")
    if prop is not None:
        found = overrides.get((uid, to_db(_as_utc(prop.dt))))
        if found is not None:
            return found
    return masters[uid]


def _most(per_uid: dict[str, int], events: list[Any]) -> str:
    """Which event gives most of a file's occurrences (it alone may be within the limit)."""
    if not per_uid:
        return ""
    worst = max(sorted(per_uid), key=lambda u: per_uid[u])
    event = next(e for e in events if str(e["UID"]) == worst)
    return f"; most of them ({per_uid[worst]:,}) from {_describe(event)}"


# Importing -----------------------------------------------------------------------------------


def import_window(
    store: Store,
    start: date | None = None,
    end: date | None = None,
    days: int | None = None,
) -> tuple[datetime, datetime]:
    """The import window.

    Args:
        store: the database (its clock gives today).
        start: the first local day; None for today.
        end: the last local day (inclusive), or None.
        days: how many local days instead of ``end``: 1 to 730; 90 when neither is given.

    Returns:
        From the start of local day ``start`` to the end of the last day, aware UTC.

    Raises:
        BadInput: both ``end`` and ``days``; an end before the start; days out of range.
    """
    first = start or store.clock.now().astimezone(LOCAL_TZ).date()
    validate.day(first, FIELDS["from"])
    if end is not None and days is not None:
        raise BadInput(code="window_end_twice")
    if end is not None:
        validate.day(end, FIELDS["to"])
        if end < first:
            raise BadInput(code="window_end_before_start")
        last = end + timedelta(days=1)
    else:
        count = DEFAULT_DAYS if days is None else days
        if not 1 <= count <= MAX_DAYS:
            raise BadInput(code="window_days_out_of_range", most=MAX_DAYS)
        last = first + timedelta(days=count)
        if days is None:  # the default window ends with the time range (as ``gaps`` does)
            last = min(last, validate.LATEST_DAY + timedelta(days=1))
    if (last - first).days > MAX_DAYS:
        raise BadInput(code="window_too_long", days=MAX_DAYS)
    validate.day(last - timedelta(days=1), FIELDS["to" if days is None else "days_end"])
    return day_bounds(first)[0], day_bounds(last)[0]


def import_ics(
    store: Store,
    path: Path,
    *,
    person: str,
    start: date | None = None,
    end: date | None = None,
    days: int | None = None,
    max_occurrences: int = DEFAULT_MAX_OCCURRENCES,
    calendar: str | None = None,
) -> ImportResult:
    """Import ``path`` into ``person``'s agenda over the window, all or nothing (the module
    docstring says how); raises ``BadInput`` naming file, event, property; PermissionDenied.

    Args:
        path, person: the iCalendar file; the subject's code name.
        start, end, days: the window's first and last local day (None: today; none), or
            ``days`` local days instead of ``end`` (1 to 730; 90 when neither is given).
        max_occurrences, calendar: the most occurrences it may expand to; its calendar's name.

    Returns:
        The ``ImportResult``: the window (aware UTC), one ``ImportItem`` per event considered with
        what was done (added, updated, unchanged, cancelled, removed…), the ids to re-plan and the
        warnings as ``Notice`` facts. On a refusal nothing was imported.

    Raises:
        PermissionDenied: the acting person's role (or this laptop's) may not write activities.
        NotFound: no subject has that code name.
        BadInput: the file cannot be read (not a regular file, too large, not text in a known
            encoding) or is not a calendar; an event, property or recurrence the import cannot take
            (the message names the file, event and property); a window outside 1 to 730 days or the
            time range; ``max_occurrences`` out of range, or more occurrences in the window than it
            allows.
    """
    name = Path(path).name
    detail: dict[str, Any] = {"file": name}
    with store.write("activity.import_ics", None, detail, require="activity.write") as conn:
        subject = get_subject(store, person)
        store.target(subject.id)
        validate.integer(max_occurrences, FIELDS["max_occurrences"], low=1, high=MAX_MAX)
        window = import_window(store, start, end, days)
        existing = _imported_rows(conn, subject.id)
        wanted = frozenset(
            (k[0], k[1] or row["start_at"])
            for k, row in existing.items()
            if _in_window(row, window)
        )
        parsed = parse_calendar(Path(path), window, max_occurrences, calendar, wanted)
        _same_meeting(existing, parsed, store.now())
        detail["calendar"] = parsed.calendar
        result = ImportResult(window=window, warnings=parsed.warnings, calendar=parsed.calendar)
        run = _Run(store, subject.id, name, parsed.calendar, result)
        run.conn = conn
        for occ in sorted(parsed.occurrences.values(), key=lambda o: (o.start, o.key)):
            row = existing.get(occ.key)
            if row is not None:
                result.items.append(run.apply(row, occ))
            elif not occ.cancelled:
                run.add(occ)
        _not_in_file(run, existing, parsed, window)
        result.warnings += _double_booked(store, result.items)
    return result


def _same_meeting(
    existing: dict[tuple[str, str], Any], parsed: ParsedCalendar, now: datetime
) -> None:
    """An event made recurring keeps its UID (Apple, Google, Outlook), and a series may become
    one event again: the activity of the single event *is* the series' occurrence at its start
    (its RECURRENCE-ID), and the other way round, so it is kept with its concept and
    deployments rather than removed and copied unstaffed (rev16q). ``existing`` is re-keyed in
    place for this import (the stored key stays: it is the row's identity on every laptop).
    The occurrence is the one at the activity's start, or the one at the time the calendar
    last gave it (a planner's move); failing both (the start changed too, rev16u F1), the one
    at the series' start (its DTSTART) for an event made recurring, and the single event for
    the series' first occurrence imported (its earliest RECURRENCE-ID) for a series made one
    event again: the activity is then moved there (a correction, flagged for review). Only a
    file not older than the activity does so. An event made recurring is moved only to an
    occurrence inside the import window and not in the past (``now``): the one at the series'
    start when it is such, else the one nearest its own start; with none, it stays where it
    is (``_not_in_file``: kept, flagged for re-planning when staffed; rev16v c4/c6)."""
    for pass_ in ("time", "start"):
        for key, row in list(existing.items()):
            pool = _meeting_pool(key, row, existing, parsed)
            if pool is None:
                continue
            other = _same_time(key, row, pool, existing)
            if other is None and pass_ == "start":
                other = _series_start(key, row, existing, parsed, now)
            if other is not None:
                del existing[key]
                existing[(key[0], "") if key[1] else other] = row


def _meeting_pool(
    key: tuple[str, str],
    row: Any,
    existing: dict[tuple[str, str], Any],
    parsed: ParsedCalendar,
) -> dict[tuple[str, str], Occurrence] | None:
    """The occurrences an imported activity may be the same meeting as (``_same_meeting``):
    for a single event's activity whose UID is now a series, the series' occurrences; for a
    series' occurrence whose UID is now one event, that event under the occurrence's key;
    None otherwise or when the file is older than the activity."""
    uid, rid = key
    if not rid and key not in parsed.explicit and uid in parsed.series:
        if older(parsed.series[uid], _stored_version(row)):
            return None
        return {**parsed.elsewhere, **parsed.occurrences}
    if rid and (uid, "") in parsed.explicit and uid not in parsed.series:
        single = parsed.explicit[(uid, "")]
        if (uid, "") in existing or older(single.version, _stored_version(row)):
            return None
        return {key: single}
    return None


def _same_time(
    key: tuple[str, str],
    row: Any,
    pool: dict[tuple[str, str], Occurrence],
    existing: dict[tuple[str, str], Any],
) -> tuple[str, str] | None:
    """The key in ``pool`` of the occurrence at the activity's start or original time, or at
    the time the calendar last gave it; None when there is none."""
    uid, rid = key
    hash_time = (row["source_hash"] or "")[:16]
    for other, occ in sorted(pool.items()):
        if other[0] != uid or (other in existing and other != key):
            continue
        at = to_db(occ.start)
        same = at in (rid, row["start_at"]) if rid else row["start_at"] in (other[1], at)
        if same or occ.digest[:16] == hash_time:
            return other
    return None


def _series_start(
    key: tuple[str, str],
    row: Any,
    existing: dict[tuple[str, str], Any],
    parsed: ParsedCalendar,
    now: datetime,
) -> tuple[str, str] | None:
    """The key the activity is the same meeting as when no time matches: for a single event's
    activity, an occurrence of the series inside the window and not in the past (``now``) —
    the one at its DTSTART when it is such, else the one nearest the activity's start (then
    the earlier) — or None; for a series made one event again, the single event when the
    activity is the earliest occurrence imported."""
    uid, rid = key
    if not rid:
        free = {
            k: occ
            for k, occ in parsed.occurrences.items()
            if k[0] == uid and k not in existing and occ.start >= now
        }
        first = (uid, parsed.starts.get(uid, ""))
        if first in free:
            return first
        was = from_db(row["start_at"])
        return min(free, key=lambda k: (abs(free[k].start - was), free[k].start), default=None)
    earliest = min(r for u, r in existing if u == uid and r)
    return key if rid == earliest else None


def _imported_rows(conn: Any, subject_id: str) -> dict[tuple[str, str], Any]:
    """The subject's activities imported from calendars, by (UID, recurrence id or '')."""
    return {
        (r["source_uid"], r["source_recurrence"] or ""): r
        for r in conn.execute(
            "SELECT id, source_uid, source_recurrence, source_sequence, source_modified,"
            " source_calendar, source_hash, title, start_at, end_at, location, status,"
            " concept, kind"
            " FROM activity WHERE subject_id = ? AND source_uid IS NOT NULL",
            (subject_id,),
        )
    }


def _not_in_file(
    run: _Run,
    existing: dict[tuple[str, str], Any],
    parsed: ParsedCalendar,
    window: tuple[datetime, datetime],
) -> None:
    """The imported activities the file no longer holds in the window: changed when still in
    the file outside the window (an override, or an occurrence a THISANDFUTURE change moved
    out of it, ``ParsedCalendar.elsewhere``); cancelled when the file excludes them, or their
    series is in the file (a master not older than what was imported: a SEQUENCE bump or not,
    a shorter COUNT, another weekday) and no longer gives them, or (for a named calendar)
    removed from it; kept as they are otherwise (a file naming no calendar keeps events it
    does not hold)."""
    for key, row in existing.items():
        if key in parsed.occurrences or key in parsed.too_long:
            continue
        cancelled = row["status"] == "cancelled"
        if key in parsed.excluded and (
            cancelled or not superseded(parsed.excluded[key], _stored_version(row), True)
        ):  # an EXDATE of a newer master wins over its override still in the file, as the
            # expansion (a fresh import) has it (rev16u F2); what it cancelled stays so
            if not cancelled and run.cancel(row, calendar_note("cancelled", run.name), None):
                run.result.items.append(run.item(row, "cancelled"))
        elif key in parsed.explicit:  # still in the file, outside the window: changes only
            item = run.apply(row, parsed.explicit[key])
            if item.action != "unchanged":
                run.result.items.append(item)
        elif cancelled or key in parsed.excluded or not _in_window(row, window):
            continue
        elif key in parsed.elsewhere:  # its series moved it out of the window: moved there
            item = run.apply(row, parsed.elsewhere[key])
            if item.action != "unchanged":
                run.result.items.append(item)
        elif not key[1] and key[0] in parsed.series and _staffed(run, row):
            # an event made recurring with no occurrence in the window and not in the past to
            # be moved to (``_same_meeting``): kept where it is, flagged for re-planning —
            # never lost, never moved into the past (rev16v c4/c6)
            run.flag(row)
            run.result.items.append(run.item(row, "unchanged"))
        elif (
            key[1]
            and (whole := _whole(parsed, key[0])) is not None
            and not older(whole, _stored_version(row))
        ):  # a series in the file is authoritative for its own UID, calendar named or not;
            # so is a single event of that UID (a series made one event again)
            note = calendar_note("removed_from_series", run.name)
            if run.cancel(row, note, None, whole):
                run.result.items.append(run.item(row, "removed"))
        elif (
            parsed.calendar is not None
            and row["source_calendar"] == parsed.calendar
            and run.cancel(row, calendar_note("removed", run.name), None)
        ):
            run.result.items.append(run.item(row, "removed"))


def _staffed(run: _Run, row: Any) -> bool:
    """Whether the activity has a concept or an officer deployed on it."""
    return bool(row["concept"]) or bool(
        run.conn.execute("SELECT 1 FROM deployment WHERE activity_id = ?", (row["id"],)).fetchone()
    )


def _whole(parsed: ParsedCalendar, uid: str) -> Version | None:
    """The version of what the file says of a UID as a whole: its series master, or its
    single event (no longer a series); None when it has neither."""
    if uid in parsed.series:
        return parsed.series[uid]
    single = parsed.explicit.get((uid, ""))
    return None if single is None else single.version


def _double_booked(store: Store, items: list[ImportItem]) -> list[Notice]:
    """A warning per officer an updated or reinstated activity now double-books (not refused:
    the calendar may move an activity; the violations list it), ``calendar_double_booked``."""
    from .roster import double_bookings

    changed = [i.activity_id for i in items if i.action in ("updated", "reinstated")]
    return [notice("calendar_double_booked", **p.params) for p in double_bookings(store, changed)]


#: How a correction that reinstates an activity begins (the other corrections are mistakes
#: put right, or a calendar's change of time or place): the rule table's, which the importer
#: judges a reinstatement by.
REINSTATED = rules.REINSTATED


#: How a calendar ended an activity (its cancellation's ``ending``): the event was cancelled
#: in it, removed from its series, or removed from the calendar.
CALENDAR_ENDINGS = ("cancelled", "removed_from_series", "removed")


@dataclass(frozen=True)
class CalendarEnding:
    """How a calendar cancelled an activity, the facts its restriction's note keeps.

    Attributes:
        ending: one of ``CALENDAR_ENDINGS``.
        file: the calendar file's name (as the person gave it, made visible).
    """

    ending: str
    file: str


def calendar_note(how: str, name: str) -> str:
    """The note of a restriction by which a calendar cancels an activity: its two facts, the
    ending and the file's name, as canonical JSON (a note is synced and kept for good, so it
    holds no words; ``calendar_ending`` reads it back, words/calendar.py words it).

    Args:
        how: one of ``CALENDAR_ENDINGS``.
        name: the calendar file's name (as the person gave it, made visible).

    Returns:
        The note.
    """
    facts = {"ending": how, "file": name}
    return json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def calendar_ending(authority: str, note: str) -> CalendarEnding | None:
    """How a calendar cancelled an activity, from its restriction's authority and note; None
    for any other restriction (its note is a person's own text, shown as written) and for a
    calendar note of an older version (shown as it was written).

    Args:
        authority: the restriction's deciding authority.
        note: its note.

    Returns:
        The ending and file, or None.
    """
    if authority != CALENDAR_AUTHORITY or not note.startswith('{"ending":'):
        return None
    try:
        facts = json.loads(note)
    except ValueError:
        return None
    if not isinstance(facts, dict) or set(facts) != {"ending", "file"}:
        return None
    if facts["ending"] not in CALENDAR_ENDINGS or not isinstance(facts["file"], str):
        return None
    return CalendarEnding(facts["ending"], facts["file"])


def _in_window(row: Any, window: tuple[datetime, datetime]) -> bool:
    """Whether the activity overlaps the window where it is now or, for an occurrence of a
    series, at its original time (its RECURRENCE-ID, with its length): what the file holds is
    judged where the file puts it, not where a planner moved it (rev16u F3)."""
    lo, hi = to_db(window[0]), to_db(window[1])
    if row["start_at"] < hi and row["end_at"] > lo:
        return True
    rid = row["source_recurrence"]
    if not rid:
        return False
    original = from_db(rid)
    length = from_db(row["end_at"]) - from_db(row["start_at"])
    return original < window[1] and original + length > window[0]


def _stored_version(row: Any) -> Version:
    return (row["source_sequence"] or 0, row["source_modified"])


@dataclass
class _Run:
    """One import's writes, inside its transaction (``conn``)."""

    store: Store
    subject_id: str
    name: str
    calendar: str | None
    result: ImportResult
    conn: Any = None

    def item(self, row: Any, action: str) -> ImportItem:
        """The receipt row of a stored activity, with its stored title and time."""
        current = self.conn.execute(
            "SELECT title, start_at FROM activity WHERE id = ?", (row["id"],)
        ).fetchone()
        uid, recurrence = row["source_uid"], row["source_recurrence"] or ""
        return ImportItem(
            row["id"], uid, recurrence, action, current["title"], from_db(current["start_at"])
        )

    def add(self, occ: Occurrence) -> None:
        activity_id = uuid7()
        stamp = to_db(self.store.now())
        self.conn.execute(
            "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
            " status, source_uid, source_recurrence, source_sequence, source_modified,"
            " source_calendar, source_hash, created_at, created_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                activity_id,
                self.subject_id,
                occ.title,
                occ.kind,
                to_db(occ.start),
                to_db(occ.end),
                occ.location,
                occ.uid,
                occ.recurrence,
                occ.sequence,
                occ.modified,
                self.calendar,
                occ.digest,
                stamp,
                self.store.actor.callsign,
                stamp,
            ),
        )
        self.result.items.append(
            ImportItem(activity_id, occ.uid, occ.recurrence, "added", occ.title, occ.start)
        )

    def apply(self, row: Any, occ: Occurrence) -> ImportItem:
        """Bring an imported activity up to date with its event (the module's *Versions* and
        *Cancellations and reinstatements*). What changed is what the *calendar* changed
        since it was last imported: a person's restriction or correction of a part the
        calendar left alone stays."""
        if self.calendar is not None and row["source_calendar"] is None:
            self.conn.execute(  # imported before calendars were told apart: adopted
                "UPDATE activity SET source_calendar = ? WHERE id = ?", (self.calendar, row["id"])
            )
        cancelled = row["status"] == "cancelled"
        changed = _changed(row, occ)
        if superseded(occ.version, _stored_version(row), occ.from_master):
            if changed or occ.cancelled != cancelled:
                self.result.warnings.append(
                    self._warning(
                        "calendar_older_version",
                        row,
                        sequence=occ.sequence,
                        stamp=occ.modified,
                        stored_sequence=row["source_sequence"] or 0,
                        stored_stamp=row["source_modified"],
                    )
                )
            return self.item(row, "unchanged")
        if cancelled:
            if occ.cancelled:
                return self.item(row, "unchanged")
            by = self._cancelled_by(row["id"])
            if by:
                self.result.warnings.append(self._warning("calendar_stays_cancelled", row, **by))
                return self.item(row, "unchanged")
            reason = f"{REINSTATED} ({self.name}): the event is in it again."
            self._update(row, occ, changed, reason)
            self.conn.execute("UPDATE activity SET status = 'planned' WHERE id = ?", (row["id"],))
            return self.item(row, "reinstated")
        if occ.cancelled:
            cancelled = self.cancel(row, calendar_note("cancelled", self.name), occ)
            return self.item(row, "cancelled" if cancelled else "unchanged")
        if (
            "time" in changed
            and row["status"] == "done"
            and rules.done_before_end("done", occ.end, self.store.now())
        ):  # done holds only once it has ended: a later time would hide its re-planning
            self.result.warnings.append(
                self._warning("calendar_done_not_moved", row, to=occ.start.astimezone(UTC))
            )
            return self.item(row, "unchanged")
        if changed:
            # data on purpose: activity_correction.reason is synced free text (rules.REINSTATED)
            reason = f"Changed in the calendar ({self.name}, sequence {occ.sequence})."
            self._update(row, occ, changed, reason)
            return self.item(row, "updated")
        revised = occ.sequence > (row["source_sequence"] or 0)
        if revised or row["source_hash"] is None:  # a revision that changed nothing here, or
            version = occ.version if revised else _stored_version(row)  # a digest to keep
            self.conn.execute(
                "UPDATE activity SET source_sequence = ?, source_modified = ?, source_hash = ?"
                " WHERE id = ?",
                (*version, occ.digest, row["id"]),
            )
        return self.item(row, "unchanged")

    def flag(self, row: Any) -> None:
        """Flag the activity ``changed_externally`` for re-planning (its calendar changed it
        in a way the import does not carry out on it)."""
        self.conn.execute(
            "UPDATE activity SET review_reason = 'changed_externally', updated_at = ? WHERE id = ?",
            (to_db(self.store.now()), row["id"]),
        )
        if row["id"] not in self.result.replan:
            self.result.replan.append(row["id"])

    def _update(self, row: Any, occ: Occurrence, changed: set[str], reason: str) -> None:
        """The parts of the event the calendar changed, on the activity; a new time or place
        (or a reinstatement) is recorded as a correction (R5) and flags an activity with a
        concept for review."""
        old = (row["start_at"], row["end_at"], row["location"])
        new = (
            to_db(occ.start) if "time" in changed else row["start_at"],
            to_db(occ.end) if "time" in changed else row["end_at"],
            occ.location if "place" in changed else row["location"],
        )
        title, kind = (occ.title, occ.kind) if "text" in changed else (row["title"], row["kind"])
        reinstating = reason.startswith(REINSTATED)
        review = "changed_externally" if row["concept"] and (old != new or reinstating) else None
        if old != new or reinstating:
            insert_correction(self.conn, self.store, row["id"], old, new, reason)
        self.conn.execute(
            "UPDATE activity SET title = ?, kind = ?, start_at = ?, end_at = ?, location = ?,"
            " source_sequence = ?, source_modified = ?, source_hash = ?, updated_at = ?,"
            " review_reason = COALESCE(?, review_reason) WHERE id = ?",
            (
                title,
                kind,
                *new,
                occ.sequence,
                occ.modified,
                occ.digest,
                to_db(self.store.now()),
                review,
                row["id"],
            ),
        )
        if review and row["id"] not in self.result.replan:
            self.result.replan.append(row["id"])

    def cancel(
        self, row: Any, note: str, occ: Occurrence | None, version: Version | None = None
    ) -> bool:
        """Cancel an imported activity: a restriction (cancelled, the person's own choice, by
        the calendar, R5) and the status; ``occ`` (a cancelled event) gives the version and
        content, or ``version`` (of the series master that no longer gives it) the version,
        so an older export does not bring it back. An activity done here has taken place: no
        restriction is recorded (R5), a warning says so, and False is returned."""
        if row["status"] == "done":
            self.result.warnings.append(self._warning("calendar_done_stays_done", row))
            return False
        self.conn.execute(
            "INSERT INTO restriction (id, activity_id, kind, reason, authority, note,"
            " old_start_at, old_end_at, recorded_at, recorded_by, device)"
            " VALUES (?, ?, 'cancelled', 'tbp_choice', ?, ?, ?, ?, ?, ?, ?)",
            (
                uuid7(),
                row["id"],
                CALENDAR_AUTHORITY,
                note,
                row["start_at"],
                row["end_at"],
                to_db(self.store.now()),
                self.store.actor.callsign,
                self.store.device_id,
            ),
        )
        self.conn.execute(
            "UPDATE activity SET status = 'cancelled', updated_at = ? WHERE id = ?",
            (to_db(self.store.now()), row["id"]),
        )
        if occ is not None:
            self.conn.execute(
                "UPDATE activity SET source_sequence = ?, source_modified = ?, source_hash = ?"
                " WHERE id = ?",
                (occ.sequence, occ.modified, occ.digest, row["id"]),
            )
        elif version is not None:
            self.conn.execute(
                "UPDATE activity SET source_sequence = ?, source_modified = ? WHERE id = ?",
                (*version, row["id"]),
            )
        return True

    def _cancelled_by(self, activity_id: str) -> dict[str, str]:
        """Who cancelled the activity besides the calendar: the restriction's ``reason`` code
        and ``authority`` (empty when only the calendar did): a person's cancellation is never
        undone by a calendar."""
        other = self.conn.execute(
            "SELECT reason, authority FROM restriction WHERE activity_id = ? AND kind ="
            " 'cancelled' AND authority != ? ORDER BY recorded_at DESC, id DESC LIMIT 1",
            (activity_id, CALENDAR_AUTHORITY),
        ).fetchone()
        if other is None:
            return {}
        return {"reason": other["reason"], "authority": validate.visible(other["authority"])}

    def _warning(self, code: str, row: Any, **params: Any) -> Notice:
        """A warning about the activity ``row`` of this file: its title and start, the file's
        name, and ``params``."""
        return notice(
            code,
            title=validate.visible(row["title"])[:80],
            start=from_db(row["start_at"]),
            file=self.name,
            **params,
        )


def _changed(row: Any, occ: Occurrence) -> set[str]:
    """The parts of the event (``PARTS``) the calendar changed since the activity last took
    it over. An activity imported before digests were kept: the parts in which the event and
    the activity differ, when the event's version is newer (SEQUENCE or stamp)."""
    stored = row["source_hash"]
    if stored is not None:
        now = occ.digest
        return {
            part
            for n, part in enumerate(PARTS)
            if now[16 * n : 16 * n + 16] != stored[16 * n : 16 * n + 16]
        }
    sequence, modified = _stored_version(row)
    newer = occ.sequence > sequence or (
        occ.sequence == sequence
        and occ.modified is not None
        and modified is not None
        and occ.modified > modified
    )
    if not newer:
        return set()
    differs = {
        "time": (to_db(occ.start), to_db(occ.end)) != (row["start_at"], row["end_at"]),
        "place": occ.location != row["location"],
        "text": (occ.title, occ.kind) != (row["title"], row["kind"]),
    }
    return {part for part, yes in differs.items() if yes}
