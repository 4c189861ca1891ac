"""`deploy --release` names several officers (all released, or none) and, like `deploy`, is
refused once the activity has ended (issue 16, fresh review of plan9)."""

from __future__ import annotations

import pytest

from store import roster, staffing
from store.db import Store
from tests.commands.conftest import Run
from tests.conftest import snapshot
from tests.store.test_suggest_places import _activity, _merel


@pytest.fixture
def nacht(store: Store) -> str:
    _merel(store)
    item = _activity(store, "Nacht", "2026-12-01 23:00", "2026-12-02 01:00")
    staffing.deploy(store, item, ["ZC", "ZB"])
    return item


def test_release_given_twice_releases_both_or_neither(
    store: Store, nacht: str, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(store.path)
    refused = run("deploy", nacht, "--release", "ZC", "--release", "ZD", "--reason", "x")
    assert refused.exit_code == 2 and "ZD is not deployed" in refused.stderr
    assert snapshot(store.path) == before  # ZC stays: nothing partial
    done = run("deploy", nacht, "--release", "ZC", "--release", "ZB", "--reason", "x")
    assert done.exit_code == 0, done.stderr
    assert "Released ZC, ZB." in done.stderr + done.stdout
    # every place is listed open, once: no second line saying the same (the review's L4)
    assert "Still open: " in done.stderr and "Nobody is deployed" not in done.stderr
    assert roster.list_deployments(store, nacht) == []


def test_deploy_and_release_are_refused_after_the_end(
    store: Store, nacht: str, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHILDWACHT_NOW", "2026-12-02T01:00:00+00:00")
    before = snapshot(store.path)
    for args in (("ZD",), ("--release", "ZC", "--reason", "late")):
        result = run("deploy", nacht, *args)
        assert result.exit_code == 2 and "Nacht' ended at" in result.stderr, result.stderr
    assert snapshot(store.path) == before
