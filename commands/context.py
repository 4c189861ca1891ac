"""What every command shares: where the database is, who is acting, and the clock."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click

from store.clock import Clock, FixedClock, SystemClock
from store.db import Store
from store.errors import BadInput


def default_db_path() -> Path:
    """``SCHILDWACHT_DB``, else ``schildwacht.db`` in the user's data directory."""
    env = os.environ.get("SCHILDWACHT_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("schildwacht", appauthor=False)) / "schildwacht.db"


def clock_from_env() -> Clock:
    """A fixed clock when ``SCHILDWACHT_NOW`` is set (tests, reproducible demos)."""
    fixed = os.environ.get("SCHILDWACHT_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadInput(
                "SCHILDWACHT_NOW must be a time with an offset, e.g. 2026-11-28T09:00:00Z."
            )
        return FixedClock(moment)
    return SystemClock()


@dataclass
class Env:
    db_path: Path
    user: str | None
    debug: bool = False
    clock: Clock = field(default_factory=clock_from_env)
    _store: Store | None = None

    passphrase: str | None = field(
        default_factory=lambda: os.environ.get("SCHILDWACHT_PASSPHRASE") or None
    )

    def store(self) -> Store:
        if self._store is None:
            self._store = Store(
                self.db_path, clock=self.clock, user=self.user, passphrase=self.passphrase
            )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_env = click.make_pass_decorator(Env)
