"""Names a C file uses: the first use of each, for symbol edges and for matching exports.

Two questions are asked of uses, so there are two readings of the same lexer output:

- :func:`scan_uses` reads the code text of :func:`.directives.preprocess` (live code only) for
  the dependency graph: every identifier that is not a member name (after ``.`` or ``->``), a
  keyword, or a name the file defines itself, keeping for each its first call (``name(``) or
  else its first mention, with the evidence text of its line.
- :func:`used_names` reads the token stream of :func:`.lexer.tokenize` for the IP index: every
  name of three characters or more that the file does not declare locally (parameters, macro
  parameters, variables declared inside a function), with the line of its first mention.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from openesx_license.csource.definitions import C_KEYWORDS, TAG_WORDS, LineCounter
from openesx_license.csource.lexer import KEYWORDS, TokenStream, evidence_text

_USE = re.compile(r"(?<![\w.>$])([A-Za-z_]\w*)(\s*\()?")
_TAG_WORDS_TUPLE = tuple(TAG_WORDS)


class SymbolUse(NamedTuple):
    """The first use of a name in a file (its first call when it is ever called)."""

    name: str
    line: int
    call: bool
    text: str


def scan_uses(
    text: str,
    lines: tuple[str, ...],
    local: set[str],
    found: dict[str, SymbolUse],
    skip: Collection[int] = (),
) -> None:
    """Add to ``found`` the uses in ``text`` of names not in ``local``, skipping the offsets
    ``skip`` (declared names); a later call replaces a first mention that was not a call."""
    line_of = LineCounter(text)
    # names whose answer cannot change: local, keywords, and those already seen called
    settled = set(local)
    settled.update(C_KEYWORDS)
    settled.update(name for name, use in found.items() if use.call)
    for match in _USE.finditer(text):
        name, paren = match.groups()
        if name in settled:
            continue
        start = match.start()
        if start in skip:
            continue
        if paren is None and name in found:
            continue  # a mention after a first mention (a first call would have settled it)
        if text[max(0, start - 7) : start].rstrip().endswith(_TAG_WORDS_TUPLE):
            continue  # a struct/union/enum tag, not a symbol
        line = line_of(start)
        found[name] = SymbolUse(
            name=name,
            line=line,
            call=paren is not None,
            text=evidence_text(lines[line - 1]) if line <= len(lines) else "",
        )
        if paren is not None:
            settled.add(name)


_TYPE_WORDS = frozenset(
    "int char long short unsigned signed float double void _Bool bool const volatile "
    "restrict __restrict register auto static".split()
)
_DECLARATOR_END = frozenset({";", "=", ",", "[", ")"})
#: names this short are loop counters and scratch pointers, never evidence of a dependency
MIN_REFERENCE_NAME = 3


def used_names(stream: TokenStream) -> dict[str, int]:
    """Names a file refers to, each with its first line.

    Left out: keywords, struct members (``s.name``, ``p->name``), names shorter than
    :data:`MIN_REFERENCE_NAME`, and names the file declares locally (a parameter, a macro
    parameter, or a variable declared inside a function: ``int i;``, ``struct s *p = ...``):
    those are the file's own, whatever another tree exports under that name.
    """
    raw, lines = stream.raw, stream.lines
    used: dict[str, int] = {}
    local: set[str] = set()
    braces = parens = 0
    n = len(raw)
    for i in range(n):
        tok = raw[i]
        if tok == "{":
            braces += 1
        elif tok == "}":
            braces = max(0, braces - 1)
        elif tok == "(":
            parens += 1
        elif tok == ")":
            parens = max(0, parens - 1)
        if tok == "#define" and i + 2 < n and raw[i + 2] == "(":
            # a function-like macro's parameters are its own names
            j = i + 3
            while j < n and raw[j] != ")" and stream.in_directive[j]:
                local.add(raw[j])
                j += 1
        if not tok or not (tok[0].isalpha() or tok[0] == "_") or tok in KEYWORDS:
            continue
        previous = raw[i - 1] if i else ""
        if previous in (".", "->") or len(tok) < MIN_REFERENCE_NAME:
            continue
        following = raw[i + 1] if i + 1 < n else ""
        if (
            (braces or parens)
            and following in _DECLARATOR_END
            and (
                previous == "*"
                or previous in _TYPE_WORDS
                or (bool(previous) and previous[0].isalpha() and previous not in KEYWORDS)
            )
        ):
            local.add(tok)
            continue
        if tok not in used:
            used[tok] = lines[i]
    return {name: line for name, line in used.items() if name not in local}
