"""The encoding refusal says what is known and guesses nothing (rev16j): a UTF-8 file with one
stray Latin-1 byte was said to be "maybe Windows-1251 (Cyrillic)", UTF-16 without a BOM got the
same hint naming an accented letter's byte instead of its NUL bytes. A UTF-8 file with a stray
byte is never read as a code page (its UTF-8 letters would be garbled)."""

from __future__ import annotations

import codecs

import pytest

from store.errors import BadInput
from store.ics import decode_text
from words.errors import sentence

CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:{title}\r\nEND:VCALENDAR\r\n"


def refused(raw: bytes) -> BadInput:
    with pytest.raises(BadInput) as caught:
        decode_text(raw, "x.ics")
    return caught.value


def test_utf16_without_bom_is_named_even_when_it_is_all_ascii() -> None:
    """ASCII in UTF-16 is valid UTF-8 full of NULs: it was read on and refused as a bad line."""
    for codec in ("utf-16-le", "utf-16-be"):
        error = refused(CALENDAR.format(title="Overleg").encode(codec))
        assert error.code == "calendar_utf16_without_bom"
        assert error.params["line"] == 1
        assert "looks like UTF-16 or UTF-32 text without a byte-order mark" in sentence(error)


@pytest.mark.parametrize("title", ["Über", "Émile «test»", "Ö"])
def test_utf8_with_a_stray_byte_is_said_so_and_never_read_as_a_code_page(title: str) -> None:
    raw = CALENDAR.format(title=title).encode("utf-8") + b"LOCATION:r\xe9union\r\n"
    error = refused(raw)
    assert error.code == "calendar_not_all_utf8"
    assert (error.params["byte"], error.params["line"]) == (0xE9, 5)
    assert "Windows-125" not in sentence(error)


def test_another_code_page_is_not_guessed() -> None:
    error = refused(CALENDAR.format(title="Привет мир").encode("cp1251"))
    assert error.code == "calendar_encoding"
    assert sentence(error) == (
        "x.ics is not UTF-8 (byte 0xCF at position 38, line 3) and does not read as Western "
        "European (Windows-1252/Latin-1) text either; which code page it is in cannot be told, "
        "so nothing was imported. Export the calendar again as UTF-8."
    )


def test_western_text_is_still_read_as_windows_1252() -> None:
    text, warnings = decode_text(CALENDAR.format(title="Straße und Café").encode("cp1252"), "x")
    assert "Straße und Café" in text
    assert [w.code for w in warnings] == ["calendar_read_as_cp1252"]


def test_a_stray_byte_after_a_utf8_bom_is_named_where_it_is_in_the_file() -> None:
    """rev16k: the position was counted after the BOM, 3 bytes early (it named the 'C')."""
    raw = codecs.BOM_UTF8 + CALENDAR.format(title="Café").encode() + b"LOCATION:Caf\xe9\r\n"
    error = refused(raw)
    assert error.code == "calendar_not_all_utf8"
    position = raw.index(b"\xe9")
    assert (error.params["byte"], error.params["position"]) == (0xE9, position)


def test_a_stray_byte_after_a_line_folded_inside_a_letter_is_named() -> None:
    """rev16k: a legal fold inside 'é' (its only UTF-8 letter) was named instead, as
    calendar_encoding: the position was taken before unfolding."""
    raw = (
        b"BEGIN:VCALENDAR\r\nSUMMARY:Caf\xc3\r\n \xa9 Noel\r\n \xc3\xa9\r\n"
        b"LOCATION:Caf\xe9 Centraal\r\nEND:VCALENDAR\r\n"
    )
    error = refused(raw)
    assert error.code == "calendar_not_all_utf8"
    position = raw.index(b"\xe9")
    assert (error.params["byte"], error.params["position"]) == (0xE9, position)
    assert error.params["line"] == 5


def test_utf32_with_a_bom_is_read_as_utf32() -> None:
    """rev16k: its BOM starts as UTF-16's, so it was read as UTF-16 and refused quoting NULs."""
    for codec in ("utf-32", "utf-32-be"):
        raw = CALENDAR.format(title="Café").encode(codec)
        if codec == "utf-32-be":
            raw = codecs.BOM_UTF32_BE + raw
        text, warnings = decode_text(raw, "x.ics")
        assert ("SUMMARY:Café" in text, warnings) == (True, [])
    error = refused(codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff")
    assert error.code == "calendar_bad_utf16"
    assert sentence(error) == (
        "x.ics starts as UTF-32 but is not valid UTF-32: the code unit 0xFFFFFFFF at position 4 "
        "(line 1) is no UTF-32 character; nothing was imported. Correct it, or export the "
        "calendar again, as UTF-8 if the program can."
    )


def test_an_ambiguous_code_page_names_the_line() -> None:
    error = refused(CALENDAR.format(title="Dvořák in Brně").encode("cp1250"))
    assert error.code == "calendar_code_page_ambiguous"
    assert error.params["line"] == 3
    assert "position 41 (line 3) is 'ø'" in sentence(error)


@pytest.mark.parametrize("title", ["Café Noël", "Restmülltonne", "Overleg café"])
def test_a_utf8_bom_before_windows_1252_text_reads_as_without_it(title: str) -> None:
    """rev16m: the code-page reading and the ambiguity refusal ran on the bytes with the BOM,
    whose 0xEF at position 0 was refused as 'ï' or 'ď'. Right: the BOM is no text; the same
    result as without it."""
    body = CALENDAR.format(title=title).encode("cp1252")
    assert decode_text(codecs.BOM_UTF8 + body, "x.ics") == decode_text(body, "x.ics")
    text, warnings = decode_text(codecs.BOM_UTF8 + body, "x.ics")
    assert f"SUMMARY:{title}\r\n" in text and not text.startswith("\ufeff")
    assert [w.code for w in warnings] == ["calendar_read_as_cp1252"]


@pytest.mark.parametrize(
    ("title", "codec", "code"),
    [
        ("Dvořák in Brně", "cp1250", "calendar_code_page_ambiguous"),
        ("Привет мир", "cp1251", "calendar_encoding"),
    ],
)
def test_a_refusal_after_a_utf8_bom_names_the_real_byte(title: str, codec: str, code: str) -> None:
    """The byte, position and line of the refusal are those of the text's byte in the file
    (the BOM counted), never the BOM's 0xEF at position 0."""
    body = CALENDAR.format(title=title).encode(codec)
    bare, with_bom = refused(body), refused(codecs.BOM_UTF8 + body)
    assert (with_bom.code, bare.code) == (code, code)
    assert with_bom.params["byte"] == bare.params["byte"] != 0xEF
    assert with_bom.params["position"] == bare.params["position"] + 3
    assert with_bom.params["line"] == bare.params["line"] == 3


@pytest.mark.parametrize(
    ("codec", "bom"), [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)]
)
def test_bad_utf16_names_the_code_unit_its_position_and_line(codec: str, bom: bytes) -> None:
    """rev16m: ``calendar_bad_utf16`` named nothing a planner could find, nor what to do."""
    body = CALENDAR.format(title="Overleg XX").encode(codec)
    bad = bom + body.replace(
        "XX".encode(codec), "\ud800".encode(codec, "surrogatepass") + "X".encode(codec)
    )
    error = refused(bad)
    position = bad.index("\ud800".encode(codec, "surrogatepass"))
    assert error.code == "calendar_bad_utf16"
    assert (error.params["position"], error.params["line"]) == (position, 3)
    assert sentence(error) == (
        f"x.ics starts as UTF-16 but is not valid UTF-16: the code unit 0xD800 at position "
        f"{position} (line 3) is no UTF-16 character; nothing was imported. Correct it, or "
        "export the calendar again, as UTF-8 if the program can."
    )


def test_utf16_cut_off_inside_a_character_is_said_so() -> None:
    raw = codecs.BOM_UTF16_LE + CALENDAR.format(title="Overleg").encode("utf-16-le")[:-1]
    error = refused(raw)
    assert error.code == "calendar_bad_utf16"
    assert sentence(error) == (
        f"x.ics starts as UTF-16 but is not valid UTF-16: it ends inside a character at "
        f"position {len(raw) - 1} (line 4), so it may be cut off; nothing was imported. "
        "Export the calendar again, as UTF-8 if the program can."
    )
