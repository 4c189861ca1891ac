"""Remembering where the operator was, per database: the last screen and the sync folder, in
the user's state directory.

One file holds every database's state under its absolute path, so a demo database (``make
run``) or a copy opened for a test never changes what the real database opens with: its
screen, and above all its sync folder (issue 17).
"""

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


def database_key(database: Path) -> str:
    """The name a database's state is kept under: its absolute path, links resolved."""
    return str(Path(database).expanduser().resolve())


def _databases() -> dict[str, Any]:
    try:
        data = json.loads(state_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get("databases") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def load_state(database: Path) -> dict[str, Any]:
    """The state remembered for this database ({} for one never opened in the console)."""
    state = _databases().get(database_key(database))
    return dict(state) if isinstance(state, dict) else {}


def save_state(database: Path, state: dict[str, Any]) -> None:
    """Remember this database's state, the others' kept as they are. The file is readable by
    this user only (0600, in a 0700 folder when it creates one), never written over anything
    but a regular file."""
    from store.errors import StoreError
    from store.machine import private_folders, write_private

    databases = _databases()
    databases[database_key(database)] = state
    path = state_file()
    try:
        private_folders(path, "the console's state")
        write_private(
            path, json.dumps({"databases": databases}).encode("utf-8"), "the console's state"
        )
    except StoreError:
        pass  # remembering the screen is a convenience, never a reason to fail
