"""Symbol edges: which file's definition a use in another file refers to.

A use of ``name`` in file ``A`` becomes an edge ``A -> B`` when ``B`` holds a non-static
top-level definition of ``name`` and the choice of ``B`` is clear:

* ``A`` does not define ``name`` itself (a local definition, static or not, shadows others);
* ``name`` is defined in exactly one other file, or among several the one whose stem matches
  a header ``A`` includes (``dir/foo.c`` for ``dir/foo.h``, else any ``foo.c``), or else the
  one in ``A``'s own folder; otherwise the use is *ambiguous* and makes no edge (counted on
  the graph);
* a mere mention (not a call) also needs a declaration of ``name`` visible in ``A``: in ``A``
  itself or in a header it includes (two levels deep) -- so a local variable ``size`` does not
  link to some global ``size`` elsewhere.

All non-GPL uses of ``B`` by ``A`` make one edge (``symbol`` = the first by line, ``symbols`` =
all of them); a use of an ``EXPORT_SYMBOL_GPL`` symbol gets an edge of its own with
``gpl_only=True``, so a rule can report each GPL-only symbol.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openesx_license.graph.facts import FileFacts
from openesx_license.graph.symbols import SymbolUse
from openesx_license.model import Evidence


@dataclass(frozen=True, kw_only=True)
class SymbolEdge:
    """One symbol edge as the builder adds it."""

    source: str
    target: str
    symbol: str
    symbols: tuple[str, ...]
    gpl_only: bool
    evidence: Evidence


@dataclass(kw_only=True)
class SymbolLinkStats:
    """How many uses linked, and how many were left out as ambiguous or undeclared."""

    linked: int = 0
    ambiguous: int = 0
    undeclared: int = 0
    exports: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> {name: kind}


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def link_symbols(
    facts: Mapping[str, FileFacts], includes_of: Mapping[str, Sequence[str]]
) -> tuple[list[SymbolEdge], SymbolLinkStats]:
    """Symbol edges of the tree (see the module docstring) and what was left out."""
    definitions: dict[str, list[str]] = defaultdict(list)
    declarations: dict[str, frozenset[str]] = {}
    exports_by_name: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    stats = SymbolLinkStats()
    for path in sorted(facts):
        symbols = facts[path].symbols
        if symbols is None:
            continue
        for definition in symbols.definitions:
            if not definition.static:
                definitions[definition.name].append(path)
        declarations[path] = frozenset(symbols.declarations)
        for export in symbols.exports:
            exports_by_name[export.name].append((path, export.gpl))
            kinds = stats.exports.setdefault(path, {})
            kinds[export.name] = "gpl" if export.gpl else "plain"

    visible_cache: dict[str, frozenset[str]] = {}

    def visible(path: str) -> frozenset[str]:
        known = visible_cache.get(path)
        if known is not None:
            return known
        names = set(declarations.get(path, ()))
        for header in includes_of.get(path, ()):
            names |= declarations.get(header, frozenset())
            for inner in includes_of.get(header, ()):
                names |= declarations.get(inner, frozenset())
        visible_cache[path] = frozenset(names)
        return visible_cache[path]

    def is_gpl(name: str, target: str) -> bool:
        exports = exports_by_name.get(name)
        if not exports:
            return False
        own = [gpl for path, gpl in exports if path == target]
        if own:
            return own[0]
        return len(exports) == 1 and exports[0][1]

    grouped: dict[tuple[str, str, bool], list[SymbolUse]] = defaultdict(list)
    for path in sorted(facts):
        symbols = facts[path].symbols
        if symbols is None or not symbols.uses:
            continue
        included: tuple[set[str], set[str]] | None = None  # (path stems, stems)
        folder = posixpath.dirname(path)
        for use in symbols.uses:
            candidates = definitions.get(use.name)
            if not candidates:
                continue
            others = [c for c in candidates if c != path]
            if len(others) != len(candidates) or not others:
                continue  # defined here too: the local one wins
            if len(others) > 1:
                if included is None:
                    headers = includes_of.get(path, ())
                    included = (
                        {posixpath.splitext(h)[0] for h in headers},
                        {_stem(h) for h in headers},
                    )
                narrowed = [c for c in others if posixpath.splitext(c)[0] in included[0]]
                if len(narrowed) != 1:
                    narrowed = [c for c in others if _stem(c) in included[1]]
                if len(narrowed) != 1:
                    narrowed = [c for c in others if posixpath.dirname(c) == folder]
                if len(narrowed) != 1:
                    stats.ambiguous += 1
                    continue
                others = narrowed
            if not use.call and use.name not in visible(path):
                stats.undeclared += 1
                continue
            target = others[0]
            grouped[(path, target, is_gpl(use.name, target))].append(use)
            stats.linked += 1
    edges: list[SymbolEdge] = []
    for (source, target, gpl), uses in sorted(grouped.items()):
        uses.sort(key=lambda u: (u.line, u.name))
        batches = [[u] for u in uses] if gpl else [uses]
        for batch in batches:
            first = batch[0]
            edges.append(
                SymbolEdge(
                    source=source,
                    target=target,
                    symbol=first.name,
                    symbols=tuple(sorted(u.name for u in batch)),
                    gpl_only=gpl,
                    evidence=Evidence(path=source, line=first.line, text=first.text, kind="symbol"),
                )
            )
    return edges, stats
