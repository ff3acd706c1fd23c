"""Per-file facts: what one file says about its dependencies, independent of every other file.

Facts depend on a file's content and on which reader applies (C, assembly, make, Python), so
they are cached by content hash (:mod:`.facts_cache`); resolving them against the tree
(:mod:`.builder`) is cheap and is redone on every build. The JSON form is compact (lists, not
objects) because QEMU has a million symbol uses.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

from openesx_license.graph.clex import IncludeDirective, preprocess
from openesx_license.graph.makefile import (
    Assignment,
    MakeFacts,
    MakeInclude,
    MakeRule,
    RecipeLine,
    is_makefile,
    parse_makefile,
)
from openesx_license.graph.meson import MesonEntry, is_meson_build, parse_meson
from openesx_license.graph.pyimports import ImportStatement, extract_imports
from openesx_license.graph.symbols import (
    CSymbols,
    SymbolDefinition,
    SymbolExport,
    extract_symbols,
)

#: bump whenever an extractor changes what it reports: cached facts of another version are
#: ignored
EXTRACTOR_VERSION = "graph-facts-9"

_C_SUFFIXES = frozenset(
    {".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".inc", ".inl", ".m"}
)
_ASM_SUFFIXES = frozenset({".S", ".sx"})
_DOC_STEMS = (".rst", ".txt", ".md", ".html", ".texi", ".json")


@dataclass(frozen=True, kw_only=True)
class FileFacts:
    """The dependency facts of one file (which fields are filled depends on ``reader``)."""

    reader: str  # 'c' | 'asm' | 'make' | 'meson' | 'python'
    includes: tuple[IncludeDirective, ...] = ()
    symbols: CSymbols | None = None
    make: MakeFacts | None = None
    meson: tuple[MesonEntry, ...] = ()
    imports: tuple[ImportStatement, ...] = ()
    errors: tuple[str, ...] = ()


def reader_for(path: str) -> str | None:
    """Which reader applies: 'c', 'asm', 'make', 'meson', 'python' or None (no facts)."""
    if is_makefile(path):
        return "make"
    if is_meson_build(path):
        return "meson"
    stem, suffix = posixpath.splitext(path)
    if suffix == ".inc" and stem.endswith(_DOC_STEMS):
        return None  # QEMU's docs/*.rst.inc: text included by documentation, not C
    if suffix in _C_SUFFIXES:
        return "c"
    if suffix in _ASM_SUFFIXES:
        return "asm"
    if suffix in (".py", ".pyi"):
        return "python"
    return None


def extract_facts(reader: str, text: str) -> FileFacts:
    """Run one reader over a file's text."""
    if reader in ("c", "asm"):
        source = preprocess(text)
        symbols = extract_symbols(source) if reader == "c" else None
        return FileFacts(reader=reader, includes=source.includes, symbols=symbols)
    if reader == "make":
        return FileFacts(reader=reader, make=parse_makefile(text))
    if reader == "meson":
        return FileFacts(reader=reader, meson=parse_meson(text))
    if reader == "python":
        imports, error = extract_imports(text)
        return FileFacts(reader=reader, imports=imports, errors=(error,) if error else ())
    raise ValueError(f"unknown reader {reader!r}")


def facts_to_json(facts: FileFacts) -> str:
    """The compact JSON form of :class:`FileFacts` (see :func:`facts_from_json`)."""
    data: dict[str, Any] = {"r": facts.reader}
    if facts.includes:
        data["i"] = [[i.line, i.name, int(i.angle), i.text] for i in facts.includes]
    if facts.symbols is not None:
        sym = facts.symbols
        data["d"] = [[d.name, d.line, d.kind[0], int(d.static)] for d in sym.definitions]
        data["c"] = list(sym.declarations)
        data["un"] = list(sym.use_names)
        data["ul"] = list(sym.use_lines)
        data["uc"] = [int(c) for c in sym.use_calls]
        lines = sorted(sym.line_texts)
        data["tl"] = lines
        data["tt"] = [sym.line_texts[ln] for ln in lines]
        data["x"] = [[x.name, x.line, int(x.gpl)] for x in sym.exports]
    if facts.make is not None:
        mk = facts.make
        data["ma"] = [[a.line, a.var, a.op, a.value, a.text] for a in mk.assignments]
        data["mr"] = [[r.line, r.targets, r.prerequisites, r.text] for r in mk.rules]
        data["mc"] = [[r.line, r.text] for r in mk.recipes]
        data["mi"] = [[i.line, i.value] for i in mk.includes]
    if facts.meson:
        data["ms"] = [[m.line, m.kind, m.value, m.condition, m.text] for m in facts.meson]
    if facts.imports:
        data["p"] = [[s.line, s.module, list(s.names), s.level, s.text] for s in facts.imports]
    if facts.errors:
        data["e"] = list(facts.errors)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def facts_from_json(text: str) -> FileFacts:
    """Read back :func:`facts_to_json`; raises ValueError/KeyError/TypeError on a bad blob."""
    data = json.loads(text)
    symbols = None
    if "d" in data:
        kinds = {"f": "function", "v": "variable"}
        symbols = CSymbols(
            definitions=tuple(
                SymbolDefinition(n, ln, kinds[k], bool(s)) for n, ln, k, s in data["d"]
            ),
            declarations=tuple(data["c"]),
            use_names=tuple(data["un"]),
            use_lines=tuple(data["ul"]),
            use_calls=tuple(map(bool, data["uc"])),
            line_texts=dict(zip(data["tl"], data["tt"], strict=True)),
            exports=tuple(SymbolExport(n, ln, bool(g)) for n, ln, g in data["x"]),
        )
    make = None
    if "ma" in data:
        make = MakeFacts(
            assignments=tuple(
                Assignment(line=ln, var=v, op=o, value=val, text=t)
                for ln, v, o, val, t in data["ma"]
            ),
            rules=tuple(
                MakeRule(line=ln, targets=t, prerequisites=p, text=x) for ln, t, p, x in data["mr"]
            ),
            recipes=tuple(RecipeLine(line=ln, text=t) for ln, t in data["mc"]),
            includes=tuple(MakeInclude(line=ln, value=v) for ln, v in data["mi"]),
        )
    return FileFacts(
        reader=data["r"],
        includes=tuple(IncludeDirective(ln, n, bool(a), t) for ln, n, a, t in data.get("i", ())),
        symbols=symbols,
        make=make,
        meson=tuple(
            MesonEntry(line=ln, kind=k, value=v, condition=c, text=t)
            for ln, k, v, c, t in data.get("ms", ())
        ),
        imports=tuple(
            ImportStatement(line=ln, module=m, names=tuple(ns), level=lv, text=t)
            for ln, m, ns, lv, t in data.get("p", ())
        ),
        errors=tuple(data.get("e", ())),
    )
