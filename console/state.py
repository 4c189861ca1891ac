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
    path = state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(state), "utf-8")
        temp.replace(path)
    except OSError:
        pass  # remembering the screen is a convenience, never a reason to fail
