"""Refusals, word for word: the sentence on stderr and the exit code of each kind of refusal
the store raises as facts and the command line words (golden/refusals.txt)."""

from __future__ import annotations

from pathlib import Path

from tests.commands.conftest import Run, golden

START, END = "2026-12-01 09:00", "2026-12-01 11:00"


def _setup(run: Run) -> dict[str, str]:
    for code, unit, level in (("BEVER", "RT", 3), ("KIEVIT", "RT", 2), ("GRUTTO", "RT", None)):
        run("person", "add", code, "--kind", "person", "--domain", "local", "--unit", unit)
        if level is not None:
            run("threat", "assess", code, "--level", str(level))
    ids = {}
    for code in ("BEVER", "KIEVIT"):
        added = run(
            "activity", "add", "--person", code, "--title", "Zitting", "--start", START,
            "--end", END,
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
        ids[code] = added.stdout.strip().splitlines()[-1]
    ended = run(
        "activity", "add", "--person", "KIEVIT", "--title", "Ontbijt", "--start",
        "2026-11-28 07:00", "--end", "2026-11-28 08:00",
    )  # fmt: skip
    ids["done"] = ended.stdout.strip().splitlines()[-1]
    assert run("activity", "edit", ids["done"], "--status", "done").exit_code == 0
    flagged = run("log", "add", "Voertuig", "--kind", "incident", "--flag")
    ids["flag"] = flagged.stdout.strip().splitlines()[-1]
    run("staff", "add", "RT-0100", "--unit", "RT", "--role", "shift_leader")
    signed = run("handover", "sign", "--from", START, "--to", END)
    assert signed.exit_code == 0, signed.stderr
    ids["handover"] = signed.stdout.strip().splitlines()[-1]
    withdrawn = run("handover", "withdraw", ids["handover"], "--reason", "dubbel")
    assert withdrawn.exit_code == 0, withdrawn.stderr
    return ids


def test_refusals_are_worded_as_before(initialised: Run, tmp_path: Path) -> None:
    ids = _setup(initialised)
    bever, kievit = ids["BEVER"], ids["KIEVIT"]
    cases = [
        ("activity", "assign", bever, "STATIC"),  # R1
        ("activity", "assign", kievit, "CP-HEAVY"),  # R3
        ("activity", "assign", bever, "REMOTE-CP"),  # R4
        (
            "activity", "add", "--person", "GRUTTO", "--title", "T", "--start", START, "--end",
            END, "--concept", "CP-LIGHT",
        ),  # R2
        ("activity", "edit", bever),
        ("activity", "edit", bever, "--start", "2026-12-01 10:00"),
        ("activity", "restrict", bever, "--kind", "moved", "--reason", "capacity",
         "--authority", "OvJ"),
        ("activity", "restrict", bever, "--kind", "relocated", "--reason", "capacity",
         "--authority", "OvJ"),
        ("activity", "restrict", bever, "--kind", "cancelled", "--reason", "capacity",
         "--authority", " "),
        ("activity", "restrict", bever, "--kind", "moved", "--reason", "capacity",
         "--authority", "OvJ", "--start", "2026-11-20 09:00"),
        ("activity", "restrict", ids["done"], "--kind", "cancelled", "--reason", "capacity",
         "--authority", "OvJ"),
        ("log", "clear", ids["flag"], "--reason", " "),
        ("signal", "raise", "Drone", "--category", "other", "--urgency", "routine",
         "--tlp", "green", "--request-assessment"),
        ("signal", "raise", "Drone", "--category", "other", "--urgency", "routine",
         "--tlp", "green", "--person", "KIEVIT", "--activity", bever),
        ("handover", "accept", "00000000"),
        ("--user", "RT-0100", "handover", "accept", ids["handover"]),
        ("--user", "NIEMAND", "person", "list"),
        ("--db", str(tmp_path), "person", "list"),
        ("--db", str(tmp_path / "absent.db"), "person", "list"),
        ("person", "show", "NIEMAND"),
        ("staff", "qualify", "NIEMAND", "BHV"),
        ("team", "revoke", "laptop-x"),
    ]  # fmt: skip
    names = {str(tmp_path): "TMP", **{value: f"<{key}>" for key, value in ids.items()}}
    names[ids["handover"][:13]] = "<handover>"
    lines = []
    for args in cases:
        result = initialised(*args)
        lines += [f"$ {' '.join(args)}", f"exit {result.exit_code}", result.stderr.strip()]
    text = "\n".join(lines) + "\n"
    for value, name in names.items():
        text = text.replace(value, name)
    golden("refusals.txt", text)
