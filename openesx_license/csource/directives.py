"""The preprocessor-level reading of a C file: conditionals, includes and macro definitions.

It does not expand macros or evaluate conditions. It knows just enough to find dependencies in
one pass over a file: comments are blanked (:func:`.lexer.strip_comments`, line numbers kept),
``#if 0`` blocks (nested conditionals and the ``#else`` of an ``#if 1`` too) are dropped,
``#include`` lines are collected (:func:`.lexer.include_target`), and what remains is split into
the code text (directive lines blanked, string literals emptied), the names of ``#define`` lines
and their bodies, which :mod:`.definitions` and :mod:`.uses` scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from openesx_license.csource.lexer import evidence_text, include_target, strip_comments

_STRING_LITERAL = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")
_DIRECTIVE = re.compile(r"\s*#\s*(\w+)\s*(.*)", re.S)
_DEFINE_HEAD = re.compile(r"\s*([A-Za-z_]\w*)(\([^)]*\))?")


class IncludeDirective(NamedTuple):
    """One ``#include`` in an active region: the quoted name, its style and where it is."""

    line: int
    name: str
    angle: bool  # <name> rather than "name"
    text: str


@dataclass(frozen=True, kw_only=True)
class PreprocessedSource:
    """A C file after :func:`preprocess`: includes, macro names, code text and macro bodies."""

    includes: tuple[IncludeDirective, ...]
    defines: tuple[tuple[str, int], ...]  # (name, line) of every active #define
    code: str  # same line count as the file; comments, directives, dead code blanked
    macros: str  # bodies of #define lines, at their own line positions, the rest blank
    lines: tuple[str, ...]  # the original lines (for evidence text)


def _condition_is_zero(expr: str) -> bool | None:
    """True for ``0``, False for ``1``, None for anything we do not evaluate."""
    expr = expr.strip()
    while expr.startswith("(") and expr.endswith(")"):
        expr = expr[1:-1].strip()
    if expr in ("0", "0L", "0U", "false"):
        return True
    if expr in ("1", "1L", "1U", "true"):
        return False
    return None


def preprocess(text: str, *, hidden: str | None = None) -> PreprocessedSource:
    """Read one C/C++/assembly file: active includes, macro names, code text and macro bodies.

    ``hidden`` is the same text as :func:`.lexer.tokenize` read it (:attr:`.TokenStream.hidden`),
    which spares blanking the comments again; its literals are placeholders, so a quoted
    ``#include`` is then not read (the index, which passes it, has the tokenizer's includes).

    Conditionals are tracked with a stack. Each level records whether its current branch is
    dead and whether an earlier branch was certainly taken (``#if 1``), so that ``#else`` of
    ``#if 0`` is live and ``#else`` of ``#if 1`` is dead. Unknown conditions keep every branch
    live: we would rather see an include twice than miss one.
    """
    original = text.split("\n")
    stripped = (strip_comments(text) if hidden is None else hidden).split("\n")
    code = [""] * len(stripped)
    macros = [""] * len(stripped)
    includes: list[IncludeDirective] = []
    defines: list[tuple[str, int]] = []
    # stack entries: [dead_here, taken_for_sure, dead_parent]
    stack: list[list[bool]] = []
    dead = False
    i, n = 0, len(stripped)
    while i < n:
        line = stripped[i]
        start = i
        if "#" in line and line.lstrip().startswith("#"):
            logical = line
            while logical.endswith("\\") and i + 1 < n:
                i += 1
                logical = logical[:-1] + " " + stripped[i]
            i += 1
            match = _DIRECTIVE.match(logical)
            if match is None:
                continue
            word, rest = match.group(1), match.group(2)
            if word in ("if", "ifdef", "ifndef"):
                zero = _condition_is_zero(rest) if word == "if" else None
                stack.append([zero is True, zero is False, dead])
                dead = dead or zero is True
            elif word == "elif" and stack:
                top = stack[-1]
                zero = _condition_is_zero(rest)
                top[0] = top[1] or zero is True
                top[1] = top[1] or zero is False
                dead = top[2] or top[0]
            elif word == "else" and stack:
                top = stack[-1]
                # the else branch is dead only when an earlier branch was surely taken
                top[0] = top[1]
                dead = top[2] or top[0]
            elif word == "endif" and stack:
                dead = stack.pop()[2]
            elif dead:
                continue
            elif word in ("include", "include_next", "import"):
                target = include_target(rest)
                if target is not None:
                    includes.append(
                        IncludeDirective(
                            line=start + 1,
                            name=target[0],
                            angle=target[1],
                            text=evidence_text(original[start] if start < len(original) else ""),
                        )
                    )
            elif word == "define":
                head = _DEFINE_HEAD.match(rest)
                if head is not None:
                    defines.append((head.group(1), start + 1))
                    macros[start] = _STRING_LITERAL.sub('""', rest[head.end() :])
            continue
        if not dead:
            code[i] = _STRING_LITERAL.sub('""', line) if ('"' in line or "'" in line) else line
        i += 1
    return PreprocessedSource(
        includes=tuple(includes),
        defines=tuple(defines),
        code="\n".join(code),
        macros="\n".join(macros),
        lines=tuple(original),
    )
