"""Where a file's comments are, and their paragraphs, in any common comment syntax.

Licence blocks follow comments: a notice is a comment (or a run of line comments), and a
licence text pasted into a source file is one long comment. :func:`comment_spans` finds, line
by line and without a parser, the block comments (``/* */``, ``<!-- -->``, ``(* *)``,
``{- -}``, Python's triple quotes) and the runs of line comments with one leader (``//``,
``#``, ``;``, ``--``, ``%``, ``!``, ``dnl``, ``REM``, ``'``, ``..``, ``@c``, ``.\\"``).
It is a heuristic: a comment opener inside a string literal starts a comment too, which only
makes a block larger, never loses licence text.
"""

from __future__ import annotations

import re

_BLOCK_OPENERS = (("/*", "*/"), ("<!--", "-->"), ("(*", "*)"), ("{-", "-}"))
_DOCSTRINGS = ('"""', "'''")
_LINE_LEADER = re.compile(
    r"^\s*(//+|#+|;+|--|%+|!|dnl\b|rem\b|'|\.\.|@c\b|@comment\b|\.\\\")", re.IGNORECASE
)
#: C preprocessor lines start with "#" but are code
_DIRECTIVE = re.compile(
    r"^\s*#\s*(include|define|undef|if|ifdef|ifndef|else|elif|endif|pragma|error|warning|line|"
    r"import)\b"
)
_WORD = re.compile(r"[^\W_]", re.UNICODE)


def comment_spans(lines: list[str]) -> list[tuple[int, int]]:
    """``(first, last)`` line indexes (0-based, inclusive) of each comment of ``lines``."""
    spans: list[tuple[int, int]] = []
    closer: str | None = None
    start = 0
    leader: str | None = None
    run_start = -1
    for i, line in enumerate(lines):
        if closer is not None:
            if closer in line:
                spans.append((start, i))
                closer = None
            continue
        opened = _opens_block(line)
        if opened is not None:
            if leader is not None:
                spans.append((run_start, i - 1))
                leader = None
            opener, closer = opened
            rest = line[line.index(opener) + len(opener) :]
            if closer in rest:
                spans.append((i, i))
                closer = None
            else:
                start = i
            continue
        match = None if _DIRECTIVE.match(line) else _LINE_LEADER.match(line)
        this = match.group(1).lower()[:2] if match else None
        if this is not None and this == leader:
            continue
        if leader is not None:
            spans.append((run_start, i - 1))
        leader, run_start = this, i
    if closer is not None:
        spans.append((start, len(lines) - 1))
    if leader is not None:
        spans.append((run_start, len(lines) - 1))
    return spans


def _opens_block(line: str) -> tuple[str, str] | None:
    """The block-comment opener on ``line`` that comes first, with its closer."""
    if not (  # most lines open nothing: cheap tests before the six searches
        "/*" in line or "<!--" in line or "(*" in line or "{-" in line
        or '"""' in line or "'''" in line
    ):  # fmt: skip
        return None
    best: tuple[int, str, str] | None = None
    for opener, closer in (*_BLOCK_OPENERS, *((d, d) for d in _DOCSTRINGS)):
        pos = line.find(opener)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, opener, closer)
    if best is None:
        return None
    if best[1] == "(*" and not line[best[0] :].startswith("(**") and "*)" not in line:
        # "(*" opens a comment in Pascal/ML/Mathematica, but is also "(*ptr)" in C
        if _WORD.search(line[: best[0]]):
            return None
    return best[1], best[2]


def is_blank(line: str) -> bool:
    """A line without a letter or digit (empty, or comment decoration only)."""
    return _WORD.search(line) is None


def paragraphs(first: int, last: int, lines: list[str]) -> list[tuple[int, int]]:
    """The runs of non-blank lines between ``first`` and ``last`` (inclusive)."""
    out: list[tuple[int, int]] = []
    start = -1
    for i in range(first, last + 1):
        if is_blank(lines[i]):
            if start >= 0:
                out.append((start, i - 1))
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        out.append((start, last))
    return out
