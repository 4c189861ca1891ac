"""JSON output of listings and reports, without click: ``output.render`` and the fast path of
scripted listings (``fast.py``) write the same bytes through this one function."""

from __future__ import annotations

import json

from store.errors import BadInput, IntegrityFailure
from store.validate import visible_json

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from typing import Any


def _json_default(value: Any) -> Any:
    from decimal import Decimal  # only a report with decimal figures reaches here

    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _blob_key(data: Any, key: str = "") -> str | None:
    """The field of the first blob (bytes) in rows or a record, or None when there is none."""
    if isinstance(data, bytes | bytearray | memoryview):
        return key or "?"
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list | tuple):
        items = ((key, v) for v in data)
    else:
        return None
    for name, value in items:
        if (found := _blob_key(value, str(name))) is not None:
            return found
    return None


def blob_refusal(data: Any) -> IntegrityFailure | None:
    """A blob where a record holds text, numbers or times: the database is damaged (a flipped
    type bit the row factory did not see, e.g. under a column alias); a writer never prints its
    Python form (``b'…'``) nor fails with exit 1 (issue 14, rev14q).

    Args:
        data: the rows or record to be written.

    Returns:
        The refusal (``database_damaged``, exit 5) naming the field, or None when no value is a
        blob.
    """
    key = _blob_key(data)
    if key is None:
        return None
    import click  # only on this refusal: scripted listings do not import click

    from store.machine import PATH_SHOWN
    from store.validate import shown

    from .context import Env

    place, ctx = "The database", click.get_current_context(silent=True)
    env = ctx.find_object(Env) if ctx is not None else None
    path = env.db_path if env is not None else None
    if path is not None:
        place += " " + shown(str(path), limit=PATH_SHOWN)
    return IntegrityFailure(code="database_damaged", place=place, column=f"'{key}'", held="blob")


#: Compact rows through json's C encoder (``indent`` would force the pure-Python one, several
#: times slower on a large listing).
#: ``allow_nan=False``: JSON has no Infinity or NaN; a value that would print one is refused.
_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default, allow_nan=False)


def _json(data: list[dict[str, Any]] | dict[str, Any]) -> str:
    """A list as one object per line inside the array (fast, greppable, diffable); a single
    record or report indented, since it nests and is small. Never Infinity or NaN (invalid
    JSON that a reader would take or choke on): such a result is refused, exit 2."""
    try:
        if isinstance(data, dict):
            return (
                json.dumps(
                    data, indent=2, ensure_ascii=False, default=_json_default, allow_nan=False
                )
                + "\n"
            )
        if not data:
            return "[]\n"
        return "[\n  " + ",\n  ".join(map(_ROW_ENCODER.encode, data)) + "\n]\n"
    except ValueError:
        raise BadInput(code="json_number_not_finite") from None
    except TypeError:
        if (refused := blob_refusal(data)) is not None:
            raise refused from None
        raise


def json_text(data: list[dict[str, Any]] | dict[str, Any]) -> str:
    """Rows or one record as JSON text; terminal controls in values as escapes."""
    return visible_json(_json(data))
