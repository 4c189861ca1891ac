"""A URL typed into a title is no link in Markdown output (issue 14, last fresh review): README
says "a title adds no link". Before, a bare URL, ``www.`` domain or e-mail address became a link
a reader (GitHub, Textual's Markdown with linkify) could follow."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from store.validate import markdown

TYPED = [
    "Zie https://evil.example/login",
    "Meld je aan op www.evil.com of <https://evil.example/x>",
    "mail a@evil.com, ftp://x.nl, mailto:a@b.nl",
    "evil.com",
    "[x](http://a.b) ![i](http://a.b/i.png)",
]


@pytest.mark.parametrize("text", TYPED)
def test_typed_text_renders_literally_and_links_nothing(text: str) -> None:
    html = MarkdownIt("gfm-like").render(markdown(text))
    assert "<a " not in html and "<img" not in html
    assert re.sub("<[^>]+>", "", html).strip() == text.replace("<", "&lt;").replace(">", "&gt;")


def test_times_and_decimals_stay_as_typed() -> None:
    assert markdown("07:00–15:00, 1.5 FTE.") == "07:00–15:00, 1.5 FTE."
