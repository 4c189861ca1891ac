"""A bundle's refusals are facts (a code and params) the faces word; the words read as the
store's own sentence (issue 15)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from store.sync import bundle
from store.sync.bundle import Refused
from words.errors import SENTENCES, sentence


def _refused(call: object, *args: object, **kwargs: object) -> Refused:
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return refused.value


def test_each_bundle_refusal_has_a_code_worded_as_its_sentence(tmp_path: Path) -> None:
    framed = bundle.frame([b"one", b"two"])
    link = tmp_path / "link.swb"
    link.symlink_to(tmp_path / "elsewhere.swb")
    os.mkfifo(tmp_path / "fifo.swb")
    refusals = [
        _refused(bundle.unframe, b"not a bundle"),
        _refused(bundle.unframe, framed[:-1]),
        _refused(bundle.unframe, framed + b"x"),
        _refused(bundle.unframe, bundle.MAGIC + struct.pack(">I", bundle.MAX_PARTS + 1)),
        _refused(bundle.read_file, link, follow=False),
        _refused(bundle.read_file, tmp_path / "fifo.swb"),
    ]
    codes = [r.code for r in refusals]
    assert codes[0] == "bundle_not_one" and "bundle_too_many_parts" in codes
    assert codes[-2:] == ["bundle_symbolic_link", "bundle_not_regular"]
    for refusal in refusals:
        assert refusal.code in SENTENCES and refusal.params["check"] == refusal.check
        assert str(refusal).startswith(refusal.code)  # for a log: code and facts
        assert sentence(refusal).startswith(f"Bundle refused ({refusal.check}): ")
