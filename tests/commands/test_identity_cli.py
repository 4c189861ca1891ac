"""The secret contract scripts rely on (DESIGN.md §3): SCHILDWACHT_NEW_SECRET for `init` and
`staff add`, SCHILDWACHT_SECRET for `--user`, `staff secret`; a wrong or missing secret is
exit 4 with one sentence and nothing written. And SCHILDWACHT_NOW only for a test database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.commands.conftest import Run
from tests.conftest import TEST_SECRET, snapshot


@pytest.fixture
def team_of_two(initialised: Run) -> Run:
    """IO-01 (analyst, secret demo-secret) and RT-0009 (operator, added without a secret)."""
    assert (
        initialised("staff", "add", "IO-01", "--unit", "DKDB", "--role", "info_analyst").exit_code
        == 0
    )
    return initialised


def add_without_secret(run: Run, monkeypatch: pytest.MonkeyPatch, callsign: str) -> str:
    monkeypatch.delenv("SCHILDWACHT_NEW_SECRET")
    added = run("staff", "add", callsign, "--unit", "RT")
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", TEST_SECRET)
    assert added.exit_code == 0 and "no secret yet" in added.stderr
    return added.stdout.strip()


def test_init_needs_a_secret_of_eight_characters(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHILDWACHT_NEW_SECRET")
    refused = run("init", "--callsign", "OPS-01")
    assert refused.exit_code == 2 and "SCHILDWACHT_NEW_SECRET" in refused.stderr
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "short")
    short = run("init", "--callsign", "OPS-01")
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", " \t      a ")  # spaces are no secret
    blank = run("init", "--callsign", "OPS-01")
    assert blank.exit_code == 2 and "(spaces and invisible characters" in blank.stderr
    assert not db_path.exists()


@pytest.mark.parametrize(
    "secret",
    [
        "\u200b" * 8,  # zero-width spaces
        "\u200d\u200c\u2060\ufeff\u200e\u200f\u00ad\u2063",  # joiners, marks, soft hyphen
        "\u3000\u00a0\u2800\u3164\u0301\u0301\u0301\u0301",  # wide/no-break space, blanks, marks
        "abc\u200b\u200b\u200b\u200b\u200bde",  # five visible characters
    ],
)
def test_invisible_characters_are_no_secret(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", secret)
    refused = run("init", "--callsign", "OPS-01")
    assert refused.exit_code == 2 and "invisible characters do not count" in refused.stderr
    assert not db_path.exists()


def test_a_new_secret_of_invisible_characters_is_refused(
    initialised: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(db_path)
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "\u200b" * 8)
    refused = initialised("staff", "secret")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert snapshot(db_path) == before
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "geheim\u00e9\u200bwoord")  # visible ones count
    assert initialised("staff", "secret").exit_code == 0


@pytest.mark.parametrize(
    ("secret", "message"),
    [("not-the-secret", "Wrong secret for IO-01"), (None, "needs IO-01's secret")],
)
def test_a_wrong_or_missing_secret_is_exit_4_and_writes_nothing(
    team_of_two: Run,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    secret: str | None,
    message: str,
) -> None:
    if secret is None:
        monkeypatch.delenv("SCHILDWACHT_SECRET")
    else:
        monkeypatch.setenv("SCHILDWACHT_SECRET", secret)
    before = snapshot(db_path)
    for args in (("signal", "list"), ("log", "add", "Waarneming")):
        refused = team_of_two(*args, user="IO-01")
        assert refused.exit_code == 4 and refused.stdout == ""
        assert refused.stderr.count("\n") == 1 and message in refused.stderr
    monkeypatch.setenv("SCHILDWACHT_USER", "IO-01")  # the environment's user is proven too
    assert team_of_two("log", "add", "Waarneming").exit_code == 4
    assert snapshot(db_path) == before


def test_the_operator_needs_no_secret(team_of_two: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHILDWACHT_SECRET")
    assert team_of_two("log", "add", "Dienst begonnen", user="OPS-01").exit_code == 0
    monkeypatch.setenv("SCHILDWACHT_USER", "ops-01")
    assert team_of_two("log", "add", "Nog steeds").exit_code == 0


def test_a_person_without_a_secret_cannot_act_until_one_is_set(
    team_of_two: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_without_secret(team_of_two, monkeypatch, "RT-0009")
    before = snapshot(db_path)
    refused = team_of_two("log", "add", "Hallo", user="RT-0009")
    assert refused.exit_code == 4 and "RT-0009 has no secret on this laptop" in refused.stderr
    assert team_of_two("staff", "secret", "RT-0009", user="IO-01").exit_code == 4  # no rights
    assert snapshot(db_path) == before
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "first-secret")
    first = team_of_two("staff", "secret", "RT-0009")  # the operator, a shift leader
    assert first.exit_code == 0 and "has a secret on this laptop now" in first.stderr
    monkeypatch.setenv("SCHILDWACHT_SECRET", "first-secret")
    assert team_of_two("log", "add", "Hallo", user="RT-0009").exit_code == 0


def test_changing_and_resetting_a_secret(
    team_of_two: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "second-secret")
    changed = team_of_two("staff", "secret", user="IO-01")  # old from SCHILDWACHT_SECRET
    assert changed.exit_code == 0 and "IO-01's secret was changed" in changed.stderr
    assert team_of_two("signal", "list", user="IO-01").exit_code == 4  # the old one is gone
    monkeypatch.setenv("SCHILDWACHT_SECRET", "second-secret")
    assert team_of_two("signal", "list", user="IO-01").exit_code == 0
    monkeypatch.setenv("SCHILDWACHT_SECRET", "forgotten-one")
    before = snapshot(db_path)
    assert team_of_two("staff", "secret", "IO-01").exit_code == 4  # the old one is needed
    assert snapshot(db_path) == before
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "third-secret")
    reset = team_of_two("staff", "secret", "IO-01", "--reset")
    assert reset.exit_code == 0 and "reset" in reset.stderr
    audit = team_of_two("audit", "list", "--format", "json")
    assert '"staff.secret_reset"' in audit.stdout


def test_schildwacht_now_is_ignored_by_a_real_database(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHILDWACHT_NOW")
    assert run("init", "--callsign", "OPS-01", "--role", "shift_leader").exit_code == 0
    monkeypatch.setenv("SCHILDWACHT_NOW", "2001-01-01T00:00:00Z")
    logged = run("log", "add", "Terug in de tijd")
    assert logged.exit_code == 0
    assert "SCHILDWACHT_NOW is ignored" in logged.stderr
    quiet = run("--quiet", "log", "list")  # a warning: --quiet silences it (rev14h)
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.stderr
    (at,) = sqlite3.connect(db_path).execute("SELECT max(at) FROM log_entry").fetchone()
    assert not at.startswith("2001")
    status = run("db", "status", "--format", "json")
    assert '"clock": "real"' in status.stdout
    conn = sqlite3.connect(db_path)  # flipping the mark in meta alone is not enough
    conn.execute("UPDATE meta SET value = 'fixed' WHERE key = 'clock'")
    conn.commit()
    conn.close()
    again = run("log", "add", "Nog eens")
    assert "SCHILDWACHT_NOW is ignored" in again.stderr


def test_a_test_database_keeps_its_fixed_clock(initialised: Run) -> None:
    status = initialised("db", "status", "--format", "json")
    assert '"clock": "fixed for tests/demos"' in status.stdout and status.stderr == ""


def test_handover_show_catches_content_and_hash_rewritten_together(
    initialised: Run, db_path: Path
) -> None:
    import json

    from store.handover import content_hash

    handover_id = (
        initialised("handover", "sign", "--note", "Let op").stdout.strip().splitlines()[-1]
    )
    assert initialised("handover", "show", handover_id).exit_code == 0
    conn = sqlite3.connect(db_path)
    (content,) = conn.execute("SELECT content FROM handover").fetchone()
    forged = json.loads(content)
    forged["recommendation"] = []
    conn.execute("DROP TRIGGER handover_no_update")
    conn.execute(
        "UPDATE handover SET content = ?, content_hash = ?",
        (json.dumps(forged), content_hash(forged)),
    )
    conn.commit()
    conn.close()
    assert initialised("handover", "show", handover_id).exit_code == 5  # the guard is missing
    assert initialised("db", "repair").exit_code == 0
    shown = initialised("handover", "show", handover_id)
    assert shown.exit_code == 5 and "audit trail recorded" in shown.stderr


def _raw(db_path: Path, sql: str) -> str | None:
    """``sql`` through another connection, as any sqlite tool would: None, or why it failed."""
    conn = sqlite3.connect(db_path)
    try:
        conn.executescript(sql)
        conn.commit()
        return None
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE meta SET value = 'IO-01' WHERE key = 'operator'",
        "DELETE FROM meta WHERE key = 'operator'",
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('operator', 'IO-01')",
        "UPDATE meta SET key = 'was_operator' WHERE key = 'operator'",
    ],
)
def test_a_colleague_cannot_make_someone_else_the_operator(
    team_of_two: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    """rev13u H2: the operator (who acts without a secret) is set at init, guarded like the
    other records; nobody at the laptop becomes the analyst without the analyst's secret."""
    before = snapshot(db_path)
    assert "operator is set at init" in str(_raw(db_path, sql))
    assert snapshot(db_path) == before
    monkeypatch.delenv("SCHILDWACHT_SECRET")
    assert team_of_two("signal", "list", user="IO-01").exit_code == 4
    assert team_of_two("log", "add", "Dienst begonnen").exit_code == 0  # still the operator


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE staff_secret SET set_by = 'IO-01'",
        "UPDATE staff_secret SET hash = (SELECT hash FROM staff_secret LIMIT 1)",
        "DELETE FROM staff_secret",
        "INSERT OR REPLACE INTO staff_secret SELECT staff_id, hash, set_at, 'X' FROM staff_secret",
    ],
)
def test_secrets_are_written_only_by_the_store(
    team_of_two: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    """rev13u H2: no raw tool sets a secret, copies one or wipes the "set by someone else"
    mark; `staff secret` still works (the store's own writer)."""
    before = snapshot(db_path)
    assert "only with `schildwacht staff secret`" in str(_raw(db_path, sql))
    assert snapshot(db_path) == before
    monkeypatch.setenv("SCHILDWACHT_NEW_SECRET", "second-secret")
    assert team_of_two("staff", "secret", user="IO-01").exit_code == 0
    assert team_of_two("db", "status").exit_code == 0


def test_a_dropped_secret_guard_is_noticed(team_of_two: Run, db_path: Path) -> None:
    assert _raw(db_path, "DROP TRIGGER staff_secret_update") is None
    refused = team_of_two("log", "add", "x")
    assert refused.exit_code == 5 and "staff_secret_update" in refused.stderr
