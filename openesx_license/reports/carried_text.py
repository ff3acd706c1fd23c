"""The licence text a file itself carries, with its copyright lines: what a NOTICE should quote.

ScanCode's licence data holds the *template* of a licence (an MIT text says "Copyright (c)
<year> <copyright holders>", a BSD text "ORGANIZATION"); an attribution must reproduce the
notice the files carry. :func:`carried_text` finds, in one file, the detection that matched a
licence text (not a one-line reference such as "see the copyright notice in zlib.h" or an
SPDX tag), takes the copyright lines just above it, and reads that block from the scanned tree
with the comment markers taken off. When the tree is gone, the matched text and the copyright
statements the detection recorded stand in.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openesx_license.model import DetectionMethod, FileKind, FileRecord

#: a shorter match is a reference to a licence ("see COPYING"), not its text
MIN_TEXT_CHARS = 200
#: copyright lines this far above the licence text belong to its notice
COPYRIGHT_GAP = 12
_COMMENT = re.compile(r"^\s*(?:/\*+|\*+/|\*(?!/)|//+|#+|;+|--|dnl\b|REM\b)?[ \t]?")
_CLOSE = re.compile(r"\s*\*+/\s*$")


@dataclass(frozen=True, kw_only=True)
class CarriedText:
    """A licence notice as a file carries it."""

    license_expression: str
    path: str
    start_line: int
    end_line: int
    text: str


def _decomment(lines: Iterable[str]) -> str:
    out = [_CLOSE.sub("", _COMMENT.sub("", line, count=1)).rstrip() for line in lines]
    text = textwrap.dedent("\n".join(out)).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def _read(root: Path, path: str, first: int, last: int) -> list[str] | None:
    try:
        base = root.resolve()
        file = (base / path).resolve()
        if not file.is_relative_to(base) or not file.is_file():
            return None
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if last > len(lines):
        return None
    return lines[first - 1 : last]


def carried_text(rec: FileRecord, root: Path) -> CarriedText | None:
    """The licence notice ``rec`` carries, or None when it carries only references or tags."""
    texts = [
        d
        for d in rec.detections
        if d.method is DetectionMethod.LICENSE_TEXT
        and d.valid
        and d.start_line
        and d.end_line
        and len(d.matched_text or "") >= MIN_TEXT_CHARS
    ]
    if not texts:
        return None
    best = max(texts, key=lambda d: ((d.end_line or 0) - (d.start_line or 0), -(d.start_line or 0)))
    start, end = best.start_line or 1, best.end_line or 1
    above = [
        c for c in rec.copyrights if c.end_line <= start and c.start_line >= start - COPYRIGHT_GAP
    ]
    first = min([start, *(c.start_line for c in above)])
    lines = _read(root, rec.path, first, end)
    if lines is not None:
        text = _decomment(lines)
    else:
        text = "\n".join([*(c.statement for c in above), "", best.matched_text or ""]).strip()
    return CarriedText(
        license_expression=best.license_expression,
        path=rec.path,
        start_line=first,
        end_line=end,
        text=text,
    )


def best_carried(records: Iterable[FileRecord], root: Path) -> CarriedText | None:
    """The fullest notice among ``records``: licence files first, then the longest text."""
    found = [
        (rec.kind is FileKind.LICENSE, len(c.text), c)
        for rec in records
        if (c := carried_text(rec, root)) is not None
    ]
    if not found:
        return None
    return max(found, key=lambda item: (item[0], item[1], item[2].path))[2]
