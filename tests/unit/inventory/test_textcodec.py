"""One decision for every stage: which bytes are text, and how they decode."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openesx_license.inventory.textcodec import decode_text, text_encoding

SOURCE = "/* VMware Confidential */\n#include <stdio.h>\nint main(void) { return 0; }\n"


@pytest.mark.parametrize(
    ("data", "name", "encoding", "note"),
    [
        (SOURCE.encode(), "a.c", "utf-8", None),
        (codecs.BOM_UTF8 + SOURCE.encode(), "a.c", "utf-8", None),
        (SOURCE.encode("utf-16"), "a.c", "utf-16-le", "decoded as UTF-16-LE"),
        (SOURCE.encode("utf-16-be"), "a.c", "utf-16-be", "decoded as UTF-16-BE"),
        (SOURCE.encode("utf-16-le"), "notes", "utf-16-le", "decoded as UTF-16-LE"),
        (SOURCE.encode("utf-32"), "a.c", "utf-32-le", "decoded as UTF-32-LE"),
        (SOURCE.encode("utf-32-be"), "a.c", "utf-32-be", "decoded as UTF-32-BE"),
        (b"\0" + SOURCE.encode(), "a.c", "utf-8", "1 stray NUL byte(s) read as spaces"),
        (b"\0" + SOURCE.encode(), "a.py", "utf-8", "1 stray NUL byte(s) read as spaces"),
        (b"\0" + SOURCE.encode(), "Makefile", "utf-8", "1 stray NUL byte(s) read as spaces"),
        (b"\0" + SOURCE.encode(), "noext", "utf-8", "1 stray NUL byte(s) read as spaces"),
        ("J\xfcrgen\n".encode("latin-1"), "a.c", "latin-1",
         "invalid UTF-8 at byte 1: decoded as Latin-1"),
    ],
)  # fmt: skip
def test_text_decodes_whole(data: bytes, name: str, encoding: str, note: str | None) -> None:
    decoded = decode_text(data, name)
    assert decoded is not None
    assert (decoded.encoding, decoded.note) == (encoding, note)
    assert "Confidential" in decoded.text or "rgen" in decoded.text
    assert "\0" not in decoded.text and "\ufeff" not in decoded.text
    if note and "NUL" in note:  # NULs become spaces: lines and columns stay
        assert decoded.text.count("\n") == data.count(b"\n")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0" * 20, "blob.c"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)), "logo.png"),
        (b"\0" + b"plain words only\n" * 5, "notes.txt"),  # not source by name or content
        (bytes(range(32)) * 8, "a.c"),
    ],
)
def test_binary_stays_binary(data: bytes, name: str) -> None:
    assert decode_text(data, name) is None
    assert text_encoding(data, name) is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))), st.sampled_from(
    ["utf-8", "utf-16", "utf-32"]))  # fmt: skip
def test_any_text_with_a_bom_round_trips(text: str, encoding: str) -> None:
    data = text.encode(encoding) if encoding != "utf-8" else codecs.BOM_UTF8 + text.encode()
    decoded = decode_text(data, "x.c")
    assert decoded is not None and decoded.text == text
