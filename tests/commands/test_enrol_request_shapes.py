"""An enrolment request of any JSON shape is refused in one sentence (issue 14, fresh review).

A signed request whose body was a JSON list made ``team enroll`` exit 1 (``data.get`` on a
list), and the console's Enrol form said "Unexpected error". Every level of the file is now
checked for its type: the file, its ``request`` and ``signature``, the signed body and every
field in it, each given every JSON type an attacker could sign. And a request's callsign meets
the rule every stored callsign meets: ``[b]X``, refused by ``staff add``, was enrolled."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from store.errors import BadInput, StoreError
from store.sync import roster as rosters
from store.sync.bundle import b64, canonical
from tests.conftest import snapshot
from words.errors import sentence

from .conftest import Run

#: Every JSON type, and values at the edges of what a reader might assume.
SHAPES: list[Any] = [
    ["x"],
    {"x": ["y"]},
    "x",
    "",
    0,
    -1,
    10**40,
    1.5,
    True,
    None,
    "[/]\x1b[2J",
]
GOOD: dict[str, Any] = {
    "kind": "schildwacht-enrolment-request",
    "device": "01a22d2e-6f1a-73b1-977b-88134e6bbb23",
    "label": "laptop-b",
    "role": "operator",
    "clock": "system",
    "callsign": "RT-0412",
    "staff": "01a22d2e-6f1a-73b2-9659-870b5ed963fa",
    "unit": "RT",
    "age": "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq",
    "created_at": "2026-11-28T09:00:00Z",
}


def signed(body: bytes) -> dict[str, str]:
    """The file's object for ``body``, signed by a fresh key."""
    return {"request": base64.b64encode(body).decode(), "signature": b64(_KEY.sign(body))}


_KEY = Ed25519PrivateKey.generate()
_SIGN = b64(
    _KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
)


def body(**changes: Any) -> bytes:
    return canonical({**GOOD, "sign": _SIGN, **changes})


def refused_cleanly(path: Path, document: Any) -> StoreError:
    path.write_text(json.dumps(document))
    with pytest.raises(StoreError) as caught:
        rosters.read_request(path)
    return caught.value


def test_the_good_request_of_these_tests_is_read(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(signed(body())))
    assert rosters.read_request(path).data["callsign"] == "RT-0412"


@pytest.mark.parametrize("shape", SHAPES, ids=repr)
def test_every_level_of_a_request_of_any_shape_is_refused_in_one_sentence(
    tmp_path: Path, shape: Any
) -> None:
    path = tmp_path / "r.json"
    refused_cleanly(path, shape)  # the file itself
    for part in ("request", "signature"):
        refused_cleanly(path, {**signed(body()), part: shape})
    whole = refused_cleanly(path, signed(canonical(shape)))  # the signed body
    assert isinstance(whole, BadInput)
    assert "is not an enrolment request" in sentence(whole)
    for field in (*GOOD, "sign", "operator_role"):  # every field is text, or left out
        path.write_text(json.dumps(signed(body(**{field: shape}))))
        try:
            rosters.read_request(path)
        except StoreError as error:  # any other exception fails the test
            assert "\n" not in str(error) and "\x1b" not in str(error), (field, error)
        else:
            optional = field in rosters.REQUEST_OPTIONAL
            assert isinstance(shape, str) or (shape is None and optional), (field, shape)


@pytest.fixture
def request_file(tmp_path: Path, run: Run) -> Path:
    """A real request, from a laptop of its own."""
    other = ["--db", str(tmp_path / "other.db")]
    assert run(*other, "init", "--callsign", "OPS-B", "--unit", "RT").exit_code == 0
    path = tmp_path / "req.json"
    assert run(*other, "device", "request", "--out", str(path)).exit_code == 0
    return path


def _forged(target: Path, data: Any) -> Path:
    """``data`` as the request, signed by a fresh key."""
    target.write_text(json.dumps(signed(canonical(data))))
    return target


@pytest.mark.parametrize("case", ["list", "callsign"])
def test_team_enroll_refuses_with_exit_2_and_writes_nothing(
    initialised: Run, db_path: Path, request_file: Path, tmp_path: Path, case: str
) -> None:
    assert initialised("team", "create", "--name", "Team RT").exit_code == 0
    if case == "list":
        forged = _forged(tmp_path / "f.json", ["schildwacht-enrolment-request"])
    else:
        data = json.loads(base64.b64decode(json.loads(request_file.read_text())["request"]))
        data["sign"] = _SIGN
        forged = _forged(tmp_path / "f.json", {**data, "callsign": "[b]X"})
        assert initialised("staff", "add", "[b]X", "--name", "X", "--unit", "RT").exit_code == 2
    before = snapshot(db_path)
    result = initialised("team", "enroll", str(forged), "--out", str(tmp_path / "w.swb"), "--yes")
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    [sentence] = result.stderr.strip().splitlines()
    assert sentence.startswith("Error: ") and ("not an enrolment request" in sentence) == (
        case == "list"
    )
    assert snapshot(db_path) == before
    assert not (tmp_path / "w.swb").exists()
