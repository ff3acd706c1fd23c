"""The symbol facts of one C file: definitions, declarations, uses and ``EXPORT_SYMBOL`` lines.

:func:`extract_symbols` puts :mod:`.definitions` and :func:`.uses.scan_uses` together for the
dependency graph, which links each use to a definition in another file
(:mod:`openesx_license.graph.symbol_edges`); :func:`definitions` is what the IP index records of
a file: the same definitions, with its macros and exports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from openesx_license.csource.definitions import Definition, LineCounter, plausible, scan_structure
from openesx_license.csource.directives import PreprocessedSource
from openesx_license.csource.uses import SymbolUse, scan_uses

_EXPORT = re.compile(r"\bEXPORT_SYMBOL(_GPL)?(?:_NS(?:_GPL)?)?\s*\(\s*([A-Za-z_]\w*)")


class Export(NamedTuple):
    """An ``EXPORT_SYMBOL(name)`` or ``EXPORT_SYMBOL_GPL(name)``."""

    name: str
    line: int
    gpl: bool


def exports(code: str) -> list[Export]:
    """The ``EXPORT_SYMBOL`` family of lines of the code text, in order."""
    if "EXPORT_SYMBOL" not in code:
        return []
    line_of = LineCounter(code)
    return [
        Export(name=m.group(2), line=line_of(m.start()), gpl=m.group(1) is not None)
        for m in _EXPORT.finditer(code)
    ]


def definitions(source: PreprocessedSource) -> list[Definition]:
    """Functions, globals, macros and exports a file defines, in line order."""
    found = plausible(scan_structure(source.code).definitions)
    found.extend(Definition(name, line, "macro") for name, line in source.defines)
    found.extend(
        Definition(x.name, x.line, "export-gpl" if x.gpl else "export")
        for x in exports(source.code)
    )
    return sorted(found, key=lambda d: d.line)


@dataclass(frozen=True, kw_only=True)
class CSymbols:
    """What one C file defines, declares, uses and exports.

    Uses are stored column-wise (names, lines, call flags, and the text of each line once):
    QEMU has a million of them and the graph reads them all on every build, so no per-use
    object is made unless :attr:`uses` is asked for.
    """

    definitions: tuple[Definition, ...]  # functions and variables
    declarations: tuple[str, ...]  # prototypes and extern declarations (names, sorted)
    use_names: tuple[str, ...]
    use_lines: tuple[int, ...]
    use_calls: tuple[bool, ...]
    line_texts: dict[int, str]  # evidence text of every line a use is on
    exports: tuple[Export, ...]

    @property
    def uses(self) -> tuple[SymbolUse, ...]:
        """The uses as :class:`SymbolUse` records, in line order."""
        return tuple(
            SymbolUse(name, line, call, self.line_texts.get(line, ""))
            for name, line, call in zip(self.use_names, self.use_lines, self.use_calls, strict=True)
        )


def extract_symbols(source: PreprocessedSource) -> CSymbols:
    """Definitions, declarations, uses and exports of one preprocessed C file."""
    structure = scan_structure(source.code)
    definitions = plausible(structure.definitions)
    local = {d.name for d in definitions}
    found: dict[str, SymbolUse] = {}
    scan_uses(source.code, source.lines, local, found, structure.declared_at)
    if source.macros.strip():
        scan_uses(source.macros, source.lines, local, found)
    exported = exports(source.code)
    for export in exported:  # EXPORT_SYMBOL(foo) is not a use of foo
        found.pop(export.name, None)
    found.pop("EXPORT_SYMBOL", None)
    found.pop("EXPORT_SYMBOL_GPL", None)
    ordered = sorted(found.values(), key=lambda u: (u.line, u.name))
    return CSymbols(
        definitions=tuple(definitions),
        declarations=tuple(sorted(structure.declarations)),
        use_names=tuple(u.name for u in ordered),
        use_lines=tuple(u.line for u in ordered),
        use_calls=tuple(u.call for u in ordered),
        line_texts={u.line: u.text for u in ordered},
        exports=tuple(exported),
    )
