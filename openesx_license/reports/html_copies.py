"""Copied-code evidence side by side: the open region and the proprietary region it matches.

A ``copied-code`` finding names two regions (``open_lines`` of its file, ``proprietary_lines``
of ``proprietary_path``). :func:`side_by_side` reads both from the scanned tree, aligns their
lines (:class:`difflib.SequenceMatcher` over the lines' tokens, so that re-indented code still
pairs up) and marks the tokens the two regions share, so that a reviewer sees at a glance
which part is the same. When the proprietary side is not in the tree (an external fingerprint
index carries no source) or ``--redact-proprietary`` hides it, that side says why instead.

The result is compact JSON for the page's script: rows of ``[open line no, open segments,
proprietary line no, proprietary segments]``, a segment being ``[text, 1 if shared else 0]``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from openesx_license.model import Finding
from openesx_license.reports.html_source import SourceExcerpts

#: identifiers, numbers, string and char literals, then any other non-blank character
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d\w*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|\S")
#: lines of each region shown at most (a copy that long is shown in part)
MAX_REGION_LINES = 120

Segment = list[Any]  # [text, shared 0/1]


def _lines_range(value: object) -> tuple[int, int] | None:
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        a, b = value
        if isinstance(a, int) and isinstance(b, int) and 0 < a <= b:
            return a, min(b, a + MAX_REGION_LINES - 1)
    return None


def _tokens(line: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(line)]


def _flat(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    return [
        (i, k, line[s:e]) for i, line in enumerate(lines) for k, (s, e) in enumerate(_tokens(line))
    ]


def _shared_marks(a: Sequence[str], b: Sequence[str]) -> tuple[list[set[int]], list[set[int]]]:
    """Per line of ``a`` and ``b``: the indexes of the tokens the two regions share, in order."""
    flat_a = [
        (i, k, line[s:e]) for i, line in enumerate(a) for k, (s, e) in enumerate(_tokens(line))
    ]
    flat_b = [
        (i, k, line[s:e]) for i, line in enumerate(b) for k, (s, e) in enumerate(_tokens(line))
    ]
    matcher = difflib.SequenceMatcher(
        None, [t for _, _, t in flat_a], [t for _, _, t in flat_b], autojunk=False
    )
    marks_a: list[set[int]] = [set() for _ in a]
    marks_b: list[set[int]] = [set() for _ in b]
    for block in matcher.get_matching_blocks():
        if block.size < 2:  # a lone shared ';' or ')' says nothing
            continue
        for j in range(block.size):
            ia, ka, _ = flat_a[block.a + j]
            ib, kb, _ = flat_b[block.b + j]
            marks_a[ia].add(ka)
            marks_b[ib].add(kb)
    return marks_a, marks_b


def _segments(line: str, marked: set[int]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for k, (s, e) in enumerate(_tokens(line)):
        flag = 1 if k in marked else 0
        if s > pos:
            gap = line[pos:s]
            if out and out[-1][1] == flag == 1:
                out[-1][0] += gap
            else:
                out.append([gap, 0])
        if out and out[-1][1] == flag:
            out[-1][0] += line[s:e]
        else:
            out.append([line[s:e], flag])
        pos = e
    if pos < len(line):
        out.append([line[pos:], 0])
    return out


def _aligned(a: Sequence[str], b: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Pairs of line indexes (None: no counterpart on that side), in order."""
    key_a = [" ".join(line[s:e] for s, e in _tokens(line)) for line in a]
    key_b = [" ".join(line[s:e] for s, e in _tokens(line)) for line in b]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, key_a, key_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "replace":
            n = max(i2 - i1, j2 - j1)
            pairs.extend(
                (i1 + k if i1 + k < i2 else None, j1 + k if j1 + k < j2 else None) for k in range(n)
            )
        elif tag == "delete":
            pairs.extend((i, None) for i in range(i1, i2))
        else:
            pairs.extend((None, j) for j in range(j1, j2))
    return pairs


def side_by_side(finding: Finding, excerpts: SourceExcerpts) -> dict[str, Any] | None:
    """The two matched regions of a ``copied-code`` finding, aligned; None when it names none."""
    data: Mapping[str, Any] = finding.data
    open_range = _lines_range(data.get("open_lines"))
    prop_range = _lines_range(data.get("proprietary_lines"))
    prop_path = data.get("proprietary_path")
    if open_range is None or prop_range is None or not isinstance(prop_path, str):
        return None
    left = excerpts.region(finding.path, *open_range)
    right: tuple[str, ...] | str
    if str(data.get("index", "")) not in ("", "<monorepo>"):
        right = (
            "the proprietary tree is not part of this audit (the copy was found through the "
            "fingerprint index, which holds no source)"
        )
    else:
        right = excerpts.region(prop_path, *prop_range)
    out: dict[str, Any] = {
        "a": {"p": finding.path, "s": open_range[0], "e": open_range[1]},
        "b": {"p": prop_path, "s": prop_range[0], "e": prop_range[1]},
    }
    if isinstance(left, str):
        out["a"]["n"] = left
    if isinstance(right, str):
        out["b"]["n"] = right
    lines_a = left if not isinstance(left, str) else ()
    lines_b = right if not isinstance(right, str) else ()
    marks_a, marks_b = _shared_marks(lines_a, lines_b)
    rows = []
    pairs = (
        _aligned(lines_a, lines_b)
        if lines_a and lines_b
        else [(i, None) for i in range(len(lines_a))] + [(None, j) for j in range(len(lines_b))]
    )
    for i, j in pairs:
        rows.append(
            [
                open_range[0] + i if i is not None else None,
                _segments(lines_a[i], marks_a[i]) if i is not None else None,
                prop_range[0] + j if j is not None else None,
                _segments(lines_b[j], marks_b[j]) if j is not None else None,
            ]
        )
    out["rows"] = rows
    shared = sum(len(m) for m in marks_a)
    total = sum(len(_tokens(line)) for line in lines_a)
    out["shared"] = [shared, total]
    return out
