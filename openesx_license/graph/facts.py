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

from openesx_license.csource.definitions import Definition as SymbolDefinition
from openesx_license.csource.directives import IncludeDirective, preprocess
from openesx_license.csource.symbols import CSymbols, extract_symbols
from openesx_license.csource.symbols import Export as SymbolExport
from openesx_license.graph.automake import (
    AmFacts,
    AmStatement,
    is_automake,
    is_configure,
    parse_automake,
    parse_configure,
)
from openesx_license.graph.cargo import (
    CargoDependency,
    CargoFacts,
    RustUse,
    is_cargo_manifest,
    parse_cargo,
    parse_rust_uses,
)
from openesx_license.graph.cmake import (
    CMakeArgument,
    CMakeCommand,
    CMakeFacts,
    is_cmake,
    parse_cmake,
)
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

#: bump whenever an extractor changes what it reports: cached facts of another version are
#: ignored
EXTRACTOR_VERSION = "graph-facts-13"

_C_SUFFIXES = frozenset(
    {".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".inc", ".inl", ".m"}
)
_ASM_SUFFIXES = frozenset({".S", ".sx"})
_DOC_STEMS = (".rst", ".txt", ".md", ".html", ".texi", ".json")


@dataclass(frozen=True, kw_only=True)
class FileFacts:
    """The dependency facts of one file (which fields are filled depends on ``reader``)."""

    #: 'c' | 'asm' | 'make' | 'meson' | 'python' | 'automake' | 'autoconf' | 'cmake' | 'cargo'
    #: | 'rust'
    reader: str
    includes: tuple[IncludeDirective, ...] = ()
    symbols: CSymbols | None = None
    make: MakeFacts | None = None
    meson: tuple[MesonEntry, ...] = ()
    imports: tuple[ImportStatement, ...] = ()
    automake: AmFacts | None = None
    cmake: CMakeFacts | None = None
    cargo: CargoFacts | None = None
    rust: tuple[RustUse, ...] = ()
    errors: tuple[str, ...] = ()


def reader_for(path: str) -> str | None:
    """Which reader applies: 'c', 'asm', 'make', 'meson', 'python', 'automake', 'autoconf',
    'cmake', 'cargo', 'rust' or None (no facts)."""
    if is_automake(path):
        return "automake"  # before make: Makefile.am is not a Makefile
    if is_configure(path):
        return "autoconf"
    if is_makefile(path):
        return "make"
    if is_meson_build(path):
        return "meson"
    if is_cmake(path):
        return "cmake"
    if is_cargo_manifest(path):
        return "cargo"
    stem, suffix = posixpath.splitext(path)
    if suffix == ".inc" and stem.endswith(_DOC_STEMS):
        return None  # QEMU's docs/*.rst.inc: text included by documentation, not C
    if suffix in _C_SUFFIXES:
        return "c"
    if suffix in _ASM_SUFFIXES:
        return "asm"
    if suffix in (".py", ".pyi"):
        return "python"
    if suffix == ".rs":
        return "rust"
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
    if reader == "automake":
        am = parse_automake(text)
        return FileFacts(reader=reader, automake=am, errors=am.errors)
    if reader == "autoconf":
        return FileFacts(reader=reader, automake=parse_configure(text))
    if reader == "cmake":
        cmake = parse_cmake(text)
        return FileFacts(reader=reader, cmake=cmake, errors=cmake.errors)
    if reader == "cargo":
        cargo = parse_cargo(text)
        return FileFacts(reader=reader, cargo=cargo, errors=cargo.errors)
    if reader == "rust":
        return FileFacts(reader=reader, rust=parse_rust_uses(text))
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
    if facts.automake is not None:
        data["am"] = [
            [s.line, s.var, s.op, s.value, s.condition, s.text, [list(p) for p in s.parts]]
            for s in facts.automake.statements
        ]
    if facts.cmake is not None:
        data["cm"] = [
            [c.line, c.name, [[a.value, a.line, a.kind] for a in c.args]]
            for c in facts.cmake.commands
        ]
        data["cl"] = [[ln, t] for ln, t in sorted(facts.cmake.lines.items())]
    if facts.cargo is not None:
        cargo = facts.cargo
        data["cg"] = [
            cargo.package, cargo.package_line, cargo.package_text, cargo.lib_name,
            cargo.lib_path, list(cargo.bin_paths), cargo.build_script,
            [list(m) for m in cargo.members], list(cargo.exclude), int(cargo.workspace),
            [[d.name, d.package, d.path, int(d.workspace), d.table, d.line, d.text]
             for d in cargo.dependencies],
        ]  # fmt: skip
    if facts.rust:
        data["ru"] = [[u.line, u.crate, u.text] for u in facts.rust]
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
    errors = tuple(data.get("e", ()))
    automake = None
    if "am" in data:
        automake = AmFacts(
            statements=tuple(
                AmStatement(
                    line=ln,
                    var=v,
                    op=o,
                    value=val,
                    condition=c,
                    text=t,
                    parts=tuple((pl, pt) for pl, pt in parts),
                )
                for ln, v, o, val, c, t, parts in data["am"]
            ),
            errors=errors,
        )
    cmake = None
    if "cm" in data:
        cmake = CMakeFacts(
            commands=tuple(
                CMakeCommand(
                    line=ln,
                    name=name,
                    args=tuple(CMakeArgument(value=v, line=al, kind=k) for v, al, k in args),
                )
                for ln, name, args in data["cm"]
            ),
            lines=dict(data["cl"]),
            errors=errors,
        )
    cargo = None
    if "cg" in data:
        (package, package_line, package_text, lib_name, lib_path, bins, build, members,
         exclude, workspace, deps) = data["cg"]  # fmt: skip
        cargo = CargoFacts(
            package=package, package_line=package_line, package_text=package_text,
            lib_name=lib_name, lib_path=lib_path, bin_paths=tuple(bins), build_script=build,
            members=tuple((g, ln, t) for g, ln, t in members), exclude=tuple(exclude),
            workspace=bool(workspace),
            dependencies=tuple(
                CargoDependency(name=n, package=p, path=pa, workspace=bool(w), table=tb,
                                line=ln, text=t)
                for n, p, pa, w, tb, ln, t in deps
            ),
            errors=errors,
        )  # fmt: skip
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
        automake=automake,
        cmake=cmake,
        cargo=cargo,
        rust=tuple(RustUse(line=ln, crate=c, text=t) for ln, c, t in data.get("ru", ())),
        errors=errors,
    )
