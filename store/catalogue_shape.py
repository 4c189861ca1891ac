"""The shape of a catalogue file, checked whole before anything is written.

A catalogue is handed round as a TOML file (``init --catalogue``). Every table, row and field is
checked here against one declared shape: its type exactly (an integer is not a bool, a float or
a date; a mark is true/false), integers within their range, codes by a strict code pattern,
names and labels as one line of text (``validate.line``), no unknown field, no repeated code,
rank or threat level. A refusal names the field as ``table[n].field`` (rows counted from 1).
The cross-references (a concept's level exists, R1 within packages…) are checked afterwards by
``catalogue._validate``. No SQL here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import validate
from .errors import BadInput

#: A catalogue code: a letter or digit, then letters, digits, ``_``, ``-`` or ``.``; at most 40.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", re.ASCII)
#: The most rows one table may hold (the shipped catalogue has at most 22).
MAX_ROWS = 1000
#: Ranks, threat levels and staffing counts lie in 1..MAX_ORDER.
MAX_ORDER = 1000
#: An FTE of one reinforcement line: digits with at most one decimal, above 0, at most MAX_FTE.
_FTE = re.compile(r"[0-9]{1,5}(\.[0-9])?", re.ASCII)
MAX_FTE = Decimal(10000)

Check = Callable[[object, str], object]


def _code(value: object, field: str) -> object:
    if not isinstance(value, str) or _CODE.fullmatch(value) is None:
        raise BadInput(code="catalogue_bad_code", field=field, given=validate.shown(value))
    return value


def _upper_code(value: object, field: str) -> object:
    """A code every lookup upper-cases (a unit's, a concept's): lower case would be unusable."""
    _code(value, field)
    if isinstance(value, str) and value != value.upper():
        raise BadInput(code="catalogue_code_case", field=field, given=validate.shown(value))
    return value


def _name(value: object, field: str) -> object:
    return validate.line(value, field)


def _note(value: object, field: str) -> object:
    return validate.text(value, field)


def _whole(low: int, high: int) -> Check:
    return lambda value, field: validate.integer(value, field, low=low, high=high)


def _mark(value: object, field: str) -> object:
    if not isinstance(value, bool):
        raise _wrong(field, "true or false")
    return value


def _fte(value: object, field: str) -> object:
    """Full-time equivalents as text: digits, at most one decimal, more than 0, at most
    MAX_FTE (no sign, exponent, space, '_', NaN or Infinity)."""
    if not isinstance(value, str) or len(value) > 12:
        raise _wrong(field, 'a decimal number written as text ("27.5")')
    if _FTE.fullmatch(value) is None or not 0 < Decimal(value) <= MAX_FTE:
        raise BadInput(
            code="catalogue_bad_fte", field=field, most=str(MAX_FTE), given=validate.shown(value)
        )
    return value


def _wrong(field: str, expected: str) -> BadInput:
    return BadInput(code="catalogue_wrong_type", field=field, expected=expected)


def _list_of(check: Check, *, size: int | None = None, least: int = 0) -> Check:
    """A list of items of ``check``, none repeated (``size`` long when given, at least
    ``least`` long: later code picks from a package's concepts and a concept's kinds)."""

    def checked(value: object, field: str) -> object:
        if not isinstance(value, list) or len(value) > MAX_ROWS:
            raise _wrong(field, "a list")
        if len(value) < least:
            raise BadInput(code="catalogue_list_short", field=field, least=least)
        if size is not None and len(value) != size:
            raise BadInput(code="catalogue_list_size", field=field, size=size)
        for n, item in enumerate(value, 1):
            check(item, f"{field}[{n}]")
            if item in value[: n - 1]:
                raise BadInput(
                    code="catalogue_repeated",
                    field=f"{field}[{n}]",
                    given=validate.shown(item),
                    first=f"{field}[{value.index(item) + 1}]",
                )
        return value

    return checked


def _staffing(value: object, field: str) -> object:
    if not isinstance(value, dict) or not value:
        raise _wrong(field, "a table of qualification = officers")
    for qual, count in value.items():
        _code(qual, f"{field} (a qualification)")
        validate.integer(count, f"{field}.{qual}", low=1, high=MAX_ORDER)
    return value


_TRAVEL_PAIR: dict[str, tuple[Check, bool]] = {
    "units": (_list_of(_upper_code, size=2), True),
    "minutes": (_whole(0, 1440), True),
}

#: Every table: its fields, each with its check and whether it is required.
TABLES: dict[str, dict[str, tuple[Check, bool]]] = {
    "resistance_levels": {
        "code": (_code, True),
        "rank": (_whole(1, MAX_ORDER), True),
        "label": (_name, True),
    },
    "threat_levels": {
        "level": (_whole(1, MAX_ORDER), True),
        "label": (_name, True),
        "resistance_level": (_code, True),
        "package": (_code, True),
    },
    "qualifications": {"code": (_code, True), "name": (_name, True), "typical": (_mark, False)},
    "concepts": {
        "code": (_upper_code, True),
        "name": (_name, True),
        "level": (_code, True),
        "staffing": (_staffing, True),
        "subject_kinds": (_list_of(_code, least=1), False),
        "pilot": (_mark, False),
        "pilot_units": (_list_of(_code), False),
        "pilot_packages": (_list_of(_code), False),
        "description": (_note, False),
    },
    "packages": {
        "code": (_code, True),
        "name": (_name, True),
        "level": (_code, True),
        "concepts": (_list_of(_code, least=1), True),
        "care_modules": (_list_of(_name), False),
    },
    "units": {
        "code": (_upper_code, True),
        "name": (_name, True),
        "organisation": (_name, True),
        "national": (_mark, False),
    },
    "reinforcements": {
        "funding_line": (_name, True),
        "organisation": (_name, True),
        "purpose": (_name, True),
        "fte": (_fte, True),
    },
}
#: The fields whose values may not repeat within their table.
UNIQUE = {
    "resistance_levels": ("code", "rank"),
    "threat_levels": ("level",),
    "qualifications": ("code",),
    "concepts": ("code",),
    "packages": ("code",),
    "units": ("code",),
}


def check(data: dict[str, Any]) -> None:
    """Check a parsed catalogue's whole shape.

    Args:
        data: the parsed TOML.

    Raises:
        BadInput: a table or field is missing, unknown or of the wrong type; an integer out of
            range; a code not a code; a name not one line of text; a code, rank or threat
            level repeated. The refusal names the field (``resistance_levels[1].rank``).
    """
    for table in data:
        if table not in TABLES and table != "travel":
            _unknown(table)
    for table, fields in TABLES.items():
        rows = data.get(table)
        if rows is None:
            raise BadInput(code="catalogue_field_missing", field=table)
        if not isinstance(rows, list) or not rows or len(rows) > MAX_ROWS:
            raise _wrong(table, f"a list of 1 to {MAX_ROWS} tables")
        for n, row in enumerate(rows, 1):
            _row(row, fields, f"{table}[{n}]")
        _unique(table, rows)
    _travel(data.get("travel", {}))


def _row(row: object, fields: dict[str, tuple[Check, bool]], where: str) -> None:
    """One row: a table with the declared fields only, each of its shape."""
    if not isinstance(row, dict):
        raise _wrong(where, "a table")
    for key in row:
        if key not in fields:
            _unknown(f"{where}.{key}")
    for key, (field_check, required) in fields.items():
        if key in row:
            field_check(row[key], f"{where}.{key}")
        elif required:
            raise BadInput(code="catalogue_field_missing", field=f"{where}.{key}")


def _unique(table: str, rows: list[dict[str, Any]]) -> None:
    for key in UNIQUE.get(table, ()):
        seen: dict[object, int] = {}
        for n, row in enumerate(rows, 1):
            value = row[key]
            if value in seen:
                raise BadInput(
                    code="catalogue_repeated",
                    field=f"{table}[{n}].{key}",
                    given=validate.shown(value),
                    first=f"{table}[{seen[value]}]",
                )
            seen[value] = n


def _travel(travel: object) -> None:
    if not isinstance(travel, dict):
        raise _wrong("travel", "a table")
    for key in travel:
        if key not in ("default_minutes", "pairs"):
            _unknown(f"travel.{key}")
    if "default_minutes" in travel:
        validate.integer(travel["default_minutes"], "travel.default_minutes", low=0, high=1440)
    pairs = travel.get("pairs", [])
    if not isinstance(pairs, list) or len(pairs) > MAX_ROWS:
        raise _wrong("travel.pairs", "a list")
    seen: dict[tuple[str, ...], int] = {}
    for n, pair in enumerate(pairs, 1):
        _row(pair, _TRAVEL_PAIR, f"travel.pairs[{n}]")
        both = tuple(sorted(pair["units"]))  # a pair holds both ways
        if both in seen:
            raise BadInput(
                code="catalogue_travel_repeated",
                field=f"travel.pairs[{n}].units",
                units=validate.shown(" and ".join(both)),
                first=f"travel.pairs[{seen[both]}]",
            )
        seen[both] = n


def _unknown(field: str) -> None:
    raise BadInput(code="catalogue_unknown_field", field=validate.shown(field))
