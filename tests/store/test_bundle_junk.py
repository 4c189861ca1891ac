"""A junk file in the shared folder is refused from its first bytes (issue 14, last fresh
review): before, a 1,000 MB file of zeros was read whole (2 GB resident) and only then refused
as damaged. A bundle file begins with age's header line; anything else is not read further."""

from __future__ import annotations

import os
from pathlib import Path

import pyrage

from store.sync import bundle
from tests.conftest import refused_as


def test_a_large_junk_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    junk = tmp_path / "2026-11-28T090000Z-r1-x.swb"
    with junk.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no disk used; reading it would take 200 MB
    with refused_as(bundle.Refused, "does not begin as an encrypted bundle") as refused:
        bundle.read_file(junk, follow=False)
    assert refused.value.check == "damaged"


def test_a_real_encrypted_file_is_still_read_whole(tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    sealed = bundle.encrypt(os.urandom(4096), [str(identity.to_public())])
    path = tmp_path / "b.swb"
    path.write_bytes(sealed)
    assert bundle.read_file(path) == sealed
