"""Symbols of C-family source: what a file defines and exports, and which names it uses.

A light, top-level parser over :class:`~openesx_license.ipindex.tokens.TokenStream`, not a C
compiler: it tracks brace depth and reads each top-level statement. It finds function
definitions (a parenthesised declarator followed by a body), global variable definitions,
``EXPORT_SYMBOL``/``EXPORT_SYMBOL_GPL`` lines and ``#define`` names, which is what the IP index
needs: the *exported* symbols of proprietary code (non-static definitions and exports) and, on
the open side, the names a file uses and the names the open tree defines itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from openesx_license.ipindex.tokens import KEYWORDS, TokenStream

_EXPORT_MACROS = {
    "EXPORT_SYMBOL": "export",
    "EXPORT_SYMBOL_GPL": "export-gpl",
    "EXPORT_SYMBOL_NS": "export",
    "EXPORT_SYMBOL_NS_GPL": "export-gpl",
    "EXPORT_SYMBOL_GPL_FUTURE": "export-gpl",
}
_TAGS = frozenset({"struct", "union", "enum", "class"})
_NOT_EXPORTED = frozenset({"static", "extern", "typedef"})
_ATTRIBUTE_WORDS = frozenset({"__attribute__", "__asm__", "__asm", "asm", "__declspec"})


@dataclass(frozen=True, kw_only=True)
class Definition:
    """A name a file defines: a function, a global variable, a macro or an export line."""

    name: str
    line: int
    kind: str  # function | variable | macro | export | export-gpl
    static: bool = False

    @property
    def exported(self) -> bool:
        """True for what other files can link against: non-static definitions and exports."""
        return not self.static and self.kind != "macro"


def _strip_attributes(stmt: list[int], raw: list[str]) -> list[int]:
    """Drop ``__attribute__((...))`` and ``asm(...)`` groups from a statement's token indices."""
    out: list[int] = []
    i, n = 0, len(stmt)
    while i < n:
        if raw[stmt[i]] in _ATTRIBUTE_WORDS and i + 1 < n and raw[stmt[i + 1]] == "(":
            depth = 0
            i += 1
            while i < n:
                tok = raw[stmt[i]]
                depth += (tok == "(") - (tok == ")")
                i += 1
                if depth == 0:
                    break
            continue
        out.append(stmt[i])
        i += 1
    return out


def _is_name(tok: str) -> bool:
    return bool(tok) and (tok[0].isalpha() or tok[0] == "_") and tok not in KEYWORDS


def _function_name(stmt: list[int], raw: list[str]) -> int | None:
    """Index of the function name if ``stmt`` (before a '{') declares a function, else None."""
    words = [raw[i] for i in stmt]
    if "=" in words or "typedef" in words or not words or words[-1] in ("=", ","):
        return None
    for j, word in enumerate(words):
        if word == "(":
            if j > 0 and _is_name(words[j - 1]) and j > 1:
                return stmt[j - 1]
            return None
    return None


def _variables(stmt: list[int], raw: list[str]) -> list[int]:
    """Indices of the names a top-level declaration defines (``int a, *b = 2;``)."""
    words = [raw[i] for i in stmt]
    if not words or _NOT_EXPORTED.intersection(words) and "static" not in words:
        return []
    brace = words.index("{") if "{" in words else -1
    if brace >= 0 and "=" not in words[:brace]:
        # 'struct s { ... } a;': only what follows the body declares variables
        cut = len(words) - words[::-1].index("}")
        stmt, words = stmt[cut:], words[cut:]
        prefix_ok = True
    else:
        prefix_ok = False
    names: list[int] = []
    part: list[int] = []
    for idx, word in zip([*stmt, -1], [*words, ","], strict=True):
        if word != ",":
            part.append(idx)
            continue
        cut_words = [raw[i] for i in part]
        for stop in ("=", "["):
            if stop in cut_words:
                part = part[: cut_words.index(stop)]
                cut_words = cut_words[: len(part)]
        if "(" in cut_words:
            return []  # a prototype or a macro call, not a variable
        candidates = [i for i in part if _is_name(raw[i])]
        if candidates:
            last = candidates[-1]
            pos = part.index(last)
            before = raw[part[pos - 1]] if pos > 0 else ""
            has_type = pos > 0 or prefix_ok or bool(names)
            if before not in _TAGS and has_type:
                names.append(last)
        part = []
    return names


def definitions(stream: TokenStream) -> list[Definition]:
    """Functions, globals, macros and exports defined at the top level of a file."""
    raw, lines, flags = stream.raw, stream.lines, stream.in_directive
    found: list[Definition] = []
    depth = 0
    body_of_function = False
    stmt: list[int] = []
    n = len(raw)
    for i in range(n):
        tok = raw[i]
        if flags[i]:
            if tok == "#define" and i + 1 < n and flags[i + 1] and _is_name(raw[i + 1]):
                found.append(Definition(name=raw[i + 1], line=lines[i + 1], kind="macro"))
            continue
        if tok == "{":
            if depth == 0:
                clean = _strip_attributes(stmt, raw)
                words = [raw[j] for j in clean]
                if words[:1] == ["namespace"] or (words[:1] == ["extern"] and len(words) == 2):
                    stmt = []
                    continue  # 'extern "C" {' and namespaces do not nest definitions
                name_at = _function_name(clean, raw)
                if name_at is not None:
                    found.append(
                        Definition(
                            name=raw[name_at],
                            line=lines[name_at],
                            kind="function",
                            static="static" in words[: clean.index(name_at)],
                        )
                    )
                    body_of_function = True
                else:
                    stmt.append(i)
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
            if depth == 0:
                if body_of_function:
                    body_of_function = False
                    stmt = []
                else:
                    stmt.append(i)
        elif depth == 0:
            if tok == ";":
                found.extend(_declaration(stmt, raw, lines))
                stmt = []
            else:
                stmt.append(i)
    return found


def _declaration(stmt: list[int], raw: list[str], lines: list[int]) -> list[Definition]:
    if not stmt:
        return []
    first = raw[stmt[0]]
    if first in _EXPORT_MACROS:
        names = [i for i in stmt[1:] if _is_name(raw[i])]
        if names:
            i = names[0]
            return [Definition(name=raw[i], line=lines[i], kind=_EXPORT_MACROS[first])]
        return []
    clean = _strip_attributes(stmt, raw)
    words = {raw[i] for i in clean}
    static = "static" in words
    return [
        Definition(name=raw[i], line=lines[i], kind="variable", static=static)
        for i in _variables(clean, raw)
    ]


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
