"""Remembering where the operator was: the last screen and day, in the user's state directory."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def state_file() -> Path:
    env = os.environ.get("SCHILDWACHT_STATE")
    if env:
        return Path(env)
    from platformdirs import user_state_dir

    return Path(user_state_dir("schildwacht", appauthor=False)) / "console.json"


def load_state() -> dict[str, Any]:
    try:
        data = json.loads(state_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(state: dict[str, Any]) -> None:
    """Write the state readable by this user only (0600, in a 0700 folder when it creates
    one), never over anything but a regular file."""
    from store.errors import StoreError
    from store.machine import private_folders, write_private

    path = state_file()
    try:
        private_folders(path, "the console's state")
        write_private(path, json.dumps(state).encode("utf-8"), "the console's state")
    except StoreError:
        pass  # remembering the screen is a convenience, never a reason to fail
