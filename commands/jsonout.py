"""JSON output of listings and reports, without click: ``output.render`` and the fast path of
scripted listings (``fast.py``) write the same bytes through this one function."""

from __future__ import annotations

import json

from store.errors import BadInput
from store.validate import visible_json

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from typing import Any


def _json_default(value: Any) -> Any:
    from decimal import Decimal  # only a report with decimal figures reaches here

    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


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


def json_text(data: list[dict[str, Any]] | dict[str, Any]) -> str:
    """Rows or one record as JSON text; terminal controls in values as escapes."""
    return visible_json(_json(data))
