"""A file a person names (a calendar, a shift roster, a join request) is read only when it is a
regular file: a pipe or a device is refused at once, never read for ever (the console's forms
reach the store without the command line's own check)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from store import roster
from store.db import Store
from store.errors import BadInput
from store.ics import import_ics
from store.sync import roster as team
from tests.conftest import refused_as, snapshot
from tests.store.test_ics_programs import bever  # noqa: F401 (a fixture)


def _readers(store: Store) -> dict[str, Callable[[Path], object]]:
    return {
        "calendar": lambda path: import_ics(store, path, person="BEVER"),
        "roster": lambda path: roster.import_shifts(store, path),
        "request": team.read_request,
    }


@pytest.mark.parametrize("reader", ["calendar", "roster", "request"])
@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_named_file_that_is_not_a_regular_file_is_refused_at_once(
    bever: Store,  # noqa: F811
    tmp_path: Path,
    reader: str,
    kind: str,
) -> None:
    store = bever
    if kind == "fifo":
        target = tmp_path / "pipe.ics"
        os.mkfifo(target)  # no writer: a blocking open would wait for ever
    elif kind == "device":
        target = Path("/dev/zero")  # endless: a plain read would fill the memory
    else:
        target = tmp_path
    before = snapshot(store.path)
    with refused_as(BadInput, "is not a regular file"):
        _readers(store)[reader](target)
    assert snapshot(store.path) == before
