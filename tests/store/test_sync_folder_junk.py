"""Issue 13 (rev13u M2): a file in the shared folder refused for what it holds (damaged, too
large) is read and decrypted once, not at every import: while its name, size and modification
time are unchanged it is refused again from ``lstat`` alone, with a one-line notice; changed, it
is read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from store import logbook
from store.clock import FixedClock
from store.sync import bundle, exchange
from tests.sync_team import make_team


def test_a_refused_file_is_not_read_again_while_unchanged(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make_team(tmp_path / "team", clock, names=("a", "b"))
    share = tmp_path / "share"
    logbook.add_entry(b.store, "valid entry of b")
    written = exchange.export(b.store, folder=share).path
    junk = written.with_name("2026-11-28T090000Z-r3-junk.swb")
    shutil.copy(written, junk)
    with junk.open("r+b") as padded:
        padded.truncate(junk.stat().st_size + 4 * 2**20)  # a real bundle, padded (sparse)
    reads: list[str] = []
    every = bundle.read_file

    def counted(path: Path, *, follow: bool = True) -> bytes:
        reads.append(Path(path).name)
        return every(path, follow=follow)

    monkeypatch.setattr(bundle, "read_file", counted)
    first = exchange.import_path(a.store, share)
    assert [r.check for r in first if r.file.endswith("junk.swb")] == ["damaged"]
    assert reads.count(junk.name) == 1
    again = exchange.import_path(a.store, share)
    assert reads.count(junk.name) == 1  # refused from its stat alone
    refused = [r for r in again if r.file.endswith("junk.swb")]
    assert [r.check for r in refused] == ["damaged"]
    assert "refused_unchanged" in str(refused[0].warnings)
    assert [r.result.value for r in first if r.file == str(written)] == ["applied"]
    os.utime(junk, ns=(0, junk.stat().st_mtime_ns + 10**9))  # changed: read again
    exchange.import_path(a.store, share)
    assert reads.count(junk.name) == 2
