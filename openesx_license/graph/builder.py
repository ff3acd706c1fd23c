"""Building the file dependency graph of a tree.

The graph is a ``networkx.MultiDiGraph``:

* **nodes** are file paths (relative to the root, ``/``-separated) with the attributes
  ``component`` and ``component_class`` (from ``component_of``; None when unmapped),
  ``license`` (the record's concluded licence expression), ``kind`` (the inventory's file
  kind), ``external=False`` and, for files with ``EXPORT_SYMBOL`` lines, ``exports``
  (``{name: 'gpl' | 'plain'}``). External nodes stand for what the tree does not hold: an
  unresolved include (``<stdio.h>``, ``"config-host.h"``) or a reference of another stage
  (``ipindex:vmotion:vmotion_api.h``); they carry ``external=True`` and ``kind='external'``.
* **edges** go from the dependent file to what it depends on, one per dependency, with
  ``kind`` (include | link | symbol | import | copy), ``evidence`` (an
  :class:`~openesx_license.model.Evidence`: path, line and text of the line that proves it,
  in the *source* file), ``symbol``, ``gpl_only`` and ``external``, plus per kind:
  ``resolved_by`` (include), ``condition``/``artefact``/``library``/``subdir`` (link),
  ``symbols`` (symbol), ``module`` (import).

``graph.graph`` holds ``root`` and ``stats`` (facts cached/read, edges per kind, unresolved
includes, ambiguous symbol uses).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from openesx_license.graph.facts import FileFacts
from openesx_license.graph.facts_cache import collect_facts
from openesx_license.graph.includes import IncludeResolver, load_compile_commands
from openesx_license.graph.kbuild import link_edges
from openesx_license.graph.makefile import MakeFacts
from openesx_license.graph.meson import meson_link_edges
from openesx_license.graph.model import DependencyEdge
from openesx_license.graph.pyimports import ModuleIndex
from openesx_license.graph.symbol_edges import link_symbols
from openesx_license.model import Evidence, FileRecord

ComponentOf = Callable[[str], "tuple[str, str] | None"]


def no_component(path: str) -> tuple[str, str] | None:
    """The default ``component_of``: no file belongs to a component."""
    return None


def _external_node(graph: nx.MultiDiGraph, name: str, component_of: ComponentOf) -> None:
    if name in graph:
        return
    owner = component_of(name)
    graph.add_node(
        name,
        component=owner[0] if owner else None,
        component_class=owner[1] if owner else None,
        license=None,
        kind="external",
        external=True,
    )


def _add_include_edges(
    graph: nx.MultiDiGraph,
    facts: dict[str, FileFacts],
    resolver: IncludeResolver,
    component_of: ComponentOf,
) -> tuple[dict[str, list[str]], int]:
    includes_of: dict[str, list[str]] = {}
    unresolved = 0
    for path in sorted(facts):
        targets: list[str] = []
        for inc in facts[path].includes:
            target, how = resolver.resolve(path, inc.name, angle=inc.angle)
            external = target is None
            if target is None:
                unresolved += 1
                target = f"<{inc.name}>" if inc.angle else f'"{inc.name}"'
                _external_node(graph, target, component_of)
            else:
                targets.append(target)
            graph.add_edge(
                path,
                target,
                kind="include",
                evidence=Evidence(path=path, line=inc.line, text=inc.text, kind="include"),
                symbol=None,
                gpl_only=False,
                external=external,
                resolved_by=how,
            )
        if targets:
            includes_of[path] = targets
    return includes_of, unresolved


def _add_import_edges(graph: nx.MultiDiGraph, facts: dict[str, FileFacts], files: set[str]) -> None:
    index = ModuleIndex(files)
    for path in sorted(facts):
        seen: set[str] = set()
        for statement in facts[path].imports:
            for target, module in index.resolve(path, statement):
                if target in seen:
                    continue
                seen.add(target)
                graph.add_edge(
                    path,
                    target,
                    kind="import",
                    evidence=Evidence(
                        path=path, line=statement.line, text=statement.text, kind="import"
                    ),
                    symbol=module,
                    gpl_only=False,
                    external=False,
                    module=module,
                )


def build_graph(
    root: Path,
    files: Sequence[FileRecord],
    *,
    include_dirs: Sequence[str] = (),
    compile_commands: Path | None = None,
    component_of: ComponentOf = no_component,
    extra_edges: Iterable[DependencyEdge] = (),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
) -> nx.MultiDiGraph:
    """The file dependency graph of ``root`` (see the module docstring for its shape).

    ``files`` are the inventory's records (their SHA-1 keys the facts cache); binary files are
    nodes without edges. ``include_dirs`` are the policy's include folders (relative to the
    root); ``compile_commands`` a ``compile_commands.json`` whose ``-I``/``-isystem``/
    ``-iquote`` flags resolve each file's includes. ``extra_edges`` come from other stages
    (copied code, IP-index references); their unknown ends become external nodes.
    ``use_cache=False`` neither reads nor writes the cache; ``jobs`` caps the worker processes
    of a cold run (default: up to 2). Raises :class:`~openesx_license.errors.UsageError` for an
    unusable ``compile_commands``.
    """
    started = time.perf_counter()
    root = Path(root)
    compile_db = load_compile_commands(compile_commands, root) if compile_commands else None
    graph = nx.MultiDiGraph()
    graph.graph["root"] = str(root)
    paths = set()
    for record in sorted(files, key=lambda r: r.path):
        owner = component_of(record.path)
        paths.add(record.path)
        graph.add_node(
            record.path,
            component=owner[0] if owner else None,
            component_class=owner[1] if owner else None,
            license=record.license_expression,
            kind=record.kind.value,
            external=False,
        )
    facts, facts_stats = collect_facts(
        root, files, cache_dir=cache_dir, use_cache=use_cache, jobs=jobs
    )
    resolver = IncludeResolver(paths, include_dirs=include_dirs, compile_db=compile_db)
    includes_of, unresolved = _add_include_edges(graph, facts, resolver, component_of)

    make_facts: dict[str, MakeFacts] = {p: f.make for p, f in facts.items() if f.make}
    meson_facts = {p: f.meson for p, f in facts.items() if f.meson}
    for edge in [*link_edges(make_facts, paths), *meson_link_edges(meson_facts, paths)]:
        graph.add_edge(
            edge.source,
            edge.target,
            kind="link",
            evidence=edge.evidence,
            symbol=edge.extras.get("library") or edge.extras.get("artefact"),
            gpl_only=False,
            external=False,
            **edge.extras,
        )

    symbol_edges, symbol_stats = link_symbols(facts, includes_of)
    for sym in symbol_edges:
        graph.add_edge(
            sym.source,
            sym.target,
            kind="symbol",
            evidence=sym.evidence,
            symbol=sym.symbol,
            gpl_only=sym.gpl_only,
            external=False,
            symbols=sym.symbols,
        )
    for path, exports in symbol_stats.exports.items():
        graph.nodes[path]["exports"] = dict(sorted(exports.items()))

    _add_import_edges(graph, facts, paths)

    for extra in extra_edges:
        for end in (extra.source, extra.target):
            if end not in graph:
                _external_node(graph, end, component_of)
        graph.add_edge(extra.source, extra.target, external=extra.external, **extra.attributes())

    kinds: Counter[str] = Counter(kind for _, _, kind in graph.edges(data="kind"))
    stats: dict[str, Any] = {
        "files": len(paths),
        "facts_files": facts_stats.files,
        "facts_cached": facts_stats.cached,
        "facts_read": facts_stats.read,
        "facts_skipped": facts_stats.skipped,
        "workers": facts_stats.workers,
        "edges": dict(sorted(kinds.items())),
        "unresolved_includes": unresolved,
        "symbol_uses_linked": symbol_stats.linked,
        "symbol_uses_ambiguous": symbol_stats.ambiguous,
        "symbol_uses_undeclared": symbol_stats.undeclared,
        "seconds": round(time.perf_counter() - started, 3),
    }
    graph.graph["stats"] = stats
    return graph
