"""Outputs safe for terminals and spreadsheets (issue 14): golden files per format for rows that
carry every hostile family, and the rules behind them."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from commands.output import render

from .conftest import golden

ROWS = [
    {"field": "escape", "text": "\x1b[31mrood\x1b[0m \x1b]0;titel\x07 \x1b[2J", "n": 1},
    {"field": "clipboard", "text": "\x1b]52;c;ZXZpbA==\x07", "n": 2},
    {"field": "c1", "text": "\x9b31m", "n": 3},
    {"field": "bidi", "text": "Zitting \u202eTAD\u202c", "n": -4},
    {"field": "formula", "text": "=cmd|'/C calc'!A0", "n": -5.5},
    {"field": "hyperlink", "text": '+HYPERLINK("https://evil.example")', "n": Decimal("6.5")},
    {"field": "minus", "text": "-2+3", "n": None},
    {"field": "at", "text": "@SUM(A1)", "n": True},
    {"field": "table", "text": "a | b\nc", "n": 0},
    {"field": "markup", "text": "[/] [link=x]y[/link] **vet** `code` <b>", "n": 0},
    {"field": "emoji", "text": "🛡️ 𝔅𝔢𝔳𝔢𝔯", "n": 0},
]
COLUMNS = ("field", "text", "n")
SUFFIX = {"table": "table", "csv": "csv", "md": "md", "json": "json"}


@pytest.mark.parametrize("fmt", ["table", "csv", "md", "json"])
def test_hostile_rows_golden(fmt: str) -> None:
    golden(f"hostile-rows.{SUFFIX[fmt]}", render(ROWS, fmt, COLUMNS))


@pytest.mark.parametrize("fmt", ["table", "csv", "md"])
def test_no_control_or_bidi_character_is_written(fmt: str) -> None:
    text = render(ROWS, fmt, COLUMNS)
    for char in ("\x1b", "\x07", "\x9b", "\u202e", "\u202c"):
        assert char not in text
    assert "\\u001b" in text and "\\u202e" in text
    single = render(ROWS[0], fmt)  # one record as field/value pairs
    assert "\x1b" not in single and "\\u001b" in single


def test_csv_neutralises_formulas_but_not_numbers() -> None:
    rows = list(csv.DictReader(io.StringIO(render(ROWS, "csv", COLUMNS))))
    cells = {r["field"]: r for r in rows}
    assert cells["formula"]["text"] == "'=cmd|'/C calc'!A0"
    assert cells["hyperlink"]["text"].startswith("'+HYPERLINK")
    assert cells["minus"]["text"] == "'-2+3"
    assert cells["at"]["text"] == "'@SUM(A1)"
    assert cells["formula"]["n"] == "-5.5" and cells["bidi"]["n"] == "-4"  # numbers by type


def test_markdown_keeps_every_cell_in_its_column() -> None:
    lines = render(ROWS, "md", COLUMNS).splitlines()
    assert len(lines) == len(ROWS) + 2  # a line break in a cell does not start a row
    for line in lines:
        unescaped_bars = line.replace("\\|", "").count("|")
        assert unescaped_bars == len(COLUMNS) + 1, line


def test_json_stays_exact() -> None:
    text = render(ROWS, "json", COLUMNS)
    assert json.loads(text)[0]["text"] == ROWS[0]["text"]
    assert json.loads(text)[3]["text"] == ROWS[3]["text"]
    for char in ("\x9b", "\u202e"):  # JSON escapes, the same value when parsed
        assert char not in text
