"""Where the console keeps what went wrong unexpectedly: a failure that is no store refusal (a
record the console cannot read, a fault in the console) is said on the screen in words, and
its details — the error and where it arose — are appended here, in the user's state folder
beside the console's state (readable by this user only: a detail may quote a record). The file
is started afresh once it passes ``LIMIT`` bytes.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from .state import state_file

#: The most the log grows to before it is started afresh.
LIMIT = 1_000_000


def error_log() -> Path:
    """The log of unexpected failures: ``console-errors.log`` beside the console's state."""
    return state_file().with_name("console-errors.log")


def record(error: BaseException) -> bool:
    """Append ``error`` with its traceback to ``error_log()``; False when it cannot be written
    (the screen still says what failed)."""
    from store.errors import StoreError
    from store.machine import private_folders

    path = error_log()
    text = "".join(traceback.format_exception(error))
    entry = f"--- {datetime.now(UTC).isoformat(timespec='seconds')}\n{text}\n"
    try:
        private_folders(path, "the console's error log")
        if path.is_file() and path.stat().st_size > LIMIT:
            path.unlink()
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(handle, "a", encoding="utf-8") as log:
            log.write(entry)
    except (OSError, StoreError):
        return False
    return True
