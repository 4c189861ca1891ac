"""Issue #17 (rev17s): a backup restored (README's steps) over the database the console has
open. The console says so in one sentence as soon as its watch sees it, a write is refused with
the same sentence, and the restored file is left as restored."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from console.app import SchildwachtApp
from store import handover
from store.db import Store, backup_database
from tests.console.conftest import settle, toasts

REPLACED = "was replaced while open"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_console_says_the_file_was_replaced_and_writes_nothing_into_it(
    demo_store: Store, tmp_path: Path, size: tuple[int, int]
) -> None:
    backup = backup_database(demo_store, tmp_path / "backup.db")
    signed = len(handover.list_handovers(demo_store))
    app = SchildwachtApp(demo_store, remember=False, watch=0.05, ahead=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("h")
        await settle(pilot)
        database = demo_store.path
        for end in ("-wal", "-shm"):  # README: Backup and restore
            Path(f"{database}{end}").unlink()
        shutil.copyfile(backup, database)
        restored = _digest(database)
        for _ in range(100):
            await pilot.pause(0.05)
            if any(REPLACED in t for t in toasts(app)):
                break
        said = [t for t in toasts(app) if REPLACED in t]
        assert len(said) == 1 and said[0].endswith("close and open again."), toasts(app)
        await pilot.press("x")  # sign the handover: asked first, then refused
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert REPLACED in toasts(app)[-1] and len(toasts(app)) > 1, toasts(app)  # x, y refused
        assert _digest(database) == restored
    demo_store.close()
    assert _digest(database) == restored
    assert len(handover.list_handovers(Store(backup))) == signed  # the copy's, unchanged
