"""The checks every stored value passes, whoever wrote it.

One module, so a value typed at the command line, entered in a console form, read from a
calendar or roster file, or carried in a bundle from another laptop is judged the same way.
Each check returns the value it accepted (normalised where that is its job) or raises
``BadInput`` naming the field, with a sentence the person can act on. Nothing here touches the
database.

Ranges: times from 1970-01-01 to 2099-12-31 (local dates in Europe/Amsterdam);
free text at most ``MAX_TEXT`` characters and no NUL; code names and callsigns at most
``MAX_CODE`` characters with no control, bidi or other invisible formatting characters; numbers
finite and inside the range the caller names.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from .errors import BadInput

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from decimal import Decimal
    from typing import Any

#: The first and last local day a time may fall on.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2099, 12, 31)
#: The day whose first instant (local midnight) closes the range: a time may be that instant.
_CLOSING_DAY = date(2100, 1, 1)
#: Free text (titles, notes, log entries, signal text …): at most this many characters.
MAX_TEXT = 4000
#: Code names, callsigns, labels that identify something: at most this many characters.
MAX_CODE = 40
#: One-line names (a person's name, a deciding authority, a document reference): at most this.
MAX_LINE = 200
#: SQLite's integer range.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class _Later:
    """A regular expression compiled at its first use. Compiling every pattern of this module
    and ``clock`` when they are imported took about 2 ms of each scripted command, which uses
    two or three of them. After the first use of a method it is a plain attribute."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(self._source, self._flags), name)
        setattr(self, name, value)
        return value


def later(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled when it is first used.

    Args:
        source: the pattern.
        flags: ``re`` flags.

    Returns:
        A stand-in that compiles the pattern on its first use and answers as the ``re.Pattern``.
    """
    return _Later(source, flags)  # type: ignore[return-value]  # it answers as the pattern


_LOCAL = ZoneInfo("Europe/Amsterdam")
_STORED_TIME = later(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_STORED_DATE = later(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

#: Characters a terminal, a spreadsheet or a bidi algorithm would act on rather than show:
#: C0 and C1 controls, DEL, and the Unicode formatting characters that reorder or hide text
#: (and lone surrogates, the trace of bytes that were not UTF-8, which no stream can write).
#: Every Default_Ignorable_Code_Point (Unicode DerivedCoreProperties: a soft hyphen, the
#: combining grapheme joiner, Hangul fillers, variation selectors, tag characters …) is among
#: them: a renderer shows nothing for it, so two names that differ by one look the same.
_FORMATTING = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e00ff\U000e01f0-\U000e0fff"
)
#: The variation selectors, the rest of them: they only choose how the character before them
#: looks (an emoji's colour form), so text shows them as they are; a name refuses them.
_VARIATION = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
_INVISIBLE = later(f"[\x00-\x1f\x7f-\x9f{_FORMATTING}\ud800-\udfff]")
_IN_NAMES = later(f"[\x00-\x1f\x7f-\x9f{_FORMATTING}{_VARIATION}\ud800-\udfff]")
#: Markdown syntax anywhere in a line, and at its start (a list item, a setext underline).
_MARKDOWN_SYNTAX = later(r"([\\`*_\[\]<>|~&#!])")
_MARKDOWN_BLOCK = later(r"^(\s*\d{0,9})([-+=.)])(?=\s|$)")
#: What makes a bare URL, domain or e-mail address a reader (GitHub, markdown-it's linkify,
#: Textual's Markdown) turns into a link: a scheme's ``://``, a dot before a letter, an at sign.
_MARKDOWN_AUTOLINK = later(r"(:(?=//)|\.(?=[^\W\d_])|@(?=[^\s\\]))")
_SURROGATE = later("[\ud800-\udfff]")
#: What JSON leaves raw of those: it escapes the C0 controls itself.
_RAW_IN_JSON = later(f"[\x7f-\x9f{_FORMATTING}]")


def not_text(value: str) -> bool:
    """True when ``value`` holds a lone surrogate: bytes that were not UTF-8 (a command-line
    argument with binary junk arrives so); it cannot be stored, printed or sent.

    Args:
        value: a string.

    Returns:
        True when it holds a lone surrogate (it cannot be written as UTF-8).
    """
    return _SURROGATE.search(value) is not None


def has_invisible(text: str) -> bool:
    """True when ``text`` holds a control, bidi or invisible formatting character.

    Args:
        text: any text.

    Returns:
        True when it holds a control, bidi or invisible formatting character.
    """
    return _INVISIBLE.search(text) is not None


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, bidi and invisible formatting character written as
    ``\\uXXXX``, so it can be printed to a terminal or a file without acting on anything.
    With ``keep_newlines`` a newline stays a newline (for multi-line displays).

    Args:
        text: any text.
        keep_newlines: leave line breaks as they are (a multi-line note).

    Returns:
        The text with those characters written as escapes.
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if keep_newlines and char == "\n":
            return char
        code = ord(char)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _INVISIBLE.sub(escape, text)


def shown(value: object, *, limit: int = 60) -> str:
    """A value quoted for a message: in single quotes, control and bidi characters escaped,
    cut to ``limit`` characters (a 100 KB paste is not echoed back whole).

    Args:
        value: what a person gave (any value; not text is shown as its ``repr``).
        limit: the most characters shown.

    Returns:
        The value quoted, cut and made visible, for a refusal.
    """
    raw = value if isinstance(value, str) else repr(value)
    if len(raw) > limit:
        raw = f"{raw[:limit]}… ({len(raw)} characters)"
    return f"'{visible(raw)}'"


def markdown(value: object) -> str:
    """``value`` as Markdown that shows it literally: every character Markdown would read as
    syntax (emphasis, code, links, HTML, tables, headings, lists) escaped with a backslash,
    and what makes a bare URL, domain or e-mail address a link (``://``, a dot before a
    letter, ``@``),
    then control and bidi characters written as ``\\uXXXX`` (so a line break stays inside the
    line it was typed in).

    Args:
        value: any value (None is "").

    Returns:
        The escaped Markdown text.
    """
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", "" if value is None else str(value))
    escaped = _MARKDOWN_BLOCK.sub(r"\1\\\2", escaped)
    escaped = _MARKDOWN_AUTOLINK.sub(r"\\\1", escaped)
    return visible(escaped)


def visible_json(document: str) -> str:
    """A JSON document with DEL, the C1 controls (an 8-bit CSI starts an escape sequence) and
    the direction and invisible formatting marks written as ``\\uXXXX`` escapes: the same
    values when parsed, shown as text by a terminal.

    Args:
        document: a JSON document as text.

    Returns:
        The same document with those characters escaped.
    """
    if document.isascii() and "\x7f" not in document:  # DEL is the one such character in ASCII
        return document  # (a scan in C: the pattern's own scan took ~15 ms for 2 MB of gaps)
    return _RAW_IN_JSON.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    """One character as JSON writes it escaped (beyond the BMP: its UTF-16 surrogate pair)."""
    code = ord(match.group(0))
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def blank(text: str) -> bool:
    """True when ``text`` shows nothing: only spaces, line breaks (also U+2028/U+2029), control
    characters and invisible ones (zero-width, bidi marks, variation selectors …).

    Args:
        text: any text.

    Returns:
        True when no character of it would be seen.
    """
    return all(char.isspace() or _IN_NAMES.match(char) for char in text)


def text(value: object, field: str, *, max_len: int = MAX_TEXT, required: bool = False) -> str:
    """Free text: a string of at most ``max_len`` characters with no NUL.

    Args:
        value: the value given.
        field: what it is, for the refusal (``"The note"``).
        max_len: the most characters (4,000 by default).
        required: refuse an empty or blank one (``blank``: invisible characters only).

    Returns:
        The text unchanged (control characters are escaped on display, ``visible``).

    Raises:
        BadInput: not a string, too long, a NUL, or empty when required.
    """
    if not isinstance(value, str) or not_text(value):
        raise BadInput(code="not_text", field=field)
    if "\x00" in value:
        raise BadInput(code="text_with_nul", field=field)
    if len(value) > max_len:
        raise BadInput(code="text_too_long", field=field, max_len=max_len, length=len(value))
    if required and blank(value):
        raise BadInput(code="text_empty", field=field)
    return value


def code(value: object, field: str, *, max_len: int = MAX_CODE) -> str:
    """A code name, callsign or other identifying label: non-empty, at most ``max_len``
    characters, no control, bidi or invisible formatting characters (they would let two
    different names look alike, or reorder what is shown next to them).

    Args:
        value: the value given.
        field: what it is, for the refusal.
        max_len: the most characters (40 by default).

    Returns:
        The code, stripped.

    Raises:
        BadInput: as ``line``.
    """
    return line(value, field, max_len=max_len)


def device_label(value: object, field: str = "device_label") -> str:
    """A device's label (its name in the team roster): the check every label passes, typed at
    ``init --label``, made of the computer's name (``label_from``), read back before it is
    put in a roster or an enrolment request, and carried in one (``check_request_fields``).

    Args:
        value: the label given.
        field: what it is, for the refusal (``device_label``, ``request_label``…).

    Returns:
        The label, stripped.

    Raises:
        BadInput: as ``code``: not text, empty, over 40 characters, a control, bidi or
            invisible character, a word that mixes scripts.
    """
    return code(value, field)


def label_from(name: object) -> str:
    """A valid device label made of a computer's name (the host name ``init`` uses when no
    ``--label`` was given), which no one typed and which may be anything the operating system
    allowed: what the label rules refuse is taken out (control, bidi and invisible characters),
    the rest cut to ``MAX_CODE`` characters; when nothing valid remains (an empty name, a word
    that mixes scripts), ``laptop-`` and four random hexadecimal digits.

    Args:
        name: the computer's name (any value; not text counts as none).

    Returns:
        A label that passes ``device_label``.
    """
    if isinstance(name, str):
        cleaned = _IN_NAMES.sub("", name).strip()[:MAX_CODE].strip()
        try:
            return device_label(cleaned)
        except BadInput:
            pass
    import secrets  # only here: a fallback label is rare

    return f"laptop-{secrets.token_hex(2)}"


def _no_invisible(value: str, field: str) -> None:
    """The refusal of a control, bidi or invisible formatting character anywhere in ``value``
    (a leading or trailing one included: never stripped away unseen)."""
    if _IN_NAMES.search(value) is not None:
        raise BadInput(code="invisible_character", field=field)


def identifier(value: object, field: str) -> str:
    """A callsign, code name or other code as typed (to add one or to look one up): spaces
    around it dropped and upper case (``rt-0412`` is ``RT-0412``: codes are upper case
    wherever they are typed, on the command line and in the console), but a control, bidi or
    invisible formatting character anywhere in it, a trailing line break or tab included, is
    refused naming the field, never stripped. The code's own pattern is checked by the caller.

    Args:
        value: the value given.
        field: what it is, for the refusal (``callsign``, ``code_name``, ``concept``…).

    Returns:
        The code, without surrounding spaces, in upper case.

    Raises:
        BadInput: ``not_text`` or ``invisible_character``.
    """
    if not isinstance(value, str) or not_text(value):
        raise BadInput(code="not_text", field=field)
    _no_invisible(value, field)
    # ASCII letters only: Python's upper() turns 'ß' into 'SS', 'ﬀ' into 'FF', 'ı' and 'ſ'
    # into 'I' and 'S', which made a code the pattern refuses into another code (rev14g)
    return value.strip().translate(_ASCII_UPPER)


#: a-z to A-Z, every other character as it is (codes are ASCII: their patterns refuse the rest).
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: A-Z to a-z, every other character as it is: the catalogue's qualification codes are lower
#: case, and typed in upper case they are read in lower case (``HRB`` is ``hrb``), wherever
#: a qualification is typed (``staff qualify``, ``capacity scenario --qualification``).
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def line(value: object, field: str, *, max_len: int = MAX_LINE, required: bool = True) -> str:
    """One line that names someone or something (a person's name, a deciding authority, a
    document reference): no control, bidi or invisible formatting characters (they could make
    one authority look like another), and no word that mixes the letters of two scripts
    (a Cyrillic "с" in "сalendar" looks like the Latin "c").

    Args:
        value: the value given.
        field: what it is, for the refusal.
        max_len: the most characters.
        required: refuse an empty or blank one.

    Returns:
        The line, stripped.

    Raises:
        BadInput: not a string, too long, a forbidden character, a word of mixed scripts, or
            empty when required.
    """
    if not isinstance(value, str) or not_text(value):
        raise BadInput(code="not_text", field=field)
    _no_invisible(value, field)  # before stripping: a trailing line break or tab is refused too
    value = value.strip()
    if required and not value:
        raise BadInput(code="text_empty", field=field)
    if len(value) > max_len:
        raise BadInput(code="text_too_long", field=field, max_len=max_len, length=len(value))
    mixed = _mixed_script_word(value)
    if mixed is not None:
        raise BadInput(code="mixed_scripts", field=field, word=shown(mixed))
    return value


def _mixed_script_word(text: str) -> str | None:
    """The first word whose letters come from two scripts that look alike (Latin, Cyrillic,
    Greek…, by their Unicode names), or None: the usual sign of a look-alike (UTS #39, mixed
    script)."""
    import unicodedata

    for word in re.findall(r"\w+", text):
        scripts = {
            unicodedata.name(ch, "?").split(" ")[0] for ch in word if ch.isalpha() and ord(ch) > 127
        }
        if any(ch.isascii() and ch.isalpha() for ch in word):
            scripts.add("LATIN")
        if len(scripts & _LOOK_ALIKE_SCRIPTS) > 1:
            return word
    return None


#: Scripts whose letters pass for each other's (other mixes, such as kanji with kana, are
#: ordinary writing).
_LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"})


def trimmed(text: str) -> str:
    """A typed time or date without the ASCII spaces around it: the one rule for every one
    (CLI, console forms, roster files, sync resolve). Nothing else is dropped: a no-break
    space, a tab, a carriage return or a line break (a quoted CSV cell may end in one) is
    not part of any time, so the text is refused as typed instead of read as a time.

    Args:
        text: the time or date as typed.

    Returns:
        ``text`` without leading and trailing ASCII spaces.
    """
    return text.strip(" ")


def moment(value: datetime, field: str) -> datetime:
    """An aware datetime whose local day lies between 1970-01-01 and 2099-12-31, or the
    instant that closes that range (2100-01-01 00:00 local, the end of its last day: an
    activity may end at midnight of New Year 2100, as at any other midnight); in UTC.

    Args:
        value: the time given.
        field: what it is, for the refusal.

    Returns:
        The same moment as an aware UTC datetime.

    Raises:
        BadInput: ``time_without_zone`` (naive or not a datetime) or ``out_of_years``.
    """
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise BadInput(code="time_without_zone", field=field)
    try:
        seen = value.astimezone(_LOCAL)
        day = seen.date()
    except (OverflowError, ValueError):
        day = None
    closing = day == _CLOSING_DAY and seen.time() == time(0)
    if day is None or not (EARLIEST_DAY <= day <= LATEST_DAY or closing):
        raise BadInput(
            code="out_of_years",
            field=field,
            earliest=EARLIEST_DAY.isoformat(),
            latest=LATEST_DAY.isoformat(),
            value=value,
        )
    return value.astimezone(UTC)


def within_years(*values: datetime) -> bool:
    """Whether every time lies in the accepted range (``moment`` would take it): a candidate
    the store invents (a move, a later day) outside it is dropped, never refused.

    Args:
        values: aware times.

    Returns:
        True when ``moment`` accepts each of them.
    """
    for value in values:
        try:
            moment(value, "time")
        except BadInput:
            return False
    return True


def local_iso(value: datetime) -> str:
    """An aware time as ISO text in Europe/Amsterdam, the zone of the day limits it is held to
    (``2099-12-31T23:59:59+00:00`` is ``2100-01-01T00:59:59+01:00``); as given when it cannot
    be told there (a time at the very end of Python's range).

    Args:
        value: an aware time.

    Returns:
        ISO-8601 text with the Amsterdam offset (``2026-03-29T03:00:00+02:00``), or
        ``value.isoformat()`` unconverted at the edge of Python's range.
    """
    try:
        return value.astimezone(_LOCAL).isoformat()
    except (OverflowError, ValueError):
        return value.isoformat()


def stored_time(value: object, field: str) -> str:
    """Stored UTC text ``YYYY-MM-DDTHH:MM:SSZ`` inside the time range (what a bundle or a
    database row must hold for a time column).

    Args:
        value: the value a row or a bundle holds.
        field: what it is, for the refusal.

    Returns:
        The text unchanged.

    Raises:
        BadInput: ``stored_time_malformed``, ``not_a_real_time`` or ``out_of_years``.
    """
    if not isinstance(value, str) or not _STORED_TIME.match(value):
        raise BadInput(code="stored_time_malformed", field=field)
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise BadInput(code="not_a_real_time", field=field, value=value) from None
    moment(parsed, field)
    return value


def day(value: date, field: str) -> date:
    """A calendar date between 1970-01-01 and 2099-12-31.

    Returns:
        The date.

    Raises:
        BadInput: not a date (a datetime is not one), or out of range; ``field`` names it.

    Args:
        value: the date given.
        field: what it is, for the refusal.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise BadInput(code="not_a_day", field=field)
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise BadInput(
            code="out_of_years",
            field=field,
            earliest=EARLIEST_DAY.isoformat(),
            latest=LATEST_DAY.isoformat(),
            value=value.isoformat(),
        )
    return value


_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def week(value: object, field: str) -> date:
    """An ISO-8601 week ``YYYY-Www`` (weeks start on Monday and belong to the year of their
    Thursday: 2026 has a week 53, 2027 none) whose seven days lie between 1970-01-01 and
    2099-12-31 (1970-W01 begins on 1969-12-29, 2099-W53 ends in 2100: neither is taken).

    Args:
        value: the week given, e.g. ``"2026-W53"``.
        field: what it is, for the refusal.

    Returns:
        The week's Monday.

    Raises:
        BadInput: not of the form ``YYYY-Www`` (``not_a_week``), a week the year does not have
            (``no_such_week``: W00, W54, W53 of a 52-week year), or days out of range.
    """
    found = _WEEK.fullmatch(value) if isinstance(value, str) and value.isascii() else None
    if found is None:
        raise BadInput(code="not_a_week", field=field, given=shown(value))
    year, number = int(found[1]), int(found[2])
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise BadInput(code="no_such_week", field=field, year=year, week=number) from None
    day(monday, field)
    day(date.fromisocalendar(year, number, 7), field)
    return monday


def stored_date(value: object, field: str) -> str:
    """Stored date text ``YYYY-MM-DD`` inside the range.

    Args:
        value: the value a row or a bundle holds.
        field: what it is, for the refusal.

    Returns:
        The text unchanged.

    Raises:
        BadInput: ``stored_date_malformed``, ``not_a_real_date_field`` or ``out_of_years``.
    """
    if not isinstance(value, str) or not _STORED_DATE.match(value):
        raise BadInput(code="stored_date_malformed", field=field)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadInput(code="not_a_real_date_field", field=field, value=value) from None
    day(parsed, field)
    return value


def integer(value: object, field: str, *, low: int = INT64_MIN, high: int = INT64_MAX) -> int:
    """An integer (not a bool) between ``low`` and ``high`` inclusive.

    Args:
        value: the value given.
        field: what it is, for the refusal (``"The limit"``).
        low: the least allowed (SQLite's smallest integer by default).
        high: the most allowed (SQLite's largest by default).

    Returns:
        The integer.

    Raises:
        BadInput: not an integer, a bool, or out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(code="not_whole", field=field)
    if not low <= value <= high:
        raise BadInput(code="out_of_range", field=field, low=low, high=high, given=value)
    return value


def number(
    value: object, field: str, *, low: float, high: float, typed: str | None = None
) -> float:
    """A finite number between ``low`` and ``high`` inclusive (NaN and infinities refused).
    A refusal shows the number as ``typed`` (or exactly: never rounded to look in range).

    Args:
        value: the number given (an int or a float; not a bool).
        field: what it is, for the refusal.
        low: the least allowed.
        high: the most allowed.
        typed: the number as the person typed it, for the refusal.

    Returns:
        The number as a float.

    Raises:
        BadInput: ``not_a_number``, ``not_finite`` or ``out_of_range``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(code="not_a_number", field=field)
    as_float = float(value)
    shown_as = typed if typed is not None else _exact(value)
    if not math.isfinite(as_float):
        raise BadInput(code="not_finite", field=field, given=shown_as)
    if not low <= as_float <= high:
        raise _out_of_range(field, low, high, shown_as)
    return as_float


def _out_of_range(field: str, low: float, high: float, given: str) -> BadInput:
    return BadInput(
        code="out_of_range", field=field, low=_exact(low), high=_exact(high), given=given
    )


def _number_digits(text: str, field: str) -> str:
    """A typed number's text without the spaces around it, refused unless it is ASCII digits
    with an optional sign, fraction and exponent."""
    raw = text.strip()
    if not _NUMBER_TEXT.fullmatch(raw) and _LONG_NUMBER_TEXT.fullmatch(raw):
        raise BadInput(code="too_many_digits", field=field, given=shown(text), most=_MOST_DIGITS)
    if not _NUMBER_TEXT.fullmatch(raw):
        raise BadInput(code="not_number_digits", field=field, given=shown(text))
    return raw


def _exact(value: float) -> str:
    """A number as written: whole ones in full, others with every digit they have (repr)."""
    if isinstance(value, int) or (
        math.isfinite(value) and value.is_integer() and abs(value) < 1e15
    ):
        return str(int(value))
    return repr(float(value))


#: A number as a person types it: ASCII digits only (``float`` and ``int`` would take ``١٠``,
#: ``１０`` and ``1_0``), at most 30 digits before an exponent.
_WHOLE_TEXT = later(r"[+-]?[0-9]{1,30}", re.ASCII)
_NUMBER_TEXT = later(
    r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,4})?", re.ASCII
)
_MOST_DIGITS = 30
#: A number in digits, however many: refused for its length, not for its form.
_LONG_NUMBER_TEXT = later(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def whole_text(text: str, field: str, *, low: int = INT64_MIN, high: int = INT64_MAX) -> int:
    """A whole number typed as text (ASCII digits, optional sign) between ``low`` and
    ``high``; the refusal shows it as typed.

    Args:
        text: the number as typed.
        field: what it is, for the refusal.
        low: the least allowed.
        high: the most allowed.

    Returns:
        The integer.

    Raises:
        BadInput: ``not_whole_digits`` or ``out_of_range``.
    """
    raw = text.strip()
    if not _WHOLE_TEXT.fullmatch(raw):
        raise BadInput(code="not_whole_digits", field=field, given=shown(text))
    value = int(raw)
    if not low <= value <= high:
        raise BadInput(code="out_of_range", field=field, low=low, high=high, given=raw)
    return value


#: A number as a catalogue lists it: digits only, no sign, space or leading zero.
_PLAIN_DIGITS = later(r"0|[1-9][0-9]{0,17}", re.ASCII)


def plain_digits(text: str) -> bool:
    """Whether ``text`` is a number as a catalogue lists it (``plain_whole_text``).

    Args:
        text: the number as typed.

    Returns:
        True for ASCII digits without sign, space, underscore or leading zero.
    """
    return _PLAIN_DIGITS.fullmatch(text) is not None


def plain_whole_text(text: str, field: str, *, low: int, high: int) -> int:
    """A whole number typed as a catalogue lists it (a threat level): ASCII digits only, no
    sign, space, underscore or leading zero (``int`` would take ``３``, ``١٠`` and ``0_3``),
    between ``low`` and ``high``; the refusal shows it as typed. The one parser for
    ``threat assess --level`` and a threat level typed to resolve a sync conflict.

    Args:
        text: the number as typed.
        field: what it is, for the refusal.
        low: the least allowed.
        high: the most allowed.

    Returns:
        The integer.

    Raises:
        BadInput: ``not_whole_digits`` or ``out_of_range``.
    """
    if not plain_digits(text):
        raise BadInput(code="not_whole_digits", field=field, given=shown(text))
    return whole_text(text, field, low=low, high=high)


def number_text(text: str, field: str, *, low: float, high: float) -> float:
    """A finite number typed as text (ASCII digits, optional sign, fraction and exponent)
    between ``low`` and ``high``; the refusal shows it as typed.

    Args:
        text: the number as typed.
        field: what it is, for the refusal.
        low: the least allowed.
        high: the most allowed.

    Returns:
        The number as a float.

    Raises:
        BadInput: ``not_number_digits``, ``number_underflow``, ``not_finite`` or
            ``out_of_range``.
    """
    raw = _number_digits(text, field)
    value = float(raw)
    if value == 0 and any(digit in "123456789" for digit in raw.split("e")[0].split("E")[0]):
        if not low <= 0 <= high:  # "write 0 or more" would name a value refused in its turn
            raise _out_of_range(field, low, high, raw)
        raise BadInput(  # 1e-400: a number too small to hold is not zero
            code="number_underflow", field=field, given=shown(text)
        )
    return number(value, field, low=low, high=high, typed=raw)


def tenths_text(text: str, field: str, *, low: float, high: float) -> Decimal:
    """A number with at most one decimal (an FTE), typed as text and read exactly: a float
    would round ``0.49999999999999999999`` up to 0.5 and let it past ``low``. ASCII digits,
    optional fraction and exponent, as ``number_text``; within ``low``..``high``.

    Args:
        text: the number as typed.
        field: what it is, for the refusal.
        low: the least allowed.
        high: the most allowed.

    Returns:
        The number, exactly as typed.

    Raises:
        BadInput: ``not_number_digits``, ``more_than_one_decimal`` or ``out_of_range``.
    """
    from decimal import Decimal  # exact; a command that types no FTE never loads it

    raw = _number_digits(text, field)
    value = Decimal(raw)
    if not Decimal(str(low)) <= value <= Decimal(str(high)):
        raise _out_of_range(field, low, high, raw)
    if value * 10 != (value * 10).to_integral_value():
        raise BadInput(code="more_than_one_decimal", field=field, given=raw)
    return value


def choice(value: object, field: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    """One of ``allowed``.

    Args:
        value: the value given.
        field: what it is, for the refusal.
        allowed: the valid values (the refusal lists them).

    Returns:
        The value.

    Raises:
        BadInput: any other value.
    """
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(sorted(allowed))
        raise BadInput(code="not_a_choice", field=field, choices=options, given=shown(value))
    return value


# JSON from outside -------------------------------------------------------------------------------

#: How deeply a JSON document from outside (a bundle's manifest, a record's key or history, a
#: signed handover's content, a request file) may nest; every one of them needs a few levels.
MAX_JSON_DEPTH = 32
#: Every byte but the ones that make JSON's structure (quotes and brackets).
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'"[]{}'))
_JSON_PAIRS = re.compile(rb"\[\]|\{\}")


def json_document(
    data: str | bytes,
    what: str,
    *,
    max_depth: int = MAX_JSON_DEPTH,
    max_len: int | None = None,
    parse_constant: Any = None,
) -> Any:
    """Parse JSON that came from outside, bounded: longer than ``max_len`` (characters or
    bytes) or nested deeper than ``max_depth`` is refused with ``ValueError`` naming ``what``
    before the parser sees it, so no document can exhaust the stack (a RecursionError) or
    memory. Malformed JSON is a ``ValueError`` too, as from ``json.loads``.

    Args:
        data: the document, as text or bytes.
        what: what it is, for the error.
        max_depth: the deepest nesting allowed.
        max_len: the most characters (or bytes), or None for no bound.
        parse_constant: as ``json.loads`` (e.g. to refuse NaN).

    Returns:
        The parsed value.

    Raises:
        ValueError: too long, too deep, or not JSON (the caller words it for its input).
    """
    if max_len is not None and len(data) > max_len:
        raise ValueError(f"{what} is longer than {max_len} characters")
    if _nested_deeper(data, max_depth):
        raise ValueError(f"{what} is not JSON nested at most {max_depth} levels deep")
    try:
        return json.loads(data, parse_constant=parse_constant)
    except RecursionError:  # not reached after the check above; kept as the last bound
        raise ValueError(f"{what} is nested too deeply") from None


def _nested_deeper(data: str | bytes, limit: int) -> bool:
    """Whether the brackets outside strings nest deeper than ``limit`` (or do not balance).
    A document with at most ``limit`` opening brackets is not scanned; otherwise the escaped
    quotes and backslashes go, then everything but quotes and brackets, then the strings, and
    each pass of ``re`` removes the innermost empty pairs: all in C, at most ``limit`` passes."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    parts = raw.split(b'"')
    if len(parts) % 2 == 0:
        return True  # a string that never ends: not JSON, whatever its depth
    skeleton = b"".join(parts[::2])
    for _level in range(limit):
        if not skeleton:
            return False
        skeleton, found = _JSON_PAIRS.subn(b"", skeleton)
        if not found:
            return True  # brackets that do not balance: not JSON, whatever their depth
    return bool(skeleton)


def earliest_moment() -> datetime:
    """The first moment the time range holds (1970-01-01 00:00 in Amsterdam, as UTC): where a
    default window that would begin before the range starts instead.

    Returns:
        An aware UTC datetime.
    """
    return datetime(1970, 1, 1, tzinfo=_LOCAL).astimezone(UTC)


def latest_moment() -> datetime:
    """The last moment the time range holds (2099-12-31 23:59:59 in Amsterdam, as UTC): where a
    default window that would run past the range ends instead.

    Returns:
        An aware UTC datetime.
    """
    return datetime(2099, 12, 31, 23, 59, 59, tzinfo=_LOCAL).astimezone(UTC)


def period(
    start: datetime,
    end: datetime,
    *,
    names: tuple[str, str] = ("the start", "the end"),
    given: tuple[bool, bool] = (True, True),
) -> tuple[datetime, datetime]:
    """A period that ends after it starts. The refusal names the end that is wrong: the one
    the person gave when the other was a default (``given``), else both (``names``: how the
    person typed them, such as ``--from`` and ``--to``).

    Args:
        start: aware datetime.
        end: aware datetime.
        names: how the person gave the start and the end, for the refusal.
        given: whether each was given (False: a default).

    Returns:
        ``(start, end)`` unchanged.

    Raises:
        BadInput: ``period_backwards``, ``period_empty``, ``period_end_before_default_start``,
            ``period_end_at_default_start``, ``period_start_after_default_end`` or
            ``period_start_at_default_end``.
    """
    if end > start:
        return start, end
    first, last, empty = _local_text(start), _local_text(end), end == start
    facts = {"first": first, "last": last, "start_name": names[0], "end_name": names[1]}
    facts |= {"start_cap": _cap(names[0]), "end_cap": _cap(names[1])}
    if given == (False, True):
        code = "period_end_at_default_start" if empty else "period_end_before_default_start"
    elif given == (True, False):
        code = "period_start_at_default_end" if empty else "period_start_after_default_end"
    else:
        code = "period_empty" if empty else "period_backwards"
    raise BadInput(code=code, **facts)


def _cap(name: str) -> str:
    return name if name.startswith("-") else name[:1].upper() + name[1:]


def _local_text(moment: datetime) -> str:
    return moment.astimezone(_LOCAL).strftime("%Y-%m-%d %H:%M")
