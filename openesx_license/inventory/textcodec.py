"""Turn a file's bytes into text the way every stage must: one decision, made from content.

A C compiler accepts a ``.c`` file with a stray NUL byte, and editors on Windows save source in
UTF-16; a tool that calls such files "binary" and skips them lets whatever they hold (a
proprietary marker, a licence, includes, symbols) pass the gate unseen. So the inventory, the
licence detection, the graph and the copied-code stage all decode through :func:`decode_text`:

- a byte-order mark names the encoding (UTF-8, UTF-16 or UTF-32, either byte order);
- without one, NUL bytes at every second (fourth) position of mostly-ASCII text are UTF-16
  (UTF-32) without a BOM;
- a few stray NULs in what is otherwise text, in a file that is source by its name (C, C++,
  Python, Rust, Make and other build files...) or by its content (``#include``, ``def``,
  ``fn``, an SPDX tag...), are read as spaces (line numbers and columns stay as they were);
- anything else holding a NUL or mostly control bytes is binary (None).

:func:`decode_text` returns the text and a note saying which of these applied, for the record.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: bytes of the head that decide (the whole head is used when a file is shorter)
SNIFF_BYTES = 8192

_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r\f\b\x1b"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: file names that are source or build input whatever their content looks like
_SOURCE_NAME = re.compile(
    r"\.(c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx|inc|s|asm|py|pyi|rs|go|java|js|ts|sh|pl|pm|"
    r"mk|mak|cmake|am|in|ac|m4|ld|lds|dts|dtsi|y|l|awk|lua|rb|ml|mli|S)$|"
    r"^(Makefile|GNUmakefile|Kbuild|Kconfig|CMakeLists\.txt|meson\.build|configure|"
    r"Cargo\.toml|setup\.py)",
    re.IGNORECASE,
)
#: what source looks like from inside, for files with no telling name
_SOURCE_CONTENT = re.compile(
    r"^[ \t]*(#[ \t]*(include|define|if|ifdef|ifndef|pragma)\b|"
    r"(def|class|import|from)[ \t]+\w|(fn|use|mod|impl|pub)[ \t]+\w|"
    r"[A-Za-z_][\w.]*[ \t]*[:+?]?=|[\w.$()/-]+[ \t]*:([ \t]|$))|"
    r"SPDX-License-Identifier|Copyright|\bint[ \t]+main[ \t]*\(",
    re.MULTILINE,
)


@dataclass(frozen=True, kw_only=True)
class Decoded:
    """A file's text and how it was obtained."""

    text: str
    encoding: str  # 'utf-8', 'latin-1', 'utf-16-le', ...
    note: str | None = None  # set when the file needed more than plain UTF-8


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    control = data.translate(None, _TEXT_BYTES + bytes(range(128, 256)))
    return len(control) / len(data)


def source_named(name: str) -> bool:
    """True when the file name says source or build input (C, C++, Python, Rust, Make...)."""
    return bool(_SOURCE_NAME.search(name))


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 without a BOM: NULs at the high byte of mostly-ASCII code units."""
    for width, names in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        usable = len(head) - len(head) % width
        if usable < 2 * width:
            continue
        units = [head[i : i + width] for i in range(0, usable, width)]
        for name, ascii_at in zip(names, (0, width - 1), strict=True):
            ascii_like = sum(
                1
                for u in units
                if u[ascii_at] != 0 and all(b == 0 for i, b in enumerate(u) if i != ascii_at)
            )
            if ascii_like >= 0.6 * len(units):
                return name
    return None


def text_encoding(head: bytes, name: str) -> str | None:
    """How a file whose first bytes are ``head`` decodes: an encoding name, ``'nul'`` for text
    with stray NULs, ``''`` for plain text (UTF-8 or Latin-1), None for binary content."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\0" not in head:
        return "" if _control_ratio(head) <= 0.30 else None
    wide = _wide_encoding(head)
    if wide is not None:
        return wide
    stripped = head.replace(b"\0", b"")
    if head.count(b"\0") > max(4, len(head) // 50) or _control_ratio(stripped) > 0.05:
        return None  # many NULs, or control bytes besides them: binary
    if source_named(name) or _SOURCE_CONTENT.search(stripped.decode("latin-1")):
        return "nul"
    return None


def decode_text(data: bytes, name: str, *, head: bytes | None = None) -> Decoded | None:
    """The text of a file holding ``data`` (see the module docstring); None when binary.

    ``name`` is the file name (its last path segment); ``head`` the bytes that decide
    (default: the first :data:`SNIFF_BYTES` of ``data``).
    """
    kind = text_encoding(data[:SNIFF_BYTES] if head is None else head, name)
    if kind is None:
        return None
    if kind == "nul":
        count = data.count(b"\0")
        text = _utf8_or_latin1(data.replace(b"\0", b" "))
        return Decoded(
            text=text.text,
            encoding=text.encoding,
            note=f"{count} stray NUL byte(s) read as spaces",
        )
    if kind and kind != "utf-8":
        wide = codecs.decode(data, kind, "replace").lstrip("\ufeff")
        return Decoded(text=wide, encoding=kind, note=f"decoded as {kind.upper()}")
    if kind == "utf-8":
        data = data[len(codecs.BOM_UTF8) :]
    return _utf8_or_latin1(data)


def _utf8_or_latin1(data: bytes) -> Decoded:
    try:
        return Decoded(text=data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Decoded(
            text=data.decode("latin-1"),
            encoding="latin-1",
            note=f"invalid UTF-8 at byte {exc.start}: decoded as Latin-1",
        )
