"""``console/styles.preload`` (issue 18): at start the style sheet holds the scoped default styles
of every widget class the console imports, so a screen's first visit parses nothing again —
and only scoped styles, which match nothing outside their own class."""

from __future__ import annotations

from types import SimpleNamespace

from textual.app import App
from textual.dom import DOMNode
from textual.widgets import Select, TabbedContent

import console.app  # noqa: F401  (every class the console uses, imported)
from console import styles


def test_a_first_mount_after_preload_parses_the_sheet_no_more() -> None:
    app: App[None] = App()  # its style sheet, with the theme's variables; never run
    styles.preload(app)
    sheet = app.stylesheet
    assert not sheet._require_parse
    sources = dict(sheet.source)
    assert all(source.scope for source in sources.values())  # scoped styles only
    for cls in (Select, TabbedContent):  # what the Capacity screen mounts first
        node = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
        for read_from, css, tie_breaker, scope in DOMNode._get_default_css(node):  # type: ignore[arg-type]
            assert read_from in sources
            sheet.add_source(css, read_from, True, tie_breaker, scope)  # as a mount does
    assert not sheet._require_parse  # nothing new: no parse at the first mount
