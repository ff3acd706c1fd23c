"""Link edges from ``meson.build`` files (QEMU, and most new C projects, build with Meson).

The same model as :mod:`.kbuild`: a build file stands for what it builds, so
``softmmu_ss.add(when: 'CONFIG_E1000_PCI', if_true: files('e1000.c'))`` in ``hw/net/meson.build``
makes ``hw/net/meson.build -> hw/net/e1000.c`` (``condition='CONFIG_E1000_PCI'``) and
``subdir('net')`` makes ``hw/meson.build -> hw/net/meson.build``. Only the syntax is read: the
string arguments of ``files(...)`` and ``subdir(...)`` calls, and the ``when:`` of the ``add``
call a ``files(...)`` sits in (``not (...)`` for its ``if_false:``); nothing is evaluated,
so every conditional source counts.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from openesx_license.csource.lexer import evidence_text
from openesx_license.graph.kbuild import LinkEdge
from openesx_license.model import Evidence

_COMMENT_OR_STRING = re.compile(r"'''.*?'''|'(?:\\.|[^'\\\n])*'|#[^\n]*", re.S)
_STRING = re.compile(r"'((?:\\.|[^'\\\n])*)'")
_CALL = re.compile(r"\b(files|subdir)\s*\(")
_WHEN = re.compile(r"\bwhen\s*:\s*(\[[^\]]*\]|'[^']*')")


@dataclass(frozen=True, kw_only=True)
class MesonEntry:
    """A source named in ``files(...)`` (kind 'file') or a ``subdir(...)`` (kind 'subdir')."""

    line: int
    kind: str
    value: str
    condition: str | None
    text: str


def is_meson_build(path: str) -> bool:
    """True for ``meson.build`` files."""
    return posixpath.basename(path) == "meson.build"


def _blank_comments(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        value = match.group()
        return " " * len(value) if value.startswith("#") else value

    return _COMMENT_OR_STRING.sub(blank, text)


def _closing(text: str, start: int) -> int:
    """Offset of the ')' closing the '(' before ``start`` (strings skipped); -1 if none."""
    depth, pos = 1, start
    while pos < len(text):
        char = text[pos]
        if char == "'":
            end = text.find("'", pos + 1)
            while end > 0 and text[end - 1] == "\\":
                end = text.find("'", end + 1)
            if end < 0:
                return -1
            pos = end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1


def parse_meson(text: str) -> tuple[MesonEntry, ...]:
    """The ``files(...)`` sources and ``subdir(...)`` folders of one ``meson.build``."""
    code = _blank_comments(text)
    lines = text.split("\n")
    entries: list[MesonEntry] = []
    for call in _CALL.finditer(code):
        end = _closing(code, call.end())
        if end < 0:
            continue
        condition = None
        if call.group(1) == "files":
            statement_start = code.rfind("\n", 0, call.start())
            while statement_start > 0 and code[statement_start + 1 : statement_start + 2] in (
                " ",
                "\t",
            ):
                statement_start = code.rfind("\n", 0, statement_start)
            whens = list(_WHEN.finditer(code, max(statement_start, 0), call.start()))
            if whens:
                names = re.findall(r"'([^']*)'", whens[-1].group(1))
                condition = " ".join(names) or None
                between = code[whens[-1].end() : call.start()].rstrip()
                if (
                    condition
                    and between.endswith(":")
                    and between[:-1].rstrip().endswith("if_false")
                ):
                    condition = f"not ({condition})"
        kind = "file" if call.group(1) == "files" else "subdir"
        for value in _STRING.finditer(code, call.end(), end):
            value_line = code.count("\n", 0, value.start()) + 1
            entries.append(
                MesonEntry(
                    line=value_line,
                    kind=kind,
                    value=value.group(1),
                    condition=condition,
                    text=evidence_text(lines[value_line - 1] if value_line <= len(lines) else ""),
                )
            )
            if kind == "subdir":
                break
    return tuple(entries)


def meson_link_edges(facts: dict[str, tuple[MesonEntry, ...]], files: set[str]) -> list[LinkEdge]:
    """Link edges of every ``meson.build`` (see the module docstring), in a stable order."""
    edges: list[LinkEdge] = []
    for path in sorted(facts):
        folder = posixpath.dirname(path)
        seen: set[str] = set()
        for entry in facts[path]:
            joined = posixpath.normpath(posixpath.join(folder, entry.value))
            target = posixpath.join(joined, "meson.build") if entry.kind == "subdir" else joined
            if target not in files or target in seen or target == path:
                continue
            seen.add(target)
            extras = {"condition": entry.condition} if entry.condition else {}
            if entry.kind == "subdir":
                extras["subdir"] = entry.value
            edges.append(
                LinkEdge(
                    source=path,
                    target=target,
                    evidence=Evidence(path=path, line=entry.line, text=entry.text, kind="link"),
                    extras=extras,
                )
            )
    return edges
