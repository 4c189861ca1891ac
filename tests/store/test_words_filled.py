"""One function fills a refusal's sentence for every table of words (issue 15 point 6):
words/person used its own copy that left a list as Python's repr; and words.person could not be
imported before words.errors (an import cycle through the merge of its refusals)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from words import filled
from words.errors import SENTENCES, template


def test_every_table_fills_its_sentences_with_the_one_template() -> None:
    assert template is filled.template
    said = SENTENCES["request_answered"]({"request": "R1", "answer": "refused", "by": ["A", "B"]})
    assert said == "Request R1 was already refused by A, B."  # the list joined, not ['A', 'B']
    at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert "09:00" in SENTENCES["request_answered"]({"request": "R1", "answer": "x", "by": at})


def test_words_person_is_imported_on_its_own() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import words.person"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
