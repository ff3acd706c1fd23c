"""Reading Makefiles and Kbuild files into facts: assignments, rules, recipes, includes.

Only the syntax is read here (line continuations joined, comments dropped, ``+=``/``:=``/
``?=``/``=``/``!=`` assignments, ``target: prerequisites`` rules, tab-indented recipe lines,
``include`` lines); :mod:`.kbuild` gives it meaning. The facts depend on the text only, so they
are cached by content hash with the other per-file facts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from openesx_license.csource.lexer import evidence_text

_ASSIGNMENT = re.compile(
    r"^\s*(?:override\s+|export\s+|private\s+)*([^\s:#=?!+]+(?:\s*\$[({][^)}]*[)}])?[^\s:#=?!+]*)"
    r"\s*(\+=|::=|:=|\?=|!=|=)\s*(.*)$"
)
_RULE = re.compile(r"^([^\s:=#\t][^:=#]*?)\s*::?(?!=)\s*(.*)$")
_INCLUDE = re.compile(r"^\s*-?s?include\s+(.+)$")
_REFERENCE = re.compile(r"\$[({]([^(){}$]+)[)}]")
_SUBST_REF = re.compile(r"^([^:]+):([^=]*)=(.*)$")

_MAKE_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "Kbuild"})


def is_makefile(path: str) -> bool:
    """True for Makefile, GNUmakefile, Kbuild, Makefile.* / Kbuild.* and ``*.mk``/``*.mak``."""
    name = posixpath.basename(path)
    return (
        name in _MAKE_NAMES
        or name.startswith(("Makefile.", "Kbuild."))
        or name.endswith((".mk", ".mak"))
    )


@dataclass(frozen=True, kw_only=True)
class Assignment:
    """``var op value`` at ``line`` (the first line of a continued logical line)."""

    line: int
    var: str
    op: str
    value: str
    text: str


@dataclass(frozen=True, kw_only=True)
class MakeRule:
    """``targets: prerequisites`` at ``line``."""

    line: int
    targets: str
    prerequisites: str
    text: str


@dataclass(frozen=True, kw_only=True)
class RecipeLine:
    """A tab-indented command line (kept only when it may link: ``-l``, ``.a``, ``.so``)."""

    line: int
    text: str


@dataclass(frozen=True, kw_only=True)
class MakeInclude:
    """``include some/file.mk`` at ``line``."""

    line: int
    value: str


@dataclass(frozen=True, kw_only=True)
class MakeFacts:
    """Everything :mod:`.kbuild` needs from one Makefile or Kbuild file."""

    assignments: tuple[Assignment, ...]
    rules: tuple[MakeRule, ...]
    recipes: tuple[RecipeLine, ...]
    includes: tuple[MakeInclude, ...]


def _strip_comment(line: str) -> str:
    if "#" not in line:
        return line
    out = []
    escaped = False
    for char in line:
        if char == "#" and not escaped:
            break
        escaped = char == "\\" and not escaped
        out.append(char)
    return "".join(out)


def logical_lines(lines: list[str]) -> Iterator[tuple[int, int, str, str]]:
    """``(index of its first line, index past its last, first raw line, logical line)`` of
    each statement: a line ending in ``\\`` continues on the next one (Make and automake)."""
    i, n = 0, len(lines)
    while i < n:
        start = i
        raw = lines[i]
        logical = raw
        while logical.endswith("\\") and i + 1 < n:
            i += 1
            logical = logical[:-1].rstrip() + " " + lines[i].strip()
        i += 1
        yield start, i, raw, logical


def parse_makefile(text: str) -> MakeFacts:
    """Read the syntax of one Makefile/Kbuild file (see the module docstring)."""
    lines = text.split("\n")
    assignments: list[Assignment] = []
    rules: list[MakeRule] = []
    recipes: list[RecipeLine] = []
    includes: list[MakeInclude] = []
    for start, _end, raw, logical in logical_lines(lines):
        if raw.startswith("\t"):
            if "-l" in logical or ".a" in logical or ".so" in logical or "$(LDLIBS" in logical:
                recipes.append(RecipeLine(line=start + 1, text=logical.strip()))
            continue
        body = _strip_comment(logical).rstrip()
        if not body.strip():
            continue
        text_ev = evidence_text(body)
        match = _INCLUDE.match(body)
        if match is not None:
            includes.append(MakeInclude(line=start + 1, value=match.group(1).strip()))
            continue
        match = _ASSIGNMENT.match(body)
        if match is not None and not body.lstrip().startswith(("ifeq", "ifneq", "ifdef")):
            assignments.append(
                Assignment(
                    line=start + 1,
                    var=match.group(1).strip(),
                    op=match.group(2),
                    value=match.group(3).strip(),
                    text=text_ev,
                )
            )
            continue
        match = _RULE.match(body)
        if match is not None:
            prereqs = match.group(2).split(";", 1)[0]
            rules.append(
                MakeRule(
                    line=start + 1,
                    targets=match.group(1).strip(),
                    prerequisites=prereqs.strip(),
                    text=text_ev,
                )
            )
    return MakeFacts(
        assignments=tuple(assignments),
        rules=tuple(rules),
        recipes=tuple(recipes),
        includes=tuple(includes),
    )


class Variables:
    """A Makefile's variables as far as one file (and the files it includes locally) set them.

    ``expand`` replaces ``$(VAR)``/``${VAR}`` references it knows, applies substitution
    references (``$(OBJS:.o=.c)``) and ``$(obj)``/``$(src)`` (the Makefile's own folder, i.e.
    nothing); anything else is left as it is, so that a word that still holds ``$`` is known to
    be unexpanded.
    """

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.values: dict[str, str] = {"obj": ".", "src": ".", "srctree": "$(srctree)"}
        self.values.update(known or {})

    def assign(self, var: str, op: str, value: str) -> None:
        """Apply one assignment (``+=`` appends, ``?=`` only sets an unset variable)."""
        name = self.expand(var)
        if op == "+=":
            prior = self.values.get(name, "")
            self.values[name] = f"{prior} {value}".strip()
        elif op == "?=":
            self.values.setdefault(name, value)
        elif op != "!=":
            self.values[name] = value

    def expand(self, text: str, depth: int = 0) -> str:
        """``text`` with the references we know replaced (at most 8 levels deep)."""
        if "$" not in text or depth > 8:
            return text

        def replace(match: re.Match[str]) -> str:
            inner = match.group(1)
            subst = _SUBST_REF.match(inner)
            if subst is not None and subst.group(1) in self.values:
                words = self.expand(self.values[subst.group(1)], depth + 1).split()
                old, new = subst.group(2), subst.group(3)
                return " ".join(
                    w[: -len(old)] + new if old and w.endswith(old) else w for w in words
                )
            if inner in self.values:
                return self.expand(self.values[inner], depth + 1)
            return match.group()

        return _REFERENCE.sub(replace, text)
