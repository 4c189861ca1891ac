"""The console tests' shared style-rule cache (``tests/console/conftest.py``): an app's sheet
parses a text another app's sheet parsed already to the same rules, not again; another theme
(other variables) or a text with errors is parsed anew."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from tests.console import conftest

CSS = "Static.shared-cache-probe { color: $accent; }"


def test_a_second_sheet_reuses_the_rules_and_another_theme_parses_anew() -> None:
    assert Stylesheet._parse_rules is conftest._parse_rules_once
    first = Stylesheet(variables={"accent": "red"})
    second = Stylesheet(variables={"accent": "red"})
    rules = first._parse_rules(CSS, ("probe", ""))
    assert second._parse_rules(CSS, ("probe", "")) is rules
    assert str(rules[0].styles.color) == str(first._parse_rules(CSS, ("probe", ""))[0].styles.color)
    other = Stylesheet(variables={"accent": "blue"})._parse_rules(CSS, ("probe", ""))
    assert other is not rules and other[0].styles.color != rules[0].styles.color


def test_rules_with_errors_are_not_kept() -> None:
    broken = "Static.shared-cache-broken { color: notacolour; }"
    rules = Stylesheet(variables={})._parse_rules(broken, ("broken", ""))
    assert any(rule.errors for rule in rules)
    assert not any(key[0] == broken for key in conftest._PARSED)
