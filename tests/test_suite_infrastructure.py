"""The test suite's own shortcuts (issue 15: ``make test`` within ~4 minutes on two cores)
hold, and are only shortcuts: each is checked here, beside the test that proves what the
program does without it."""

from __future__ import annotations

import pytest

from store import proof
from tests.conftest import runs_long

#: The hasher when this module was imported: at collection, before any fixture of any scope.
HASHER_AT_COLLECTION = proof.HASHER


def test_the_tests_hash_cheaply_before_any_fixture() -> None:
    """A module's fixture (test_fuzz_cli's demo with an analyst's secret) is made before the
    first function's ``isolate``; its hashes must be the cheap ones too, or every ``--user``
    proof of its people costs a real Argon2 verification. The program's own parameters:
    tests/store/test_proof.py::test_the_store_hashes_with_the_real_parameters_outside_the_tests."""
    cost = HASHER_AT_COLLECTION
    assert (cost.memory_cost, cost.time_cost, cost.parallelism) == (8, 1, 1)
    assert proof.hash_secret("correct horse").startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_the_collector_runs_less_often_than_pythons_default() -> None:
    """tests/conftest.py: the first generation every 10,000 new objects (Python's 700 cost the
    console tests ~6% of their CPU in collections)."""
    import gc

    assert gc.get_threshold()[0] == 10_000


def test_bytecode_is_kept_before_the_installed_plugins_load(pytestconfig: pytest.Config) -> None:
    """tests/bytecode.py, loaded by ``-p`` from the addopts: pytest loads it before the plugins
    of installed packages, whose modules it rewrites (with bytecode forbidden, anew each run)."""
    import sys

    names = [name for name, _plugin in pytestconfig.pluginmanager.list_name_plugin()]
    assert names.index("tests.bytecode") < names.index("hypothesispytest"), names
    assert not sys.dont_write_bytecode


def test_modules_with_property_tests_are_collected_first(request: pytest.FixtureRequest) -> None:
    """``pytest_collection_modifyitems`` (tests/conftest.py): every module holding a hypothesis
    test or a ``runs_long`` one comes before
    any module without one, and each module's tests stay together."""
    items = request.session.items
    if len(items) < 2:  # run alone: nothing to order (the whole suite, as `make test` runs it, is)
        return
    names = [item.module.__name__ for item in items if isinstance(item, pytest.Function)]
    with_property = {
        item.module.__name__
        for item in items
        if isinstance(item, pytest.Function) and runs_long(item)
    }
    flags = [name in with_property for name in names]
    assert flags == sorted(flags, reverse=True), "a module with a property test comes late"
    order = [name for i, name in enumerate(names) if i == 0 or names[i - 1] != name]
    assert len(order) == len(set(order)), "a module's tests were split apart"
