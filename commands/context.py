"""What every command shares: where the database is, who is acting (proven), and the clock."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click

from store.clock import Clock, FixedClock, SystemClock
from store.db import CatalogueRestore, Store
from store.errors import BadInput
from words import _


def default_db_path() -> Path:
    """``SCHILDWACHT_DB``, else ``schildwacht.db`` in the user's data directory."""
    env = os.environ.get("SCHILDWACHT_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("schildwacht", appauthor=False)) / "schildwacht.db"


def clock_from_env() -> Clock:
    """A fixed clock when ``SCHILDWACHT_NOW`` is set (tests, reproducible demos); a database
    honours it only if it was created with it (``Env.store``)."""
    fixed = os.environ.get("SCHILDWACHT_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadInput(code="fixed_now_without_offset")
        return FixedClock(moment)
    return SystemClock()


def on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def ask_secret(callsign: str) -> str | None:
    """``SCHILDWACHT_SECRET``, else asked (hidden) on a terminal, else None (refused)."""
    given = os.environ.get("SCHILDWACHT_SECRET")
    if given:
        return given
    if on_terminal():
        asked = _("Secret for {callsign}").format(callsign=callsign)
        return str(click.prompt(asked, hide_input=True, err=True))
    return None


def new_secret(callsign: str, *, optional: bool) -> str | None:
    """A new person's secret: ``SCHILDWACHT_NEW_SECRET``, else asked twice on a terminal
    (``optional``: an empty answer means none yet), else None."""
    given = os.environ.get("SCHILDWACHT_NEW_SECRET")
    if given:
        return given
    if not on_terminal():
        return None
    asked = (
        _("New secret for {callsign} (empty: none yet)")
        if optional
        else _("New secret for {callsign}")
    )
    answer = click.prompt(
        asked.format(callsign=callsign),
        hide_input=True,
        confirmation_prompt=True,
        default="" if optional else None,
        show_default=False,
        err=True,
    )
    return str(answer) or None


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

    @property
    def opened(self) -> Store | None:
        """The database if a command opened it, else None."""
        return self._store

    def store(self) -> Store:
        if self._store is None:
            self._store = self.open()
        return self._store

    def command_clock(self) -> Clock:
        """The one clock the command line reads "now", "today" and default periods from: the
        store's. ``SCHILDWACHT_NOW`` on a database created with real time is ignored (and said
        so) for these too (rev14g: "today 10:00" was stored as the fixed day). Without a fixed
        clock in the environment, or before there is a database (``init``), the environment's."""
        if not isinstance(self.clock, FixedClock) or not self.db_path.exists():
            return self.clock
        return self.store().clock

    def open(self, *, repair: bool = False) -> Store:
        """Open the database as the proven acting person. A fixed clock from the environment
        is honoured only by a database created with one; a real one ignores it, and says so."""
        restore: CatalogueRestore | None = None
        if repair:
            from store.setup import restore_catalogue  # only `db repair` needs the catalogue

            restore = restore_catalogue

        store = Store(
            self.db_path,
            clock=SystemClock() if isinstance(self.clock, FixedClock) else self.clock,
            user=self.user,
            secret=ask_secret,
            passphrase=self.passphrase,
            repair=repair,
            restore_catalogue=restore,
            fixed=self.clock if isinstance(self.clock, FixedClock) else None,
        )
        if isinstance(self.clock, FixedClock):
            if store.clock_fixed:
                store.clock = self.clock
            else:
                from .output import info  # a warning, silenced by --quiet as every other

                info(
                    _(
                        "Warning: SCHILDWACHT_NOW is ignored: this database was not created "
                        "with a fixed clock, so it keeps real time."
                    )
                )
        return store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_env = click.make_pass_decorator(Env)
