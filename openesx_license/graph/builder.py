"""Building the file dependency graph of a tree.

The graph is a ``networkx.MultiDiGraph`` (attribute types: :mod:`.schema`):

* **nodes** are file paths (relative to the root, ``/``-separated) with the attributes
  ``component`` and ``component_class`` (from ``component_of``; None when unmapped),
  ``license`` (the record's concluded licence expression), ``kind`` (the inventory's file
  kind), ``external=False`` and, for files with ``EXPORT_SYMBOL`` lines, ``exports``
  (``{name: 'gpl' | 'plain'}``). External nodes stand for what the tree does not hold: an
  unresolved include (``<stdio.h>``, ``"config-host.h"``) or a reference of another stage
  (``ipindex:vmotion:vmotion_api.h``); they carry ``external=True`` and ``kind='external'``.
  An unresolved include belongs to no component (a policy glob such as ``"*"`` names files
  of the tree, not headers the build or the system provides); a reference of another stage
  gets the component ``component_of`` gives its name.
* **edges** go from the dependent file to what it depends on, one per dependency, with
  ``kind`` (include | link | symbol | import | copy), ``evidence`` (an
  :class:`~openesx_license.model.Evidence`: path, line and text of the line that proves it,
  in the *source* file), ``symbol``, ``gpl_only`` and ``external``, plus per kind:
  ``resolved_by`` (include), ``condition``/``artefact``/``library``/``subdir`` (link),
  ``symbols`` (symbol), ``module`` (import).

``graph.graph`` holds ``root``, ``stats`` (facts cached/read, edges per kind, unresolved
includes, ambiguous symbol uses) and ``errors`` (``{path: [message]}``: build files and
Python modules a reader could not read; the rest of the tree is read all the same).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.progress import StageProgress
from openesx_license._util.run import default_cache_dir
from openesx_license.graph.facts import FileFacts, reader_for
from openesx_license.graph.facts_cache import (
    FactsStats,
    collect_facts,
    facts_keys,
)
from openesx_license.graph.includes import IncludeResolver, load_compile_commands
from openesx_license.graph.parts import GraphParts, StaleSnapshot, compute_parts, update_parts
from openesx_license.graph.schema import external_node, file_node
from openesx_license.graph.snapshot import GraphSnapshots, paths_digest, slot_key
from openesx_license.model import DependencyEdge, Evidence, FileRecord

ComponentOf = Callable[[str], "tuple[str, str] | None"]


def no_component(path: str) -> tuple[str, str] | None:
    """The default ``component_of``: no file belongs to a component."""
    return None


def _external_node(graph: nx.MultiDiGraph, name: str, component_of: ComponentOf) -> None:
    if name in graph:
        return
    graph.add_node(name, **external_node(component_of(name)))


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
    executor: ExecutorSpec | None = None,
    progress: StageProgress | None = None,
) -> nx.MultiDiGraph:
    """The file dependency graph of ``root`` (see the module docstring for its shape).

    ``files`` are the inventory's records (their SHA-1 keys the facts cache); binary files are
    nodes without edges. ``include_dirs`` are the policy's include folders (relative to the
    root); ``compile_commands`` a ``compile_commands.json`` whose ``-I``/``-isystem``/
    ``-iquote`` flags resolve each file's includes. ``extra_edges`` come from other stages
    (copied code, IP-index references); their unknown ends become external nodes.
    ``use_cache=False`` neither reads nor writes the cache; ``jobs`` caps the worker processes
    of a cold run (default: up to 2); a Dask ``executor`` extracts the facts the cache lacks
    on its cluster (the graph itself is built here). ``progress`` gets the stages (reading
    files, resolving includes, linking symbols: each counts files; a build from the previous
    build's snapshot is one stage). Raises :class:`~openesx_license.errors.UsageError` for an
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
            record.path, **file_node(owner, record.license_expression, record.kind.value)
        )
    parts, facts_stats, reused = _graph_parts(
        root,
        files,
        paths,
        lambda build_dirs: IncludeResolver(
            paths, include_dirs=include_dirs, compile_db=compile_db, build_dirs=build_dirs
        ),
        snapshot_slot=slot_key(root, include_dirs, compile_commands),
        cache_dir=cache_dir,
        use_cache=use_cache,
        jobs=jobs,
        executor=executor,
        progress=progress,
    )
    if progress is not None:
        progress.stage("dependency graph: edges", len(paths))
    succ, pred = graph._succ, graph._pred

    def add(source: str, target: str, **attributes: Any) -> None:
        # what MultiDiGraph.add_edge does for two existing nodes (key: the number of edges
        # between them so far), without its per-edge overhead: 80k edges on every re-audit
        if source not in succ or target not in succ:
            graph.add_edge(source, target, **attributes)
            return
        keydict = succ[source].get(target)
        if keydict is None:
            keydict = succ[source][target] = pred[target][source] = {}
        keydict[len(keydict)] = attributes

    unresolved = 0
    for path in sorted(parts.includes):
        for target, external, line, text, how in parts.includes[path]:
            if external:
                # an unresolved include (<stdio.h>, a build-generated "config.h") is no file
                # of the tree: it belongs to no component, even under a catch-all glob
                unresolved += 1
                _external_node(graph, target, no_component)
            add(
                path,
                target,
                kind="include",
                evidence=Evidence(path=path, line=line, text=text, kind="include"),
                symbol=None,
                gpl_only=False,
                external=external,
                resolved_by=how,
            )
    for edge in parts.links:
        add(
            edge.source,
            edge.target,
            kind=edge.evidence.kind,  # 'link', or 'import' for a Rust use of a crate
            evidence=edge.evidence,
            symbol=edge.extras.get("library")
            or edge.extras.get("artefact")
            or edge.extras.get("module"),
            gpl_only=False,
            external=False,
            **edge.extras,
        )
    linked = ambiguous = undeclared = 0
    for path in sorted(parts.symbols):
        result = parts.symbols[path]
        linked += result.linked
        ambiguous += result.ambiguous
        undeclared += result.undeclared
        for sym in result.edges:
            add(
                sym.source,
                sym.target,
                kind="symbol",
                evidence=sym.evidence,
                symbol=sym.symbol,
                gpl_only=sym.gpl_only,
                external=False,
                symbols=sym.symbols,
            )
    for path in sorted(parts.exports):
        graph.nodes[path]["exports"] = dict(sorted(parts.exports[path].items()))
    for path in sorted(parts.imports):
        for target, module, line, text in parts.imports[path]:
            add(
                path,
                target,
                kind="import",
                evidence=Evidence(path=path, line=line, text=text, kind="import"),
                symbol=module,
                gpl_only=False,
                external=False,
                module=module,
            )

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
        "snapshot": reused,
        "edges": dict(sorted(kinds.items())),
        "unresolved_includes": unresolved,
        "symbol_uses_linked": linked,
        "symbol_uses_ambiguous": ambiguous,
        "symbol_uses_undeclared": undeclared,
        "seconds": round(time.perf_counter() - started, 3),
    }
    graph.graph["stats"] = stats
    #: what the readers could not read (a malformed CMakeLists.txt or Cargo.toml), per file
    graph.graph["errors"] = {path: list(msgs) for path, msgs in sorted(parts.errors.items())}
    return graph


def _graph_parts(
    root: Path,
    files: Sequence[FileRecord],
    paths: set[str],
    resolver: Callable[[dict[str, tuple[str, ...]]], IncludeResolver],
    *,
    snapshot_slot: str,
    cache_dir: Path | None,
    use_cache: bool,
    jobs: int | None,
    executor: ExecutorSpec | None,
    progress: StageProgress | None = None,
) -> tuple[GraphParts, FactsStats, bool]:
    """The graph's parts: updated from the previous build's snapshot when there is one for
    the same paths (see :mod:`.parts`), else computed from every file's facts. The third
    value says whether a snapshot was used."""
    records = {r.path: r for r in files}
    keys = facts_keys(files)
    snapshots = None
    if use_cache and keys is not None:
        snapshots = GraphSnapshots(cache_dir or default_cache_dir(), snapshot_slot)
    try:
        digest = paths_digest(paths)
        if progress is not None and snapshots is not None:
            progress.stage("dependency graph: from the last build", len(paths))
        old = snapshots.load(digest) if snapshots is not None else None
        if progress is not None and snapshots is not None and old is None:
            progress.discard()  # no snapshot: the stages of a full build follow
        if old is not None and keys is not None:
            loaded: list[FactsStats] = []

            def load(wanted: Collection[str]) -> dict[str, FileFacts]:
                chosen = [records[p] for p in sorted(wanted)]
                facts, stats = collect_facts(
                    root, chosen, cache_dir=cache_dir, use_cache=use_cache, jobs=jobs,
                    executor=executor,
                )  # fmt: skip
                loaded.append(stats)
                return facts

            try:
                parts, _ = update_parts(old, keys, paths, resolver, load)
            except StaleSnapshot:
                old = None
                if progress is not None:
                    progress.discard()
            else:
                read = sum(s.read for s in loaded)
                readable = sum(1 for r in files if reader_for(r.path) is not None)
                stats = FactsStats(
                    files=readable,
                    cached=len(keys) - read,
                    read=read,
                    skipped=readable - len(keys),
                    workers=max((s.workers for s in loaded), default=1),
                )
                if parts is not old and snapshots is not None:
                    snapshots.save(parts, digest)
                return parts, stats, True
        facts, stats = collect_facts(
            root,
            files,
            cache_dir=cache_dir,
            use_cache=use_cache,
            jobs=jobs,
            executor=executor,
            progress=progress,
        )
        parts = compute_parts(facts, keys or {}, paths, resolver, progress=progress)
        if snapshots is not None:
            snapshots.save(parts, digest)
        return parts, stats, False
    finally:
        if snapshots is not None:
            snapshots.close()
